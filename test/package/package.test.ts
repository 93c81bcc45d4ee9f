// Packaging quality over the built dist/ (npm test builds before vitest runs): publint,
// @arethetypeswrong/cli on the packed tarball, the size-limit regression ceiling and the size
// report beside the peers, and the weight budgets of the tarball and of an install.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sizeReport } from '../../scripts/size-report.mjs';
import { pack, packedApp, run, tarballFiles } from './packed-app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('package', () => {
  it('passes publint, attw --pack and size-limit', () => {
    const result = spawnSync(process.execPath, ['scripts/check-package.mjs'], { cwd: root, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toMatch(/ok {3}publint[\s\S]*ok {3}attw --pack[\s\S]*ok {3}size-limit/);
    expect(result.status).toBe(0);
  }, 120_000);

  it('lets a bundler drop the modules an app does not import (QR encoder, scrypt, lifecycle)', async () => {
    const result = await build({
      stdin: { contents: "export { generateTotp, verifyTotp } from './dist/index.js';", resolveDir: root },
      bundle: true,
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(
      result.metafile.outputs['<stdout>']?.inputs ?? Object.values(result.metafile.outputs)[0]!.inputs,
    );
    expect(inputs.filter((path) => path.startsWith('dist/')).length).toBeGreaterThan(1);
    expect(result.outputFiles[0]!.text).toMatch(/generateTotp|verifyTotp/);
    expect(inputs.filter((path) => /qrcode-svg|scrypt|lifecycle|backup/.test(path))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/QRCode|createTwoFactor/);
  });

  it('an app using authenticator apps only bundles none of the delivered-code module; one that registers it does', async () => {
    const bundle = async (contents: string) =>
      (
        await build({
          stdin: { contents, resolveDir: root },
          bundle: true,
          format: 'esm',
          write: false,
          logLevel: 'silent',
        })
      ).outputFiles[0]!.text;
    const deliveredOnly = /approval-token|maskDestination|nextSendChannel|VOICE_FALLBACK_ONLY/;
    const totpOnly = await bundle("export { createTwoFactor, MemoryStore } from './dist/index.js';");
    expect(totpOnly).toMatch(/function createTwoFactor/);
    expect(totpOnly).not.toMatch(deliveredOnly);
    const withDelivered = await bundle(
      "export { createTwoFactor, MemoryStore } from './dist/index.js'; export { deliveredCodes } from './dist/delivered.js';",
    );
    expect(withDelivered).toMatch(deliveredOnly);
  });

  it('reports the core beside the peers, measured one way, and at most 1.25x otpauth', async () => {
    const report = await sizeReport();
    const size = (name: string) => report.find((s) => s.name === name)!.gzipBytes;
    const core = size('factorkit core (SHA1, SHA256, SHA512)');
    // Issue 13 set the core entry at no more than otpauth's, measured the same way (9.86 kB
    // against 10.33 kB). Issue 19 put the lenient parser behind parseOtpauthUri's `lenient`
    // option, so the entry, which imports parseOtpauthUri, now carries it (12.28 kB, 1.19x);
    // an app that never parses URIs does not (docs/performance.md).
    expect(core).toBeLessThanOrEqual(1.25 * size('otpauth (HOTP, TOTP, URI, Secret)'));
    expect(core).toBeGreaterThan(1000); // a real bundle, not an empty entry
    expect(size('otplib (generate/verify sync+async, generateURI, @otplib/uri parse)')).toBeGreaterThan(1000);
  }, 120_000);
});

/** Bytes of the files under `path`, following symbolic links (an install's dependencies are links here). */
function bytesUnder(path: string, seen = new Set<string>()): number {
  const real = realpathSync(path);
  if (seen.has(real)) return 0;
  seen.add(real);
  const stat = statSync(real);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(real).reduce((sum, name) => sum + bytesUnder(join(real, name), seen), 0);
}

// Issue 24's budgets: the tarball was 1.1 MB (68 % source maps) and an install 11.7 MB.
// docs/performance.md puts them beside otplib and otpauth, measured the same way. The tarball's
// budget was 400 kB until 2026-12-08, when the backup-code binding and the typed refusals found by
// fuzzing took it to 400.4 kB (after the ES module build's syntax was minified too; whitespace and
// names are kept so stack traces read without maps). The same tree packs 1 kB apart from build
// to build (esbuild's content-hashed chunk names change the tar's order and what gzip matches),
// so a budget at the edge would fail at random: 405 kB.
describe('weight', () => {
  it('the tarball is at most 405 kB, and ships no source map without the sources it points to', () => {
    const tarball = pack(root, { ignoreScripts: true });
    const unpacked = mkdtempSync(join(tmpdir(), 'factorkit-unpacked-'));
    try {
      expect(statSync(tarball).size).toBeLessThanOrEqual(405_000);
      const files = tarballFiles(tarball);
      expect(files.filter((file) => file.includes('metafile'))).toEqual([]);
      run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], root);
      for (const map of files.filter((file) => file.endsWith('.map'))) {
        const { sources, sourcesContent } = JSON.parse(readFileSync(join(unpacked, map), 'utf8'));
        for (const [i, source] of (sources as string[]).entries()) {
          expect(sourcesContent?.[i], `${map}: ${source}`).toEqual(expect.any(String));
        }
      }
    } finally {
      rmSync(dirname(tarball), { recursive: true, force: true });
      rmSync(unpacked, { recursive: true, force: true });
    }
  });

  it('an install of the tarball, with its dependencies, is at most 6 MB', () => {
    const app = packedApp();
    try {
      const modules = join(app.dir, 'node_modules');
      const installed = readdirSync(modules).flatMap((name) =>
        name.startsWith('@') ? readdirSync(join(modules, name)).map((scoped) => `${name}/${scoped}`) : [name],
      );
      expect(installed).toEqual(
        expect.arrayContaining(['factorkit', '@noble/hashes', 'fast-png', 'fflate', 'qrcode-svg']),
      );
      expect(installed.every((name) => lstatSync(join(modules, name)).isSymbolicLink() || name === 'factorkit')).toBe(
        true,
      );
      expect(bytesUnder(modules)).toBeLessThanOrEqual(6_000_000);
    } finally {
      app.remove();
    }
  });
});

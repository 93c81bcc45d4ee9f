// Packaging quality over the built dist/ (npm test builds before vitest runs): publint,
// @arethetypeswrong/cli on the packed tarball, the size-limit regression ceiling and the size
// report beside the peers.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { sizeReport } from '../../scripts/size-report.mjs';

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

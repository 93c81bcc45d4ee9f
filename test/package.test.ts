// Packaging quality over the built dist/ (npm test builds before vitest runs): publint,
// @arethetypeswrong/cli on the packed tarball, and the size-limit budget.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

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
    const inputs = Object.keys(result.metafile.outputs['<stdout>']?.inputs ?? Object.values(result.metafile.outputs)[0]!.inputs);
    expect(inputs.filter((path) => path.startsWith('dist/')).length).toBeGreaterThan(1);
    expect(result.outputFiles[0]!.text).toMatch(/generateTotp|verifyTotp/);
    expect(inputs.filter((path) => /qrcode-svg|scrypt|lifecycle|backup/.test(path))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/QRCode|createTwoFactor/);
  });
});

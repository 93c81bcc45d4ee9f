// Tests the BUILT package (`npm test` runs the build first), the way users load it: ESM
// `import` and CommonJS `require`, each with its own type declarations.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RFC4226_SECRET_BASE32, RFC6238_SECRETS } from '../support/vectors.js';

const dist = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

interface CoreApi {
  generateHotp(secret: string | Uint8Array, counter: number): string;
  generateTotp(secret: string | Uint8Array, options: { time: number; digits: number; algorithm: string }): string;
  verifyTotp(
    code: string,
    secret: string | Uint8Array,
    options: { time: number; digits: number; algorithm: string },
  ): unknown;
  decodeBase32(text: string): Uint8Array;
  isFactorkitError(error: unknown, code?: string): boolean;
}

function checkApi(api: CoreApi): void {
  // RFC 4226 Appendix D count 0 and RFC 6238 Appendix B SHA512 at T = 20000000000.
  expect(api.generateHotp(RFC4226_SECRET_BASE32, 0)).toBe('755224');
  const options = { time: 20_000_000_000_000, digits: 8, algorithm: 'SHA512' };
  expect(api.generateTotp(RFC6238_SECRETS.SHA512, options)).toBe('47863826');
  expect(api.verifyTotp('47863826', RFC6238_SECRETS.SHA512, options)).toEqual({
    valid: true,
    step: 0x27bc86aa,
    delta: 0,
  });
  let thrown: unknown;
  try {
    api.decodeBase32('MZX');
  } catch (error) {
    thrown = error;
  }
  expect(api.isFactorkitError(thrown, 'INVALID_BASE32')).toBe(true);
}

describe('built dist', () => {
  it('has ESM, CJS and separate type declarations for each', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      expect(existsSync(dist(file)), `dist/${file}`).toBe(true);
    }
  });

  it('loads with import() and computes RFC vectors', async () => {
    const api = (await import(/* @vite-ignore */ dist('index.js'))) as CoreApi;
    checkApi(api);
  });

  it('loads with require() and computes RFC vectors', () => {
    const require = createRequire(import.meta.url);
    const api = require(dist('index.cjs')) as CoreApi;
    checkApi(api);
  });

  // Vitest transforms what it imports; plain Node must load the files too, by both loaders.
  it('plain Node loads both builds natively', () => {
    const esm = `import { generateHotp } from ${JSON.stringify(pathToFileURL(dist('index.js')).href)};
console.log(generateHotp(${JSON.stringify(RFC4226_SECRET_BASE32)}, 1));`;
    expect(execFileSync(process.execPath, ['--input-type=module', '--eval', esm], { encoding: 'utf8' }).trim()).toBe(
      '287082',
    );
    const cjs = `const { generateHotp } = require(${JSON.stringify(dist('index.cjs'))});
console.log(generateHotp(${JSON.stringify(RFC4226_SECRET_BASE32)}, 2));`;
    expect(execFileSync(process.execPath, ['--input-type=commonjs', '--eval', cjs], { encoding: 'utf8' }).trim()).toBe(
      '359152',
    );
  });
});

// Bundle sizes, measured by scripts/bundle-size.mjs: size-limit's own esbuild + gzip -9
// measurement, the one `npm run size` enforces the budget with. factorkit is measured on the
// built dist/ (`npm run bench` builds first), exactly what the budget checks; only the SHA-2
// stubbed row comes from src/, where the hashes are modules of their own. Peers come from their
// published files, resolved as an app's bundler would (browser conditions).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { CORE_EXPORTS, bundleSize } from '../scripts/bundle-size.mjs';
import { base32DecodeAsEsm, stubSha2 } from '../scripts/esbuild-plugins.mjs';

export interface BundleSize {
  name: string;
  /** module -> what is imported from it, as in size-limit's `import` option */
  imports: Record<string, string>;
  minifiedBytes: number;
  gzipBytes: number;
}

// The budget's core entry (scripts/core-exports.json): generate, verify, base32, Key URIs.
const CORE = `{ ${CORE_EXPORTS.join(', ')} }`;
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const SRC = fileURLToPath(new URL('../src/index.ts', import.meta.url));

const ENTRIES: { name: string; imports: Record<string, string>; plugins?: Plugin[] }[] = [
  { name: 'factorkit core (SHA1, SHA256, SHA512)', imports: { [DIST]: CORE } },
  {
    name: 'factorkit core, SHA-2 stubbed (what SHA1 only weighs)',
    imports: { [SRC]: CORE },
    plugins: [stubSha2, base32DecodeAsEsm],
  },
  { name: 'otpauth (HOTP, TOTP, URI, Secret)', imports: { otpauth: '{ HOTP, TOTP, URI, Secret }' } },
  {
    name: 'otplib (generate/verify sync+async, generateURI, @otplib/uri parse)',
    imports: {
      otplib: '{ generate, verify, generateSync, verifySync, generateURI }',
      '@otplib/uri': '{ parse }',
    },
  },
  { name: '@oslojs/otp (TOTP/HOTP, key URIs; SHA1 only, no parser)', imports: { '@oslojs/otp': '*' } },
];

export async function measureBundleSizes(): Promise<BundleSize[]> {
  if (!existsSync(DIST)) throw new Error('bench/size.ts measures dist/: run `npm run build` first');
  const sizes: BundleSize[] = [];
  for (const { name, imports, plugins } of ENTRIES) {
    sizes.push({ name, imports, ...(await bundleSize(imports, plugins)) });
  }
  return sizes;
}

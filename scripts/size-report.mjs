// Bundle sizes of factorkit's core beside the peers it replaces: the one list of subjects, used
// by `npm run size:report` and by the benchmark (`npm run bench`). Every size is measured one
// way (scripts/bundle-size.mjs: size-limit's own esbuild + gzip measurement), the way
// `npm run size` checks the regression ceiling in .size-limit.cjs. factorkit is measured on
// the built dist/; the peers come from their published files.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORE_EXPORTS, bundleSize } from './bundle-size.mjs';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const DELIVERED = fileURLToPath(new URL('../dist/delivered.js', import.meta.url));
const CORE = `{ ${CORE_EXPORTS.join(', ')} }`;

/** The subject of issue 23's bundle target. */
export const LIFECYCLE_TOTP_ONLY = 'factorkit lifecycle, authenticator apps only (createTwoFactor, MemoryStore)';

export const SUBJECTS = [
  { name: 'factorkit core (SHA1, SHA256, SHA512)', imports: { [DIST]: CORE } },
  { name: 'otpauth (HOTP, TOTP, URI, Secret)', imports: { otpauth: '{ HOTP, TOTP, URI, Secret }' } },
  {
    name: 'otplib (generate/verify sync+async, generateURI, @otplib/uri parse)',
    imports: {
      otplib: '{ generate, verify, generateSync, verifySync, generateURI }',
      '@otplib/uri': '{ parse }',
    },
  },
  { name: '@oslojs/otp (TOTP/HOTP, key URIs; SHA1 only, no parser)', imports: { '@oslojs/otp': '*' } },
  // Issue 23: an app that uses authenticator apps only must not bundle delivered codes.
  { name: LIFECYCLE_TOTP_ONLY, imports: { [DIST]: '{ createTwoFactor, MemoryStore }' } },
  {
    name: 'factorkit lifecycle with delivered codes (+ deliveredCodes)',
    imports: { [DIST]: '{ createTwoFactor, MemoryStore }', [DELIVERED]: '{ deliveredCodes }' },
  },
];

export async function sizeReport() {
  if (!existsSync(DIST)) throw new Error('the size report measures dist/: run `npm run build` first');
  const sizes = [];
  for (const { name, imports } of SUBJECTS) {
    sizes.push({ name, imports, ...(await bundleSize(imports)) });
  }
  return sizes;
}

export function formatSizes(sizes) {
  const width = Math.max(...sizes.map((s) => s.name.length));
  return sizes.map(
    (s) =>
      `${s.name.padEnd(width)}  ${(s.minifiedBytes / 1000).toFixed(2).padStart(6)} kB min  ${(s.gzipBytes / 1000).toFixed(2).padStart(5)} kB gzip`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`core entry: ${CORE_EXPORTS.join(', ')}`);
  for (const line of formatSizes(await sizeReport())) console.log(line);
}

// Bundle sizes of factorkit's core beside the peers it replaces, all measured one way
// (scripts/bundle-size.mjs: size-limit's own esbuild + gzip measurement). `npm run size`
// enforces the budget from .size-limit.cjs; this script only reports, including the SHA1-only
// figure (SHA-256/512 stubbed out, scripts/esbuild-plugins.mjs), which tells how much the two SHA-2 hashes cost.
import { fileURLToPath } from 'node:url';
import { base32DecodeAsEsm, stubSha2 } from './esbuild-plugins.mjs';
import { CORE_EXPORTS, bundleSize } from './bundle-size.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function sizeReport() {
  const core = `{ ${CORE_EXPORTS.join(', ')} }`;
  return {
    'factorkit core (SHA1+SHA256+SHA512), dist/': await bundleSize({ [`${root}dist/index.js`]: core }),
    'factorkit core, SHA1 only (SHA-2 stubbed, src/)': await bundleSize({ [`${root}src/index.ts`]: core }, [
      stubSha2,
      base32DecodeAsEsm,
    ]),
    'otpauth (HOTP, TOTP, URI, Secret)': await bundleSize({ otpauth: '{ HOTP, TOTP, URI, Secret }' }),
    'otplib (generate, verify, generateSecret, generateURI)': await bundleSize({
      otplib: '{ generate, verify, generateSecret, generateURI }',
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await sizeReport();
  console.log(`core entry: ${CORE_EXPORTS.join(', ')}`);
  for (const [name, { minifiedBytes, gzipBytes }] of Object.entries(report)) {
    console.log(
      `${name.padEnd(56)} ${(minifiedBytes / 1000).toFixed(2).padStart(6)} kB min  ${(gzipBytes / 1000).toFixed(2).padStart(5)} kB gzip`,
    );
  }
}

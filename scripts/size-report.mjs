// Bundle sizes measured the way size-limit's esbuild plugin does (esbuild, minified, ESM,
// every dependency bundled) plus gzip, for factorkit's core and for the peers it replaces.
// `npm run size` enforces the budget from .size-limit.cjs; this script only reports, including
// the SHA1-only figure (SHA-256/512 stubbed out), which tells how much the two SHA-2 hashes cost.
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { base32DecodeAsEsm } from './esbuild-plugins.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasUri = existsSync(`${root}src/uri.ts`);
const core = [
  'generateSecret', 'generateTotp', 'verifyTotp', 'generateHotp', 'verifyHotp', 'encodeBase32', 'decodeBase32',
  ...(hasUri ? ['buildOtpauthUri', 'parseOtpauthUri'] : []),
];

// Replaces the SHA-256 and SHA-512 modules by empty stand-ins: what a SHA1-only build would
// weigh. Measured from the sources (the ESM build keeps the same module boundaries, and the
// full core measures the same from src/ as from dist/).
const stubSha2 = {
  name: 'stub-sha2',
  setup(b) {
    b.onResolve({ filter: /^\.\/_sha(256|512)\.js$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export const SHA256 = undefined, SHA512 = undefined;',
    }));
  },
};

async function measure(source, plugins = []) {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true, minify: true, format: 'esm', write: false, platform: 'browser', plugins, logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

export async function sizeReport() {
  const coreImport = `export { ${core.join(', ')} } from './dist/index.js';`;
  return {
    'factorkit core (SHA1+SHA256+SHA512)': await measure(coreImport),
    'factorkit core from src/': await measure(coreImport.replace('./dist/index.js', './src/index.ts'), [
      base32DecodeAsEsm,
    ]),
    'factorkit core, SHA1 only (SHA-2 stubbed, from src/)': await measure(
      coreImport.replace('./dist/index.js', './src/index.ts'),
      [stubSha2, base32DecodeAsEsm],
    ),
    'otpauth (HOTP, TOTP, URI, Secret)': await measure("export { HOTP, TOTP, URI, Secret } from 'otpauth';"),
    'otplib (generate, verify, generateSecret, generateURI)': await measure(
      "export { generate, verify, generateSecret, generateURI } from 'otplib';",
    ),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await sizeReport();
  console.log(`core entry: ${core.join(', ')}`);
  for (const [name, { minified, gzip }] of Object.entries(report)) {
    console.log(`${name.padEnd(56)} ${(minified / 1000).toFixed(2).padStart(6)} kB min  ${(gzip / 1000).toFixed(2).padStart(5)} kB gzip`);
  }
}

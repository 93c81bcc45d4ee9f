// Bundle sizes measured the way size-limit's esbuild plugin does (esbuild, minified, ESM,
// every dependency bundled) plus gzip, for factorkit's core and for the peers it replaces.
// `npm run size` enforces the budget from .size-limit.json; this script only reports, including
// the SHA1-only figure (SHA-256/512 stubbed out), which tells how much the two SHA-2 hashes cost.
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const hasUri = existsSync(`${root}src/uri.ts`);
const core = [
  'generateSecret', 'generateTotp', 'verifyTotp', 'generateHotp', 'verifyHotp', 'encodeBase32', 'decodeBase32',
  ...(hasUri ? ['buildOtpauthUri', 'parseOtpauthUri'] : []),
];

// Replaces '@noble/hashes/sha2.js' by throwing stubs: what a SHA1-only build would weigh.
const stubSha2 = {
  name: 'stub-sha2',
  setup(b) {
    b.onResolve({ filter: /^@noble\/hashes\/sha2(\.js)?$/ }, () => ({ path: 'sha2-stub', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'const no = () => { throw new Error("stub") }; export const sha256 = no, sha512 = no;',
    }));
  },
};

async function measure(source, plugins = []) {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    bundle: true, minify: true, format: 'esm', write: false, platform: 'browser', plugins, logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

export async function sizeReport() {
  const coreImport = `export { ${core.join(', ')} } from './dist/index.js';`;
  return {
    'factorkit core (SHA1+SHA256+SHA512)': await measure(coreImport),
    'factorkit core, SHA1 only (SHA-2 stubbed)': await measure(coreImport, [stubSha2]),
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

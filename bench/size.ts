// Bundle sizes, measured as size-limit's esbuild plugin does: esbuild bundles the named exports
// with every dependency, minified ESM for the browser, then gzip -9 (zlib). factorkit is
// bundled from src/ (same code tsup ships, no build needed); peers from their published files.
// scripts/size-report.mjs measures the built dist/ the same way for the size budget.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { base32DecodeAsEsm } from '../scripts/esbuild-plugins.mjs';

export interface BundleSize {
  name: string;
  entry: string;
  minifiedBytes: number;
  gzipBytes: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));

const FACTORKIT_CORE =
  "export { generateTotp, verifyTotp, generateHotp, verifyHotp, buildOtpauthUri, parseOtpauthUri } from './src/index.ts';";

/**
 * factorkit picks the hash from a runtime table, so SHA-256/512 cannot be tree-shaken away;
 * stubbing them shows what a SHA1-only build would weigh (what they cost), not a real entry.
 */
const stubSha2: Plugin = {
  name: 'stub-sha2',
  setup(b) {
    b.onResolve({ filter: /^\.\/_sha(256|512)\.js$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export const SHA256 = undefined, SHA512 = undefined;',
    }));
  },
};

const ENTRIES: { name: string; entry: string; plugins?: Plugin[] }[] = [
  { name: 'factorkit core (SHA1, SHA256, SHA512)', entry: FACTORKIT_CORE, plugins: [base32DecodeAsEsm] },
  {
    name: 'factorkit core, SHA-2 stubbed (SHA1 only)',
    entry: FACTORKIT_CORE,
    plugins: [stubSha2, base32DecodeAsEsm],
  },
  { name: 'otpauth (HOTP, TOTP, URI, Secret)', entry: "export { HOTP, TOTP, URI, Secret } from 'otpauth';" },
  {
    name: 'otplib (generate/verify sync+async, generateURI, @otplib/uri parse)',
    entry:
      "export { generate, verify, generateSync, verifySync, generateURI } from 'otplib'; export { parse } from '@otplib/uri';",
  },
  {
    name: '@oslojs/otp (TOTP/HOTP, key URIs; SHA1 only, no parser)',
    entry: "export * from '@oslojs/otp';",
  },
];

async function measure(entry: string, plugins: Plugin[] = []): Promise<{ minifiedBytes: number; gzipBytes: number }> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    plugins,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  return { minifiedBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

export async function measureBundleSizes(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const { name, entry, plugins } of ENTRIES) {
    sizes.push({ name, entry, ...(await measure(entry, plugins)) });
  }
  return sizes;
}

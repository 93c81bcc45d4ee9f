// esbuild plugins shared by the build (tsup.config.ts) and the size measurements
// (bench/size.ts, scripts/size-report.mjs), so that what is measured is what is shipped.
import { readFileSync } from 'node:fs';

/**
 * base32-decode 1.0 is CommonJS (`module.exports = fn`), so every app bundler that reaches it
 * wraps it in CommonJS interop helpers (about 0.26 KB gzip, a quarter of the base32 cost). We
 * bundle its unchanged source as an ES module instead: same code, no interop, for every
 * consumer. Its MIT licence ships in THIRD_PARTY_LICENSES.md.
 *
 * @type {import('esbuild').Plugin}
 */
export const base32DecodeAsEsm = {
  name: 'base32-decode-as-esm',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]base32-decode[\\/]index\.js$/ }, ({ path }) => ({
      contents: `const module = { exports: {} };\n${readFileSync(path, 'utf8')}\nexport default module.exports;\n`,
      loader: 'js',
    }));
  },
};

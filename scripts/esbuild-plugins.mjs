// esbuild plugins shared by the build (tsup.config.ts) and the size measurements
// (scripts/size-report.mjs), so that what is measured is what is shipped.
import { readFileSync } from 'node:fs';

/**
 * base32-decode 1.0 is CommonJS (`module.exports = fn`), so every app bundler that reaches it
 * wraps it in CommonJS interop helpers (about 0.26 KB gzip, a quarter of the base32 cost). We
 * bundle its source as an ES module instead, its one `module.exports = function` turned into
 * `export default function`: same code, no interop and no module shim, for every consumer.
 * Its MIT licence ships in THIRD_PARTY_LICENSES.md.
 *
 * @type {import('esbuild').Plugin}
 */
export const base32DecodeAsEsm = {
  name: 'base32-decode-as-esm',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]base32-decode[\\/]index\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      // Its only export is `module.exports = function base32Decode (...)`; make it the default
      // export. Any other shape (a new version) fails the build rather than shipping half-converted.
      const exported = source.split('module.exports = function').length - 1;
      if (exported !== 1 || source.includes('require(')) {
        throw new Error(`${path}: unexpected shape for base32-decode, update scripts/esbuild-plugins.mjs`);
      }
      return { contents: source.replace('module.exports = function', 'export default function'), loader: 'js' };
    });
  },
};

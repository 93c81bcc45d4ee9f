// One way to measure a bundle, for the size report (scripts/size-report.mjs, which the
// benchmark prints too): size-limit's own esbuild and file plugins, the very code that
// `npm run size` checks the ceiling with, so no report can disagree with it. An entry
// imports the named exports and uses them; esbuild bundles it with every dependency, minified;
// size-limit gzips at level 9 and takes off what an empty entry weighs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sizeLimit from 'size-limit';
import esbuildPlugin from '@size-limit/esbuild';
import filePlugin from '@size-limit/file';

/** The core entry compared with the peers; .size-limit.cjs reads the same list. */
export const CORE_EXPORTS = JSON.parse(readFileSync(new URL('./core-exports.json', import.meta.url), 'utf8'));

// The generated entry lives in a temporary directory: bare specifiers (the peers) resolve from
// this repository's node_modules, the way an app's bundler would find them (browser conditions).
const nodeModules = fileURLToPath(new URL('../node_modules', import.meta.url));

/**
 * @param {Record<string, string>} imports - absolute path or package name -> what to import
 *   from it, `'{ a, b }'` or `'*'`, as in size-limit's `import` option
 * @returns {Promise<{ minifiedBytes: number, gzipBytes: number }>}
 */
export async function bundleSize(imports) {
  const check = (gzip) => ({
    files: Object.keys(imports), // replaced by size-limit with the generated entry
    import: imports,
    gzip,
    brotli: false,
    modifyEsbuildConfig: (config) => ({ ...config, nodePaths: [nodeModules], logLevel: 'silent' }),
  });
  const [minified, gzipped] = await sizeLimit([esbuildPlugin, filePlugin], {
    checks: [check(false), check(true)],
  });
  return { minifiedBytes: minified.size, gzipBytes: gzipped.size };
}

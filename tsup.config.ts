import { readdirSync, readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { ENTRIES, ESM_ONLY } from './scripts/entries.mjs';
import { base32DecodeAsEsm } from './scripts/esbuild-plugins.mjs';

/**
 * A module with no code of its own: only types, or a barrel that re-exports other modules. As
 * compiled by esbuild, it is then nothing but imports and `export { ... }` lists.
 */
const hasNoCode = (path: string): boolean =>
  transformSync(readFileSync(path, 'utf8'), { loader: 'ts', format: 'esm' })
    .code.replace(/(?:export|import)\s[^;]*?\bfrom\s*"[^"]*";/g, '')
    .replace(/export\s*\{[^}]*\};/g, '')
    .trim() === '';

// Every source module with code is also an ESM entry (under dist/lib/, not exported), so the ESM
// build keeps one file per module and an app's bundler drops whole modules it never reaches
// (sideEffects: false). Without it, code splitting merges the core, the lifecycle and the QR
// encoder (with its CommonJS dependency) into one chunk that cannot be tree-shaken. Modules
// without code (types, barrels) are left out: they only made empty chunks, one Rollup warning
// each.
const modules = Object.fromEntries(
  (readdirSync('src', { recursive: true }) as string[])
    .filter((path) => path.endsWith('.ts') && !hasNoCode(`src/${path}`))
    .map((path) => [`lib/${path.slice(0, -3)}`, `src/${path}`]),
);

/**
 * Runtime dependencies published as ES modules only. `require()` cannot load them on a Node
 * without require(esm) (Node before 20.19, or with `--no-experimental-require-module`) nor under
 * CommonJS loaders such as tsx's for `.cts` files, so the CommonJS build carries its own copy;
 * the ESM build imports them, so an app's bundler dedupes them with its own. Their licences are
 * in THIRD_PARTY_LICENSES.md. to-data-view comes in through base32-encode, iobuffer and fflate
 * through fast-png (tsup bundles what is not a direct dependency, so a strict node_modules layout
 * never has to resolve them from dist/).
 * `test/package/cjs.test.ts` requires every .cjs file with require(esm) turned off.
 */
const esmOnlyDependencies = [
  '@noble/ciphers',
  '@noble/hashes',
  'base32-encode',
  'to-data-view',
  'fast-png',
  'iobuffer',
];

const shared = {
  // Every public entry point (scripts/entries.mjs reads them from tsconfig.json's paths).
  entry: Object.fromEntries(ENTRIES),

  // factorkit/testing registers vitest suites; vitest is the user's (an optional peer), never bundled.
  external: ['vitest'],
  // dist/metafile-{esm,cjs}.json: which packages each build bundled (test/package/licenses.test.ts
  // checks THIRD_PARTY_LICENSES.md against them); not published (package.json "files").
  metafile: true,
  esbuildPlugins: [base32DecodeAsEsm],
  dts: true,
  // No source maps: a map is only worth shipping with the sources it points to (sourcesContent),
  // and those tripled the tarball (1.1 MB, 68 % maps). The ES module build keeps its whitespace,
  // its comments naming each source module and every name, and one chunk per source module, so
  // stack traces read without maps; only its redundant syntax is minified (see below), as is the
  // CommonJS build's, which also loses its whitespace. The dist/lib/ entries only make esbuild split one chunk per
  // module: nothing imports them, and package.json's "files" leaves them out of the tarball.
  sourcemap: false,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  // Text as written, not as \uXXXX escapes: the messages' Cyrillic took three times its UTF-8
  // bytes escaped. Every runtime reads a module as UTF-8.
  esbuildOptions(options) {
    options.charset = 'utf8';
  },
} satisfies Options;

// Two configs that tsup builds at the same time into dist/: each cleans only its own files
// (tsup's `clean` patterns are globs under dist/, `!` keeps), so neither deletes the other's.
export default defineConfig([
  {
    ...shared,
    format: 'esm',
    // base32-decode is CommonJS; bundling it as an ES module spares every app the interop
    // helpers (scripts/esbuild-plugins.mjs). @bufbuild/protobuf is bundled in both builds:
    // factorkit uses only its wire format (@bufbuild/protobuf/wire, 28 kB unminified in dist/),
    // while the package installs its whole runtime twice (ESM and CommonJS), 2.1 MB of a 6.2 MB
    // install.
    noExternal: ['base32-decode', '@bufbuild/protobuf'],
    clean: ['!**/*.cjs'],
    esbuildOptions(options) {
      shared.esbuildOptions(options);
      // `let` for `const`, fewer braces and `void 0`: 2.4 kB of the tarball, whose budget (400 kB,
      // issue 24) the backup-code binding and the typed refusals found by fuzzing had broken by 1.3 kB.
      options.minifySyntax = true;
      options.entryPoints = { ...(options.entryPoints as Record<string, string>), ...modules };
    },
  },
  {
    ...shared,
    // factorkit/testing is ES modules only: it registers vitest suites, and vitest has no
    // CommonJS entry that loads (its `require` export throws by design), so a CommonJS copy of
    // the conformance suites (27 kB of the tarball) could never run. The web half is ES modules
    // only too (scripts/entries.mjs, ESM_ONLY).
    entry: Object.fromEntries(ENTRIES.filter(([name]) => !ESM_ONLY.has(name))),
    format: 'cjs',
    // The CommonJS entries share their code through chunk-*.cjs files instead of each carrying
    // its own copy of the core: before this every subpath's .cjs (factorkit/testing's 318 kB,
    // factorkit/webauthn's) repeated the lifecycle, and the tarball outgrew its 400 kB budget.
    splitting: true,
    noExternal: ['base32-decode', '@bufbuild/protobuf', ...esmOnlyDependencies],
    // The .d.cts files are the ESM build's .d.ts with .cjs imports: scripts/cts-declarations.mjs
    // writes them after tsup, which would otherwise type-check and bundle the declarations twice.
    dts: false,
    clean: ['!**/*.js'],
    // The CommonJS build is the compatibility copy (the ES module build is the one with a file per
    // source module): its whitespace and redundant syntax are minified, the names kept, so a stack
    // trace still names every function. It saves 17 kB of the tarball, which has a budget (400 kB,
    // issue 24) that the web half's five entry points would otherwise break.
    esbuildOptions(options) {
      shared.esbuildOptions(options);
      options.minifyWhitespace = true;
      options.minifySyntax = true;
    },
  },
]);

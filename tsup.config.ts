import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { base32DecodeAsEsm } from './scripts/esbuild-plugins.mjs';

// Every source module is also an ESM entry (under dist/lib/, not exported), so the ESM build
// keeps one file per module and an app's bundler drops whole modules it never reaches
// (sideEffects: false). Without it, code splitting merges the core, the lifecycle and the QR
// encoder (with its CommonJS dependency) into one chunk that cannot be tree-shaken.
const modules = Object.fromEntries(
  (readdirSync('src', { recursive: true }) as string[])
    .filter((path) => path.endsWith('.ts'))
    .map((path) => [`lib/${path.slice(0, -3)}`, `src/${path}`]),
);

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    postgres: 'src/stores/postgres/index.ts',
    redis: 'src/stores/redis/index.ts',
    testing: 'src/testing/index.ts',
  },
  // factorkit/testing registers vitest suites; vitest is the user's (an optional peer), never bundled.
  external: ['vitest'],
  noExternal: ['base32-decode'],
  esbuildPlugins: [base32DecodeAsEsm],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  esbuildOptions(options, { format }) {
    if (format === 'esm') options.entryPoints = { ...(options.entryPoints as Record<string, string>), ...modules };
  },
});

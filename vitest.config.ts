import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ENTRIES } from './scripts/entries.mjs';

// The test tiers, one vitest project each (`vitest run --project unit`):
// - unit: no server, no browser, no build; the sources through the public faces;
// - integration: real PostgreSQL and Redis, and the demo app over PostgreSQL;
// - runtime: the built dist/ on Node, Bun, Deno, Chromium and workerd;
// - package: the built and packed package, the API reference, the doc examples, changesets;
// - e2e: the Express demo driven in Chromium, WebAuthn with CDP virtual authenticators (test/e2e/), and
//   the minimal apps of each web adapter (test/web/<framework>/, examples/hono/ on PostgreSQL).
// Each tier's globalSetup installs and starts what that tier needs (test/support/global-setup.ts).
const tier = (name: string, include: string[]) => ({
  extends: true as const,
  test: { name, include, globalSetup: ['test/support/global-setup.ts'] },
});

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name, as users do, but against the sources.
    // Every entry point, from the one list (scripts/entries.mjs: tsconfig.json's paths).
    alias: ENTRIES.map(([name, source]) => ({
      find: new RegExp(`^factorkit${name === 'index' ? '' : `/${name}`}$`),
      replacement: fileURLToPath(new URL(`./${source}`, import.meta.url)),
    })),
  },
  test: {
    // One test file per core. vitest's default keeps a core for itself (cores - 1), which on a
    // 2-core machine runs the files one at a time although its own process is mostly idle.
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
    // PGlite's start and the Redis Cluster's setup can take seconds on a loaded 2-core machine.
    hookTimeout: 90_000,
    projects: [
      tier('unit', ['test/unit/**/*.test.ts']),
      tier('integration', [
        'test/integration/**/*.test.ts',
        'examples/express/postgres.test.ts',
        'examples/express/mail.test.ts',
      ]),
      tier('runtime', ['test/runtime/**/*.test.ts']),
      tier('package', ['test/package/**/*.test.ts']),
      tier('e2e', [
        'examples/express/e2e.test.ts',
        'examples/express/e2e-delivered.test.ts',
        'examples/express/e2e-webauthn.test.ts',
        'examples/express/e2e-pages.test.ts',
        'test/e2e/**/*.test.ts',
        // Every web adapter in Chromium, through its minimal app.
        'test/web/**/*.test.ts',
        'examples/hono/*.test.ts',
      ]),
    ],
  },
});

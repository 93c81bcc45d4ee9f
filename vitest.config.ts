import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package by name, as users do, but against the sources.
    alias: [
      { find: /^factorkit$/, replacement: src('index.ts') },
      { find: /^factorkit\/testing$/, replacement: src('testing/index.ts') },
      { find: /^factorkit\/postgres$/, replacement: src('adapters/postgres.ts') },
      { find: /^factorkit\/redis$/, replacement: src('adapters/redis.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    postgres: 'src/adapters/postgres.ts',
    redis: 'src/adapters/redis.ts',
    testing: 'src/testing/index.ts',
  },
  // factorkit/testing registers vitest suites; vitest is the user's (an optional peer), never bundled.
  external: ['vitest'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
});

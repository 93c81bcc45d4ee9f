// The package's entry points, read from the one place that lists them: the `paths` of
// tsconfig.json, which the type checker needs anyway ("factorkit/<name>" -> its source). The
// build (tsup.config.ts) and the tests (vitest.config.ts, which import the package by name
// against the sources) derive theirs from it, so a new subpath, such as a factor module's
// `factorkit/<type>`, is one line there plus its `exports` entry in package.json (which the
// package tests check against dist/).
import { readFileSync } from 'node:fs';

const tsconfig = JSON.parse(readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8'));

/** `[name, source]` of every entry: `index` for `factorkit`, else the subpath's name. */
export const ENTRIES = Object.entries(tsconfig.compilerOptions.paths).map(([specifier, [source]]) => [
  specifier === 'factorkit' ? 'index' : specifier.slice('factorkit/'.length),
  source.replace(/^\.\//, ''),
]);

/**
 * The entries published as ES modules only (no .cjs, no .d.cts): factorkit/testing (vitest cannot
 * be required), the web half (issue 27: factorkit/http and its framework adapters) and the
 * message catalogue it renders with (factorkit/messages: five languages, 10 kB of the tarball
 * again as CommonJS), which would otherwise push the tarball past its 400 kB budget. CommonJS
 * code loads them with `await import(...)`. A name here without a `paths` entry yet is unused.
 */
export const ESM_ONLY = new Set(['testing', 'messages', 'http', 'express', 'hono', 'fastify', 'next']);

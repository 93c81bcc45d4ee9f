// The store adapters are optional subpath entries: the core entry must reach none of them, and
// no store module may import its database client or a node: module, so an app that never
// installs better-sqlite3, mysql2, pg, postgres, ioredis or redis still imports factorkit.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const IMPORT = /^(?:(?:import|export)\s[^;]*?from\s+|import\s+)'([^']+)'/gms;
const DRIVERS = ['better-sqlite3', 'mysql2', 'pg', 'postgres', 'ioredis', 'redis', '@libsql/client'];

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1]!);
}

/** Every source file the module graph reaches from `entry`, with the bare specifiers it imports. */
function reach(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else bare.add(specifier);
    }
  };
  visit(join(src, entry));
  return { files, bare };
}

describe('store entries', () => {
  it('the core entry reaches no store adapter, no database client and no node: module', () => {
    const { files, bare } = reach('index.ts');
    const reached = [...files].map((file) => relative(src, file));
    expect(reached).toContain('stores/memory.ts');
    for (const adapter of ['postgres', 'redis', 'sqlite', 'mysql']) {
      expect(reached.filter((file) => file.startsWith(`stores/${adapter}/`))).toEqual([]);
    }
    for (const specifier of bare) {
      expect(specifier.startsWith('node:'), specifier).toBe(false);
      expect(
        DRIVERS.some((driver) => specifier === driver || specifier.startsWith(`${driver}/`)),
        specifier,
      ).toBe(false);
    }
  });

  it('every store module imports only relative modules and @noble/hashes (clients are passed in)', () => {
    const modules = (readdirSync(join(src, 'stores'), { recursive: true }) as string[]).filter((path) =>
      path.endsWith('.ts'),
    );
    expect(modules).toEqual(expect.arrayContaining(['sqlite/index.ts', 'mysql/index.ts', 'postgres/index.ts']));
    for (const module of modules) {
      for (const specifier of importsOf(join(src, 'stores', module))) {
        expect(specifier, module).toMatch(/^(\.\.?\/|@noble\/hashes\/)/);
      }
    }
  });

  it('each adapter is a subpath entry with its client as an optional peer dependency', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    for (const [entry, clients] of Object.entries({
      postgres: ['pg', 'postgres'],
      redis: ['ioredis', 'redis'],
      sqlite: ['better-sqlite3'],
      mysql: ['mysql2'],
    })) {
      expect(manifest.exports[`./${entry}`].import.default).toBe(`./dist/${entry}.js`);
      expect(manifest.typesVersions['*'][entry]).toEqual([`./dist/${entry}.d.ts`]);
      for (const client of clients) {
        expect(manifest.peerDependencies[client], client).toBeDefined();
        expect(manifest.peerDependenciesMeta[client], client).toEqual({ optional: true });
        expect(manifest.dependencies[client], client).toBeUndefined();
      }
    }
  });
});

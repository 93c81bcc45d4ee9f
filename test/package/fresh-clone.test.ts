// What a fresh clone publishes: `git clone` holds only committed files (no dist/), and
// `npm pack` there must still ship a built package, because `prepack` builds it. The clone is
// of this checkout's HEAD, so uncommitted changes are not in it. Offline: the clone's
// node_modules is a symlink to this checkout's.
import { readFileSync, mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack, root, run, tarballFiles } from './packed-app.js';

const work = mkdtempSync(join(tmpdir(), 'factorkit-clone-'));
const clone = join(work, 'factorkit');
let files: string[];

/** Every file path a package.json field points at: main, module, types, exports, typesVersions. */
function declaredFiles(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('./') ? [value.slice(2)] : [];
  if (Array.isArray(value)) return value.flatMap(declaredFiles);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(declaredFiles);
  return [];
}

beforeAll(() => {
  run('git', ['clone', '--quiet', root, clone], work);
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const tarball = pack(clone, { ignoreScripts: false });
  files = tarballFiles(tarball);
  rmSync(join(tarball, '..'), { recursive: true, force: true });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack on a fresh clone', () => {
  it('starts from a clone without dist/', () => {
    // The clone's own dist/ is prepack's output; git never had one.
    expect(run('git', ['ls-files', 'dist'], clone)).toBe('');
    expect(existsSync(join(clone, 'dist/index.js'))).toBe(true);
  });

  it('ships the built ESM and CommonJS entries of every subpath, with their types', () => {
    const manifest = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8'));
    const declared = declaredFiles([manifest.main, manifest.module, manifest.types, manifest.exports]);
    declared.push(...declaredFiles(manifest.typesVersions));
    for (const entry of ['index', 'postgres', 'redis', 'sqlite', 'mysql']) {
      for (const extension of ['js', 'cjs', 'd.ts', 'd.cts']) expect(declared).toContain(`dist/${entry}.${extension}`);
    }
    // factorkit/testing (vitest cannot be required), the message catalogue and the web half are
    // ES modules only (scripts/entries.mjs, ESM_ONLY).
    for (const entry of ['testing', 'messages', 'http', 'express', 'hono', 'fastify', 'next']) {
      for (const extension of ['js', 'd.ts']) expect(declared).toContain(`dist/${entry}.${extension}`);
      expect(files).not.toContain(`dist/${entry}.cjs`);
    }
    expect(declared.filter((file) => !files.includes(file))).toEqual([]);
    // The ES module build keeps a chunk per source module, so bundlers drop what an app does not
    // import; the dist/lib/ entries that force that split are imported by nothing and not shipped.
    expect(files.filter((file) => /^dist\/chunk-[A-Z0-9]+\.js$/.test(file)).length).toBeGreaterThan(100);
    expect(files.filter((file) => file.startsWith('dist/lib/'))).toEqual([]);
  });

  it('ships the licences and nothing from outside dist/ but the package files', () => {
    expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual([
      'LICENSE',
      'README.md',
      'THIRD_PARTY_LICENSES.md',
      'package.json',
    ]);
  });
});

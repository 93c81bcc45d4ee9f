// Release notes: every pending changeset is well formed, and `npm run version`
// (`changeset version`) turns them into a version bump and a CHANGELOG.md. Run on a copy of
// package.json and .changeset/ in a temporary directory, so the repository is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'factorkit-changesets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const changesets = readdirSync(join(root, '.changeset'))
  .filter((name) => name.endsWith('.md') && name !== 'README.md')
  .map((name) => ({ name, text: readFileSync(join(root, '.changeset', name), 'utf8') }));
const FORMAT = /^---\n"factorkit": (major|minor|patch)\n---\n\n([\s\S]+\S)\s*$/;

describe('changesets', () => {
  it('has at least one, each bumping factorkit with a summary', () => {
    expect(changesets.length).toBeGreaterThan(0);
    for (const { name, text } of changesets) expect(text, name).toMatch(FORMAT);
  });

  it('npm run version produces CHANGELOG.md with every changeset and bumps the version', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts.version).toBe('changeset version');
    expect(scripts.release).toBe('npm run build && changeset publish');
    cpSync(join(root, 'package.json'), join(work, 'package.json'));
    cpSync(join(root, '.changeset'), join(work, '.changeset'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
    const before = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')).version;

    const result = spawnSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: work, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);

    const changelog = readFileSync(join(work, 'CHANGELOG.md'), 'utf8');
    const after = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')).version;
    expect(after).not.toBe(before);
    expect(changelog).toContain(`## ${after}`);
    for (const { text } of changesets) {
      const summary = FORMAT.exec(text)![2]!;
      expect(changelog).toContain(summary.split('\n')[0]);
    }
    expect(readdirSync(join(work, '.changeset')).filter((n) => n.endsWith('.md') && n !== 'README.md')).toEqual([]);
  }, 60_000);
});

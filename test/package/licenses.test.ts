// Third-party code in dist/ ships with its licence: every package whose source the build put
// into dist/ (as its source maps record) has its section in THIRD_PARTY_LICENSES.md, with the
// text of its own LICENSE file where it has one, and no section names a package not shipped.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './packed-app.js';

/** Packages whose files the source maps of dist/ files matching `pattern` list, by name. */
function bundledPackages(pattern: RegExp): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, 'dist'), { recursive: true }) as string[]) {
    if (!pattern.test(file)) continue;
    const { sources } = JSON.parse(readFileSync(join(root, 'dist', file), 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
      if (match) names.add(match[1]!);
    }
  }
  return [...names].sort();
}

const notices = readFileSync(join(root, 'THIRD_PARTY_LICENSES.md'), 'utf8');
const sections = new Map(
  notices
    .split(/^## /m)
    .slice(1)
    .map((section) => [section.slice(0, section.indexOf(' ')), section.slice(section.indexOf('\n') + 1).trim()]),
);

describe('third-party licences', () => {
  it('the ESM build bundles only base32-decode; the rest stays imported, for apps to dedupe', () => {
    expect(bundledPackages(/\.js\.map$/)).toEqual(['base32-decode']);
  });

  it('the CommonJS build bundles the ESM-only dependencies', () => {
    expect(bundledPackages(/\.cjs\.map$/)).toEqual([
      '@noble/ciphers',
      '@noble/hashes',
      'base32-decode',
      'base32-encode',
      'fast-png',
      'fflate',
      'iobuffer',
      'to-data-view',
    ]);
  });

  it('THIRD_PARTY_LICENSES.md has a section for exactly the bundled packages', () => {
    expect([...sections.keys()].sort()).toEqual(bundledPackages(/\.map$/));
  });

  it.each([...sections.keys()])('%s: its own licence text, or MIT as its package.json declares', (name) => {
    const dir = join(root, 'node_modules', name);
    const file = readdirSync(dir).find((entry) => /^licen[cs]e(\.md|\.txt)?$/i.test(entry));
    if (file !== undefined) {
      expect(sections.get(name)).toBe(readFileSync(join(dir, file), 'utf8').trim());
    } else {
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).license).toBe('MIT');
      expect(sections.get(name)).toMatch(/^MIT License\n\nCopyright \(c\) .+\n\nPermission is hereby granted/);
    }
  });
});

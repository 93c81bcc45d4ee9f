// Third-party code in dist/ ships with its licence: every package whose source the build put
// into dist/ (as the build's esbuild metafiles, dist/metafile-{esm,cjs}.json, record) has its section in THIRD_PARTY_LICENSES.md, with the
// text of its own LICENSE file where it has one, and no section names a package not shipped.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './packed-app.js';

/** Packages whose files the `format` build (esm, cjs or both) bundled, by name. */
function bundledPackages(...formats: ('esm' | 'cjs')[]): string[] {
  const names = new Set<string>();
  for (const format of formats) {
    const { inputs } = JSON.parse(readFileSync(join(root, 'dist', `metafile-${format}.json`), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    for (const source of Object.keys(inputs)) {
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
  it("the ESM build bundles only base32-decode and protobuf's wire format; the rest stays imported, for apps to dedupe", () => {
    expect(bundledPackages('esm')).toEqual(['@bufbuild/protobuf', 'base32-decode']);
  });

  it('the CommonJS build bundles the ESM-only dependencies', () => {
    expect(bundledPackages('cjs')).toEqual([
      '@bufbuild/protobuf',
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
    expect([...sections.keys()].sort()).toEqual(bundledPackages('esm', 'cjs'));
  });

  it.each([...sections.keys()])('%s: its own licence text, or MIT as its package.json declares', (name) => {
    const dir = join(root, 'node_modules', name);
    const file = readdirSync(dir).find((entry) => /^licen[cs]e(\.md|\.txt)?$/i.test(entry));
    const { license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (file !== undefined) {
      expect(sections.get(name)).toBe(readFileSync(join(dir, file), 'utf8').trim());
    } else if (license === '(Apache-2.0 AND BSD-3-Clause)') {
      // @bufbuild/protobuf: the Apache notice of its files, the BSD licence its varint code
      // carries (the comment heading wire/varint.js, reproduced), and the Apache License text.
      const section = sections.get(name)!;
      expect(section).toContain('Licensed under the Apache License, Version 2.0');
      const varint = readFileSync(join(dir, 'dist/esm/wire/varint.js'), 'utf8');
      const bsd = varint
        .slice(0, varint.indexOf('\n/**'))
        .split('\n')
        .map((line) => line.replace(/^\/\/ ?/, ''))
        .join('\n')
        .trim();
      expect(bsd).toMatch(/^Copyright 2008 Google Inc\.[\s\S]*Redistribution and use in source and binary forms/);
      expect(section).toContain(bsd);
      expect(section).toMatch(/Apache License\n\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
    } else {
      expect(license).toBe('MIT');
      expect(sections.get(name)).toMatch(/^MIT License\n\nCopyright \(c\) .+\n\nPermission is hereby granted/);
    }
  });
});

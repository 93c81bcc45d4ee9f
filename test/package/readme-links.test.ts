// README.md is also the package's page on npmjs.com, which resolves no relative link (a link
// to docs/quickstart.md leads nowhere there). Every link in it is absolute, and each one into
// this repository names a file git tracks, and a heading that file has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, run } from './packed-app.js';

const REPOSITORY = 'https://github.com/factorkit/factorkit/';
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tracked = new Set(run('git', ['ls-files'], root).split('\n'));

/** Link targets of Markdown text: inline links and images, reference definitions, HTML href/src. */
function links(markdown: string): string[] {
  // Code is not a link: drop fenced blocks and code spans first.
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!),
    ...[...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]!),
    ...[...text.matchAll(/\s(?:href|src)\s*=\s*["']([^"']+)["']/g)].map((match) => match[1]!),
  ];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): string[] {
  return [...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((match) =>
    match[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-'),
  );
}

const found = links(readme);

describe('README links', () => {
  it('finds the links (the guides, SECURITY.md)', () => {
    expect(found.length).toBeGreaterThan(10);
    expect(found).toContain(`${REPOSITORY}blob/main/SECURITY.md`);
  });

  it('are all absolute, or anchors into the README itself', () => {
    expect(found.filter((link) => !/^(https?:|mailto:|#)/.test(link))).toEqual([]);
  });

  it.each(found.filter((link) => link.startsWith('#')))('%s is a heading of README.md', (link) => {
    expect(anchors(readme)).toContain(decodeURIComponent(link.slice(1)));
  });

  it.each(found.filter((link) => link.startsWith(REPOSITORY)))('%s names a tracked file', (link) => {
    const match = /^(blob|tree)\/main\/([^#?]+)(?:\?[^#]*)?(?:#(.+))?$/.exec(link.slice(REPOSITORY.length));
    expect(match, 'a link into the repository is .../blob/main/<file> or .../tree/main/<folder>').not.toBeNull();
    const [, kind, encodedPath, anchor] = match!;
    const path = decodeURIComponent(encodedPath!).replace(/\/$/, '');
    if (kind === 'blob') expect(tracked.has(path), path).toBe(true);
    else
      expect(
        [...tracked].some((file) => file.startsWith(`${path}/`)),
        path,
      ).toBe(true);
    if (anchor !== undefined) {
      expect(kind).toBe('blob');
      expect(anchors(readFileSync(join(root, path), 'utf8'))).toContain(decodeURIComponent(anchor));
    }
  });
});

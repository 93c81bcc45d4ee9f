// Issue 25, E11: docs/security.md stated backup-code KDF defaults the code does not use
// (N=2^14, p=5). Every place the docs call a scrypt setting the default must name the one the
// code uses; this reads them and compares, so a change of the default fails here until the
// docs follow.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KDF } from '../../src/backup-codes/kdf.js';

const PAGES = ['docs/security.md', 'docs/backup-codes.md', 'docs/performance.md', 'docs/lifecycle.md', 'README.md'];
/** `N = 2^13, r = 8, p = 1`, `N=2^13, r=8, p=1`, in any spacing. */
const SETTING = /N\s*=\s*2\^(\d+),\s*r\s*=\s*(\d+),\s*p\s*=\s*(\d+)/g;

/**
 * The scrypt settings a page calls the default: on a line that says "default", other than the
 * lines about the defaults of old set formats (version 1 used N=2^14, p=5, and still reads).
 */
function statedDefaults(page: string): { line: string; N: number; r: number; p: number }[] {
  const text = readFileSync(new URL(`../../${page}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => /default/i.test(line) && !/old default|version[- ]1/i.test(line))
    .flatMap((line) =>
      [...line.matchAll(SETTING)].map((m) => ({ line, N: 2 ** Number(m[1]), r: Number(m[2]), p: Number(m[3]) })),
    );
}

describe('E11: the backup-code KDF defaults the docs state are the ones the code uses', () => {
  it('every scrypt setting called the default is DEFAULT_KDF, and security.md states it', () => {
    const stated = PAGES.flatMap(statedDefaults);
    expect(stated.length).toBeGreaterThanOrEqual(3);
    for (const { line, N, r, p } of stated) expect({ N, r, p }, line).toEqual({ ...DEFAULT_KDF });
    const security = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const { N, r, p } = DEFAULT_KDF;
    expect(security).toContain(`N=2^${Math.log2(N)}, r=${r}, p=${p}`);
  });
});

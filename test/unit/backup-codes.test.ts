import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  consumeBackupCode,
  generateBackupCodes,
  isFactorkitError,
  parseBackupCodeSet,
  remainingBackupCodes,
  serializeBackupCodeSet,
  verifyBackupCode,
  type BackupCodeSet,
  type FactorkitErrorCode,
} from 'factorkit';
// Internal seams, imported only to observe them; the same module instances the package uses.
import { backupKdf } from '../../src/backup-codes/kdf.js';
import { CODE_ALPHABET, CODE_ENTROPY_BITS, normaliseCode, randomCode } from '../../src/backup-codes/code.js';
import { decodeBase64url, encodeBase64url } from '../../src/backup-codes/base64url.js';
import { BAD_VALUES, OBJECT_LIKE, badValuesExcept } from '../support/bad-values.js';

// Cheap parameters so the suite stays fast; the default (OWASP) parameters have their own file.
const FAST = { kdf: { N: 16, r: 8, p: 1 }, allowWeakKdf: true } as const;
const CODE_FORMAT = new RegExp(`^[${CODE_ALPHABET}]{5}-[${CODE_ALPHABET}]{5}-[${CODE_ALPHABET}]{5}$`);

function expectCode(fn: () => unknown, code: FactorkitErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isFactorkitError(thrown, code), `expected FactorkitError ${code}, got ${String(thrown)}`).toBe(true);
}

async function expectRejectCode(promise: Promise<unknown>, code: FactorkitErrorCode): Promise<void> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(isFactorkitError(thrown, code), `expected FactorkitError ${code}, got ${String(thrown)}`).toBe(true);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateBackupCodes', () => {
  it('returns five distinct, grouped codes and a set recording its parameters', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, now: 1_700_000_000_000 });
    expect(codes).toHaveLength(5);
    expect(new Set(codes).size).toBe(5);
    for (const code of codes) expect(code).toMatch(CODE_FORMAT);
    expect(set.version).toBe(1);
    expect(set.createdAt).toBe(1_700_000_000_000);
    expect(set.kdf).toEqual({ algorithm: 'scrypt', N: 16, r: 8, p: 1, dkLen: 32 });
    expect(decodeBase64url(set.salt)).toHaveLength(16);
    expect(decodeBase64url(set.generationId)).toHaveLength(16);
    expect(set.codes).toHaveLength(5);
    expect(new Set(set.codes.map((c) => c.hash)).size).toBe(5);
    for (const entry of set.codes) {
      expect(entry.usedAt).toBeNull();
      expect(decodeBase64url(entry.hash)).toHaveLength(32);
    }
    expect(remainingBackupCodes(set)).toBe(5);
  });

  it('has at least 64 bits of entropy per code', () => {
    expect(CODE_ALPHABET).toHaveLength(30);
    expect(CODE_ENTROPY_BITS).toBeGreaterThanOrEqual(64);
    expect(CODE_ENTROPY_BITS).toBeCloseTo(15 * Math.log2(30), 10);
  });

  it('uses no look-alike characters', () => {
    for (const confusable of '01OILU') expect(CODE_ALPHABET).not.toContain(confusable);
  });

  it('honours count from 1 to 20', async () => {
    expect((await generateBackupCodes({ ...FAST, count: 1 })).codes).toHaveLength(1);
    const twenty = await generateBackupCodes({ ...FAST, count: 20 });
    expect(twenty.codes).toHaveLength(20);
    expect(new Set(twenty.codes).size).toBe(20);
    expect(twenty.set.codes).toHaveLength(20);
  });

  it('uses a fresh salt and generation id every time', async () => {
    const a = await generateBackupCodes(FAST);
    const b = await generateBackupCodes(FAST);
    expect(a.set.salt).not.toBe(b.set.salt);
    expect(a.set.generationId).not.toBe(b.set.generationId);
  });

  it('refuses bad options with typed errors', async () => {
    for (const count of [0, 21, 1.5, -1, Number.NaN, '5', null]) {
      await expectRejectCode(generateBackupCodes({ ...FAST, count: count as number }), 'INVALID_ARGUMENT');
    }
    await expectRejectCode(generateBackupCodes('x' as never), 'INVALID_ARGUMENT');
    await expectRejectCode(generateBackupCodes({ ...FAST, allowWeakKdf: 'yes' as never }), 'INVALID_ARGUMENT');
    await expectRejectCode(generateBackupCodes({ ...FAST, now: -1 }), 'INVALID_TIME');
    await expectRejectCode(generateBackupCodes({ kdf: 'scrypt' as never }), 'INVALID_ARGUMENT');
    // Out of bounds is refused even when weak parameters are allowed.
    for (const kdf of [
      { N: 2 ** 30, r: 8, p: 1 },
      { N: 1000, r: 8, p: 1 },
      { N: 1, r: 8, p: 1 },
      { N: 2 ** 14, r: 0, p: 1 },
      { N: 2 ** 14, r: 8, p: 0 },
      { N: 2 ** 14, r: 8, p: 100 },
      { N: 2 ** 20, r: 8, p: 1 },
      { N: 2 ** 17, r: 8, p: 16 },
    ]) {
      await expectRejectCode(generateBackupCodes({ kdf, allowWeakKdf: true }), 'INVALID_ARGUMENT');
    }
  });

  it('refuses KDF parameters below the OWASP minimum unless allowWeakKdf is set', async () => {
    const spy = vi.spyOn(backupKdf, 'derive');
    for (const kdf of [
      { N: 2 ** 16, r: 8, p: 1 },
      { N: 2 ** 14, r: 8, p: 4 },
      { N: 2 ** 17, r: 4, p: 1 },
      { N: 2 ** 13, r: 8, p: 9 },
      { N: 16, r: 8, p: 1 },
    ]) {
      await expectRejectCode(generateBackupCodes({ kdf }), 'WEAK_KDF');
    }
    expect(spy).not.toHaveBeenCalled();
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    expect(set.kdf.N).toBe(16);
  });

  it('accepts each OWASP scrypt configuration without allowWeakKdf', async () => {
    // The derivation itself is replaced: this checks the policy, not scrypt's speed.
    vi.spyOn(backupKdf, 'derive').mockImplementation(async () =>
      new Uint8Array(32).map((_, i) => i + Math.random() * 200),
    );
    for (const kdf of [
      { N: 2 ** 17, r: 8, p: 1 },
      { N: 2 ** 16, r: 8, p: 2 },
      { N: 2 ** 15, r: 8, p: 3 },
      { N: 2 ** 14, r: 8, p: 5 },
      { N: 2 ** 13, r: 8, p: 10 },
    ]) {
      const { set } = await generateBackupCodes({ kdf, count: 1 });
      expect(set.kdf).toEqual({ algorithm: 'scrypt', ...kdf, dkLen: 32 });
    }
  });
});

describe('randomCode', () => {
  it('rejects bytes that would bias the choice (rejection sampling)', () => {
    // 240..255 must be skipped; 0, 29, 30 and 239 map to symbols 0, 29, 0 and 29.
    const bytes = [240, 255, 0, 250, 29, 30, 239, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        const view = array as unknown as Uint8Array;
        for (let i = 0; i < view.length; i++) view[i] = bytes.shift() ?? 0;
        return array;
      },
    );
    const a = CODE_ALPHABET;
    expect(randomCode()).toBe(
      a[0]! + a[29] + a[0] + a[29] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8] + a[9] + a[10] + a[11],
    );
  });

  it('keeps drawing when a whole buffer is rejected', () => {
    let calls = 0;
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        (array as unknown as Uint8Array).fill(calls++ === 0 ? 255 : 59);
        return array;
      },
    );
    expect(randomCode()).toBe(CODE_ALPHABET[29]!.repeat(15));
    expect(calls).toBe(2);
  });

  it('draws every symbol about equally often (chi-squared, 29 degrees of freedom)', () => {
    const counts = new Map<string, number>();
    const codes = 4000;
    for (let i = 0; i < codes; i++) for (const c of randomCode()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(30);
    const expected = (codes * 15) / 30;
    let chi2 = 0;
    for (const n of counts.values()) chi2 += (n - expected) ** 2 / expected;
    // P(chi2 > 80 | 29 df) is about 1e-6: a biased generator fails, a fair one practically never.
    expect(chi2).toBeLessThan(80);
  });
});

describe('verifyBackupCode and consumeBackupCode', () => {
  it('accepts each of five codes exactly once', async () => {
    const { codes, set } = await generateBackupCodes(FAST);
    let current: BackupCodeSet = set;
    for (let i = 0; i < codes.length; i++) {
      const result = await verifyBackupCode(codes[i]!, current);
      expect(result).toEqual({ valid: true, index: i });
      current = consumeBackupCode(current, i, 1_000 + i);
      expect(current.codes[i]!.usedAt).toBe(1_000 + i);
      expect(await verifyBackupCode(codes[i]!, current)).toEqual({ valid: false, reason: 'used' });
      expect(remainingBackupCodes(current)).toBe(codes.length - 1 - i);
      // The codes not yet used still verify.
      for (let j = i + 1; j < codes.length; j++) {
        expect(await verifyBackupCode(codes[j]!, current)).toEqual({ valid: true, index: j });
      }
    }
    for (const code of codes) expect(await verifyBackupCode(code, current)).toEqual({ valid: false, reason: 'used' });
    expect(remainingBackupCodes(current)).toBe(0);
  });

  it('refuses a code that is not in the set', async () => {
    const { set } = await generateBackupCodes(FAST);
    expect(await verifyBackupCode('22222-22222-22222', set)).toEqual({ valid: false, reason: 'invalid' });
    expect(await verifyBackupCode(randomCode(), set)).toEqual({ valid: false, reason: 'invalid' });
  });

  it('makes every code of an old set fail after regeneration', async () => {
    const old = await generateBackupCodes(FAST);
    const regenerated = await generateBackupCodes(FAST);
    expect(regenerated.set.salt).not.toBe(old.set.salt);
    expect(regenerated.set.generationId).not.toBe(old.set.generationId);
    for (const code of old.codes) {
      expect(await verifyBackupCode(code, regenerated.set)).toEqual({ valid: false, reason: 'invalid' });
    }
    for (const [i, code] of regenerated.codes.entries()) {
      expect(await verifyBackupCode(code, regenerated.set)).toEqual({ valid: true, index: i });
    }
  });

  it('binds digests to the generation: the same digests under another generation id match nothing', async () => {
    const { codes, set } = await generateBackupCodes(FAST);
    const moved = { ...set, generationId: encodeBase64url(new Uint8Array(16).fill(7)) };
    for (const code of codes) expect(await verifyBackupCode(code, moved)).toEqual({ valid: false, reason: 'invalid' });
  });

  it('normalises case, spaces and dashes', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 1 });
    const code = codes[0]!;
    const bare = code.replace(/-/g, '');
    const variants = [
      code,
      code.toLowerCase(),
      bare,
      bare.toLowerCase(),
      code.replace(/-/g, ' '),
      `  ${code}  `,
      `\t${code}\n`,
      bare.split('').join(' '),
      bare.split('').join('-'),
      `${bare.slice(0, 3)}-- ${bare.slice(3, 9).toLowerCase()}  ${bare.slice(9)}`,
      code.replace(/-/g, '\u2013'), // en dash, as word processors print it
      code.replace(/-/g, '\u00a0'), // no-break space
      bare.slice(0, 7) + bare.slice(7).toLowerCase(),
    ];
    for (const variant of variants) {
      expect(await verifyBackupCode(variant, set), JSON.stringify(variant)).toEqual({ valid: true, index: 0 });
    }
  });

  it('normalisation is a property of every code (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CODE_ALPHABET), { minLength: 15, maxLength: 15 }),
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('', ' ', '-', ' - ', '\t', '--')), {
          minLength: 15,
          maxLength: 15,
        }),
        (symbols, decorations) => {
          const canonical = symbols.join('');
          const typed = symbols.map((s, i) => (decorations[i]![0] ? s.toLowerCase() : s) + decorations[i]![1]).join('');
          return normaliseCode(typed) === canonical;
        },
      ),
    );
  });

  it("answers 'malformed' for anything that cannot be a code, without running the KDF", async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 2 });
    const code = codes[0]!;
    const bare = code.replace(/-/g, '');
    const spy = vi.spyOn(backupKdf, 'derive');
    const malformed: unknown[] = [
      '',
      ' ',
      '-----',
      bare.slice(0, 14),
      bare + CODE_ALPHABET[0],
      `${bare.slice(0, 14)}0`, // zero
      `${bare.slice(0, 14)}O`, // letter O
      `${bare.slice(0, 14)}1`,
      `${bare.slice(0, 14)}I`,
      `${bare.slice(0, 14)}L`,
      `${bare.slice(0, 14)}U`,
      `${bare.slice(0, 14)}_`,
      `${bare.slice(0, 14)}.`,
      `${bare.slice(0, 14)}=`,
      `${bare.slice(0, 14)}é`,
      `${bare.slice(0, 14)}\u017f`, // long s: upper-cases to S, still not an ASCII code character
      `${bare.slice(0, 14)}\uff21`, // full-width A
      `${bare.slice(0, 14)}\u0000`,
      code.replace(/-/g, '_'),
      code.replace(/-/g, '.'),
      `${code}\u200b`, // zero-width space is not whitespace
      `${code} ${code}`,
      code.repeat(1000),
      undefined,
      null,
      123456789012345,
      {},
      [code],
      new String(code),
      Symbol('code'),
      true,
    ];
    for (const input of malformed) {
      expect(
        await verifyBackupCode(input as string, set),
        String(typeof input === 'symbol' ? 'symbol' : input),
      ).toEqual({
        valid: false,
        reason: 'malformed',
      });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('consumeBackupCode returns a new set and leaves the given one untouched', async () => {
    const { set } = await generateBackupCodes(FAST);
    const before = JSON.stringify(set);
    const next = consumeBackupCode(set, 2, 42);
    expect(JSON.stringify(set)).toBe(before);
    expect(next).not.toBe(set);
    expect(next.codes[2]!.usedAt).toBe(42);
    expect(next.codes.filter((c) => c.usedAt !== null)).toHaveLength(1);
    expect(remainingBackupCodes(set)).toBe(5);
    expect(remainingBackupCodes(next)).toBe(4);
    const t0 = Date.now();
    const defaulted = consumeBackupCode(set, 0);
    expect(defaulted.codes[0]!.usedAt).toBeGreaterThanOrEqual(t0);
    expect(defaulted.codes[0]!.usedAt).toBeLessThanOrEqual(Date.now());
  });

  it('consumeBackupCode refuses a bad index, a used code and a bad time', async () => {
    const { set } = await generateBackupCodes(FAST);
    for (const index of [-1, 5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '0', null, undefined]) {
      expectCode(() => consumeBackupCode(set, index as number), 'INVALID_ARGUMENT');
    }
    const used = consumeBackupCode(set, 1, 5);
    expectCode(() => consumeBackupCode(used, 1, 6), 'INVALID_ARGUMENT');
    expectCode(() => consumeBackupCode(set, 1, -5), 'INVALID_TIME');
    expectCode(() => consumeBackupCode(set, 1, Number.NaN), 'INVALID_TIME');
  });
});

describe('one derivation per verification', () => {
  for (const count of [1, 5, 20]) {
    it(`derives exactly once per check against ${count} code(s)`, async () => {
      const generated = await generateBackupCodes({ ...FAST, count });
      const spy = vi.spyOn(backupKdf, 'derive');
      let set = generated.set;
      const last = count - 1;

      expect(await verifyBackupCode(generated.codes[last]!, set)).toEqual({ valid: true, index: last });
      expect(spy).toHaveBeenCalledTimes(1);

      expect(await verifyBackupCode(randomCode(), set)).toEqual({ valid: false, reason: 'invalid' });
      expect(spy).toHaveBeenCalledTimes(2);

      set = consumeBackupCode(set, 0, 1);
      expect(await verifyBackupCode(generated.codes[0]!, set)).toEqual({ valid: false, reason: 'used' });
      expect(spy).toHaveBeenCalledTimes(3);
      // Every call used the set's own parameters.
      for (const call of spy.mock.calls) expect(call[2]).toMatchObject({ N: 16, r: 8, p: 1 });
    });
  }

  it('generation derives once per code', async () => {
    const spy = vi.spyOn(backupKdf, 'derive');
    await generateBackupCodes({ ...FAST, count: 7 });
    expect(spy).toHaveBeenCalledTimes(7);
  });
});

describe('stored form', () => {
  it('contains no plaintext code in any normalised form', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 20 });
    const stored = serializeBackupCodeSet(set);
    const storedLower = stored.toLowerCase();
    const encoder = new TextEncoder();
    for (const code of codes) {
      const bare = code.replace(/-/g, '');
      for (const form of [code, bare, code.replace(/-/g, ' ')]) {
        expect(storedLower).not.toContain(form.toLowerCase());
      }
      // Nor the code's bytes in the encoding the stored fields use.
      expect(stored).not.toContain(encodeBase64url(encoder.encode(bare)));
      expect(storedLower).not.toContain(normaliseCode(code)!.toLowerCase());
    }
    // The object itself holds nothing else: its JSON is the stored form.
    expect(JSON.stringify(set)).toBe(stored);
  });

  it('round-trips through JSON text and through an already-parsed object', async () => {
    const { set } = await generateBackupCodes(FAST);
    const used = consumeBackupCode(set, 3, 1_700_000_000_123);
    const text = serializeBackupCodeSet(used);
    expect(parseBackupCodeSet(text)).toEqual(used);
    expect(parseBackupCodeSet(JSON.parse(text))).toEqual(used);
    const copy = parseBackupCodeSet(used);
    expect(copy).not.toBe(used);
    copy.codes[0]!.usedAt = 1;
    expect(used.codes[0]!.usedAt).toBeNull();
  });

  it('round-trips whatever codes are used (fast-check)', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 8 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 7 })), fc.nat({ max: 2 ** 48 }), (indices, time) => {
        let current = set;
        for (const index of indices) current = consumeBackupCode(current, index, time);
        const back = parseBackupCodeSet(serializeBackupCodeSet(current));
        expect(back).toEqual(current);
        expect(remainingBackupCodes(back)).toBe(8 - indices.length);
      }),
    );
  });
});

describe('tampered and truncated sets', () => {
  let cached: { codes: string[]; set: BackupCodeSet } | undefined;
  async function sample() {
    cached ??= await generateBackupCodes(FAST);
    return cached;
  }

  type Mutation = [name: string, mutate: (set: any) => unknown];
  const digest = (bytes: number) => encodeBase64url(new Uint8Array(bytes).fill(1));
  const mutations: Mutation[] = [
    ['null', () => null],
    ['an array', (s) => [s]],
    ['a number', () => 1],
    ['version 2', (s) => ({ ...s, version: 2 })],
    ['version "1"', (s) => ({ ...s, version: '1' })],
    ['version 0', (s) => ({ ...s, version: 0 })],
    ...['version', 'generationId', 'createdAt', 'kdf', 'salt', 'codes'].map(
      (key): Mutation => [
        `missing ${key}`,
        (s) => {
          const copy = { ...s };
          delete copy[key];
          return copy;
        },
      ],
    ),
    ['an extra field', (s) => ({ ...s, allValid: true })],
    ['createdAt a string', (s) => ({ ...s, createdAt: '2024-01-01' })],
    ['createdAt negative', (s) => ({ ...s, createdAt: -1 })],
    ['createdAt NaN', (s) => ({ ...s, createdAt: Number.NaN })],
    ['generationId too short', (s) => ({ ...s, generationId: digest(15) })],
    ['generationId not base64url', (s) => ({ ...s, generationId: 'not base64url!!!!!!!!!' })],
    ['salt of 15 bytes', (s) => ({ ...s, salt: digest(15) })],
    ['salt empty', (s) => ({ ...s, salt: '' })],
    ['salt padded', (s) => ({ ...s, salt: `${s.salt}==` })],
    [
      'salt in standard base64',
      (s) => ({ ...s, salt: encodeBase64url(new Uint8Array(16).fill(0xfb)).replace(/-/g, '+').replace(/_/g, '/') }),
    ],
    [
      'salt with non-canonical trailing bits',
      (s) => ({ ...s, salt: `${s.salt.slice(0, -1)}${s.salt.endsWith('B') ? 'C' : 'B'}` }),
    ],
    ['salt a number', (s) => ({ ...s, salt: 12345 })],
    ['salt of 65 bytes', (s) => ({ ...s, salt: digest(65) })],
    ['salt of a megabyte', (s) => ({ ...s, salt: 'A'.repeat(1 << 20) })],
    [
      'a digest of a megabyte',
      (s) => ({ ...s, codes: [{ hash: 'A'.repeat(1 << 20), usedAt: null }, ...s.codes.slice(1)] }),
    ],
    ['kdf missing', (s) => ({ ...s, kdf: null })],
    ['kdf algorithm pbkdf2', (s) => ({ ...s, kdf: { ...s.kdf, algorithm: 'pbkdf2' } })],
    ['kdf dkLen 64', (s) => ({ ...s, kdf: { ...s.kdf, dkLen: 64 } })],
    ['kdf N = 2^30 (denial of service)', (s) => ({ ...s, kdf: { ...s.kdf, N: 2 ** 30 } })],
    ['kdf N = 2^21', (s) => ({ ...s, kdf: { ...s.kdf, N: 2 ** 21 } })],
    ['kdf N not a power of two', (s) => ({ ...s, kdf: { ...s.kdf, N: 1000 } })],
    ['kdf N = 1', (s) => ({ ...s, kdf: { ...s.kdf, N: 1 } })],
    ['kdf N as a string', (s) => ({ ...s, kdf: { ...s.kdf, N: '16' } })],
    ['kdf r = 0', (s) => ({ ...s, kdf: { ...s.kdf, r: 0 } })],
    ['kdf r = 1e9', (s) => ({ ...s, kdf: { ...s.kdf, r: 1e9 } })],
    ['kdf p = 1e6', (s) => ({ ...s, kdf: { ...s.kdf, p: 1e6 } })],
    ['kdf memory 512 MiB', (s) => ({ ...s, kdf: { ...s.kdf, N: 2 ** 19, r: 8 } })],
    ['kdf with an extra field', (s) => ({ ...s, kdf: { ...s.kdf, maxmem: 1 } })],
    ['codes empty', (s) => ({ ...s, codes: [] })],
    ['codes not an array', (s) => ({ ...s, codes: {} })],
    [
      '21 codes',
      (s) => ({
        ...s,
        codes: Array.from({ length: 21 }, (_, i) => ({
          hash: encodeBase64url(new Uint8Array(32).fill(i)),
          usedAt: null,
        })),
      }),
    ],
    ['a digest of 31 bytes', (s) => ({ ...s, codes: [{ hash: digest(31), usedAt: null }, ...s.codes.slice(1)] })],
    ['a digest of 33 bytes', (s) => ({ ...s, codes: [{ hash: digest(33), usedAt: null }, ...s.codes.slice(1)] })],
    ['an empty digest', (s) => ({ ...s, codes: [{ hash: '', usedAt: null }, ...s.codes.slice(1)] })],
    ['a digest that is not a string', (s) => ({ ...s, codes: [{ hash: null, usedAt: null }, ...s.codes.slice(1)] })],
    [
      'a digest truncated by one character',
      (s) => ({ ...s, codes: [{ hash: s.codes[0].hash.slice(0, -1), usedAt: null }, ...s.codes.slice(1)] }),
    ],
    ['a repeated digest', (s) => ({ ...s, codes: [s.codes[0], s.codes[0], ...s.codes.slice(2)] })],
    ['usedAt a string', (s) => ({ ...s, codes: [{ ...s.codes[0], usedAt: 'yesterday' }, ...s.codes.slice(1)] })],
    ['usedAt false', (s) => ({ ...s, codes: [{ ...s.codes[0], usedAt: false }, ...s.codes.slice(1)] })],
    ['usedAt missing', (s) => ({ ...s, codes: [{ hash: s.codes[0].hash }, ...s.codes.slice(1)] })],
    ['usedAt negative', (s) => ({ ...s, codes: [{ ...s.codes[0], usedAt: -5 }, ...s.codes.slice(1)] })],
    ['a code entry that is a string', (s) => ({ ...s, codes: [s.codes[0].hash, ...s.codes.slice(1)] })],
    [
      'a code entry with an extra field',
      (s) => ({ ...s, codes: [{ ...s.codes[0], valid: true }, ...s.codes.slice(1)] }),
    ],
  ];

  for (const [name, mutate] of mutations) {
    it(`refuses a set with ${name} everywhere a set is taken`, async () => {
      const { codes, set } = await sample();
      const tampered = mutate(structuredClone(set));
      const spy = vi.spyOn(backupKdf, 'derive');
      expectCode(() => parseBackupCodeSet(tampered), 'INVALID_BACKUP_SET');
      expectCode(() => parseBackupCodeSet(JSON.stringify(tampered)), 'INVALID_BACKUP_SET');
      await expectRejectCode(verifyBackupCode(codes[0]!, tampered as BackupCodeSet), 'INVALID_BACKUP_SET');
      await expectRejectCode(verifyBackupCode('not a code', tampered as BackupCodeSet), 'INVALID_BACKUP_SET');
      expectCode(() => consumeBackupCode(tampered as BackupCodeSet, 0), 'INVALID_BACKUP_SET');
      expectCode(() => remainingBackupCodes(tampered as BackupCodeSet), 'INVALID_BACKUP_SET');
      expectCode(() => serializeBackupCodeSet(tampered as BackupCodeSet), 'INVALID_BACKUP_SET');
      expect(spy).not.toHaveBeenCalled();
    });
  }

  it('refuses every truncation of the stored JSON', async () => {
    const { set } = await sample();
    const text = serializeBackupCodeSet(set);
    for (let length = 0; length < text.length; length++) {
      expectCode(() => parseBackupCodeSet(text.slice(0, length)), 'INVALID_BACKUP_SET');
    }
    expect(parseBackupCodeSet(text)).toEqual(set);
  });

  it('refuses text that is not JSON, or far too long', () => {
    for (const text of ['', 'null', 'true', '"set"', '{', '[]', '{"version":1}', 'x'.repeat(100_000)]) {
      expectCode(() => parseBackupCodeSet(text), 'INVALID_BACKUP_SET');
    }
  });

  it('keeps digests out of error messages', async () => {
    const { set } = await sample();
    const text = serializeBackupCodeSet(set);
    try {
      parseBackupCodeSet(`${text.slice(0, -3)}x}`);
      expect.unreachable();
    } catch (error) {
      expect(isFactorkitError(error, 'INVALID_BACKUP_SET')).toBe(true);
      const message = (error as Error).message;
      for (const entry of set.codes) expect(message).not.toContain(entry.hash.slice(0, 8));
      expect((error as Error).cause).toBeUndefined();
    }
  });

  it('a weakened digest list never verifies a wrong code', async () => {
    // Digests replaced by zeros: well-formed, so accepted, but nothing derives to them.
    const { codes, set } = await sample();
    const zeroed = {
      ...set,
      codes: set.codes.map((c, i) => ({ hash: encodeBase64url(new Uint8Array(32).fill(i)), usedAt: c.usedAt })),
    };
    for (const code of codes) expect(await verifyBackupCode(code, zeroed)).toEqual({ valid: false, reason: 'invalid' });
  });
});

describe('base64url', () => {
  it('round-trips every length and refuses non-canonical text (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const text = encodeBase64url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeBase64url(text)).toEqual(bytes);
      }),
    );
    expect(encodeBase64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(decodeBase64url('A')).toBeUndefined();
    expect(decodeBase64url('AB')).toBeUndefined(); // trailing bits set
    expect(decodeBase64url('AA==')).toBeUndefined();
    expect(decodeBase64url('AA+/')).toBeUndefined();
    expect(decodeBase64url('AQ')).toEqual(new Uint8Array([1]));
  });
});

describe('the shared bad-value list, at every argument', () => {
  const TIME_VALID = ['undefined', '0', '1.5', '2^53', '1e300'];

  it('generateBackupCodes options', async () => {
    const spy = vi.spyOn(backupKdf, 'derive');
    for (const { label, value } of badValuesExcept('undefined', ...OBJECT_LIKE)) {
      await expectRejectCode(generateBackupCodes(value as never), 'INVALID_ARGUMENT').catch((error) => {
        throw new Error(`options = ${label}: ${String(error)}`);
      });
    }
    for (const { label, value } of badValuesExcept('undefined')) {
      for (const key of ['count', 'kdf'] as const) {
        await expectRejectCode(generateBackupCodes({ ...FAST, [key]: value }), 'INVALID_ARGUMENT').catch((error) => {
          throw new Error(`${key} = ${label}: ${String(error)}`);
        });
      }
    }
    for (const { label, value } of badValuesExcept('undefined', 'true', 'false')) {
      await expectRejectCode(
        generateBackupCodes({ ...FAST, allowWeakKdf: value as boolean }),
        'INVALID_ARGUMENT',
      ).catch((error) => {
        throw new Error(`allowWeakKdf = ${label}: ${String(error)}`);
      });
    }
    for (const { label, value } of badValuesExcept(...TIME_VALID)) {
      await expectRejectCode(generateBackupCodes({ ...FAST, now: value as number }), 'INVALID_TIME').catch((error) => {
        throw new Error(`now = ${label}: ${String(error)}`);
      });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('verifyBackupCode input is malformed, the set argument INVALID_BACKUP_SET', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    for (const { label, value } of BAD_VALUES) {
      expect(await verifyBackupCode(value as string, set), label).toEqual({ valid: false, reason: 'malformed' });
      await expectRejectCode(verifyBackupCode('22222-22222-22222', value as BackupCodeSet), 'INVALID_BACKUP_SET');
    }
  });

  it('consumeBackupCode, remainingBackupCodes, serializeBackupCodeSet, parseBackupCodeSet', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    for (const { value } of badValuesExcept('0'))
      expectCode(() => consumeBackupCode(set, value as number), 'INVALID_ARGUMENT');
    for (const { value } of badValuesExcept(...TIME_VALID))
      expectCode(() => consumeBackupCode(set, 0, value as number), 'INVALID_TIME');
    for (const { value } of BAD_VALUES) {
      expectCode(() => consumeBackupCode(value as BackupCodeSet, 0), 'INVALID_BACKUP_SET');
      expectCode(() => remainingBackupCodes(value as BackupCodeSet), 'INVALID_BACKUP_SET');
      expectCode(() => serializeBackupCodeSet(value as BackupCodeSet), 'INVALID_BACKUP_SET');
      expectCode(() => parseBackupCodeSet(value), 'INVALID_BACKUP_SET');
    }
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import {
  consumeBackupCode,
  generateBackupCodes,
  isFactorkitError,
  parseBackupCodeSet,
  remainingBackupCodes,
  serializeBackupCodeSet,
  verifyBackupCode,
  type BackupCodeSet,
  type BackupCodeSetV1,
  type BackupCodeSetV2,
  type BackupCodeSetV3,
  type FactorkitErrorCode,
  type ScryptFunction,
} from 'factorkit';
import { BAD_VALUES, OBJECT_LIKE, badValuesExcept } from '../support/bad-values.js';
import { makeV2Set } from '../support/backup-codes-v2-maker.js';
import { readFileSync } from 'node:fs';

// The documented alphabet: Crockford's base32 digits without 0 and 1. Tests check generated
// codes against it rather than reading the library's own constant.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
// Format 3: 16 symbols in four groups of four, nothing before them.
const GROUP = `[${ALPHABET}]{4}`;
const CODE_FORMAT = new RegExp(`^${GROUP}-${GROUP}-${GROUP}-${GROUP}$`);
const CONTEXT = 'user-1';
// Cheap parameters so the suite stays fast; the default parameters have their own file.
const FAST = { kdf: { N: 16, r: 8, p: 1 }, allowWeakKdf: true, context: CONTEXT } as const;
const AS_USER = { context: CONTEXT } as const;
// Version-1 sets made by the code before version 2 existed, with their plaintext codes.
const V1_FIXTURES = JSON.parse(readFileSync(new URL('../support/backup-codes-v1.json', import.meta.url), 'utf8'));
const V1 = V1_FIXTURES.cheap as { codes: string[]; set: BackupCodeSetV1 };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const unb64url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

/** An app-supplied scrypt (noble's, called directly) that records every call. */
function counting() {
  const calls: Array<{
    password: string;
    salt: Uint8Array;
    params: { N: number; r: number; p: number; dkLen: number };
  }> = [];
  const scrypt: ScryptFunction = (password, salt, params) => {
    calls.push({ password: new TextDecoder().decode(password), salt: Uint8Array.from(salt), params });
    return scryptAsync(password, salt, params);
  };
  return { scrypt, calls };
}

/** The symbols of a code as generated now (format 3), without its dashes. */
const symbolsOf = (code: string) => code.replace(/-/g, '');
/** The symbols of a version-2 code, without its position or dashes. */
const v2SymbolsOf = (code: string) => code.split('-').slice(1).join('');
/** A version-2 code's symbols at another position (a valid-looking code that is not this set's). */
const withPosition = (code: string, position: number | string) => `${position}-${code.split('-').slice(1).join('-')}`;

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
  it('returns five distinct codes in four groups of four, unnumbered, and a version-3 set recording its parameters', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, now: 1_700_000_000_000 });
    expect(codes).toHaveLength(5);
    expect(new Set(codes.map(symbolsOf)).size).toBe(5);
    for (const code of codes) expect(code).toMatch(CODE_FORMAT);
    expect(set.version).toBe(3);
    expect(Object.keys(set)).toEqual(['version', 'generationId', 'createdAt', 'kdf', 'salt', 'codes']);
    expect(set.createdAt).toBe(1_700_000_000_000);
    expect(set.kdf).toEqual({ algorithm: 'scrypt', N: 16, r: 8, p: 1, dkLen: 32 });
    expect(unb64url(set.generationId)).toHaveLength(16);
    expect(unb64url(set.salt)).toHaveLength(16);
    // Canonical unpadded base64url, as Node writes it.
    expect(b64url(unb64url(set.salt))).toBe(set.salt);
    expect(set.codes).toHaveLength(5);
    expect(new Set(set.codes.map((c) => c.hash)).size).toBe(5);
    for (const entry of set.codes) {
      expect(Object.keys(entry)).toEqual(['hash', 'usedAt']);
      expect(entry.usedAt).toBeNull();
      expect(unb64url(entry.hash)).toHaveLength(32);
      expect(b64url(unb64url(entry.hash))).toBe(entry.hash);
    }
    expect(remainingBackupCodes(set)).toBe(5);
  });

  it('draws from the 30-symbol alphabet without look-alikes, about equally often (chi-squared, 29 df)', async () => {
    const counts = new Map<string, number>();
    let codes = 0;
    for (let i = 0; i < 200; i++) {
      const generated = await generateBackupCodes({ ...FAST, count: 20, kdf: { N: 2, r: 1, p: 1 } });
      for (const code of generated.codes) {
        codes++;
        for (const c of symbolsOf(code)) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    // 16 symbols of 30: 16 × log2(30) ≈ 78.5 bits, at least the 64 the codes must carry; and
    // with one salt for up to 20 codes, an offline search for any one of them still faces
    // 78.5 − log2(20) ≈ 74.2 bits, more than a version-2 code's 15 × log2(30) ≈ 73.6.
    expect([...counts.keys()].sort().join('')).toBe(ALPHABET);
    expect(16 * Math.log2(ALPHABET.length)).toBeGreaterThanOrEqual(64);
    expect(16 * Math.log2(ALPHABET.length) - Math.log2(20)).toBeGreaterThan(15 * Math.log2(ALPHABET.length));
    for (const confusable of '01OILU') expect(counts.has(confusable)).toBe(false);
    const expected = (codes * 16) / 30;
    let chi2 = 0;
    for (const n of counts.values()) chi2 += (n - expected) ** 2 / expected;
    // P(chi2 > 80 | 29 df) is about 1e-6: a biased generator fails, a fair one practically never.
    expect(chi2).toBeLessThan(80);
  });

  it('honours count from 1 to 20, with nothing in any code that reads as list numbering', async () => {
    expect((await generateBackupCodes({ ...FAST, count: 1 })).codes).toHaveLength(1);
    const twenty = await generateBackupCodes({ ...FAST, count: 20 });
    expect(twenty.codes).toHaveLength(20);
    for (const code of twenty.codes) {
      expect(code).toMatch(CODE_FORMAT);
      expect(code).not.toMatch(/^[0-9]{1,2}[-.)\s]/);
    }
    expect(new Set(twenty.codes.map(symbolsOf)).size).toBe(20);
    expect(twenty.set.codes).toHaveLength(20);
  });

  it('uses a fresh salt and a fresh generation id every time', async () => {
    const a = await generateBackupCodes(FAST);
    const b = await generateBackupCodes(FAST);
    expect(a.set.generationId).not.toBe(b.set.generationId);
    expect(a.set.salt).not.toBe(b.set.salt);
  });

  it('refuses bad options with typed errors', async () => {
    for (const count of [0, 21, 1.5, -1, Number.NaN, '5', null]) {
      await expectRejectCode(generateBackupCodes({ ...FAST, count: count as number }), 'INVALID_ARGUMENT');
    }
    await expectRejectCode(generateBackupCodes('x' as never), 'INVALID_ARGUMENT');
    await expectRejectCode(generateBackupCodes({ ...FAST, allowWeakKdf: 'yes' as never }), 'INVALID_ARGUMENT');
    await expectRejectCode(generateBackupCodes({ ...FAST, now: -1 }), 'INVALID_TIME');
    await expectRejectCode(generateBackupCodes({ kdf: 'scrypt' as never }), 'INVALID_ARGUMENT');
    for (const scrypt of ['fast', 'NATIVE', '', 1, {}, null]) {
      await expectRejectCode(generateBackupCodes({ ...FAST, scrypt: scrypt as never }), 'INVALID_ARGUMENT');
    }
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

  it('refuses KDF parameters below the minimum (memory × time 2^30.40 blocks²) unless allowWeakKdf is set', async () => {
    const { scrypt, calls } = counting();
    for (const kdf of [
      { N: 2 ** 12, r: 8, p: 1 }, // 2^30: just under
      { N: 2 ** 12, r: 4, p: 2 },
      { N: 2 ** 10, r: 8, p: 16 }, // 2^30
      { N: 2 ** 15, r: 1, p: 1 }, // 2^30
      { N: 16, r: 8, p: 1 },
      { N: 16, r: 1, p: 1 },
    ]) {
      await expectRejectCode(generateBackupCodes({ kdf, scrypt }), 'WEAK_KDF');
    }
    expect(calls).toHaveLength(0);
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    expect(set.kdf.N).toBe(16);
  });

  it('accepts the minimum, the default and every OWASP scrypt row without allowWeakKdf', async () => {
    // The derivation itself is replaced: this checks the policy, not scrypt's speed.
    const fake: ScryptFunction = async (_password, salt) =>
      new Uint8Array(32).map((_, i) => salt[salt.length - 1 - i]!);
    for (const kdf of [
      { N: 2 ** 13, r: 8, p: 1 }, // the default: 2^32
      { N: 2 ** 12, r: 8, p: 2 }, // 2^31
      { N: 2 ** 16, r: 1, p: 1 }, // 2^32
      { N: 2 ** 17, r: 8, p: 1 },
      { N: 2 ** 16, r: 8, p: 2 },
      { N: 2 ** 15, r: 8, p: 3 },
      { N: 2 ** 14, r: 8, p: 5 },
      { N: 2 ** 13, r: 8, p: 10 },
    ]) {
      const { set } = await generateBackupCodes({ kdf, count: 1, scrypt: fake });
      expect(set.kdf).toEqual({ algorithm: 'scrypt', ...kdf, dkLen: 32 });
    }
  });

  it('derives a set’s codes concurrently', async () => {
    let inFlight = 0;
    let most = 0;
    const scrypt: ScryptFunction = async (password, salt, params) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return scryptAsync(password, salt, params);
    };
    await generateBackupCodes({ ...FAST, count: 7, scrypt });
    expect(most).toBe(7);
  });

  it('holds at most 256 MiB of scrypt memory in flight while generating', async () => {
    let inFlight = 0;
    let most = 0;
    const fake: ScryptFunction = async (_password, salt) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return new Uint8Array(32).map((_, i) => salt[salt.length - 1 - i]!);
    };
    // 64 MiB per derivation: four at a time.
    await generateBackupCodes({ ...FAST, count: 10, kdf: { N: 2 ** 16, r: 8, p: 1 }, scrypt: fake });
    expect(most).toBe(4);
    most = 0;
    // 256 MiB per derivation: one at a time.
    await generateBackupCodes({ ...FAST, count: 3, kdf: { N: 2 ** 18, r: 8, p: 1 }, scrypt: fake });
    expect(most).toBe(1);
  });
});

describe('generation randomness', () => {
  it('rejects bytes that would bias the choice (rejection sampling)', async () => {
    // 240..255 must be skipped; 0, 29, 30 and 239 map to symbols 0, 29, 0 and 29.
    const bytes = [240, 255, 0, 250, 29, 30, 239, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        const view = array as unknown as Uint8Array;
        for (let i = 0; i < view.length; i++) view[i] = bytes.shift() ?? 0;
        return array;
      },
    );
    const { codes } = await generateBackupCodes({ ...FAST, count: 1 });
    const a = ALPHABET;
    const symbols = a[0]! + a[29] + a[0] + a[29] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8] + a[9];
    expect(symbolsOf(codes[0]!)).toBe(symbols + a[10] + a[11] + a[12]);
  });

  it('keeps drawing when a whole buffer is rejected', async () => {
    let calls = 0;
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        (array as unknown as Uint8Array).fill(calls++ === 0 ? 255 : 59);
        return array;
      },
    );
    const { codes } = await generateBackupCodes({ ...FAST, count: 1 });
    expect(codes[0]).toBe(Array.from({ length: 4 }, () => ALPHABET[29]!.repeat(4)).join('-'));
    // Two draws for the code, then the generation id and the set's salt.
    expect(calls).toBe(4);
  });
});

describe('verifyBackupCode and consumeBackupCode', () => {
  it('accepts each of five codes exactly once', async () => {
    const { codes, set } = await generateBackupCodes(FAST);
    let current: BackupCodeSetV3 = set;
    for (let i = 0; i < codes.length; i++) {
      expect(await verifyBackupCode(codes[i]!, current, AS_USER)).toEqual({ valid: true, index: i });
      current = consumeBackupCode(current, i, 1_000 + i);
      expect(current.codes[i]!.usedAt).toBe(1_000 + i);
      expect(await verifyBackupCode(codes[i]!, current, AS_USER)).toEqual({ valid: false, reason: 'used' });
      expect(remainingBackupCodes(current)).toBe(codes.length - 1 - i);
      // The codes not yet used still verify.
      for (let j = i + 1; j < codes.length; j++) {
        expect(await verifyBackupCode(codes[j]!, current, AS_USER)).toEqual({ valid: true, index: j });
      }
    }
    for (const code of codes) {
      expect(await verifyBackupCode(code, current, AS_USER)).toEqual({ valid: false, reason: 'used' });
    }
    expect(remainingBackupCodes(current)).toBe(0);
  });

  it('refuses a code that is not in the set, and a code of the set typed with a position', async () => {
    const { codes, set } = await generateBackupCodes(FAST);
    const { scrypt, calls } = counting();
    expect(await verifyBackupCode('2222-2222-2222-2222', set, { ...AS_USER, scrypt })).toEqual({
      valid: false,
      reason: 'invalid',
    });
    expect(calls).toHaveLength(1);
    // A position is no part of a version-3 code: '3-' before it is refused without a derivation.
    for (const [i, code] of codes.entries()) {
      for (const numbered of [`${i + 1}-${code}`, `0${i + 1} ${code}`, `${i + 1}. ${code}`]) {
        expect(await verifyBackupCode(numbered, set, { ...AS_USER, scrypt }), numbered).toEqual({
          valid: false,
          reason: 'malformed',
        });
      }
    }
    expect(calls).toHaveLength(1);
  });

  it('makes every code of an old set fail after regeneration', async () => {
    const old = await generateBackupCodes(FAST);
    const regenerated = await generateBackupCodes(FAST);
    for (const code of old.codes) {
      expect(await verifyBackupCode(code, regenerated.set, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
    }
    for (const [i, code] of regenerated.codes.entries()) {
      expect(await verifyBackupCode(code, regenerated.set, AS_USER)).toEqual({ valid: true, index: i });
    }
  });

  it('binds digests to the generation and the set salt; the order of entries is only their index', async () => {
    const { codes, set } = await generateBackupCodes(FAST);
    const moved = { ...set, generationId: b64url(new Uint8Array(16).fill(7)) };
    const resalted = { ...set, salt: b64url(new Uint8Array(16).fill(7)) };
    for (const code of codes) {
      expect(await verifyBackupCode(code, moved, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
      expect(await verifyBackupCode(code, resalted, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
    }
    // Entries 0 and 1 swapped: each code is found at its new index, and consumed there.
    const swapped = { ...set, codes: [set.codes[1]!, set.codes[0]!, ...set.codes.slice(2)] };
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code, swapped, AS_USER)).toEqual({ valid: true, index: i < 2 ? 1 - i : i });
    }
  });

  it('reads the code as printed: any case, with or without dashes and spaces (no-break and Unicode ones too)', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 3 });
    const code = codes[2]!; // XXXX-XXXX-XXXX-XXXX
    const bare = code.replace(/-/g, '');
    const variants = [
      code,
      code.toLowerCase(),
      bare,
      bare.toLowerCase(),
      code.replace(/-/g, ' '),
      code.toLowerCase().replace(/-/g, ' '),
      `  ${code}  `,
      `\t${code}\n`,
      bare.split('').join(' '),
      bare.split('').join('-'),
      `${bare.slice(0, 3)}-- ${bare.slice(3, 9).toLowerCase()}  ${bare.slice(9)}`,
      code.replace(/-/g, '\u2013'), // en dash, as word processors print it
      code.replace(/-/g, '\u2014'), // em dash
      code.replace(/-/g, '\u2212'), // minus sign
      code.replace(/-/g, '\u00a0'), // no-break space
      code.replace(/-/g, '\u202f'), // narrow no-break space
      code.replace(/-/g, ' \u2013 '),
      bare.slice(0, 7) + bare.slice(7).toLowerCase(),
    ];
    for (const variant of variants) {
      expect(await verifyBackupCode(variant, set, AS_USER), JSON.stringify(variant)).toEqual({ valid: true, index: 2 });
    }
  });

  it('reads every decoration of case and separators the same way (fast-check)', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 11 }),
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('', ' ', '-', ' - ', '\t', '--', '\u2010', '\u00a0')), {
          minLength: 16,
          maxLength: 16,
        }),
        async (index, decorations) => {
          const chars = symbolsOf(codes[index]!).split('');
          const typed = chars.map((c, i) => (decorations[i]![0] ? c.toLowerCase() : c) + decorations[i]![1]).join('');
          expect(await verifyBackupCode(typed, set, AS_USER)).toEqual({ valid: true, index });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers 'malformed' for anything that cannot be a code of the set, without running the KDF", async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 2 });
    const code = codes[0]!;
    const bare = code.replace(/-/g, '');
    const { scrypt, calls } = counting();
    const malformed: unknown[] = [
      '',
      ' ',
      '-----',
      code.slice(0, -1),
      bare.slice(1), // 15 symbols: the length of a version-1 or version-2 code
      `A${bare}`,
      `${bare}AB`,
      `${bare.slice(0, -1)}0`, // zero
      `${bare.slice(0, -1)}O`, // letter O
      `${bare.slice(0, -1)}1`,
      `${bare.slice(0, -1)}I`,
      `${bare.slice(0, -1)}L`,
      `${bare.slice(0, -1)}U`,
      `${bare.slice(0, -1)}_`,
      `${bare.slice(0, -1)}.`,
      `${bare.slice(0, -1)}=`,
      `${bare.slice(0, -1)}é`,
      `${bare.slice(0, -1)}\u017f`, // long s: upper-cases to S, still not an ASCII code character
      `${bare.slice(0, -1)}\uff21`, // full-width A
      `${bare.slice(0, -1)}\u0000`,
      `1-${code}`,
      `3-${code}`,
      `20-${code}`,
      code.replace(/-/g, '_'),
      code.replace(/-/g, '.'),
      `${code}\u200b`, // zero-width space is not whitespace
      `${code} ${code}`,
      `${code}${' '.repeat(64)}`, // over the input bound, however much of it is spaces
      code.repeat(1000),
      undefined,
      null,
      1234567890123456,
      {},
      [code],
      new String(code),
      Symbol('code'),
      true,
    ];
    for (const input of malformed) {
      expect(
        await verifyBackupCode(input as string, set, { ...AS_USER, scrypt }),
        String(typeof input === 'symbol' ? 'symbol' : input),
      ).toEqual({ valid: false, reason: 'malformed' });
    }
    expect(calls).toHaveLength(0);
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

describe('bound to a context (the user id)', () => {
  it('verifies a version-2 set only under the context it was made for', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, context: 'alice' });
    const copied = parseBackupCodeSet(serializeBackupCodeSet(set));
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code, copied, { context: 'alice' })).toEqual({ valid: true, index: i });
      for (const other of ['bob', 'Alice', 'alice ', 'alic', 'alice\u0000', 'a'.repeat(1024)]) {
        expect(await verifyBackupCode(code, copied, { context: other }), other).toEqual({
          valid: false,
          reason: 'invalid',
        });
      }
      // No context is not a wildcard.
      expect(await verifyBackupCode(code, copied)).toEqual({ valid: false, reason: 'invalid' });
    }
  });

  it('does not store the context in the set', async () => {
    const context = 'tenant-7/ada.lovelace@example.com';
    const { set } = await generateBackupCodes({ ...FAST, context });
    const json = serializeBackupCodeSet(set);
    expect(json).not.toContain('ada');
    expect(json).not.toContain(b64url(new TextEncoder().encode(context)).slice(0, 12));
  });

  it('a set made without a context verifies only without one', async () => {
    const { codes, set } = await generateBackupCodes({ kdf: FAST.kdf, allowWeakKdf: true });
    expect(await verifyBackupCode(codes[0]!, set)).toEqual({ valid: true, index: 0 });
    expect(await verifyBackupCode(codes[0]!, set, {})).toEqual({ valid: true, index: 0 });
    expect(await verifyBackupCode(codes[0]!, set, { context: 'anyone' })).toEqual({ valid: false, reason: 'invalid' });
  });

  it('refuses a context that is empty, too long, not a string or not well-formed Unicode', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    for (const context of ['', 'x'.repeat(1025), 'a\ud800b', '\udc00', 42, null, {}, ['user-1']]) {
      await expectRejectCode(generateBackupCodes({ ...FAST, context: context as string }), 'INVALID_ARGUMENT');
      await expectRejectCode(
        verifyBackupCode('1-22222-22222-22222', set, { context: context as string }),
        'INVALID_ARGUMENT',
      );
    }
  });
});

describe('one derivation per verification', () => {
  for (const count of [1, 5, 20]) {
    it(`derives exactly once per check against ${count} code(s), with the set's salt`, async () => {
      const generated = await generateBackupCodes({ ...FAST, count });
      const { scrypt, calls } = counting();
      const options = { ...AS_USER, scrypt };
      let set = generated.set;
      const last = count - 1;

      expect(await verifyBackupCode(generated.codes[last]!, set, options)).toEqual({ valid: true, index: last });
      expect(calls).toHaveLength(1);
      // The set's stored random salt ends the KDF salt; the password is the code's symbols.
      const own = unb64url(set.salt);
      expect(calls[0]!.salt.slice(-own.length)).toEqual(own);
      expect(calls[0]!.password).toBe(symbolsOf(generated.codes[last]!));

      // Typed in lower case with spaces: still one derivation.
      const typed = generated.codes[0]!.toLowerCase().replace(/-/g, ' ');
      expect(await verifyBackupCode(typed, set, options)).toEqual({ valid: true, index: 0 });
      expect(calls).toHaveLength(2);

      expect(await verifyBackupCode('2222-2222-2222-2222', set, options)).toEqual({ valid: false, reason: 'invalid' });
      expect(calls).toHaveLength(3);

      set = consumeBackupCode(set, 0, 1);
      expect(await verifyBackupCode(generated.codes[0]!, set, options)).toEqual({ valid: false, reason: 'used' });
      expect(calls).toHaveLength(4);
      // Every call used the set's own parameters.
      for (const call of calls) expect(call.params).toEqual({ N: 16, r: 8, p: 1, dkLen: 32 });
    });
  }

  it('generation derives once per code, all under the set salt', async () => {
    const { scrypt, calls } = counting();
    await generateBackupCodes({ ...FAST, count: 7, scrypt });
    expect(calls).toHaveLength(7);
    expect(new Set(calls.map((call) => b64url(call.salt))).size).toBe(1);
    expect(new Set(calls.map((call) => call.password)).size).toBe(7);
  });

  it('a version-1 set also costs one derivation, whatever the number of codes', async () => {
    const { scrypt, calls } = counting();
    expect(await verifyBackupCode(V1.codes[2]!, V1.set, { scrypt })).toEqual({ valid: true, index: 2 });
    expect(await verifyBackupCode('22222-22222-22222', V1.set, { scrypt })).toEqual({
      valid: false,
      reason: 'invalid',
    });
    expect(calls).toHaveLength(2);
  });

  it('an app-supplied scrypt must resolve to 32 bytes', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 1 });
    for (const wrong of [new Uint8Array(31), new Uint8Array(64), 'digest', null, new Uint16Array(16)]) {
      const scrypt = (async () => wrong) as unknown as ScryptFunction;
      await expectRejectCode(verifyBackupCode(codes[0]!, set, { ...AS_USER, scrypt }), 'INVALID_ARGUMENT');
      await expectRejectCode(generateBackupCodes({ ...FAST, scrypt }), 'INVALID_ARGUMENT');
    }
  });
});

describe('version-2 sets (a salt per code, typed with its position; stored by the previous version)', () => {
  it('verify, consume and round-trip as before: each code once, under its own position and context', async () => {
    const { codes, set: made } = makeV2Set({ context: CONTEXT, count: 5 });
    const set = parseBackupCodeSet(JSON.stringify(made));
    expect(set).toEqual(made);
    expect(serializeBackupCodeSet(set)).toBe(JSON.stringify(made));
    let current: BackupCodeSet = set;
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code.toLowerCase(), current, AS_USER)).toEqual({ valid: true, index: i });
      expect(await verifyBackupCode(code, current, { context: 'user-2' })).toEqual({ valid: false, reason: 'invalid' });
      current = consumeBackupCode(current, i, 10 + i);
      expect(current.version).toBe(2);
      expect(await verifyBackupCode(code, current, AS_USER)).toEqual({ valid: false, reason: 'used' });
    }
    expect(remainingBackupCodes(current)).toBe(0);
  });

  it('refuses a code of the set under another position, and entries moved to another position', async () => {
    const { codes, set } = makeV2Set({ context: CONTEXT, count: 5 });
    expect(await verifyBackupCode('1-22222-22222-22222', set, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
    for (let i = 0; i < codes.length; i++) {
      const elsewhere = withPosition(codes[i]!, ((i + 1) % codes.length) + 1);
      expect(await verifyBackupCode(elsewhere, set, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
    }
    // Entries 0 and 1 swapped: code 1 now finds code 2's salt and digest and the other way round.
    const swapped = { ...set, codes: [set.codes[1]!, set.codes[0]!, ...set.codes.slice(2)] };
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code, swapped, AS_USER)).toEqual(
        i < 2 ? { valid: false, reason: 'invalid' } : { valid: true, index: i },
      );
      if (i < 2) {
        const other = withPosition(code, 2 - i);
        expect(await verifyBackupCode(other, swapped, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
      }
    }
  });

  it('reads the code leniently: case, spaces, dashes (Unicode ones too), a leading zero in the position', async () => {
    const { codes, set } = makeV2Set({ context: CONTEXT, count: 3 });
    const code = codes[2]!; // 3-XXXXX-XXXXX-XXXXX
    const bare = code.replace(/-/g, '');
    const variants = [
      code,
      code.toLowerCase(),
      bare,
      bare.toLowerCase(),
      code.replace(/-/g, ' '),
      `\t${code}\n`,
      bare.split('').join(' '),
      code.replace(/-/g, '\u2013'),
      code.replace(/-/g, '\u00a0'),
      `0${code}`,
      `03 ${bare.slice(1)}`,
    ];
    for (const variant of variants) {
      expect(await verifyBackupCode(variant, set, AS_USER), JSON.stringify(variant)).toEqual({ valid: true, index: 2 });
    }
  });

  it("answers 'malformed' without running the KDF for a code typed without its position, or a bad position", async () => {
    // Without its position the code could be any entry's: finding it would cost one
    // derivation per code of the set, so it is refused instead (regenerate to get version 3).
    const { codes, set } = makeV2Set({ context: CONTEXT, count: 2 });
    const code = codes[0]!;
    const { scrypt, calls } = counting();
    const malformed = [
      v2SymbolsOf(code),
      code.split('-').slice(1).join('-'),
      // 16 symbols, the length of a version-3 code, starting with a letter: a leading digit
      // would read, as it must, as a position typed without its dash.
      `Z${v2SymbolsOf(code)}`,
      withPosition(code, 0),
      withPosition(code, 21),
      withPosition(code, 100),
      withPosition(code, '001'),
      withPosition(code, '\uff11'), // full-width 1
      withPosition(code, 'A'),
      withPosition(code, '+1'),
      `${code.slice(0, -1)}O`,
    ];
    for (const input of malformed) {
      expect(await verifyBackupCode(input, set, { ...AS_USER, scrypt }), input).toEqual({
        valid: false,
        reason: 'malformed',
      });
    }
    expect(calls).toHaveLength(0);
  });

  it("answers 'invalid' without running the KDF for a position the set does not have", async () => {
    const { codes, set } = makeV2Set({ context: CONTEXT, count: 2 });
    const { scrypt, calls } = counting();
    for (const position of [3, 7, 20]) {
      expect(await verifyBackupCode(withPosition(codes[0]!, position), set, { ...AS_USER, scrypt })).toEqual({
        valid: false,
        reason: 'invalid',
      });
    }
    expect(calls).toHaveLength(0);
  });

  for (const count of [1, 20]) {
    it(`derives exactly once per check against ${count} code(s), with that code's own salt`, async () => {
      const { codes, set } = makeV2Set({ context: CONTEXT, count });
      const { scrypt, calls } = counting();
      const last = count - 1;
      expect(await verifyBackupCode(codes[last]!, set, { ...AS_USER, scrypt })).toEqual({ valid: true, index: last });
      expect(calls).toHaveLength(1);
      const own = unb64url(set.codes[last]!.salt);
      expect(calls[0]!.salt.slice(-own.length)).toEqual(own);
      expect(calls[0]!.password).toBe(v2SymbolsOf(codes[last]!));
    });
  }
});

describe('version-1 sets (stored by earlier versions)', () => {
  it('verify, consume and round-trip exactly as before, with or without a context', async () => {
    const set = parseBackupCodeSet(JSON.stringify(V1.set));
    expect(set).toEqual(V1.set);
    expect(serializeBackupCodeSet(set)).toBe(JSON.stringify(V1.set));
    let current: BackupCodeSet = set;
    for (const [i, code] of V1.codes.entries()) {
      expect(await verifyBackupCode(code, current)).toEqual({ valid: true, index: i });
      // No binding: a version-1 set gets one when it is next regenerated.
      expect(await verifyBackupCode(code.toLowerCase(), current, { context: 'whoever' })).toEqual({
        valid: true,
        index: i,
      });
      current = consumeBackupCode(current, i, 10 + i);
      expect(current.version).toBe(1);
      expect(await verifyBackupCode(code, current)).toEqual({ valid: false, reason: 'used' });
    }
    expect(remainingBackupCodes(current)).toBe(0);
  });

  it('refuses a version-1 code typed with a position or one symbol more, and a code not in the set', async () => {
    const { scrypt, calls } = counting();
    for (const input of [`1-${V1.codes[0]}`, `${V1.codes[0]}2`]) {
      expect(await verifyBackupCode(input, V1.set, { scrypt })).toEqual({ valid: false, reason: 'malformed' });
    }
    expect(calls).toHaveLength(0);
    expect(await verifyBackupCode('22222-22222-22222', V1.set)).toEqual({ valid: false, reason: 'invalid' });
  });

  it('keeps its per-set salt: the same digests under another generation id match nothing', async () => {
    const moved = { ...V1.set, generationId: b64url(new Uint8Array(16).fill(7)) };
    for (const code of V1.codes)
      expect(await verifyBackupCode(code, moved)).toEqual({ valid: false, reason: 'invalid' });
  });
});

describe('stored form', () => {
  it('contains no plaintext code in any normalised form', async () => {
    const { codes, set } = await generateBackupCodes({ ...FAST, count: 20 });
    const stored = serializeBackupCodeSet(set);
    const storedLower = stored.toLowerCase();
    const encoder = new TextEncoder();
    for (const code of codes) {
      const symbols = symbolsOf(code);
      for (const form of [code, code.replace(/-/g, ''), code.replace(/-/g, ' '), symbols, symbols.slice(0, 10)]) {
        expect(storedLower).not.toContain(form.toLowerCase());
      }
      // Nor the code's bytes in the encoding the stored fields use.
      expect(stored).not.toContain(b64url(encoder.encode(symbols)).slice(0, 16));
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

  it('accepts salts of 16 to 64 bytes in canonical base64url only, per set and per code (fast-check)', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    const v2 = makeV2Set({ count: 1 }).set;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), fc.boolean(), (bytes, perCode) => {
        const salt = b64url(bytes);
        const withSalt = (text: string) =>
          perCode ? { ...v2, codes: [{ ...v2.codes[0]!, salt: text }] } : { ...set, salt: text };
        const parsed = parseBackupCodeSet(withSalt(salt));
        expect(perCode ? (parsed as BackupCodeSetV2).codes[0]!.salt : (parsed as BackupCodeSetV3).salt).toBe(salt);
        expectCode(() => parseBackupCodeSet(withSalt(`${salt}=`)), 'INVALID_BACKUP_SET');
        const standard = Buffer.from(bytes).toString('base64');
        if (standard !== salt) expectCode(() => parseBackupCodeSet(withSalt(standard)), 'INVALID_BACKUP_SET');
        if (bytes.length % 3 !== 0) {
          // The last character carries unused bits; setting one gives the same bytes in another spelling.
          const last = BASE64URL.indexOf(salt.at(-1)!);
          const spelled = salt.slice(0, -1) + BASE64URL[last | 1];
          expect(new Uint8Array(Buffer.from(spelled, 'base64url'))).toEqual(bytes);
          expectCode(() => parseBackupCodeSet(withSalt(spelled)), 'INVALID_BACKUP_SET');
        }
      }),
    );
  });

  it('accepts a digest only as the canonical base64url of 32 bytes (fast-check)', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    const withHash = (hash: string) => ({ ...set, codes: [{ ...set.codes[0]!, hash }] });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 3 }), (bytes, extraBits) => {
        const hash = b64url(bytes);
        expect(parseBackupCodeSet(withHash(hash)).codes[0]!.hash).toBe(hash);
        // 43 symbols carry 258 bits: the last symbol's two spare bits must be zero.
        const last = BASE64URL.indexOf(hash.at(-1)!);
        if (extraBits !== 0) {
          expectCode(
            () => parseBackupCodeSet(withHash(hash.slice(0, -1) + BASE64URL[last | extraBits])),
            'INVALID_BACKUP_SET',
          );
        }
        for (const other of [`${hash}=`, hash.slice(0, -1), `${hash}A`, Buffer.from(bytes).toString('base64')]) {
          if (other !== hash) expectCode(() => parseBackupCodeSet(withHash(other)), 'INVALID_BACKUP_SET');
        }
      }),
    );
  });
});

type Mutation = [name: string, mutate: (set: any) => unknown];
const filled = (bytes: number, fill = 1) => b64url(new Uint8Array(bytes).fill(fill));
const firstCode = (s: any, change: Record<string, unknown>) => ({
  ...s,
  codes: [{ ...s.codes[0], ...change }, ...s.codes.slice(1)],
});

/** Refused the same way by every version. */
const COMMON_MUTATIONS: Mutation[] = [
  ['null', () => null],
  ['an array', (s) => [s]],
  ['a number', () => 1],
  ['version 4', (s) => ({ ...s, version: 4 })],
  ['version "3"', (s) => ({ ...s, version: '3' })],
  ['version "2"', (s) => ({ ...s, version: '2' })],
  ['version "1"', (s) => ({ ...s, version: '1' })],
  ['version 0', (s) => ({ ...s, version: 0 })],
  ['an extra field', (s) => ({ ...s, allValid: true })],
  ['createdAt a string', (s) => ({ ...s, createdAt: '2024-01-01' })],
  ['createdAt negative', (s) => ({ ...s, createdAt: -1 })],
  ['createdAt NaN', (s) => ({ ...s, createdAt: Number.NaN })],
  ['generationId too short', (s) => ({ ...s, generationId: filled(15) })],
  ['generationId not base64url', (s) => ({ ...s, generationId: 'not base64url!!!!!!!!!' })],
  ['a digest of a megabyte', (s) => firstCode(s, { hash: 'A'.repeat(1 << 20) })],
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
  ['kdf work over 2^23', (s) => ({ ...s, kdf: { ...s.kdf, N: 2 ** 18, r: 8, p: 5 } })],
  ['kdf with an extra field', (s) => ({ ...s, kdf: { ...s.kdf, maxmem: 1 } })],
  ['codes empty', (s) => ({ ...s, codes: [] })],
  ['codes not an array', (s) => ({ ...s, codes: {} })],
  [
    '21 codes',
    (s) => ({
      ...s,
      codes: Array.from({ length: 21 }, (_, i) => ({ ...s.codes[0], hash: filled(32, i), salt: filled(16, i) })),
    }),
  ],
  ['a digest of 31 bytes', (s) => firstCode(s, { hash: filled(31) })],
  ['a digest of 33 bytes', (s) => firstCode(s, { hash: filled(33) })],
  ['an empty digest', (s) => firstCode(s, { hash: '' })],
  ['a digest that is not a string', (s) => firstCode(s, { hash: null })],
  ['a digest truncated by one character', (s) => firstCode(s, { hash: s.codes[0].hash.slice(0, -1) })],
  ['a repeated digest', (s) => ({ ...s, codes: [s.codes[0], { ...s.codes[1], hash: s.codes[0].hash }] })],
  ['usedAt a string', (s) => firstCode(s, { usedAt: 'yesterday' })],
  ['usedAt false', (s) => firstCode(s, { usedAt: false })],
  ['usedAt negative', (s) => firstCode(s, { usedAt: -5 })],
  [
    'usedAt missing',
    (s) => {
      const { usedAt: _, ...entry } = s.codes[0];
      return { ...s, codes: [entry, ...s.codes.slice(1)] };
    },
  ],
  ['a code entry that is a string', (s) => ({ ...s, codes: [s.codes[0].hash, ...s.codes.slice(1)] })],
  ['a code entry with an extra field', (s) => firstCode(s, { valid: true })],
  ...['version', 'generationId', 'createdAt', 'kdf', 'codes'].map(
    (key): Mutation => [
      `missing ${key}`,
      (s) => {
        const copy = { ...s };
        delete copy[key];
        return copy;
      },
    ],
  ),
];

const V2_MUTATIONS: Mutation[] = [
  ['a set-wide salt (a version-1 and version-3 field)', (s) => ({ ...s, salt: s.codes[0].salt })],
  ['version 1 with version-2 entries', (s) => ({ ...s, version: 1 })],
  ['version 3 with version-2 entries', (s) => ({ ...s, version: 3 })],
  ['a code without its salt', (s) => ({ ...s, codes: [{ hash: s.codes[0].hash, usedAt: null }, ...s.codes.slice(1)] })],
  ['a salt of 15 bytes', (s) => firstCode(s, { salt: filled(15) })],
  ['a salt of 65 bytes', (s) => firstCode(s, { salt: filled(65) })],
  ['an empty salt', (s) => firstCode(s, { salt: '' })],
  ['a padded salt', (s) => firstCode(s, { salt: `${s.codes[0].salt}==` })],
  ['a salt that is a number', (s) => firstCode(s, { salt: 12345 })],
  ['a salt of a megabyte', (s) => firstCode(s, { salt: 'A'.repeat(1 << 20) })],
  ['a repeated salt', (s) => ({ ...s, codes: [s.codes[0], { ...s.codes[1], salt: s.codes[0].salt }] })],
];

/** Versions 1 and 3 share their layout (a set-wide salt, entries of a digest and a time). */
const SET_SALT_MUTATIONS: Mutation[] = [
  ['no set-wide salt', (s) => ({ ...s, salt: undefined })],
  ['version 2 with set-salt entries', (s) => ({ ...s, version: 2 })],
  ['a per-code salt (a version-2 field)', (s) => firstCode(s, { salt: s.salt })],
  ['salt of 15 bytes', (s) => ({ ...s, salt: filled(15) })],
  ['salt empty', (s) => ({ ...s, salt: '' })],
  ['salt padded', (s) => ({ ...s, salt: `${s.salt}==` })],
  ['salt a number', (s) => ({ ...s, salt: 12345 })],
  ['salt of 65 bytes', (s) => ({ ...s, salt: filled(65) })],
  ['salt of a megabyte', (s) => ({ ...s, salt: 'A'.repeat(1 << 20) })],
  [
    'missing salt',
    (s) => {
      const { salt: _, ...copy } = s;
      return copy;
    },
  ],
];

describe('tampered and truncated sets', () => {
  let cached: { codes: string[]; set: BackupCodeSetV3 } | undefined;
  async function sample() {
    cached ??= await generateBackupCodes(FAST);
    return cached;
  }
  const V2 = makeV2Set({ context: CONTEXT });

  async function expectRefusedEverywhere(tampered: unknown, code: string): Promise<void> {
    const { scrypt, calls } = counting();
    expectCode(() => parseBackupCodeSet(tampered), 'INVALID_BACKUP_SET');
    expectCode(() => parseBackupCodeSet(JSON.stringify(tampered)), 'INVALID_BACKUP_SET');
    await expectRejectCode(verifyBackupCode(code, tampered as BackupCodeSet, { scrypt }), 'INVALID_BACKUP_SET');
    await expectRejectCode(verifyBackupCode('not a code', tampered as BackupCodeSet, { scrypt }), 'INVALID_BACKUP_SET');
    expectCode(() => consumeBackupCode(tampered as BackupCodeSet, 0), 'INVALID_BACKUP_SET');
    expectCode(() => remainingBackupCodes(tampered as BackupCodeSet), 'INVALID_BACKUP_SET');
    expectCode(() => serializeBackupCodeSet(tampered as BackupCodeSet), 'INVALID_BACKUP_SET');
    expect(calls).toHaveLength(0);
  }

  for (const [name, mutate] of [...COMMON_MUTATIONS, ...SET_SALT_MUTATIONS]) {
    it(`refuses a version-3 set with ${name} everywhere a set is taken`, async () => {
      const { codes, set } = await sample();
      await expectRefusedEverywhere(mutate(structuredClone(set)), codes[0]!);
    });
  }

  for (const [name, mutate] of [...COMMON_MUTATIONS, ...V2_MUTATIONS]) {
    it(`refuses a version-2 set with ${name} everywhere a set is taken`, async () => {
      await expectRefusedEverywhere(mutate(structuredClone(V2.set)), V2.codes[0]!);
    });
  }

  for (const [name, mutate] of [...COMMON_MUTATIONS, ...SET_SALT_MUTATIONS]) {
    it(`refuses a version-1 set with ${name} everywhere a set is taken`, async () => {
      await expectRefusedEverywhere(mutate(structuredClone(V1.set)), V1.codes[0]!);
    });
  }

  it('a version-1 set relabelled version 3, or the other way round, verifies none of its codes', async () => {
    const { codes, set } = await sample();
    const asV1 = { ...set, version: 1 as const };
    const asV3 = { ...V1.set, version: 3 as const };
    for (const code of codes) {
      expect((await verifyBackupCode(code, asV1, AS_USER)).valid).toBe(false);
    }
    for (const code of V1.codes) expect((await verifyBackupCode(code, asV3)).valid).toBe(false);
  });

  it('refuses every truncation of the stored JSON, of every version', async () => {
    const { set } = await sample();
    for (const text of [serializeBackupCodeSet(set), JSON.stringify(V2.set), JSON.stringify(V1.set)]) {
      for (let length = 0; length < text.length; length++) {
        expectCode(() => parseBackupCodeSet(text.slice(0, length)), 'INVALID_BACKUP_SET');
      }
      expect(parseBackupCodeSet(text)).toEqual(JSON.parse(text));
    }
  });

  it('refuses text that is not JSON, or far too long', () => {
    for (const text of ['', 'null', 'true', '"set"', '{', '[]', '{"version":2}', 'x'.repeat(100_000)]) {
      expectCode(() => parseBackupCodeSet(text), 'INVALID_BACKUP_SET');
    }
  });

  it('keeps digests and salts out of error messages', async () => {
    const { set } = await sample();
    const text = serializeBackupCodeSet(set);
    try {
      parseBackupCodeSet(`${text.slice(0, -3)}x}`);
      expect.unreachable();
    } catch (error) {
      expect(isFactorkitError(error, 'INVALID_BACKUP_SET')).toBe(true);
      const message = (error as Error).message;
      for (const entry of set.codes) expect(message).not.toContain(entry.hash.slice(0, 8));
      expect(message).not.toContain(set.salt.slice(0, 8));
      expect((error as Error).cause).toBeUndefined();
    }
  });

  it('a weakened digest list never verifies a wrong code', async () => {
    // Digests replaced by other bytes: well-formed, so accepted, but nothing derives to them.
    const { codes, set } = await sample();
    const zeroed = { ...set, codes: set.codes.map((c, i) => ({ ...c, hash: filled(32, i) })) };
    for (const code of codes) {
      expect(await verifyBackupCode(code, zeroed, AS_USER)).toEqual({ valid: false, reason: 'invalid' });
    }
    const zeroedV1 = { ...V1.set, codes: V1.set.codes.map((c, i) => ({ ...c, hash: filled(32, i) })) };
    for (const code of V1.codes)
      expect(await verifyBackupCode(code, zeroedV1)).toEqual({ valid: false, reason: 'invalid' });
  });
});

describe('the shared bad-value list, at every argument', () => {
  const TIME_VALID = ['undefined', '0', '1.5', '2^53', '1e300'];

  it('generateBackupCodes options', async () => {
    const { scrypt, calls } = counting();
    for (const { label, value } of badValuesExcept('undefined', ...OBJECT_LIKE)) {
      await expectRejectCode(generateBackupCodes(value as never), 'INVALID_ARGUMENT').catch((error) => {
        throw new Error(`options = ${label}: ${String(error)}`);
      });
    }
    for (const key of ['count', 'kdf', 'context'] as const) {
      // Any non-empty string is a context.
      const valid = key === 'context' ? ['undefined', "'1'", "'SHA1 '"] : ['undefined'];
      for (const { label, value } of badValuesExcept(...valid)) {
        await expectRejectCode(generateBackupCodes({ ...FAST, scrypt, [key]: value }), 'INVALID_ARGUMENT').catch(
          (error) => {
            throw new Error(`${key} = ${label}: ${String(error)}`);
          },
        );
      }
    }
    for (const { label, value } of badValuesExcept('undefined', '() => 1')) {
      await expectRejectCode(generateBackupCodes({ ...FAST, scrypt: value as never }), 'INVALID_ARGUMENT').catch(
        (error) => {
          throw new Error(`scrypt = ${label}: ${String(error)}`);
        },
      );
    }
    for (const { label, value } of badValuesExcept('undefined', 'true', 'false')) {
      await expectRejectCode(
        generateBackupCodes({ ...FAST, scrypt, allowWeakKdf: value as boolean }),
        'INVALID_ARGUMENT',
      ).catch((error) => {
        throw new Error(`allowWeakKdf = ${label}: ${String(error)}`);
      });
    }
    for (const { label, value } of badValuesExcept(...TIME_VALID)) {
      await expectRejectCode(generateBackupCodes({ ...FAST, scrypt, now: value as number }), 'INVALID_TIME').catch(
        (error) => {
          throw new Error(`now = ${label}: ${String(error)}`);
        },
      );
    }
    expect(calls).toHaveLength(0);
  });

  it('verifyBackupCode: input is malformed, the set argument INVALID_BACKUP_SET, options INVALID_ARGUMENT', async () => {
    const { set } = await generateBackupCodes({ ...FAST, count: 1 });
    for (const { label, value } of BAD_VALUES) {
      expect(await verifyBackupCode(value as string, set, AS_USER), label).toEqual({
        valid: false,
        reason: 'malformed',
      });
      await expectRejectCode(verifyBackupCode('1-22222-22222-22222', value as BackupCodeSet), 'INVALID_BACKUP_SET');
    }
    for (const { label, value } of badValuesExcept('undefined', ...OBJECT_LIKE)) {
      await expectRejectCode(verifyBackupCode('1-22222-22222-22222', set, value as never), 'INVALID_ARGUMENT').catch(
        (error) => {
          throw new Error(`options = ${label}: ${String(error)}`);
        },
      );
    }
    for (const { label, value } of badValuesExcept('undefined', "'1'", "'SHA1 '")) {
      await expectRejectCode(
        verifyBackupCode('1-22222-22222-22222', set, { context: value as string }),
        'INVALID_ARGUMENT',
      ).catch((error) => {
        throw new Error(`context = ${label}: ${String(error)}`);
      });
    }
    for (const { label, value } of badValuesExcept('undefined', '() => 1')) {
      await expectRejectCode(
        verifyBackupCode('1-22222-22222-22222', set, { scrypt: value as never }),
        'INVALID_ARGUMENT',
      ).catch((error) => {
        throw new Error(`scrypt = ${label}: ${String(error)}`);
      });
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

// The default scrypt parameters end to end, both scrypt implementations checked against
// node:crypto (an independent implementation, OpenSSL's) and against each other, and the
// version-1 sets stored with the old defaults. Slower than the rest (derivations of 20 to 300 ms).
import { readFileSync } from 'node:fs';
import { scryptSync } from 'node:crypto';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  consumeBackupCode,
  defaultScryptImplementation,
  generateBackupCodes,
  parseBackupCodeSet,
  serializeBackupCodeSet,
  verifyBackupCode,
  type BackupCodeSetV1,
  type BackupCodeSetV2,
  type BackupCodeSetV3,
  type ScryptFunction,
} from 'factorkit';

const V1_FIXTURES = JSON.parse(readFileSync(new URL('../support/backup-codes-v1.json', import.meta.url), 'utf8'));
const V1_DEFAULT = V1_FIXTURES.default as { codes: string[]; set: BackupCodeSetV1 };
const V2_FIXTURES = JSON.parse(readFileSync(new URL('../support/backup-codes-v2.json', import.meta.url), 'utf8'));
const V2_DEFAULT = V2_FIXTURES.default as { codes: string[]; set: BackupCodeSetV2 };
const V2_CONTEXT = V2_FIXTURES.context as string;
const V3_FIXTURES = JSON.parse(readFileSync(new URL('../support/backup-codes-v3.json', import.meta.url), 'utf8'));
const V3_DEFAULT = V3_FIXTURES.default as { codes: string[]; set: BackupCodeSetV3 };
const V3_CONTEXT = V3_FIXTURES.context as string;
const MAXMEM = 512 * 1024 * 1024;

const unb64url = (text: string) => Buffer.from(text, 'base64url');
/** A version-2 code's symbols: its position and dashes dropped. */
const symbolsOf = (code: string) => code.split('-').slice(1).join('');
const u32 = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
};
const lengthPrefixed = (bytes: Buffer) => Buffer.concat([u32(bytes.length), bytes]);

/** The documented version-2 salt, written out independently of the library. */
function v2Salt(context: string, set: BackupCodeSetV2, index: number): Buffer {
  return Buffer.concat([
    lengthPrefixed(Buffer.from('factorkit/backup-code/v2')),
    lengthPrefixed(Buffer.from(context, 'utf8')),
    lengthPrefixed(Buffer.from(set.generationId)),
    u32(index),
    unb64url(set.codes[index]!.salt),
  ]);
}

/** The documented version-3 salt, one per set, written out independently of the library. */
function v3Salt(context: string, set: BackupCodeSetV3): Buffer {
  return Buffer.concat([
    lengthPrefixed(Buffer.from('factorkit/backup-code/v3')),
    lengthPrefixed(Buffer.from(context, 'utf8')),
    lengthPrefixed(Buffer.from(set.generationId)),
    unb64url(set.salt),
  ]);
}

/** Every code's digest is scrypt(its 16 symbols, the set's salt), as node:crypto computes it. */
function expectV3DigestsFromNodeCrypto(codes: string[], set: BackupCodeSetV3, context: string): void {
  const { N, r, p } = set.kdf;
  codes.forEach((code, i) => {
    const expected = scryptSync(code.replace(/-/g, ''), v3Salt(context, set), 32, { N, r, p, maxmem: MAXMEM });
    expect(unb64url(set.codes[i]!.hash).equals(expected), `code ${i + 1}`).toBe(true);
  });
}

function expectV2DigestsFromNodeCrypto(codes: string[], set: BackupCodeSetV2, context: string): void {
  const { N, r, p } = set.kdf;
  codes.forEach((code, i) => {
    const expected = scryptSync(symbolsOf(code), v2Salt(context, set, i), 32, { N, r, p, maxmem: MAXMEM });
    expect(unb64url(set.codes[i]!.hash).equals(expected), `code ${i + 1}`).toBe(true);
  });
}

function counting(inner: ScryptFunction = (password, salt, params) => scryptAsync(password, salt, params)) {
  let calls = 0;
  const scrypt: ScryptFunction = (password, salt, params) => {
    calls++;
    return inner(password, salt, params);
  };
  return { scrypt, calls: () => calls };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('backup codes with the default KDF parameters', () => {
  it('uses scrypt N=2^13, r=8, p=1 and verifies with one derivation', async () => {
    const { codes, set } = await generateBackupCodes({ context: 'user-1' });
    expect(set.version).toBe(3);
    expect(set.kdf).toEqual({ algorithm: 'scrypt', N: 2 ** 13, r: 8, p: 1, dkLen: 32 });
    expect(codes).toHaveLength(5);

    const stored = parseBackupCodeSet(serializeBackupCodeSet(set));
    const { scrypt, calls } = counting();
    expect(
      await verifyBackupCode(codes[1]!.toLowerCase().replace(/-/g, ' '), stored, { context: 'user-1', scrypt }),
    ).toEqual({
      valid: true,
      index: 1,
    });
    expect(calls()).toBe(1);
    const next = consumeBackupCode(stored, 1, 1_700_000_000_000);
    expect(await verifyBackupCode(codes[1]!, next, { context: 'user-1', scrypt })).toEqual({
      valid: false,
      reason: 'used',
    });
    expect(await verifyBackupCode(codes[2]!, next, { context: 'user-2', scrypt })).toEqual({
      valid: false,
      reason: 'invalid',
    });
    expect(calls()).toBe(3);
  });

  it('uses the native scrypt on Node', () => {
    expect(defaultScryptImplementation()).toBe('native');
  });

  for (const scrypt of ['auto', 'native', 'portable'] as const) {
    it(`stores scrypt(code, documented salt) as node:crypto computes it (scrypt: '${scrypt}')`, async () => {
      const context = 'tenant-7/ada@example.com';
      const { codes, set } = await generateBackupCodes({ context, count: 3, scrypt });
      expectV3DigestsFromNodeCrypto(codes, set, context);
    });
  }

  it('gives the same digests natively and portably: made with one, verified with the other (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          N: fc.constantFrom(2, 4, 16, 256, 1024),
          r: fc.integer({ min: 1, max: 8 }),
          p: fc.integer({ min: 1, max: 3 }),
        }),
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        fc.boolean(),
        async (kdf, context, nativeFirst) => {
          const [made, checked] = nativeFirst ? (['native', 'portable'] as const) : (['portable', 'native'] as const);
          const { codes, set } = await generateBackupCodes({
            kdf,
            allowWeakKdf: true,
            context,
            count: 2,
            scrypt: made,
          });
          for (const [i, code] of codes.entries()) {
            expect(await verifyBackupCode(code, set, { context, scrypt: checked })).toEqual({ valid: true, index: i });
          }
          expectV3DigestsFromNodeCrypto(codes, set, context);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('node:crypto, the reference here, is scrypt: RFC 7914 §12 vector 3', () => {
    const derived = scryptSync('password', 'NaCl', 64, { N: 1024, r: 8, p: 16 });
    expect(derived.toString('hex')).toBe(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162' +
        '2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    );
  });
});

describe('a runtime without node:crypto', () => {
  async function withoutBuiltinModules<T>(replacement: unknown, run: (lib: typeof import('factorkit')) => Promise<T>) {
    const proc = process as unknown as { getBuiltinModule: unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = replacement;
    try {
      vi.resetModules();
      return await run(await import('factorkit'));
    } finally {
      proc.getBuiltinModule = original;
      vi.resetModules();
    }
  }

  for (const [name, replacement] of [
    ['no process.getBuiltinModule', undefined],
    [
      'a getBuiltinModule that throws',
      () => {
        throw new Error('not here');
      },
    ],
    ['a node:crypto without scrypt', () => ({})],
  ] as const) {
    it(`falls back to the portable scrypt with ${name}, and refuses 'native'`, async () => {
      const { codes, set } = await withoutBuiltinModules(replacement, async (lib) => {
        expect(lib.defaultScryptImplementation()).toBe('portable');
        let error: unknown;
        try {
          await lib.generateBackupCodes({ context: 'user-1', scrypt: 'native' });
        } catch (caught) {
          error = caught;
        }
        expect(lib.isFactorkitError(error, 'INVALID_ARGUMENT')).toBe(true);
        return lib.generateBackupCodes({ context: 'user-1', count: 2 });
      });
      // Made portably there, checked natively here.
      expect(await verifyBackupCode(codes[1]!, set, { context: 'user-1', scrypt: 'native' })).toEqual({
        valid: true,
        index: 1,
      });
    });
  }
});

describe('version-1 sets stored with the old defaults (scrypt N=2^14, r=8, p=5, one salt per set)', () => {
  it('hold scrypt(code, "factorkit/backup-code/v1/<generationId>/" || salt), as node:crypto computes it', () => {
    const { codes, set } = V1_DEFAULT;
    const salt = Buffer.concat([Buffer.from(`factorkit/backup-code/v1/${set.generationId}/`), unb64url(set.salt)]);
    const code = codes[0]!.replace(/-/g, '');
    const expected = scryptSync(code, salt, 32, { N: set.kdf.N, r: set.kdf.r, p: set.kdf.p, maxmem: MAXMEM });
    expect(unb64url(set.codes[0]!.hash).equals(expected)).toBe(true);
  });

  it('still verify every code natively, one portably, and refuse the consumed one', async () => {
    const { codes, set } = V1_DEFAULT;
    const stored = parseBackupCodeSet(JSON.stringify(set));
    expect(stored.kdf).toEqual({ algorithm: 'scrypt', N: 2 ** 14, r: 8, p: 5, dkLen: 32 });
    const { scrypt, calls } = counting();
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code, stored, { scrypt: 'native' })).toEqual(
        i === 1 ? { valid: false, reason: 'used' } : { valid: true, index: i },
      );
    }
    expect(await verifyBackupCode(codes[3]!.toLowerCase().replace(/-/g, ' '), stored, { scrypt })).toEqual({
      valid: true,
      index: 3,
    });
    expect(calls()).toBe(1);
  });
});

describe('version-2 sets stored with the parameters of 2026-12 (scrypt N=2^13, r=8, p=1, a salt per code)', () => {
  it('hold the documented digests, as node:crypto computes them', () => {
    const { codes, set } = V2_DEFAULT;
    expect(set.kdf).toEqual({ algorithm: 'scrypt', N: 2 ** 13, r: 8, p: 1, dkLen: 32 });
    expectV2DigestsFromNodeCrypto(codes, set, V2_CONTEXT);
  });

  it('still verify every unused code with both scrypts, refuse the consumed one and another user', async () => {
    const { codes, set } = V2_DEFAULT;
    const stored = parseBackupCodeSet(JSON.stringify(set));
    for (const [i, code] of codes.entries()) {
      expect(await verifyBackupCode(code, stored, { context: V2_CONTEXT, scrypt: 'native' })).toEqual(
        i === 2 ? { valid: false, reason: 'used' } : { valid: true, index: i },
      );
    }
    expect(await verifyBackupCode(codes[4]!, stored, { context: V2_CONTEXT, scrypt: 'portable' })).toEqual({
      valid: true,
      index: 4,
    });
    expect(await verifyBackupCode(codes[0]!, stored, { context: 'user-43', scrypt: 'native' })).toEqual({
      valid: false,
      reason: 'invalid',
    });
  });

  it('refuse a code typed without its position as malformed, at no derivation', async () => {
    const { codes, set } = V2_DEFAULT;
    const { scrypt, calls } = counting();
    for (const typed of [symbolsOf(codes[0]!), codes[0]!.split('-').slice(1).join('-').toLowerCase()]) {
      expect(await verifyBackupCode(typed, set, { context: V2_CONTEXT, scrypt })).toEqual({
        valid: false,
        reason: 'malformed',
      });
    }
    expect(calls()).toBe(0);
  });
});

describe('version-3 sets stored with the parameters of 2026-12-07 (scrypt N=2^13, r=8, p=1, one salt per set)', () => {
  it('hold the documented digests, as node:crypto computes them', () => {
    const { codes, set } = V3_DEFAULT;
    expect(set.kdf).toEqual({ algorithm: 'scrypt', N: 2 ** 13, r: 8, p: 1, dkLen: 32 });
    expectV3DigestsFromNodeCrypto(codes, set, V3_CONTEXT);
  });

  it('verify every unused code as printed, in lower case, without dashes or with spaces, with both scrypts', async () => {
    const { codes, set } = V3_DEFAULT;
    const stored = parseBackupCodeSet(JSON.stringify(set));
    const typings = [
      (code: string) => code,
      (code: string) => code.toLowerCase(),
      (code: string) => code.replace(/-/g, ''),
      (code: string) => code.toLowerCase().replace(/-/g, ' '),
    ];
    for (const [i, code] of codes.entries()) {
      const typed = typings[i % typings.length]!(code);
      expect(await verifyBackupCode(typed, stored, { context: V3_CONTEXT, scrypt: 'native' }), typed).toEqual(
        i === 2 ? { valid: false, reason: 'used' } : { valid: true, index: i },
      );
    }
    const { scrypt, calls } = counting();
    expect(await verifyBackupCode(codes[4]!.toLowerCase(), stored, { context: V3_CONTEXT, scrypt })).toEqual({
      valid: true,
      index: 4,
    });
    expect(calls()).toBe(1);
    expect(await verifyBackupCode(codes[0]!, stored, { context: 'user-43', scrypt: 'native' })).toEqual({
      valid: false,
      reason: 'invalid',
    });
  });
});

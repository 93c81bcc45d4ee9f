// The default (OWASP) scrypt parameters, end to end, and the stored digest checked against an
// independent scrypt implementation. Slower than the rest (~0.3 s per derivation), so kept small.
import { scryptSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  consumeBackupCode,
  generateBackupCodes,
  parseBackupCodeSet,
  serializeBackupCodeSet,
  verifyBackupCode,
} from 'factorkit';
import { backupKdf, kdfSalt } from '../../src/backup-codes/kdf.js';
import { decodeBase64url } from '../../src/backup-codes/base64url.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('backup codes with the default KDF parameters', () => {
  it('uses OWASP scrypt N=2^14, r=8, p=5 and verifies with one derivation', async () => {
    const { codes, set } = await generateBackupCodes({ count: 2 });
    expect(set.kdf).toEqual({ algorithm: 'scrypt', N: 2 ** 14, r: 8, p: 5, dkLen: 32 });

    const stored = parseBackupCodeSet(serializeBackupCodeSet(set));
    const spy = vi.spyOn(backupKdf, 'derive');
    const result = await verifyBackupCode(codes[1]!.toLowerCase(), stored);
    expect(result).toEqual({ valid: true, index: 1 });
    expect(spy).toHaveBeenCalledTimes(1);

    const next = consumeBackupCode(stored, 1, 1_700_000_000_000);
    expect(await verifyBackupCode(codes[1]!, next)).toEqual({ valid: false, reason: 'used' });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('stores scrypt(code, "factorkit/backup-code/v1/<generationId>/" || salt), as node:crypto computes it', async () => {
    const { codes, set } = await generateBackupCodes({ count: 1 });
    const code = codes[0]!.replace(/-/g, '');
    const salt = Buffer.concat([
      Buffer.from(`factorkit/backup-code/v1/${set.generationId}/`),
      Buffer.from(decodeBase64url(set.salt)!),
    ]);
    const expected = scryptSync(code, salt, 32, { N: set.kdf.N, r: set.kdf.r, p: set.kdf.p, maxmem: 64 * 1024 * 1024 });
    expect(Buffer.from(decodeBase64url(set.codes[0]!.hash)!).equals(expected)).toBe(true);
    expect(Buffer.from(kdfSalt(set.generationId, decodeBase64url(set.salt)!)).equals(salt)).toBe(true);
  });
});

describe('the KDF seam', () => {
  it('is scrypt: RFC 7914 §12 vector 3 (first 32 bytes of the 64-byte output)', async () => {
    // scrypt(P="password", S="NaCl", N=1024, r=8, p=16); PBKDF2's first block does not depend on dkLen.
    const derived = await backupKdf.derive('password', new TextEncoder().encode('NaCl'), { N: 1024, r: 8, p: 16 });
    expect(Buffer.from(derived).toString('hex')).toBe(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162',
    );
  });
});

// Version-2 backup-code sets as generateBackupCodes made them before version 3 (a salt per code,
// the code's position typed with it), written out independently of the library with
// node:crypto's scrypt, so the tests can still make fresh version-2 sets to verify.
import { randomBytes, randomInt, scryptSync } from 'node:crypto';
import type { BackupCodeSetV2 } from 'factorkit';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

const u32 = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
};
const lengthPrefixed = (bytes: Buffer) => Buffer.concat([u32(bytes.length), bytes]);

/** The documented version-2 salt of code `index`. */
export function v2Salt(context: string, generationId: string, index: number, salt: Buffer): Buffer {
  return Buffer.concat([
    lengthPrefixed(Buffer.from('factorkit/backup-code/v2')),
    lengthPrefixed(Buffer.from(context, 'utf8')),
    lengthPrefixed(Buffer.from(generationId)),
    u32(index),
    salt,
  ]);
}

/** A version-2 set and its codes (`3-ABCDE-FGHJK-MNPQR`), with cheap scrypt parameters by default. */
export function makeV2Set(
  options: { context?: string; count?: number; kdf?: { N: number; r: number; p: number }; createdAt?: number } = {},
): { codes: string[]; set: BackupCodeSetV2 } {
  const { context = '', count = 5, kdf = { N: 16, r: 8, p: 1 }, createdAt = 1_700_000_000_000 } = options;
  const symbols = new Set<string>();
  while (symbols.size < count) {
    symbols.add(Array.from({ length: 15 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
  }
  const generationId = randomBytes(16).toString('base64url');
  const entries = [...symbols].map((code, i) => {
    const salt = randomBytes(16);
    const hash = scryptSync(code, v2Salt(context, generationId, i, salt), 32, { ...kdf, maxmem: 2 ** 29 });
    return { code, salt: salt.toString('base64url'), hash: hash.toString('base64url') };
  });
  return {
    codes: entries.map(({ code }, i) => `${i + 1}-${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}`),
    set: {
      version: 2,
      generationId,
      createdAt,
      kdf: { algorithm: 'scrypt', ...kdf, dkLen: 32 },
      codes: entries.map(({ salt, hash }) => ({ salt, hash, usedAt: null })),
    },
  };
}

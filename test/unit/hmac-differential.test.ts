// HOTP through the public API against node:crypto's HMAC, an implementation independent of
// @noble/hashes: random keys of 1 to 300 bytes (keys longer than the hash block are hashed
// first, RFC 2104 §2), random 64-bit counters, all three algorithms, every code length. The
// empty key, which no authenticator can hold, is refused before any HMAC is computed.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { generateHotp, isFactorkitError, verifyHotp, type HashAlgorithm } from 'factorkit';
import { describe, expect, it } from 'vitest';

const NODE_NAMES = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' } as const;

/** RFC 4226 §5.3 with node:crypto: HMAC, dynamic truncation, modulo 10^digits. */
function nodeHotp(key: Uint8Array, counter: bigint, algorithm: HashAlgorithm, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac(NODE_NAMES[algorithm], key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return (value % 10 ** digits).toString().padStart(digits, '0');
}

const algorithm = fc.constantFrom<HashAlgorithm>('SHA1', 'SHA256', 'SHA512');
const counter = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const digits = fc.integer({ min: 6, max: 10 });
// Every key length around the SHA-1/SHA-256 block (64 bytes) and the SHA-512 block (128 bytes)
// is likely to be drawn, and the rest of 1..300 too.
const key = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
  fc.integer({ min: 60, max: 136 }).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
);

describe('HOTP equals node:crypto HMAC bit for bit', () => {
  it('for random keys of 1 to 300 bytes, random 64-bit counters, SHA1/SHA256/SHA512, 6 to 10 digits', () => {
    fc.assert(
      fc.property(key, counter, algorithm, digits, (k, c, a, d) => {
        const expected = nodeHotp(k, c, a, d);
        expect(generateHotp(k, c, { algorithm: a, digits: d, allowWeakSecret: true })).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('when one keyed HMAC is cloned for many candidate counters (verification)', () => {
    fc.assert(
      fc.property(
        key,
        fc.bigInt({ min: 0n, max: 2n ** 64n - 200n }),
        algorithm,
        fc.nat({ max: 100 }),
        (k, c, a, ahead) => {
          const code = nodeHotp(k, c + BigInt(ahead), a, 6);
          const result = verifyHotp(code, k, c, { algorithm: a, lookAhead: 100, allowWeakSecret: true });
          expect(result.valid).toBe(true);
          // The first match in the window; a collision before `ahead` is possible with 6 digits.
          if (result.valid) expect(nodeHotp(k, result.counter as bigint, a, 6)).toBe(code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('for safe-integer counters given as numbers, at the 32-bit word boundaries', () => {
    const k = new Uint8Array(20).map((_, i) => i * 7);
    for (const c of [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 52, Number.MAX_SAFE_INTEGER]) {
      for (const a of ['SHA1', 'SHA256', 'SHA512'] as const) {
        expect(generateHotp(k, c, { algorithm: a }), `${a} at ${c}`).toBe(nodeHotp(k, BigInt(c), a, 6));
      }
    }
  });

  it('refuses the empty key with INVALID_SECRET', () => {
    for (const a of ['SHA1', 'SHA256', 'SHA512'] as const) {
      const error = (() => {
        try {
          generateHotp(new Uint8Array(0), 0, { algorithm: a, allowWeakSecret: true });
        } catch (caught) {
          return caught;
        }
      })();
      expect(isFactorkitError(error, 'INVALID_SECRET')).toBe(true);
    }
  });
});

// Differential test against an independent implementation (otpauth, HMAC via node:crypto):
// thousands of random secrets, times, algorithms, digit counts and periods must give the
// same codes, and each library must accept the other's code.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as OTPAuth from 'otpauth';
import { encodeBase32, generateHotp, generateTotp, verifyHotp, verifyTotp, type HashAlgorithm } from 'factorkit';

// Fixed seed: a failure reproduces exactly; fast-check prints the counterexample.
const SEED = 0x2fa_6238;
const TOTP_RUNS = 5_000;
const HOTP_RUNS = 1_000;

const algorithm = fc.constantFrom<HashAlgorithm>('SHA1', 'SHA256', 'SHA512');
const digits = fc.integer({ min: 6, max: 10 });
// Mostly the sizes generateSecret makes; some legacy short keys and keys past the 64-byte
// HMAC block (RFC 2104 §2 hashes those first).
const secret = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ minLength: 16, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }) },
);
const weak = (bytes: Uint8Array) => ({ allowWeakSecret: bytes.length < 16 });
// Integer milliseconds up to T = 20000000000 s (RFC 6238's farthest vector, year 2603).
const timeMs = fc.oneof(
  fc.integer({ min: 0, max: 20_000_000_000_000 }),
  // Around now, where real traffic is.
  fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
);
// Common periods weighted in, plus any whole number of seconds up to an hour.
const periodSeconds = fc.oneof(fc.constantFrom(30, 60, 15), fc.integer({ min: 1, max: 3_600 }));

const otpauthSecret = (bytes: Uint8Array) => new OTPAuth.Secret({ buffer: bytes.slice().buffer });

describe('agrees with otpauth', () => {
  it(`TOTP: ${TOTP_RUNS} random (secret, time, algorithm, digits, period) cases`, () => {
    fc.assert(
      fc.property(secret, timeMs, algorithm, digits, periodSeconds, (bytes, time, alg, dig, period) => {
        const theirs = OTPAuth.TOTP.generate({
          secret: otpauthSecret(bytes),
          algorithm: alg,
          digits: dig,
          period,
          timestamp: time,
        });
        // Alternate the secret form so both paths are exercised against the reference.
        const options = { ...weak(bytes), time, algorithm: alg, digits: dig, period };
        const ours = generateTotp(time % 2 === 0 ? bytes : encodeBase32(bytes), options);
        expect(ours).toBe(theirs);
        expect(verifyTotp(theirs, bytes, { ...options, window: 0 })).toEqual({
          valid: true,
          step: Math.floor(time / (period * 1000)),
          delta: 0,
        });
        expect(
          OTPAuth.TOTP.validate({
            token: ours,
            secret: otpauthSecret(bytes),
            algorithm: alg,
            digits: dig,
            period,
            timestamp: time,
            window: 0,
          }),
        ).toBe(0);
      }),
      { seed: SEED, numRuns: TOTP_RUNS },
    );
  });

  it(`HOTP: ${HOTP_RUNS} random (secret, counter, algorithm, digits) cases`, () => {
    fc.assert(
      fc.property(
        secret,
        fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.maxSafeNat()),
        algorithm,
        digits,
        (bytes, counter, alg, dig) => {
          const theirs = OTPAuth.HOTP.generate({ secret: otpauthSecret(bytes), algorithm: alg, digits: dig, counter });
          expect(generateHotp(bytes, counter, { ...weak(bytes), algorithm: alg, digits: dig })).toBe(theirs);
          expect(generateHotp(bytes, BigInt(counter), { ...weak(bytes), algorithm: alg, digits: dig })).toBe(theirs);
          expect(
            verifyHotp(theirs, bytes, counter, { ...weak(bytes), algorithm: alg, digits: dig, lookAhead: 0 }),
          ).toEqual({
            valid: true,
            counter,
            delta: 0,
          });
        },
      ),
      { seed: SEED, numRuns: HOTP_RUNS },
    );
  });
});

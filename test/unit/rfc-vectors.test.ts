import { describe, expect, it } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { encodeBase32, decodeBase32, generateHotp, generateTotp, totpStep, verifyHotp, verifyTotp } from 'factorkit';
import {
  RFC4226_SECRET,
  RFC4226_SECRET_BASE32,
  RFC4226_VECTORS,
  RFC6238_SECRETS,
  RFC6238_VECTORS,
} from '../support/vectors.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('RFC 4226 Appendix D (HOTP)', () => {
  it('the base32 form of the secret is the secret', () => {
    expect(encodeBase32(RFC4226_SECRET)).toBe(RFC4226_SECRET_BASE32);
    expect(decodeBase32(RFC4226_SECRET_BASE32)).toEqual(RFC4226_SECRET);
  });

  for (const vector of RFC4226_VECTORS) {
    describe(`count ${vector.count}`, () => {
      it('Table 1 HMAC matches (the 8-byte counter encoding)', () => {
        const message = new Uint8Array(8);
        new DataView(message.buffer).setUint32(4, vector.count);
        expect(hex(hmac(sha1, RFC4226_SECRET, message))).toBe(vector.hmacHex);
      });

      for (const [form, secret] of [
        ['bytes', RFC4226_SECRET],
        ['base32', RFC4226_SECRET_BASE32],
      ] as const) {
        it(`generates ${vector.hotp} (${form} secret, number and bigint counter)`, () => {
          expect(generateHotp(secret, vector.count)).toBe(vector.hotp);
          expect(generateHotp(secret, BigInt(vector.count))).toBe(vector.hotp);
        });

        it(`verifies ${vector.hotp} at its counter and by look-ahead (${form} secret)`, () => {
          expect(verifyHotp(vector.hotp, secret, vector.count, { lookAhead: 0 })).toEqual({
            valid: true,
            counter: vector.count,
            delta: 0,
          });
          const from = Math.max(0, vector.count - 3);
          expect(verifyHotp(vector.hotp, secret, from, { lookAhead: 3 })).toEqual({
            valid: true,
            counter: vector.count,
            delta: vector.count - from,
          });
          expect(verifyHotp(vector.hotp, secret, BigInt(from), { lookAhead: 3 })).toEqual({
            valid: true,
            counter: BigInt(vector.count),
            delta: vector.count - from,
          });
          // Look-ahead only: a code for an earlier counter is never accepted.
          expect(verifyHotp(vector.hotp, secret, vector.count + 1, { lookAhead: 10 })).toMatchObject({ valid: false });
        });
      }

      it('with digits 10 the code is the Table 2 truncated decimal value', () => {
        const expected = String(vector.truncated).padStart(10, '0');
        expect(generateHotp(RFC4226_SECRET, vector.count, { digits: 10 })).toBe(expected);
        expect(verifyHotp(expected, RFC4226_SECRET, vector.count, { digits: 10 })).toMatchObject({ valid: true });
      });
    });
  }
});

describe('HOTP at the top of the 64-bit counter range', () => {
  const max = 2n ** 64n - 1n;
  it('computes the last counter and never wraps around to counter 0', () => {
    const last = generateHotp(RFC4226_SECRET, max);
    expect(last).toMatch(/^\d{6}$/);
    expect(verifyHotp(last, RFC4226_SECRET, max - 2n, { lookAhead: 5 })).toEqual({
      valid: true,
      counter: max,
      delta: 2,
    });
    // Candidates past 2^64 - 1 do not exist: the counter-0 code is not found by wrapping.
    expect(verifyHotp('755224', RFC4226_SECRET, max, { lookAhead: 5 })).toEqual({ valid: false, reason: 'invalid' });
  });
});

describe('RFC 6238 Appendix B (TOTP)', () => {
  for (const vector of RFC6238_VECTORS) {
    const time = vector.timeSeconds * 1000;
    const bytes = RFC6238_SECRETS[vector.algorithm];
    const step = Number.parseInt(vector.stepHex, 16);
    const options = { time, algorithm: vector.algorithm, digits: 8 } as const;

    describe(`${vector.algorithm} at T = ${vector.timeSeconds}`, () => {
      it(`time step is 0x${vector.stepHex}`, () => {
        expect(totpStep({ time })).toBe(step);
      });

      for (const [form, secret] of [
        ['bytes', bytes],
        ['base32', encodeBase32(bytes)],
      ] as const) {
        it(`generates ${vector.totp} (${form} secret)`, () => {
          expect(generateTotp(secret, options)).toBe(vector.totp);
        });

        it(`verifies ${vector.totp} (${form} secret)`, () => {
          expect(verifyTotp(vector.totp, secret, options)).toEqual({ valid: true, step, delta: 0 });
          // One step later the same code is still accepted, one step behind, within window 1...
          expect(verifyTotp(vector.totp, secret, { ...options, time: time + 30_000 })).toEqual({
            valid: true,
            step,
            delta: -1,
          });
          // ...but not with window 0, and never again once its step has been used.
          expect(verifyTotp(vector.totp, secret, { ...options, time: time + 30_000, window: 0 })).toEqual({
            valid: false,
            reason: 'invalid',
          });
          expect(verifyTotp(vector.totp, secret, { ...options, afterStep: step })).toEqual({
            valid: false,
            reason: 'replayed',
          });
        });
      }

      it('the 6-digit code is the last 6 digits of the 8-digit one', () => {
        expect(generateTotp(bytes, { ...options, digits: 6 })).toBe(vector.totp.slice(2));
      });
    });
  }
});

// TOTP generate and verify, factorkit against its peers. Fairness rules, applied to everyone:
// - The secret arrives as the same base32 text on every call (as stored in a database) and
//   every subject decodes it inside the timed call, with its own decoder. "factorkit (bytes)"
//   is the one extra row: the same call given raw bytes, to show what decoding costs.
// - Same algorithm (SHA1), digits (6), period (30 s) and moment (fixtures.TIME_MS).
// - The peers' synchronous APIs are measured (otplib 13's default `verify` is async; its
//   `verifySync`/`generateSync` do the same work with the same Noble crypto plugin).
// - @oslojs/otp reads Date.now() itself; the runner freezes Date.now at TIME_MS.
import { generateTotp, verifyTotp } from 'factorkit';
import { generateTOTP, verifyTOTPWithGracePeriod } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { Secret, TOTP } from 'otpauth';
import { generateSync, verifySync } from 'otplib';
import speakeasy from 'speakeasy';
import type { BenchCase, Subject } from './harness.js';
import { limitGenerate, limitVerify } from './limit.js';
import {
  CODE_INVALID,
  CODE_NEXT,
  CODE_NOW,
  PERIOD_SECONDS,
  SECRET_BASE32,
  SECRET_BYTES,
  TIME_MS,
  TIME_SECONDS,
} from './fixtures.js';

export const REFERENCE = 'factorkit';
export const LIMIT = 'limit: noble, keyed per step';

const asCode = (result: unknown): unknown => result;

/** Each library reports a match differently; reduce all of them to the delta or null. */
const deltaOf = {
  factorkit: (r: unknown) => {
    const result = r as ReturnType<typeof verifyTotp>;
    return result.valid ? result.delta : null;
  },
  otpauth: (r: unknown) => r as number | null,
  otplib: (r: unknown) => {
    const result = r as { valid: boolean; delta?: number };
    return result.valid ? result.delta : null;
  },
  speakeasy: (r: unknown) => (r === undefined ? null : (r as { delta: number }).delta),
  // @oslojs/otp answers only true/false; the delta is not available from its API.
  oslo: (r: unknown) => (r === true ? 'match' : null),
  limit: (r: unknown) => r as number | null,
};

function generateCase(): BenchCase {
  const subjects: Subject[] = [
    { name: REFERENCE, run: () => generateTotp(SECRET_BASE32, { time: TIME_MS }), outcome: asCode },
    { name: 'factorkit (bytes)', run: () => generateTotp(SECRET_BYTES, { time: TIME_MS }), outcome: asCode },
    {
      name: 'otpauth',
      run: () => TOTP.generate({ secret: Secret.fromBase32(SECRET_BASE32), timestamp: TIME_MS }),
      outcome: asCode,
    },
    { name: 'otplib', run: () => generateSync({ secret: SECRET_BASE32, epoch: TIME_SECONDS }), outcome: asCode },
    {
      name: 'speakeasy',
      run: () => speakeasy.totp({ secret: SECRET_BASE32, encoding: 'base32', time: TIME_SECONDS }),
      outcome: asCode,
    },
    {
      name: '@oslojs/otp',
      run: () => generateTOTP(decodeBase32IgnorePadding(SECRET_BASE32), PERIOD_SECONDS, 6),
      outcome: asCode,
    },
    { name: LIMIT, run: () => limitGenerate(SECRET_BASE32, TIME_MS, PERIOD_SECONDS), outcome: asCode },
  ];
  return { id: 'totp-generate', title: 'TOTP generate', expected: CODE_NOW, subjects, reference: REFERENCE };
}

/** `window` steps either side; `code` is expected to give `expectedDelta` (null: no match). */
function verifyCase(id: string, title: string, code: string, window: number, expectedDelta: number | null): BenchCase {
  const graceSeconds = window * PERIOD_SECONDS;
  const match = expectedDelta === null ? null : expectedDelta;
  const subjects: Subject[] = [
    {
      name: REFERENCE,
      run: () => verifyTotp(code, SECRET_BASE32, { time: TIME_MS, window }),
      outcome: deltaOf.factorkit,
    },
    {
      name: 'factorkit (bytes)',
      run: () => verifyTotp(code, SECRET_BYTES, { time: TIME_MS, window }),
      outcome: deltaOf.factorkit,
    },
    {
      name: 'otpauth',
      run: () => TOTP.validate({ token: code, secret: Secret.fromBase32(SECRET_BASE32), timestamp: TIME_MS, window }),
      outcome: deltaOf.otpauth,
    },
    {
      name: 'otplib',
      run: () => verifySync({ secret: SECRET_BASE32, token: code, epoch: TIME_SECONDS, epochTolerance: graceSeconds }),
      outcome: deltaOf.otplib,
    },
    {
      name: 'speakeasy',
      run: () =>
        speakeasy.totp.verifyDelta({
          secret: SECRET_BASE32,
          encoding: 'base32',
          token: code,
          time: TIME_SECONDS,
          window,
        }),
      outcome: deltaOf.speakeasy,
    },
    {
      name: '@oslojs/otp',
      run: () =>
        verifyTOTPWithGracePeriod(decodeBase32IgnorePadding(SECRET_BASE32), PERIOD_SECONDS, 6, code, graceSeconds),
      // oslo cannot report the delta, so only "matched or not" is compared for it.
      outcome: (r) => {
        const matched = deltaOf.oslo(r);
        return matched === null ? null : match;
      },
    },
    {
      name: LIMIT,
      run: () => limitVerify(code, SECRET_BASE32, TIME_MS, PERIOD_SECONDS, window),
      outcome: deltaOf.limit,
    },
  ];
  return { id, title, expected: expectedDelta, subjects, reference: REFERENCE };
}

export function otpCases(): BenchCase[] {
  return [
    generateCase(),
    verifyCase('totp-verify-w1', 'TOTP verify, window 1, valid code at +1 (3 candidates)', CODE_NEXT, 1, 1),
    verifyCase(
      'totp-verify-w10-invalid',
      'TOTP verify, window 10, invalid code (21 candidates)',
      CODE_INVALID,
      10,
      null,
    ),
  ];
}

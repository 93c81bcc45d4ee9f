// TOTP generate and verify, factorkit against its peers. Fairness rules, applied to everyone:
// - The secret arrives as the same base32 text on every call (as stored in a database) and
//   every subject decodes it inside the timed call, with its own decoder. "factorkit (bytes)"
//   is the one extra row: the same call given raw bytes, to show what decoding costs.
// - Same algorithm, digits (6), period (30 s) and moment (fixtures.TIME_MS).
// - The peers' synchronous APIs are measured (otplib 13's default `verify` is async; its
//   `verifySync`/`generateSync` do the same work with the same Noble crypto plugin).
// - `import 'otpauth'` on Node is otpauth's Node build, whose HMAC is node:crypto (OpenSSL);
//   its browser build (what Bun, Deno, browsers and workers get) is the extra otpauth row.
// - @oslojs/otp reads Date.now() itself; the runner freezes Date.now at TIME_MS. It is SHA-1
//   only, so it is not in the SHA-512 cases.
import { generateTotp, verifyTotp } from 'factorkit';
import { generateTOTP, verifyTOTPWithGracePeriod } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { Secret, TOTP } from 'otpauth';
import * as otpauthBrowser from 'otpauth/dist/otpauth.esm.js';
import { generateSync, verifySync } from 'otplib';
import speakeasy from 'speakeasy';
import type { BenchCase, Subject } from './harness.js';
import { baselineGenerate, baselineVerify } from './baseline.js';
import { PERIOD_SECONDS, SHA1, SHA512, TIME_MS, TIME_SECONDS, type Fixture } from './fixtures.js';

export const REFERENCE = 'factorkit';
export const BASELINE = 'noble hmac() per step';
export const OTPAUTH_BROWSER = 'otpauth, browser build';

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
  baseline: (r: unknown) => r as number | null,
};

const lower = (f: Fixture) => f.algorithm.toLowerCase() as 'sha1' | 'sha512';
const titleOf = (f: Fixture) => (f.algorithm === 'SHA1' ? 'SHA-1' : 'SHA-512');

function generateCase(f: Fixture): BenchCase {
  const { algorithm, base32, bytes } = f;
  const subjects: Subject[] = [
    { name: REFERENCE, run: () => generateTotp(base32, { algorithm, time: TIME_MS }), outcome: asCode },
    { name: 'factorkit (bytes)', run: () => generateTotp(bytes, { algorithm, time: TIME_MS }), outcome: asCode },
    {
      name: 'otpauth',
      run: () => TOTP.generate({ secret: Secret.fromBase32(base32), algorithm, timestamp: TIME_MS }),
      outcome: asCode,
    },
    {
      name: OTPAUTH_BROWSER,
      run: () =>
        otpauthBrowser.TOTP.generate({
          secret: otpauthBrowser.Secret.fromBase32(base32),
          algorithm,
          timestamp: TIME_MS,
        }),
      outcome: asCode,
    },
    {
      name: 'otplib',
      run: () => generateSync({ secret: base32, algorithm: lower(f), epoch: TIME_SECONDS }),
      outcome: asCode,
    },
    {
      name: 'speakeasy',
      run: () => speakeasy.totp({ secret: base32, encoding: 'base32', algorithm: lower(f), time: TIME_SECONDS }),
      outcome: asCode,
    },
    {
      name: '@oslojs/otp',
      run: () => generateTOTP(decodeBase32IgnorePadding(base32), PERIOD_SECONDS, 6),
      outcome: asCode,
    },
    {
      name: BASELINE,
      run: () => baselineGenerate(algorithm as 'SHA1' | 'SHA512', base32, TIME_MS, PERIOD_SECONDS),
      outcome: asCode,
    },
  ];
  return {
    id: 'totp-generate',
    title: `TOTP generate (${titleOf(f)})`,
    expected: f.now,
    subjects,
    reference: REFERENCE,
  };
}

/** `window` steps either side; `code` is expected to give `expectedDelta` (null: no match). */
function verifyCase(
  id: string,
  what: string,
  f: Fixture,
  code: string,
  window: number,
  expectedDelta: number | null,
): BenchCase {
  const { algorithm, base32, bytes } = f;
  const graceSeconds = window * PERIOD_SECONDS;
  const subjects: Subject[] = [
    {
      name: REFERENCE,
      run: () => verifyTotp(code, base32, { algorithm, time: TIME_MS, window }),
      outcome: deltaOf.factorkit,
    },
    {
      name: 'factorkit (bytes)',
      run: () => verifyTotp(code, bytes, { algorithm, time: TIME_MS, window }),
      outcome: deltaOf.factorkit,
    },
    {
      name: 'otpauth',
      run: () =>
        TOTP.validate({ token: code, secret: Secret.fromBase32(base32), algorithm, timestamp: TIME_MS, window }),
      outcome: deltaOf.otpauth,
    },
    {
      name: OTPAUTH_BROWSER,
      run: () =>
        otpauthBrowser.TOTP.validate({
          token: code,
          secret: otpauthBrowser.Secret.fromBase32(base32),
          algorithm,
          timestamp: TIME_MS,
          window,
        }),
      outcome: deltaOf.otpauth,
    },
    {
      name: 'otplib',
      run: () =>
        verifySync({
          secret: base32,
          algorithm: lower(f),
          token: code,
          epoch: TIME_SECONDS,
          epochTolerance: graceSeconds,
        }),
      outcome: deltaOf.otplib,
    },
    {
      name: 'speakeasy',
      run: () =>
        speakeasy.totp.verifyDelta({
          secret: base32,
          encoding: 'base32',
          algorithm: lower(f),
          token: code,
          time: TIME_SECONDS,
          window,
        }),
      outcome: deltaOf.speakeasy,
    },
  ];
  if (algorithm === 'SHA1') {
    subjects.push({
      name: '@oslojs/otp',
      run: () => verifyTOTPWithGracePeriod(decodeBase32IgnorePadding(base32), PERIOD_SECONDS, 6, code, graceSeconds),
      // oslo answers only true/false, so only "matched or not" is compared for it.
      outcome: (r) => (r === true ? expectedDelta : null),
    });
  }
  subjects.push({
    name: BASELINE,
    run: () => baselineVerify(algorithm as 'SHA1' | 'SHA512', code, base32, TIME_MS, PERIOD_SECONDS, window),
    outcome: deltaOf.baseline,
  });
  return { id, title: `TOTP verify ${titleOf(f)}, ${what}`, expected: expectedDelta, subjects, reference: REFERENCE };
}

export function otpCases(): BenchCase[] {
  const cases: BenchCase[] = [generateCase(SHA1)];
  for (const f of [SHA1, SHA512]) {
    const suffix = f.algorithm === 'SHA1' ? '' : `-${lower(f)}`;
    cases.push(
      verifyCase(`totp-verify-w1${suffix}`, 'window 1, valid code at +1 (3 candidates)', f, f.next, 1, 1),
      verifyCase(`totp-verify-w10-invalid${suffix}`, 'window 10, invalid code (21 candidates)', f, f.invalid, 10, null),
    );
  }
  return cases;
}

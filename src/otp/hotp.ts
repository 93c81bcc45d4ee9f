import { FactorkitError } from '../errors/index.js';
import { HotpKey, differs, formatCode, hotpValue, parseCode } from './hotp-key.js';
import { MAX_HOTP_LOOK_AHEAD, resolveOtp, type HashAlgorithm } from './options.js';
import { isIntegerIn } from '../validation/index.js';

/** Options shared by every HOTP and TOTP function. */
export interface OtpOptions {
  /** HMAC hash. Default `'SHA1'`, the only one every authenticator app supports. */
  algorithm?: HashAlgorithm;
  /** Code length, 6 to 10. Default 6. */
  digits?: number;
  /** Accept a secret shorter than 128 bits (RFC 4226 §4 R6). Only for legacy secrets. Default false. */
  allowWeakSecret?: boolean;
}

/** Options for {@link verifyHotp}. */
export interface VerifyHotpOptions extends OtpOptions {
  /**
   * How many counters past `counter` to also accept, for tokens whose button was pressed
   * without logging in (RFC 4226 §7.4). Look-ahead only, never behind. 0 to 100, default 5.
   */
  lookAhead?: number;
}

/** Why a code did not verify. `malformed`: not `digits` ASCII digits; `invalid`: no match; `replayed`: matched a step already used. */
export type OtpFailureReason = 'malformed' | 'invalid' | 'replayed';

/**
 * The result of {@link verifyHotp}. On success, store `counter + 1` as the next expected counter.
 */
export type VerifyHotpResult =
  | { valid: true; counter: number | bigint; delta: number }
  | { valid: false; reason: Exclude<OtpFailureReason, 'replayed'> };

const MAX_COUNTER = 2n ** 64n - 1n;

/** A counter HOTP can use: 0 to 2^64 - 1 as a bigint, or a safe integer >= 0 as a number. */
function isCounter(counter: unknown): counter is number | bigint {
  return typeof counter === 'bigint' ? counter >= 0n && counter <= MAX_COUNTER : isIntegerIn(counter, 0);
}

function checkCounter(counter: unknown): number | bigint {
  if (!isCounter(counter)) throw new FactorkitError('INVALID_COUNTER', 'counter must be an integer from 0 to 2^64 - 1');
  return counter;
}

/** `counter + delta`, in the counter's own type. */
function offset(counter: number | bigint, delta: number): number | bigint {
  return typeof counter === 'bigint' ? counter + BigInt(delta) : counter + delta;
}

/**
 * Generates an RFC 4226 HOTP code for one counter value.
 *
 * @param secret - base32 text or raw bytes, at least 128 bits
 * @param counter - the moving factor: a non-negative safe integer or a bigint below 2^64
 * @param options - `algorithm`, `digits`, `allowWeakSecret`
 * @returns the code, zero-padded to `digits` characters
 * @throws {@link FactorkitError} `INVALID_SECRET`, `WEAK_SECRET`, `INVALID_COUNTER`,
 * `INVALID_ALGORITHM`, `INVALID_DIGITS`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { generateHotp } from 'factorkit';
 *
 * // RFC 4226 Appendix D: secret "12345678901234567890", count 0
 * generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755224'
 * ```
 */
export function generateHotp(secret: string | Uint8Array, counter: number | bigint, options?: OtpOptions): string {
  const { algorithm, digits, key } = resolveOtp(secret, options);
  const checked = checkCounter(counter);
  return formatCode(hotpValue(key, algorithm, checked, digits), digits);
}

/**
 * Verifies an RFC 4226 HOTP code at `counter` or up to `lookAhead` counters after it.
 * Every candidate is computed and compared in constant time; there is no early exit.
 *
 * A wrong or malformed code is a `{ valid: false }` result, never an exception.
 *
 * @param code - what the user typed; spaces are ignored (input over 64 characters is `malformed`)
 * @param secret - base32 text or raw bytes, at least 128 bits
 * @param counter - the next counter value you expect
 * @param options - `lookAhead` (default 5, at most 100), `algorithm`, `digits`, `allowWeakSecret`
 * @returns `{ valid: true, counter, delta }` (store `counter + 1`) or `{ valid: false, reason }`
 * @throws {@link FactorkitError} for misuse by the caller: bad secret, counter or options
 * @example
 * ```ts
 * import { verifyHotp } from 'factorkit';
 *
 * const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
 * const result = verifyHotp('287082', secret, 0); // RFC 4226 count 1
 * if (result.valid) {
 *   const nextCounter = Number(result.counter) + 1; // save this
 * }
 * ```
 */
export function verifyHotp(
  code: string,
  secret: string | Uint8Array,
  counter: number | bigint,
  options?: VerifyHotpOptions,
): VerifyHotpResult {
  const { opts, algorithm, digits, key } = resolveOtp(secret, options);
  const start = checkCounter(counter);
  // Not `??`: an explicit null is a caller bug, not a request for the default.
  const lookAhead = opts.lookAhead === undefined ? 5 : opts.lookAhead;
  if (!isIntegerIn(lookAhead, 0, MAX_HOTP_LOOK_AHEAD)) {
    throw new FactorkitError('INVALID_WINDOW', 'lookAhead must be an integer from 0 to 100');
  }
  const expected = parseCode(code, digits);
  if (expected === undefined) return { valid: false, reason: 'malformed' };

  const hotp = new HotpKey(key, algorithm);
  let matched = -1;
  for (let delta = 0; delta <= lookAhead; delta++) {
    const candidate = offset(start, delta);
    // Counters past the 64-bit (or safe-integer) range cannot exist; skip rather than wrap.
    if (!isCounter(candidate)) continue;
    const miss = differs(expected, hotp.value(candidate, digits));
    if (miss === 0 && matched === -1) matched = delta;
  }
  hotp.destroy();
  if (matched === -1) return { valid: false, reason: 'invalid' };
  return { valid: true, counter: offset(start, matched), delta: matched };
}

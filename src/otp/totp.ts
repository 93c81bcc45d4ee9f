import { FactorkitError } from '../errors/index.js';
import { HotpKey, differs, formatCode, hotpValue, parseCode } from './hotp-key.js';
import { MAX_TOTP_WINDOW, checkPeriod, resolveOtp } from './options.js';
import { checkOptionsObject, checkTimeMs, isIntegerIn } from '../validation/index.js';
import type { OtpFailureReason, OtpOptions } from './hotp.js';

/** Options for {@link generateTotp} and {@link totpStep}. */
export interface TotpOptions extends OtpOptions {
  /** The time to compute the code for, in Unix milliseconds. Default `Date.now()`. */
  time?: number;
  /** Step length in seconds (RFC 6238 X). Default 30, what authenticator apps use. */
  period?: number;
  /** T0, the Unix time in milliseconds when step 0 began. Default 0. */
  epoch?: number;
}

/** Options for {@link verifyTotp}. */
export interface VerifyTotpOptions extends TotpOptions {
  /**
   * Clock-skew tolerance in steps: a number for the same count either side, or `[past, future]`.
   * Default 1 (RFC 6238 §5.2: at most one step of network delay); at most 10 either way.
   */
  window?: number | readonly [number, number];
  /**
   * Replay guard (RFC 6238 §5.2): refuse every step up to and including this one. Pass the
   * `step` of the last code you accepted for this user.
   */
  afterStep?: number;
}

/**
 * The result of {@link verifyTotp}. On success, `step` is the time step the code belongs to
 * (save it and pass it as `afterStep` next time) and `delta` how many steps it was from the
 * current one (negative: the user's clock is behind).
 */
export type VerifyTotpResult =
  | { valid: true; step: number; delta: number }
  | { valid: false; reason: OtpFailureReason };

/** The step at `opts.time` for `opts.period` and `opts.epoch`, each checked; shared with Steam Guard codes. */
export function resolveStep(opts: Record<string, unknown>): number {
  const period = checkPeriod(opts.period);
  const epoch = checkTimeMs('epoch', opts.epoch, 0);
  const time = checkTimeMs('time', opts.time, Date.now());
  // RFC 6238 §4.2: T = floor((Current Unix time - T0) / X). Past 2^53 the step loses
  // precision and the 8-byte counter would silently be wrong.
  const step = Math.floor((time - epoch) / (period * 1000));
  if (!isIntegerIn(step, 0)) {
    throw new FactorkitError('INVALID_TIME', 'time must be from epoch to 2^53 periods on');
  }
  return step;
}

export function checkWindow(window: unknown): [number, number] {
  const sides = window === undefined ? [1, 1] : Array.isArray(window) ? window : [window, window];
  if (sides.length !== 2 || !isIntegerIn(sides[0], 0, MAX_TOTP_WINDOW) || !isIntegerIn(sides[1], 0, MAX_TOTP_WINDOW)) {
    throw new FactorkitError('INVALID_WINDOW', 'window must be an integer from 0 to 10 or [past, future]');
  }
  return sides as [number, number];
}

/**
 * The RFC 6238 time step for a moment: `floor((time - epoch) / period)`.
 *
 * @param options - `time` (default now), `period` (default 30 s), `epoch` (default 0)
 * @returns the step counter
 * @throws {@link FactorkitError} `INVALID_TIME`, `INVALID_PERIOD`
 * @example
 * ```ts
 * import { totpStep } from 'factorkit';
 *
 * totpStep({ time: 59_000 }); // 1
 * ```
 */
export function totpStep(options?: Pick<TotpOptions, 'time' | 'period' | 'epoch'>): number {
  return resolveStep(checkOptionsObject(options));
}

/**
 * Generates an RFC 6238 TOTP code.
 *
 * @param secret - base32 text or raw bytes, at least 128 bits
 * @param options - `time` (ms, default now), `period` (s, default 30), `digits` (default 6),
 * `algorithm` (default SHA1), `epoch` (ms, default 0), `allowWeakSecret`
 * @returns the code, zero-padded to `digits` characters
 * @throws {@link FactorkitError} `INVALID_SECRET`, `WEAK_SECRET`, `INVALID_TIME`,
 * `INVALID_PERIOD`, `INVALID_DIGITS`, `INVALID_ALGORITHM`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * import { generateTotp } from 'factorkit';
 *
 * // RFC 6238 Appendix B, SHA1 at T = 59 s
 * generateTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { time: 59_000, digits: 8 }); // '94287082'
 * ```
 */
export function generateTotp(secret: string | Uint8Array, options?: TotpOptions): string {
  const { opts, algorithm, digits, key } = resolveOtp(secret, options);
  const step = resolveStep(opts);
  return formatCode(hotpValue(key, algorithm, step, digits), digits);
}

/**
 * Verifies an RFC 6238 TOTP code within a clock-skew window, optionally refusing steps already
 * used (replay). Every candidate step in the window is computed and compared in constant time,
 * with no early exit; the HMAC key is prepared once for all of them.
 *
 * A wrong or malformed code is a `{ valid: false, reason }` result, never an exception; only
 * misuse by the caller (bad secret or options) throws.
 *
 * @param code - what the user typed; spaces are ignored (input over 64 characters is `malformed`)
 * @param secret - base32 text or raw bytes, at least 128 bits
 * @param options - `window` (default 1), `afterStep`, `time`, `period`, `digits`, `algorithm`,
 * `epoch`, `allowWeakSecret`
 * @returns `{ valid: true, step, delta }` or `{ valid: false, reason }` with reason
 * `'malformed'`, `'invalid'` or `'replayed'`
 * @throws {@link FactorkitError} for a bad secret or option
 * @example
 * ```ts
 * import { verifyTotp } from 'factorkit';
 *
 * const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
 * let lastStep: number | undefined; // load from your database
 * const result = verifyTotp('287082', secret, { time: 59_000, afterStep: lastStep });
 * if (result.valid) {
 *   lastStep = result.step; // save: the same code can never be used again
 * } else if (result.reason === 'replayed') {
 *   console.log('code already used, wait for the next one');
 * }
 * ```
 */
export function verifyTotp(code: string, secret: string | Uint8Array, options?: VerifyTotpOptions): VerifyTotpResult {
  const { opts, algorithm, digits, key } = resolveOtp(secret, options);
  const step = resolveStep(opts);
  const window = checkWindow(opts.window);
  const afterStep = checkAfterStep(opts.afterStep);
  if (parseCode(code, digits) === undefined) return { valid: false, reason: 'malformed' };

  const hotp = new HotpKey(key, algorithm);
  const result = verifyTotpWithKey(code, hotp, digits, step, window, afterStep);
  hotp.destroy();
  return result;
}

/**
 * {@link verifyTotp} with the HMAC already keyed and every option already checked: the
 * lifecycle keeps the keyed HMAC of each secret it has opened, so a sign-in skips the keying
 * (two of the hash blocks a window-1 check computes). Not exported from the package.
 */
export function verifyTotpWithKey(
  code: string,
  hotp: HotpKey,
  digits: number,
  step: number,
  window: readonly [number, number],
  afterStep: number | undefined,
): VerifyTotpResult {
  const expected = parseCode(code, digits);
  if (expected === undefined) return { valid: false, reason: 'malformed' };
  return matchWindow(step, window, afterStep, (candidate) => differs(expected, hotp.value(candidate, digits)));
}

/** The replay guard option: undefined or a safe integer. */
export function checkAfterStep(afterStep: unknown): number | undefined {
  if (afterStep !== undefined && !isIntegerIn(afterStep, -Number.MAX_SAFE_INTEGER)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'afterStep must be a safe integer');
  }
  return afterStep;
}

/**
 * The verification loop shared by TOTP and Steam Guard codes: `differsAt(candidate)` is zero
 * when the code matches that step. Every candidate in the window is computed and compared (no
 * early exit); the match closest to now that is not a replay wins, replayed matches only decide
 * the failure reason.
 */
export function matchWindow(
  step: number,
  [past, future]: readonly [number, number],
  afterStep: number | undefined,
  differsAt: (candidate: number) => number,
): VerifyTotpResult {
  let best: number | undefined;
  let replayed = false;
  for (let i = 0; i <= past + future; i++) {
    const delta = i - past; // not a loop from -past: -0 would leak into the result
    const candidate = step + delta;
    // Steps before T0 or past 2^53 do not exist; a sentinel keeps the loop shape the same.
    const exists = candidate >= 0 && Number.isSafeInteger(candidate);
    if ((exists ? differsAt(candidate) : 1) !== 0) continue;
    if (afterStep !== undefined && candidate <= afterStep) {
      replayed = true;
    } else if (best === undefined || Math.abs(delta) < Math.abs(best)) {
      best = delta;
    }
  }
  if (best !== undefined) return { valid: true, step: step + best, delta: best };
  return { valid: false, reason: replayed ? 'replayed' : 'invalid' };
}

// Steam Guard codes: RFC 6238 TOTP with HMAC-SHA1 and 30-second steps, whose 31-bit truncated
// value (RFC 4226 §5.3) is written as 5 characters of Steam's own alphabet instead of decimal
// digits. Valve publishes no specification; the algorithm is the one every independent client
// implements (steam-totp, KeePassXC, Aegis, Bitwarden), and the tests check it against codes the
// Steam mobile app showed (KeePassXC's tests/TestTotp.cpp) and against steam-totp.
import { FactorkitError } from '../errors/index.js';
import { MAX_CODE_INPUT_LENGTH, checkBoolean, checkOptionsObject } from '../validation/index.js';
import { HotpKey } from './hotp-key.js';
import { resolveSecret } from './options.js';
import type { VerifyTotpResult } from './totp.js';
import { checkAfterStep, checkWindow, matchWindow, resolveStep } from './totp.js';

/** The 26 characters of a Steam Guard code: digits and consonants that cannot be confused. */
const STEAM_GUARD_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';
const CODE_LENGTH = 5;
/** 26^5: the codes' value range; the truncated value is reduced modulo it. */
const CODE_RANGE = STEAM_GUARD_ALPHABET.length ** CODE_LENGTH;

/**
 * Options for {@link generateSteamGuardCode}.
 *
 * @example
 * ```ts
 * import { generateSteamGuardCode, type SteamGuardOptions } from 'factorkit';
 *
 * const options: SteamGuardOptions = { time: 1_511_200_518_000 };
 * generateSteamGuardCode('63BEDWCQZKTQWPESARIERL5DTTQFCJTK', options); // FR8RV
 * ```
 */
export interface SteamGuardOptions {
  /** The time to compute the code for, in Unix milliseconds. Default `Date.now()`. */
  time?: number;
  /**
   * Accept a secret shorter than 128 bits. Steam's `shared_secret` is 160 bits, so a shorter
   * one is most likely truncated. Default false.
   */
  allowWeakSecret?: boolean;
}

/**
 * Options for {@link verifySteamGuardCode}.
 *
 * @example
 * ```ts
 * import { verifySteamGuardCode, type VerifySteamGuardOptions } from 'factorkit';
 *
 * declare const lastStep: number; // kept from the previous successful check
 * const options: VerifySteamGuardOptions = { window: 1, afterStep: lastStep };
 * const result = verifySteamGuardCode('FR8RV', '63BEDWCQZKTQWPESARIERL5DTTQFCJTK', options);
 * ```
 */
export interface VerifySteamGuardOptions extends SteamGuardOptions {
  /** Clock-skew tolerance in 30-second steps, as for {@link verifyTotp}. Default 1, at most 10. */
  window?: number | readonly [number, number];
  /** Replay guard: refuse every step up to and including this one, as for {@link verifyTotp}. */
  afterStep?: number;
}

/** The code's characters from the least significant: value % 26 first, as Steam writes it. */
function formatSteamCode(truncated: number): string {
  let value = truncated;
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    code += STEAM_GUARD_ALPHABET[value % STEAM_GUARD_ALPHABET.length];
    value = Math.floor(value / STEAM_GUARD_ALPHABET.length);
  }
  return code;
}

/** The value below 26^5 a typed code stands for, or undefined when it is no Steam Guard code. */
function parseSteamCode(code: unknown): number | undefined {
  if (typeof code !== 'string' || code.length > MAX_CODE_INPUT_LENGTH) return undefined;
  // Steam shows upper case; people type what they see, sometimes in lower case.
  const compact = code.replace(/ /g, '').toUpperCase();
  if (compact.length !== CODE_LENGTH) return undefined;
  let value = 0;
  for (let i = CODE_LENGTH - 1; i >= 0; i--) {
    const digit = STEAM_GUARD_ALPHABET.indexOf(compact[i]!);
    if (digit === -1) return undefined;
    value = value * STEAM_GUARD_ALPHABET.length + digit;
  }
  return value;
}

function resolveSteam(secret: unknown, options: unknown) {
  const opts = checkOptionsObject(options);
  if (opts.period !== undefined || opts.digits !== undefined || opts.algorithm !== undefined) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      'options: Steam Guard codes always use SHA1, 30 s and 5 characters; period, digits and algorithm are not options',
    );
  }
  const key = resolveSecret(secret, checkBoolean('allowWeakSecret', opts.allowWeakSecret));
  // Steam counts steps from the Unix epoch in 30-second periods, like RFC 6238's defaults.
  const step = resolveStep({ time: opts.time });
  return { opts, key, step };
}

/**
 * Generates the Steam Guard code (the 5 characters the Steam mobile app shows) for a moment.
 *
 * Steam Guard is TOTP with HMAC-SHA1 and 30-second steps, but its 31-bit truncated value is
 * written as 5 characters of `23456789BCDFGHJKMNPQRTVWXY`, least significant first. A Steam
 * secret read by {@link parseOtpauthUri} with `lenient: true` (type `'steam'`) goes here, never
 * to {@link generateTotp}, whose 6-digit codes Steam refuses.
 *
 * @param secret - Steam's `shared_secret` as base32 text or raw bytes (a maFile stores it as
 * base64: decode it to bytes first)
 * @param options - `time` (ms, default now), `allowWeakSecret`
 * @returns the 5-character code
 * @throws {@link FactorkitError} `INVALID_SECRET`, `WEAK_SECRET`, `INVALID_TIME`,
 * `INVALID_ARGUMENT` (also for `period`, `digits` or `algorithm`, which Steam fixes)
 * @example
 * ```ts
 * import { generateSteamGuardCode } from 'factorkit';
 *
 * // A code the Steam mobile app showed (KeePassXC, tests/TestTotp.cpp)
 * generateSteamGuardCode('63BEDWCQZKTQWPESARIERL5DTTQFCJTK', { time: 1_511_200_518_000 }); // 'FR8RV'
 * ```
 */
export function generateSteamGuardCode(secret: string | Uint8Array, options?: SteamGuardOptions): string {
  const { key, step } = resolveSteam(secret, options);
  const hotp = new HotpKey(key, 'SHA1');
  const code = formatSteamCode(hotp.truncated(step));
  hotp.destroy();
  return code;
}

/**
 * Verifies a Steam Guard code within a clock-skew window, optionally refusing steps already used,
 * exactly as {@link verifyTotp} does for decimal codes: every candidate is computed and compared
 * without data-dependent branches, and a wrong or malformed code is a result, never an exception.
 * Lower-case input and spaces are accepted (`fr8rv`, `FR 8RV`).
 *
 * @param code - what the user typed
 * @param secret - Steam's `shared_secret` as base32 text or raw bytes
 * @param options - `window` (default 1), `afterStep`, `time`, `allowWeakSecret`
 * @returns `{ valid: true, step, delta }` or `{ valid: false, reason }`
 * @throws {@link FactorkitError} for a bad secret or option
 * @example
 * ```ts
 * import { verifySteamGuardCode } from 'factorkit';
 *
 * const result = verifySteamGuardCode('9P3VP', '63BEDWCQZKTQWPESARIERL5DTTQFCJTK', { time: 1_511_200_714_000 });
 * if (result.valid) console.log('signed in; keep result.step as afterStep', result.step);
 * ```
 */
export function verifySteamGuardCode(
  code: string,
  secret: string | Uint8Array,
  options?: VerifySteamGuardOptions,
): VerifyTotpResult {
  const { opts, key, step } = resolveSteam(secret, options);
  const window = checkWindow(opts.window);
  const afterStep = checkAfterStep(opts.afterStep);
  const expected = parseSteamCode(code);
  if (expected === undefined) return { valid: false, reason: 'malformed' };
  const hotp = new HotpKey(key, 'SHA1');
  const result = matchWindow(
    step,
    window,
    afterStep,
    (candidate) => expected ^ (hotp.truncated(candidate) % CODE_RANGE),
  );
  hotp.destroy();
  return result;
}

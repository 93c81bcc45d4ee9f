// Validation shared by buildOtpauthUri, parseOtpauthUri and lintOtpauthUri, so that every
// record the parser returns is one the builder accepts (except for weak secrets, which real
// services still hand out).
import { FactorkitError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from '../base32/index.js';
import type { FactorkitErrorCode } from '../errors/index.js';
import {
  checkAlgorithm,
  checkDigits,
  checkPeriod,
  checkSecretLength,
  checkSecretTextLength,
  type HashAlgorithm,
} from '../otp/options.js';
import { isIntegerIn } from '../validation/index.js';

/** The two `otpauth://` types of the Key-Uri-Format. */
export type OtpauthType = 'totp' | 'hotp';

/**
 * One authenticator entry, the content of an `otpauth://` Key URI.
 *
 * `secret` is unpadded upper-case base32. `period` only applies to `totp`, `counter` only to
 * `hotp` (where it is required). Leave `algorithm`, `digits` and `period` out for the defaults
 * (`'SHA1'`, 6, 30 s), the only settings every authenticator app honours.
 */
export interface OtpauthRecord {
  /** `'totp'` (time-based, RFC 6238) or `'hotp'` (counter-based, RFC 4226). */
  type: OtpauthType;
  /** The service name shown above the account, e.g. `'Example Co'`. No colons. */
  issuer?: string;
  /** The user's account name, e.g. an email address. No colons. */
  account: string;
  /** The shared secret as unpadded upper-case base32. */
  secret: string;
  /** HMAC hash. Default `'SHA1'`. */
  algorithm?: HashAlgorithm;
  /** Code length, 6 to 10. Default 6. */
  digits?: number;
  /** TOTP step in seconds. Default 30. Only for `totp`. */
  period?: number;
  /** The HOTP counter the token starts at. Required for `hotp`, refused for `totp`. */
  counter?: number;
}

/** A record with every default spelled out: what {@link parseOtpauthUri} returns. */
export interface CompleteOtpauthRecord extends OtpauthRecord {
  algorithm: HashAlgorithm;
  digits: number;
}

/**
 * A Steam Guard key, as {@link parseOtpauthUri} returns it with `lenient: true` for
 * `encoder=steam`, `otpauth://steam/`, `steam://` or a `totp` URI issued by Steam. Steam Guard
 * fixes every setting (HMAC-SHA1, 30-second steps, 5 characters of its own alphabet), so the
 * record has none: generate and check its codes with {@link generateSteamGuardCode} and
 * {@link verifySteamGuardCode}, never with the TOTP functions.
 *
 * @example
 * ```ts
 * import { generateSteamGuardCode, parseOtpauthUri, type SteamGuardRecord } from 'factorkit';
 *
 * const { record } = parseOtpauthUri('otpauth://totp/Steam:gaben?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=steam', {
 *   lenient: true,
 * });
 * if (record.type === 'steam') {
 *   const steam: SteamGuardRecord = record;
 *   console.log(generateSteamGuardCode(steam.secret)); // the 5 characters the Steam app shows now
 * }
 * ```
 */
export interface SteamGuardRecord {
  /** Always `'steam'`. */
  type: 'steam';
  /** The issuer the URI names (usually `'Steam'`). */
  issuer?: string;
  /** The Steam account name; `''` when the URI names none (`steam://`). */
  account: string;
  /** Steam's `shared_secret` as unpadded upper-case base32. */
  secret: string;
}

export const DEFAULT_ALGORITHM: HashAlgorithm = 'SHA1';
export const DEFAULT_DIGITS = 6;
export const DEFAULT_PERIOD_SECONDS = 30;

// Control characters cannot be displayed by any authenticator app, and lone surrogates cannot
// be percent-encoded (encodeURIComponent throws). Cc is exactly U+0000-U+001F and
// U+007F-U+009F; with the u flag, Cs matches only a lone surrogate (a pair is one code point).
export const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;

/**
 * The reason a label part is unusable, or undefined. The label is `issuer:account`, so a colon
 * in either part would make it ambiguous (Key-Uri-Format: "Neither issuer nor account name may
 * themselves contain a colon"); the parser strips spaces around the parts, so edge whitespace
 * could not survive a round trip.
 */
function labelPartProblem(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.includes(':')) return 'has a colon';
  if (value.trim() !== value) return 'has edge whitespace';
  if (UNPRINTABLE.test(value)) return 'has an unprintable character';
  return undefined;
}

/** Throws `code` when a label part (`name`) is unusable; see {@link labelPartProblem}. */
export function checkLabelPart(value: unknown, code: FactorkitErrorCode, name: string): asserts value is string {
  if (typeof value !== 'string') throw new FactorkitError('INVALID_ARGUMENT', `${name} must be a string`);
  const problem = labelPartProblem(value);
  if (problem) throw new FactorkitError(code, `${name} ${problem}`);
}

/** Canonical secret (unpadded upper-case base32) and its length in bytes, or undefined if invalid. */
export function canonicalSecret(secret: unknown): { secret: string; bytes: number } | undefined {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase32(secret as string);
  } catch {
    return undefined;
  }
  return { secret: encodeBase32(bytes), bytes: bytes.length };
}

/**
 * Checks a caller's record and returns it complete (defaults filled in, secret canonical).
 * Throws the core codes: INVALID_ARGUMENT, INVALID_LABEL, INVALID_SECRET, WEAK_SECRET,
 * INVALID_ALGORITHM, INVALID_DIGITS, INVALID_PERIOD, INVALID_COUNTER.
 */
export function checkRecord(record: unknown, allowWeakSecret: boolean): CompleteOtpauthRecord {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'record must be an object');
  }
  const r = record as Record<string, unknown> & { account: unknown };
  const type = r.type;
  if (type !== 'totp' && type !== 'hotp')
    throw new FactorkitError('INVALID_ARGUMENT', 'record.type must be totp or hotp');

  checkLabelPart(r.account, 'INVALID_LABEL', 'record.account');
  if (r.issuer !== undefined) checkLabelPart(r.issuer, 'INVALID_LABEL', 'record.issuer');

  // decodeBase32 refuses a non-string too.
  checkSecretTextLength('record.secret', r.secret);
  const secret = canonicalSecret(r.secret);
  if (secret === undefined) throw new FactorkitError('INVALID_SECRET', 'record.secret is not valid base32');
  checkSecretLength('record.secret', secret.bytes, allowWeakSecret);

  // `??`: null is accepted as "the default" here, as it always was for records.
  const out: CompleteOtpauthRecord = {
    type,
    account: r.account,
    secret: secret.secret,
    algorithm: checkAlgorithm(r.algorithm ?? undefined, 'record.algorithm'),
    digits: checkDigits(r.digits ?? undefined, 'record.digits'),
  };
  if (r.issuer !== undefined) out.issuer = r.issuer as string;

  if (type === 'totp') {
    if (r.counter !== undefined) throw new FactorkitError('INVALID_COUNTER', 'record.counter only applies to hotp');
    out.period = checkPeriod(r.period ?? undefined, 'record.period');
  } else {
    if (r.period !== undefined) throw new FactorkitError('INVALID_PERIOD', 'record.period only applies to totp');
    if (!isIntegerIn(r.counter, 0)) {
      throw new FactorkitError('INVALID_COUNTER', 'record.counter must be a safe integer >= 0');
    }
    out.counter = r.counter;
  }
  return out;
}

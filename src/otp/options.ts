// The options every HOTP and TOTP function shares, checked in one place. Key URI records
// reuse the same checks with their own names and codes.
import { FactorkitError } from '../errors/index.js';
import { decodeBase32 } from '../base32/index.js';
import type { FactorkitErrorCode } from '../errors/index.js';
import { checkBoolean, checkOptionsObject, isIntegerIn } from '../validation/index.js';

/** The HMAC hash functions RFC 6238 §1.2 allows. */
export type HashAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export const ALGORITHMS: readonly HashAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
export const MIN_DIGITS = 6;
export const MAX_DIGITS = 10;
/** RFC 4226 §4 R6: a shared secret of at least 128 bits. */
export const MIN_SECRET_BYTES = 16;
/** The longest secret generateSecret makes: 512 bits, the SHA-512 output length. */
export const MAX_SECRET_BYTES = 64;
/**
 * The longest secret any function accepts: 1024 bytes. HMAC hashes a key longer than its block
 * (64 or 128 bytes) down to the hash length first (RFC 2104 §2), so longer secrets add no
 * strength, only work; and a bound keeps a hostile input from costing unbounded CPU.
 */
export const MAX_ACCEPTED_SECRET_BYTES = 1024;
/** Base32 text of the longest accepted secret, with room for grouping spaces and padding. */
export const MAX_SECRET_TEXT_LENGTH = 4096;
/** Anything wider makes a brute-force guess cheap; RFC 6238 §5.2 recommends at most one step. */
export const MAX_TOTP_WINDOW = 10;
export const MAX_HOTP_LOOK_AHEAD = 100;

// `name` and `code` let Key URI records and parameters share these checks with their own wording and codes.
export function checkAlgorithm(
  algorithm: unknown,
  name = 'algorithm',
  code: FactorkitErrorCode = 'INVALID_ALGORITHM',
): HashAlgorithm {
  if (algorithm === undefined) return 'SHA1';
  if (!ALGORITHMS.includes(algorithm as HashAlgorithm)) {
    throw new FactorkitError(code, `${name} must be SHA1, SHA256 or SHA512`);
  }
  return algorithm as HashAlgorithm;
}

export function checkDigits(digits: unknown, name = 'digits', code: FactorkitErrorCode = 'INVALID_DIGITS'): number {
  if (digits === undefined) return 6;
  if (!isIntegerIn(digits, MIN_DIGITS, MAX_DIGITS)) {
    throw new FactorkitError(code, `${name} must be an integer from 6 to 10`);
  }
  return digits;
}

export function checkPeriod(period: unknown, name = 'period', code: FactorkitErrorCode = 'INVALID_PERIOD'): number {
  if (period === undefined) return 30;
  if (!isIntegerIn(period, 1)) {
    throw new FactorkitError(code, `${name} must be an integer from 1 (seconds)`);
  }
  return period;
}

/**
 * RFC 4226 §4 R6: refuses a secret under 128 bits unless the caller explicitly allows it, and
 * any secret over {@link MAX_ACCEPTED_SECRET_BYTES}.
 */
export function checkSecretLength(name: string, bytes: number, allowWeakSecret: boolean): void {
  if (bytes < MIN_SECRET_BYTES && !allowWeakSecret) {
    throw new FactorkitError('WEAK_SECRET', `${name} is under 128 bits (see allowWeakSecret)`);
  }
  if (bytes > MAX_ACCEPTED_SECRET_BYTES) {
    throw new FactorkitError('INVALID_SECRET', `${name} is longer than ${MAX_ACCEPTED_SECRET_BYTES} bytes`);
  }
}

/** Refuses base32 text far longer than the longest accepted secret before decoding it. */
export function checkSecretTextLength(name: string, text: unknown): void {
  if (typeof text === 'string' && text.length > MAX_SECRET_TEXT_LENGTH) {
    throw new FactorkitError('INVALID_SECRET', `${name} is longer than ${MAX_ACCEPTED_SECRET_BYTES} bytes`);
  }
}

/**
 * Accepts a secret as base32 text or raw bytes and returns the bytes, refusing anything
 * shorter than 128 bits unless the caller explicitly allows it (RFC 4226 §4 R6).
 */
export function resolveSecret(secret: unknown, allowWeakSecret: boolean): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    checkSecretTextLength('secret', secret);
    try {
      bytes = decodeBase32(secret);
    } catch (error) {
      throw new FactorkitError('INVALID_SECRET', 'secret is not valid base32', { cause: error });
    }
  } else if (secret instanceof Uint8Array) {
    bytes = secret;
  } else {
    throw new FactorkitError('INVALID_SECRET', 'secret must be a base32 string or a Uint8Array');
  }
  if (bytes.length === 0) {
    throw new FactorkitError('INVALID_SECRET', 'secret is empty');
  }
  checkSecretLength('secret', bytes.length, allowWeakSecret);
  return bytes;
}

/** The arguments every HOTP/TOTP function shares, checked in this order: options, algorithm, digits, secret. */
export function resolveOtp(secret: unknown, options: unknown) {
  const opts = checkOptionsObject(options);
  const algorithm = checkAlgorithm(opts.algorithm);
  const digits = checkDigits(opts.digits);
  return { opts, algorithm, digits, key: resolveSecret(secret, checkBoolean('allowWeakSecret', opts.allowWeakSecret)) };
}

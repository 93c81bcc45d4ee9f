// Validation shared by every public entry. Messages start with the argument's name and
// never echo secrets or codes.
import { decodeBase32 } from './base32.js';
import type { FactorkitErrorCode } from './errors.js';
import { fail } from './_fail.js';

/** The HMAC hash functions RFC 6238 §1.2 allows. */
export type HashAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export const ALGORITHMS: readonly HashAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
export const MIN_DIGITS = 6;
export const MAX_DIGITS = 10;
/** RFC 4226 §4 R6: a shared secret of at least 128 bits. */
export const MIN_SECRET_BYTES = 16;
export const MAX_SECRET_BYTES = 64;
/** Anything wider makes a brute-force guess cheap; RFC 6238 §5.2 recommends at most one step. */
export const MAX_TOTP_WINDOW = 10;
export const MAX_HOTP_LOOK_AHEAD = 100;

/** An integer from `min` to `max` (default 2^53 - 1, so a safe integer). */
export function isIntegerIn(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

// `name` and `code` let Key URI records and parameters share these checks with their own wording and codes.
export function checkAlgorithm(algorithm: unknown, name = 'algorithm', code: FactorkitErrorCode = 'INVALID_ALGORITHM'): HashAlgorithm {
  if (algorithm === undefined) return 'SHA1';
  if (!ALGORITHMS.includes(algorithm as HashAlgorithm)) {
    fail(code, `${name} must be SHA1, SHA256 or SHA512`);
  }
  return algorithm as HashAlgorithm;
}

export function checkDigits(digits: unknown, name = 'digits', code: FactorkitErrorCode = 'INVALID_DIGITS'): number {
  if (digits === undefined) return 6;
  if (!isIntegerIn(digits, MIN_DIGITS, MAX_DIGITS)) {
    fail(code, `${name} must be an integer from 6 to 10`);
  }
  return digits;
}

export function checkPeriod(period: unknown, name = 'period', code: FactorkitErrorCode = 'INVALID_PERIOD'): number {
  if (period === undefined) return 30;
  if (!isIntegerIn(period, 1)) {
    fail(code, `${name} must be an integer from 1 (seconds)`);
  }
  return period;
}

export function checkTimeMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail('INVALID_TIME', `${name} must be a finite number >= 0 (ms)`);
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    fail('INVALID_ARGUMENT', `${name} must be a boolean`);
  }
  return value;
}

export function checkOptionsObject(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  // Byte arrays are refused too: they are a shifted argument (secret bytes passed as options).
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options) ||
    ArrayBuffer.isView(options) ||
    options instanceof ArrayBuffer
  ) {
    fail('INVALID_ARGUMENT', 'options must be an object');
  }
  return options as Record<string, unknown>;
}

/** RFC 4226 §4 R6: refuses a secret under 128 bits unless the caller explicitly allows it. */
export function checkSecretLength(name: string, bytes: number, allowWeakSecret: boolean): void {
  if (bytes < MIN_SECRET_BYTES && !allowWeakSecret) {
    fail('WEAK_SECRET', `${name} is under 128 bits (see allowWeakSecret)`);
  }
}

/**
 * Accepts a secret as base32 text or raw bytes and returns the bytes, refusing anything
 * shorter than 128 bits unless the caller explicitly allows it (RFC 4226 §4 R6).
 */
export function resolveSecret(secret: unknown, allowWeakSecret: boolean): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    try {
      bytes = decodeBase32(secret);
    } catch (error) {
      fail('INVALID_SECRET', 'secret is not valid base32', error);
    }
  } else if (secret instanceof Uint8Array) {
    bytes = secret;
  } else {
    fail('INVALID_SECRET', 'secret must be a base32 string or a Uint8Array');
  }
  if (bytes.length === 0) {
    fail('INVALID_SECRET', 'secret is empty');
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

// Validation shared by every public entry. Messages start with the argument's name and
// never echo secrets or codes.
import { decodeBase32 } from './base32.js';
import { FactorkitError } from './errors.js';

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

export function checkAlgorithm(algorithm: unknown): HashAlgorithm {
  if (algorithm === undefined) return 'SHA1';
  if (typeof algorithm !== 'string' || !(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new FactorkitError('INVALID_ALGORITHM', "algorithm must be 'SHA1', 'SHA256' or 'SHA512'");
  }
  return algorithm as HashAlgorithm;
}

export function checkDigits(digits: unknown): number {
  if (digits === undefined) return 6;
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < MIN_DIGITS || digits > MAX_DIGITS) {
    throw new FactorkitError('INVALID_DIGITS', `digits must be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}`);
  }
  return digits;
}

export function checkPeriod(period: unknown): number {
  if (period === undefined) return 30;
  if (typeof period !== 'number' || !Number.isSafeInteger(period) || period < 1) {
    throw new FactorkitError('INVALID_PERIOD', 'period must be a positive whole number of seconds');
  }
  return period;
}

export function checkTimeMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FactorkitError('INVALID_TIME', `${name} must be a finite, non-negative number of milliseconds`);
  }
  return value;
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be a boolean`);
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
    throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
  }
  return options as Record<string, unknown>;
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
  if (bytes.length < MIN_SECRET_BYTES && !allowWeakSecret) {
    throw new FactorkitError(
      'WEAK_SECRET',
      `secret is shorter than ${MIN_SECRET_BYTES * 8} bits; pass allowWeakSecret: true only for legacy secrets`,
    );
  }
  return bytes;
}

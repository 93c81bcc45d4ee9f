// Argument checks and ids shared by the lifecycle's operations.
import { encodeBase64url } from '../../backup-codes/base64url.js';
import { FactorkitError } from '../../errors/index.js';
import { checkUserId as checkStoredUserId } from '../../stores/args.js';
import { randomBytes } from '../../otp/secret.js';
import { checkOptionsObject } from '../../validation/index.js';

const FACTOR_ID_BYTES = 9;
export const MAX_NAME_LENGTH = 64;
/** C0 and C1 control characters: refused in anything the lifecycle stores to show or send. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function newFactorId(): string {
  return `f_${encodeBase64url(randomBytes(FACTOR_ID_BYTES))}`;
}

/**
 * A user id every store accepts: 1 to 255 characters of well-formed Unicode without U+0000
 * (the stores' own rule, so a NUL or a lone surrogate is INVALID_ARGUMENT here, never a
 * STORE_ERROR from a database that refuses it).
 */
export function checkUserId(userId: unknown): asserts userId is string {
  checkStoredUserId(userId);
}

/** Whether `value` is a user id every store accepts (as checkUserId, without throwing). */
export function isStorableUserId(value: unknown): value is string {
  try {
    checkStoredUserId(value);
    return true;
  } catch {
    return false;
  }
}

export function checkId(name: string, id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be a string of 1 to 64 characters`);
  }
}

/** A name or label shown on a page: 1 to `max` characters, not blank, no control characters. */
export function checkDisplayText(name: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max || CONTROL.test(value)) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `${name} must be 1 to ${max} characters, none of them control characters`,
    );
  }
  return value;
}

/** The options object of a call that needs one (it names the factor): absent is INVALID_ARGUMENT too. */
export function checkOptions(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) throw new FactorkitError('INVALID_ARGUMENT', `${name} must be an object`);
  return checkOptionsObject(value, name);
}

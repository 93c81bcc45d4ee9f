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

/** Whether `value` is a factor name the lifecycle stores: 1 to 64 characters, not blank, no control characters. */
export function isFactorName(value: string): boolean {
  return value.trim().length > 0 && value.length <= MAX_NAME_LENGTH && !CONTROL.test(value);
}

/**
 * A factor name given to beginEnrollment: not a string is a programming error
 * (`INVALID_ARGUMENT`); a string that is no name is what a user typed (`INVALID_NAME`).
 */
export function checkFactorName(value: unknown): string {
  if (typeof value !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'name must be a string');
  if (!isFactorName(value)) {
    throw new FactorkitError(
      'INVALID_NAME',
      `name must be 1 to ${MAX_NAME_LENGTH} characters, none of them control characters`,
    );
  }
  return value;
}

/** Longest device label kept; a longer one (a real User-Agent often is) is cut. */
export const MAX_DEVICE_LABEL_LENGTH = 128;

/**
 * A remembered device's label as kept: control characters as spaces, blank as none, and cut
 * to MAX_DEVICE_LABEL_LENGTH (never inside a surrogate pair), so an app may pass a
 * User-Agent header as it came. Not a string is a programming error.
 */
export function deviceLabel(value: unknown): string | null {
  if (typeof value !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'label must be a string');
  const spaced = value.replace(new RegExp(CONTROL.source, 'g'), ' ').trim();
  if (spaced.length === 0) return null;
  if (spaced.length <= MAX_DEVICE_LABEL_LENGTH) return spaced;
  const highSurrogateLast = /[\ud800-\udbff]/.test(spaced.charAt(MAX_DEVICE_LABEL_LENGTH - 1));
  return spaced.slice(0, MAX_DEVICE_LABEL_LENGTH - (highSurrogateLast ? 1 : 0)).trimEnd();
}

/** The options object of a call that needs one (it names the factor): absent is INVALID_ARGUMENT too. */
export function checkOptions(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) throw new FactorkitError('INVALID_ARGUMENT', `${name} must be an object`);
  return checkOptionsObject(value, name);
}

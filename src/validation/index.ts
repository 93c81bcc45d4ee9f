// Argument checks shared by every public entry of every concern. Each throws a
// FactorkitError whose message starts with the argument's name and never echoes its value,
// which may be a secret, a code or a URI carrying one.
import { FactorkitError } from '../errors/index.js';

/**
 * The longest text any code check reads: anything longer is no code of any kind (the longest
 * valid one, a backup code typed with generous spacing, is well under it) and is refused at
 * once, before any hashing, so a megabyte pasted into a code field costs nothing. One bound for
 * HOTP/TOTP, Steam Guard, delivered and backup codes alike.
 */
export const MAX_CODE_INPUT_LENGTH = 64;

/** An integer from `min` to `max` (default 2^53 - 1, so a safe integer). */
export function isIntegerIn(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

export function checkTimeMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FactorkitError('INVALID_TIME', `${name} must be a finite number >= 0 (ms)`);
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

/** An options object: absent is `{}`; anything but an object is INVALID_ARGUMENT naming `name`. */
export function checkOptionsObject(options: unknown, name = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  // Byte arrays are refused too: they are a shifted argument (secret bytes passed as options).
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options) ||
    ArrayBuffer.isView(options) ||
    options instanceof ArrayBuffer
  ) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be an object`);
  }
  return options as Record<string, unknown>;
}

// Argument checks shared by every store, MemoryStore included. The lifecycle validates too,
// but a store is public API of its own: bad input must get a typed error before it reaches
// the server, never a half-written record or a driver error that echoes the value; and what
// one store accepts every other must accept, so records move between them.
import { FactorkitError } from '../errors/index.js';
import { isTwoFactorStatus } from './status.js';
import type { ListRecordsOptions, RecordWrite, TwoFactorStatus } from './types.js';

export const MAX_USER_ID_LENGTH = 255;
export const MAX_LIST_LIMIT = 1000;

// With the `u` flag a surrogate class matches only unpaired surrogates, which UTF-8 (the wire
// encoding of every database client) cannot carry; U+0000 is refused because PostgreSQL text
// cannot hold it, so a record stays portable between the stores.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is refused here.
const UNSTORABLE = /[\uD800-\uDFFF\u0000]/u;

/**
 * Whether text holds U+0000 or a lone surrogate. `isWellFormed` (ES2024) and `includes` scan a
 * record's kilobyte several times faster than the regular expression, which older runtimes use.
 */
function unstorable(value: string): boolean {
  const { isWellFormed } = value as { isWellFormed?: () => boolean };
  if (typeof isWellFormed !== 'function') return UNSTORABLE.test(value);
  return value.includes('\u0000') || !isWellFormed.call(value);
}

/** Text a store keeps or compares (a user id, a cursor): a string without U+0000 or a lone surrogate. */
export function checkStorableText(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be a string`);
  }
  if (unstorable(value)) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be well-formed Unicode without U+0000`);
  }
  return value;
}

export function checkUserId(userId: unknown): string {
  const value = checkStorableText('userId', userId);
  if (value.length < 1 || value.length > MAX_USER_ID_LENGTH) {
    throw new FactorkitError('INVALID_ARGUMENT', `userId must be 1 to ${MAX_USER_ID_LENGTH} characters long`);
  }
  return value;
}

export function checkStatus(name: string, status: unknown): TwoFactorStatus {
  if (!isTwoFactorStatus(status)) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be 'activated', 'not-activated' or 'pending'`);
  }
  return status;
}

export function checkWrite(write: unknown): RecordWrite {
  if (typeof write !== 'object' || write === null || Array.isArray(write)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'write must be an object');
  }
  const { status, data, updatedAt } = write as Record<string, unknown>;
  if (typeof updatedAt !== 'number' || !Number.isFinite(updatedAt) || updatedAt < 0) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      'write.updatedAt must be a finite, non-negative number of milliseconds',
    );
  }
  return {
    status: checkStatus('write.status', status),
    data: checkStorableText('write.data', data),
    // -0 would come back as 0 from either server.
    updatedAt: updatedAt === 0 ? 0 : updatedAt,
  };
}

export function checkExpectedVersion(expectedVersion: unknown): number {
  // Versions start at 1: a smaller one can only be a bug in the caller.
  if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 1) {
    throw new FactorkitError('INVALID_ARGUMENT', 'expectedVersion must be a positive safe integer');
  }
  return expectedVersion;
}

export interface CheckedListOptions {
  status: TwoFactorStatus | undefined;
  limit: number;
  cursor: string | undefined;
}

export function checkListOptions(options: unknown): CheckedListOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
  }
  const { status, limit, cursor } = options as Partial<Record<keyof ListRecordsOptions, unknown>>;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new FactorkitError('INVALID_ARGUMENT', `options.limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  return {
    status: status === undefined ? undefined : checkStatus('options.status', status),
    limit,
    cursor: cursor === undefined ? undefined : checkStorableText('options.cursor', cursor),
  };
}

/**
 * The user id as UTF-16 code units, four hex digits each. Byte-wise order of these keys
 * (PostgreSQL bytea, Redis ZRANGEBYLEX) is JavaScript's string order, which the list
 * contract promises; plain UTF-8 would order U+E000..U+FFFF after astral characters.
 */
export function sortKeyHex(userId: string): string {
  let hex = '';
  for (let index = 0; index < userId.length; index++) {
    hex += userId.charCodeAt(index).toString(16).padStart(4, '0');
  }
  return hex;
}

/** The user id back from {@link sortKeyHex}. */
export function fromSortKeyHex(hex: string): string {
  let userId = '';
  for (let index = 0; index + 4 <= hex.length; index += 4) {
    userId += String.fromCharCode(Number.parseInt(hex.slice(index, index + 4), 16));
  }
  return userId;
}

// Checks shared by every parser of stored state (the record, each factor module): a stored
// value that fails one is CORRUPT_RECORD, never a silent default.
import { FactorkitError } from '../../errors/index.js';
import type { SealedSecret } from './crypto.js';
import { STORED_HASH_LENGTH, type StoredHash } from './keyed-hash.js';
import type { ApprovalRequestEntry, SendHistory, UnverifiedDestination } from './record.js';

export function corrupt(userId: string, what: string, cause?: unknown): FactorkitError {
  return new FactorkitError('CORRUPT_RECORD', `stored 2FA record of user '${userId}' is corrupt: ${what}`, { cause });
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** A stored time, Unix ms: from 0 to 2^53 - 1 (past that, adding a TTL loses precision). */
export const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
export const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
export const isShortText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;
/** A keyed hash as stored (keyed-hash.ts): a key id (null: no keyring) and an HMAC of its length. */
export const isStoredHash = (value: unknown): value is StoredHash & Record<string, unknown> =>
  isObject(value) &&
  (value.keyId === null || isShortText(value.keyId, 64)) &&
  typeof value.hash === 'string' &&
  value.hash.length === STORED_HASH_LENGTH;

export function parseSealed(userId: string, value: unknown): SealedSecret {
  if (isObject(value)) {
    if (value.enc === 'none' && typeof value.secret === 'string') return { enc: 'none', secret: value.secret };
    if (
      value.enc === 'A256GCM' &&
      typeof value.keyId === 'string' &&
      typeof value.iv === 'string' &&
      typeof value.ct === 'string'
    ) {
      return { enc: 'A256GCM', keyId: value.keyId, iv: value.iv, ct: value.ct };
    }
  }
  throw corrupt(userId, 'bad secret');
}

/** Sends per hour a stored record may hold, whatever the options: above it the record is corrupt. */
export const MAX_SENDS_PER_HOUR_LIMIT = 100;

/** A list of Unix ms times, oldest first, at most MAX_SENDS_PER_HOUR_LIMIT long. */
export function parseSends(userId: string, raw: unknown): number[] {
  if (!Array.isArray(raw) || raw.length > MAX_SENDS_PER_HOUR_LIMIT) throw corrupt(userId, 'bad send history');
  for (let i = 0; i < raw.length; i++) {
    if (!isTime(raw[i]) || (i > 0 && raw[i] < raw[i - 1])) throw corrupt(userId, 'bad send history');
  }
  return [...(raw as number[])];
}

/**
 * The fields every stored factor has, validated whatever its module: a module's `parse` then
 * checks only its own, and a record edited to an impossible state (active without
 * `activatedAt`, pending without `expiresAt`) never reaches it.
 */
export function checkFactorBase(userId: string, raw: Record<string, unknown>): void {
  const { id, name, createdAt, lastUsedAt, state } = raw;
  if (!isShortText(id, 64) || !isShortText(name, 64) || !isTime(createdAt)) throw corrupt(userId, 'bad factor');
  if (lastUsedAt !== null && !isTime(lastUsedAt)) throw corrupt(userId, 'bad factor');
  if (state === 'pending' ? !isTime(raw.expiresAt) : state !== 'active' || !isTime(raw.activatedAt)) {
    throw corrupt(userId, 'bad factor state');
  }
}

function parseUnverified(userId: string, raw: unknown): UnverifiedDestination {
  if (!isStoredHash(raw) || !isTime(raw.at)) {
    throw corrupt(userId, 'bad send history');
  }
  return { at: raw.at, keyId: raw.keyId, hash: raw.hash };
}

function parseApprovalEntry(userId: string, raw: unknown): ApprovalRequestEntry {
  if (
    !isObject(raw) ||
    !isShortText(raw.id, 64) ||
    !isTime(raw.at) ||
    (raw.outcome !== 'pending' && raw.outcome !== 'approved' && raw.outcome !== 'denied')
  ) {
    throw corrupt(userId, 'bad send history');
  }
  return { id: raw.id, at: raw.at, outcome: raw.outcome };
}

/** The account's send history (absent in records written before it existed), each list at most MAX_SENDS_PER_HOUR_LIMIT long. */
export function parseSendHistory(userId: string, raw: unknown): SendHistory | undefined {
  if (raw === undefined) return undefined;
  if (
    !isObject(raw) ||
    !Array.isArray(raw.unverified) ||
    !Array.isArray(raw.approvals) ||
    raw.unverified.length > MAX_SENDS_PER_HOUR_LIMIT ||
    raw.approvals.length > MAX_SENDS_PER_HOUR_LIMIT
  ) {
    throw corrupt(userId, 'bad send history');
  }
  const approvals = raw.approvals.map((entry) => parseApprovalEntry(userId, entry));
  if (approvals.some((entry, i) => i > 0 && entry.at < approvals[i - 1]!.at)) throw corrupt(userId, 'bad send history');
  return { unverified: raw.unverified.map((entry) => parseUnverified(userId, entry)), approvals };
}

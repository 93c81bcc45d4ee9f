// The lifecycle state kept in StoredRecord.data: versioned JSON, validated field by field on
// every load so a corrupt or hand-edited record is a typed error, never a silent bypass.
//
// Version 2 holds a list of factors, each pending or active (a discriminated union, so a
// pending factor has no replay state and an active one no expiry), with the backup codes, the
// throttle shared by every factor and the remembered devices beside the list. Version 1
// records (one `active` and one `pending` slot) are read as they are and written back as
// version 2 on their next write.
import { parseBackupCodeSet, type BackupCodeSet } from '../backup-codes/index.js';
import type { TwoFactorStatus } from '../stores/index.js';
import { parseSends } from './factors/delivered.js';
import { type ActiveFactor, type Factor, type PendingFactor, parseFactor } from './factors/index.js';
import { totpFromVersion1 } from './factors/totp.js';
import { corrupt, isCount, isObject, isShortText, isTime } from './parse.js';

export interface ThrottleState {
  /** Consecutive failed attempts since the last success. */
  failures: number;
  /** Unix ms until which every attempt is refused; 0 when not locked for a time. */
  lockedUntil: number;
  /** When `maxConsecutiveFailures` was reached: locked until support unlocks; null when not. */
  hardLockedAt: number | null;
}

/** A browser the user asked to remember: only the SHA-256 of its token is kept. */
export interface RememberedDevice {
  id: string;
  label: string | null;
  /** SHA-256 of the whole token, base64url. */
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
}

export interface RecordState {
  v: 2;
  factors: Factor[];
  /** The backup codes; null when no factor is active. */
  backupCodes: BackupCodeSet | null;
  throttle: ThrottleState;
  devices: RememberedDevice[];
  /**
   * Unix ms of the codes sent to destinations being enrolled, in the last hour: the hourly cap
   * on them is per account, so beginning again (or removing the pending factor) does not reset
   * it. Absent in records written before delivered codes existed.
   */
  enrollmentSends: number[];
}

/** Ids of the two factors a version-1 record can hold, stable across reads until it is rewritten. */
export const LEGACY_ACTIVE_ID = 'totp-1';
export const LEGACY_PENDING_ID = 'totp-2';
/** Version 1's default enrollment TTL, which dates its pending enrollments. */
const LEGACY_ENROLLMENT_TTL_MS = 10 * 60_000;
/** Factors per record, devices per record: far above any real use, and a bound on parsing work. */
export const MAX_STORED_FACTORS = 32;
export const MAX_STORED_DEVICES = 64;

export function emptyState(): RecordState {
  return {
    v: 2,
    factors: [],
    backupCodes: null,
    throttle: { failures: 0, lockedUntil: 0, hardLockedAt: null },
    devices: [],
    enrollmentSends: [],
  };
}

export function activeFactors(state: RecordState): ActiveFactor[] {
  return state.factors.filter((factor): factor is ActiveFactor => factor.state === 'active');
}

/** The state with the factor of `factor.id` replaced by `factor` (its new version after a change). */
export function replaceFactor(state: RecordState, factor: Factor): RecordState {
  return { ...state, factors: state.factors.map((f) => (f.id === factor.id ? factor : f)) };
}

export function pendingFactors(state: RecordState): PendingFactor[] {
  return state.factors.filter((factor): factor is PendingFactor => factor.state === 'pending');
}

/** The status a store copies out of the state for filtering. */
export function statusOf(state: RecordState): TwoFactorStatus {
  if (state.factors.some((factor) => factor.state === 'active')) return 'activated';
  if (state.factors.length > 0) return 'pending';
  return 'not-activated';
}

export function serializeState(state: RecordState): string {
  return JSON.stringify({
    v: 2,
    factors: state.factors,
    backupCodes: state.backupCodes,
    throttle: state.throttle,
    devices: state.devices,
    enrollmentSends: state.enrollmentSends,
  });
}

function parseDevice(userId: string, raw: unknown): RememberedDevice {
  if (
    !isObject(raw) ||
    !isShortText(raw.id, 64) ||
    !(raw.label === null || isShortText(raw.label, 128)) ||
    !isShortText(raw.tokenHash, 64) ||
    !isTime(raw.createdAt) ||
    !isTime(raw.expiresAt)
  ) {
    throw corrupt(userId, 'bad remembered device');
  }
  return { id: raw.id, label: raw.label, tokenHash: raw.tokenHash, createdAt: raw.createdAt, expiresAt: raw.expiresAt };
}

function parseThrottle(userId: string, t: unknown): ThrottleState {
  if (!isObject(t) || !isCount(t.failures) || !isTime(t.lockedUntil)) throw corrupt(userId, 'bad throttle state');
  // Absent in records written before hard lockout existed: those were never hard-locked.
  const hardLockedAt = t.hardLockedAt === undefined ? null : t.hardLockedAt;
  if (hardLockedAt !== null && !isTime(hardLockedAt)) throw corrupt(userId, 'bad throttle state');
  return { failures: t.failures, lockedUntil: t.lockedUntil, hardLockedAt };
}

function parseBackupCodes(userId: string, value: unknown): BackupCodeSet | null {
  if (value === null) return null;
  try {
    return parseBackupCodeSet(value);
  } catch (error) {
    throw corrupt(userId, 'bad backup-code set', error);
  }
}

/** A version-1 record (one active and one pending slot) as version 2, with stable factor ids. */
function fromVersion1(userId: string, raw: Record<string, unknown>): RecordState {
  const factors: Factor[] = [];
  if (raw.active !== null) {
    factors.push(totpFromVersion1(userId, raw.active, 'active', LEGACY_ACTIVE_ID, LEGACY_ENROLLMENT_TTL_MS));
  }
  if (raw.pending !== null) {
    factors.push(totpFromVersion1(userId, raw.pending, 'pending', LEGACY_PENDING_ID, LEGACY_ENROLLMENT_TTL_MS));
  }
  return {
    v: 2,
    factors,
    backupCodes: parseBackupCodes(userId, raw.backupCodes),
    throttle: parseThrottle(userId, raw.throttle),
    devices: [],
    enrollmentSends: [],
  };
}

/**
 * Parses and validates `data` of `userId`'s record, migrating version 1 in memory.
 * @throws FactorkitError `CORRUPT_RECORD`
 */
export function parseState(userId: string, data: string): RecordState {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch (error) {
    throw corrupt(userId, 'not JSON', error);
  }
  if (!isObject(raw)) throw corrupt(userId, 'unknown format version');
  if (raw.v === 1) return fromVersion1(userId, raw);
  if (raw.v !== 2) throw corrupt(userId, 'unknown format version');
  const { factors, devices } = raw;
  if (!Array.isArray(factors) || factors.length > MAX_STORED_FACTORS) throw corrupt(userId, 'bad factor list');
  if (!Array.isArray(devices) || devices.length > MAX_STORED_DEVICES) throw corrupt(userId, 'bad device list');
  const parsed = factors.map((factor) => parseFactor(userId, factor));
  if (new Set(parsed.map((factor) => factor.id)).size !== parsed.length) throw corrupt(userId, 'duplicate factor id');
  return {
    v: 2,
    factors: parsed,
    backupCodes: parseBackupCodes(userId, raw.backupCodes),
    throttle: parseThrottle(userId, raw.throttle),
    devices: devices.map((device) => parseDevice(userId, device)),
    enrollmentSends: raw.enrollmentSends === undefined ? [] : parseSends(userId, raw.enrollmentSends),
  };
}

// The lifecycle state kept in StoredRecord.data: versioned JSON, validated field by field on
// every load so a corrupt or hand-edited record is a typed error, never a silent bypass.
import { parseBackupCodeSet, type BackupCodeSet } from '../backup-codes/index.js';
import { FactorkitError } from '../errors/index.js';
import type { HashAlgorithm } from '../otp/index.js';
import type { TwoFactorStatus } from '../stores/index.js';
import type { SealedSecret } from './crypto.js';

/** The TOTP parameters a secret was enrolled with; kept beside it so changing defaults later never breaks existing users. */
export interface TotpParams {
  algorithm: HashAlgorithm;
  digits: number;
  period: number;
}

export interface PendingEnrollment {
  secret: SealedSecret;
  totp: TotpParams;
  expiresAt: number;
}

export interface ActiveFactor {
  secret: SealedSecret;
  totp: TotpParams;
  /** The last accepted time step: no step up to it is accepted again (RFC 6238 §5.2). */
  lastStep: number;
  /** Learned clock offset of the user's authenticator, in steps, bounded by MAX_DRIFT_STEPS. */
  driftSteps: number;
  activatedAt: number;
}

export interface ThrottleState {
  /** Consecutive failed attempts since the last success. */
  failures: number;
  /** Unix ms until which every attempt is refused; 0 when not locked for a time. */
  lockedUntil: number;
  /** When `maxConsecutiveFailures` was reached: locked until support unlocks; null when not. */
  hardLockedAt: number | null;
}

export interface RecordState {
  v: 1;
  pending: PendingEnrollment | null;
  active: ActiveFactor | null;
  backupCodes: BackupCodeSet | null;
  throttle: ThrottleState;
}

export const MAX_DRIFT_STEPS = 2;

export function emptyState(): RecordState {
  return {
    v: 1,
    pending: null,
    active: null,
    backupCodes: null,
    throttle: { failures: 0, lockedUntil: 0, hardLockedAt: null },
  };
}

/** The status a store copies out of the state for filtering. */
export function statusOf(state: RecordState): TwoFactorStatus {
  if (state.active !== null) return 'activated';
  if (state.pending !== null) return 'pending';
  return 'not-activated';
}

export function serializeState(state: RecordState): string {
  return JSON.stringify({
    v: 1,
    pending: state.pending,
    active: state.active,
    backupCodes: state.backupCodes,
    throttle: state.throttle,
  });
}

function corrupt(userId: string, what: string, cause?: unknown): FactorkitError {
  return new FactorkitError('CORRUPT_RECORD', `stored 2FA record of user '${userId}' is corrupt: ${what}`, { cause });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function parseSealed(userId: string, value: unknown): SealedSecret {
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

function parseTotp(userId: string, value: unknown): TotpParams {
  if (
    isObject(value) &&
    (value.algorithm === 'SHA1' || value.algorithm === 'SHA256' || value.algorithm === 'SHA512') &&
    typeof value.digits === 'number' &&
    Number.isInteger(value.digits) &&
    value.digits >= 6 &&
    value.digits <= 10 &&
    typeof value.period === 'number' &&
    Number.isSafeInteger(value.period) &&
    value.period >= 1
  ) {
    return { algorithm: value.algorithm, digits: value.digits, period: value.period };
  }
  throw corrupt(userId, 'bad TOTP parameters');
}

/**
 * Parses and validates `data` of `userId`'s record.
 * @throws FactorkitError `CORRUPT_RECORD`
 */
export function parseState(userId: string, data: string): RecordState {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch (error) {
    throw corrupt(userId, 'not JSON', error);
  }
  if (!isObject(raw) || raw.v !== 1) throw corrupt(userId, 'unknown format version');

  let pending: PendingEnrollment | null = null;
  if (raw.pending !== null) {
    const p = raw.pending;
    if (!isObject(p) || !isTime(p.expiresAt)) throw corrupt(userId, 'bad pending enrollment');
    pending = { secret: parseSealed(userId, p.secret), totp: parseTotp(userId, p.totp), expiresAt: p.expiresAt };
  }

  let active: ActiveFactor | null = null;
  if (raw.active !== null) {
    const a = raw.active;
    if (
      !isObject(a) ||
      typeof a.lastStep !== 'number' ||
      !Number.isSafeInteger(a.lastStep) ||
      a.lastStep < -1 ||
      typeof a.driftSteps !== 'number' ||
      !Number.isInteger(a.driftSteps) ||
      Math.abs(a.driftSteps) > MAX_DRIFT_STEPS ||
      !isTime(a.activatedAt)
    ) {
      throw corrupt(userId, 'bad active factor');
    }
    active = {
      secret: parseSealed(userId, a.secret),
      totp: parseTotp(userId, a.totp),
      lastStep: a.lastStep,
      driftSteps: a.driftSteps,
      activatedAt: a.activatedAt,
    };
  }

  let backupCodes: BackupCodeSet | null = null;
  if (raw.backupCodes !== null) {
    try {
      backupCodes = parseBackupCodeSet(raw.backupCodes);
    } catch (error) {
      throw corrupt(userId, 'bad backup-code set', error);
    }
  }

  const t = raw.throttle;
  if (!isObject(t) || !isCount(t.failures) || !isTime(t.lockedUntil)) throw corrupt(userId, 'bad throttle state');
  // Absent in records written before hard lockout existed: those were never hard-locked.
  const hardLockedAt = t.hardLockedAt === undefined ? null : t.hardLockedAt;
  if (hardLockedAt !== null && !isTime(hardLockedAt)) throw corrupt(userId, 'bad throttle state');

  return {
    v: 1,
    pending,
    active,
    backupCodes,
    throttle: { failures: t.failures, lockedUntil: t.lockedUntil, hardLockedAt },
  };
}

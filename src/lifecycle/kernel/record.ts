// The shape of a user's 2FA record as every part of the lifecycle sees it, and the small pure
// helpers over it that factor modules and the engine share. Parsing and serialising it is the
// engine's (engine/state.ts).
import type { BackupCodeSet } from '../../backup-codes/index.js';
import type { SealedSecret } from './crypto.js';
import type { TwoFactorEvent } from './events.js';
import type { StoredHash } from './keyed-hash.js';
import type { ActiveFactorRecord, FactorRecord, PendingFactorRecord } from './factor.js';

export interface ThrottleState {
  /** Consecutive failed attempts since the last success. */
  failures: number;
  /** Unix ms until which every attempt is refused; 0 when not locked for a time. */
  lockedUntil: number;
  /** When `maxConsecutiveFailures` was reached: locked until support unlocks; null when not. */
  hardLockedAt: number | null;
}

/** A browser the user asked to remember: only a keyed hash of its token is kept. */
export interface RememberedDevice {
  id: string;
  label: string | null;
  /**
   * HMAC-SHA256 of the user id, device id and token under `tokenKeyId`'s key (keyed-hash.ts),
   * base64url; for an entry made before tokens were keyed (`tokenKeyId` undefined), SHA-256 of
   * the token alone.
   */
  tokenHash: string;
  /** The keyring key the hash was made with (null: no keyring); undefined for an old unkeyed entry. */
  tokenKeyId?: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface RecordState {
  v: 2;
  /** Every factor, of every registered type, in the order they were added. */
  factors: readonly FactorRecord[];
  /** The backup codes; null when no factor is active. */
  backupCodes: BackupCodeSet | null;
  /**
   * A keyed hash of the user id and the set's stored text (engine/backup-binding.ts): a set
   * planted or edited by someone who can write to the database without the keyring does not
   * match it. The engine makes it on each write that changes the set; absent with no set, and
   * in records written before bindings existed.
   */
  backupCodesBinding?: StoredHash;
  throttle: ThrottleState;
  devices: readonly RememberedDevice[];
  /**
   * Unix ms of the codes sent to destinations being enrolled, in the last hour: the hourly cap
   * on them is per account, so beginning again (or removing the pending factor) does not reset
   * it. Absent in records written before delivered codes existed.
   */
  enrollmentSends: readonly number[];
  /**
   * The account's abuse limits on sending that are not per factor (delivered codes and
   * approvals), kept in the record so they are decided in the same compare-and-set write as
   * the send. Absent until the first such send.
   */
  sendHistory?: SendHistory;
  /** The backup codes last made, sealed for a retry of the call that made them (D6). */
  issuedBackupCodes?: IssuedBackupCodes;
  /** Pending sign-in tickets already redeemed (operations/sign-in-tickets.ts); absent until the first. */
  redeemedTickets?: RedeemedTickets;
}

/**
 * The pending sign-in tickets of an account that were used: each until it expires, at most a
 * few; every ticket issued no later than `floor` (Unix ms) counts as used, which is how entries
 * dropped for room stay refused.
 */
export interface RedeemedTickets {
  floor: number;
  redeemed: { id: string; issuedAt: number; expiresAt: number }[];
}

/**
 * The backup codes last made, kept sealed under the keyring for a few minutes, so that the
 * retry of a call whose reply was lost after its write committed gets the same codes again
 * instead of codes in force that nobody saw (operations/issued-codes.ts).
 */
export interface IssuedBackupCodes {
  /** The set they are the codes of: once another set replaces it, they are worth nothing. */
  generationId: string;
  /** A keyed hash of the operation and the proof that made them: only the same call gets them. */
  proof: StoredHash;
  /** The factor confirmed with them, for confirmEnrollment's answer. */
  factorId: string | null;
  /** The codes, one per line, sealed for this user. */
  codes: SealedSecret;
  /** Unix ms from which they are dropped. */
  expiresAt: number;
}

/** A destination not yet verified that a code went to: a keyed hash of it, and the last send. */
export interface UnverifiedDestination {
  at: number;
  keyId: string | null;
  hash: string;
}

/** An approval request as the account's limits count it: one per request, however many factors it went to. */
export interface ApprovalRequestEntry {
  /** The challenge id. */
  id: string;
  at: number;
  /** `pending` until answered; a wrong match number is `denied`. */
  outcome: 'pending' | 'approved' | 'denied';
}

/** The last 24 hours of what the account's send limits count, oldest first. */
export interface SendHistory {
  unverified: UnverifiedDestination[];
  approvals: ApprovalRequestEntry[];
}

/** What every operation answers while the account is locked, for good or for a time. */
export type LockRefusal = { ok: false; reason: 'hard-locked' } | { ok: false; reason: 'locked'; retryAfterMs: number };

/** One decision against one version of the record. */
export interface Outcome<T> {
  result: T;
  /** The state to write; absent: nothing changes. */
  next?: RecordState;
  /** Emitted once the write (if any) has committed. */
  events?: TwoFactorEvent[];
}

/** A decision over the record as read (null: the user has none yet), at the time `nowMs`. */
export type Decide<T> = (state: RecordState | null, nowMs: number) => Promise<Outcome<T>>;

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

export function activeFactors(state: RecordState): ActiveFactorRecord[] {
  return state.factors.filter((factor): factor is ActiveFactorRecord => factor.state === 'active');
}

/** The state with the factor of `factor.id` replaced by `factor` (its new version after a change). */
export function replaceFactor<F extends FactorRecord>(state: RecordState, factor: F): RecordState {
  return { ...state, factors: state.factors.map((f) => (f.id === factor.id ? factor : f)) };
}

export function pendingFactors(state: RecordState): PendingFactorRecord[] {
  return state.factors.filter((factor): factor is PendingFactorRecord => factor.state === 'pending');
}

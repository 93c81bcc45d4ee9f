// What an app's support staff and admin pages use: the status of an account, its throttle,
// the list of users, and the two support actions (reset, unlock), each with its actor.
import { FactorkitError } from '../../errors/index.js';
import { checkOptionsObject } from '../../validation/index.js';
import { checkStorableText } from '../../stores/args.js';
import { isTwoFactorStatus } from '../../stores/status.js';
import type { TwoFactorStatus } from '../../stores/index.js';
import type { Engine } from '../engine/engine.js';
import { ACTIVE_SUMMARY_PREFIX, parseState, statusOf, unusedBackupCodes } from '../engine/state.js';
import { lockRemainingMs, resetThrottle } from '../engine/throttle.js';
import type { FactorType } from '../kernel/events.js';
import { checkUserId } from '../kernel/args.js';
import { isObject } from '../kernel/parse.js';
import { type Outcome, type RecordState, activeFactors } from '../kernel/record.js';
import type {
  ActivationStatus,
  ListUsersOptions,
  SupportActionOptions,
  ThrottleStatus,
  TwoFactorFailure,
  TwoFactorUser,
} from '../types.js';
import { switchedOff } from './proof.js';

export async function status(engine: Engine, userId: string): Promise<TwoFactorStatus> {
  checkUserId(userId);
  const { state } = await engine.load(userId);
  return state === null ? 'not-activated' : statusOf(state);
}

/** User ids per statusOf call: a bound on one call's store reads. */
export const MAX_STATUS_BATCH = 1000;
/** Store reads statusOf keeps in flight at once: enough to hide round trips, few enough to share a pool. */
const STATUS_READS_IN_FLIGHT = 8;

function checkUserIds(userIds: unknown): string[] {
  if (!Array.isArray(userIds)) throw new FactorkitError('INVALID_ARGUMENT', 'userIds must be an array');
  if (userIds.length > MAX_STATUS_BATCH) {
    throw new FactorkitError('INVALID_ARGUMENT', `userIds must hold at most ${MAX_STATUS_BATCH} user ids`);
  }
  for (const userId of userIds) checkUserId(userId);
  return [...new Set(userIds as string[])];
}

/**
 * Activated or not, per user id, from each record's stored status (no record: not activated).
 * The stored status is what every store keeps beside the data for listUsers' filter, so no
 * record is parsed: a corrupt one does not break the page.
 */
export async function statusOfUsers(engine: Engine, userIds: unknown): Promise<Map<string, ActivationStatus>> {
  const ids = checkUserIds(userIds);
  const statuses = new Map<string, ActivationStatus>();
  for (let start = 0; start < ids.length; start += STATUS_READS_IN_FLIGHT) {
    const batch = ids.slice(start, start + STATUS_READS_IN_FLIGHT);
    const records = await Promise.all(batch.map((userId) => engine.storeCall(() => engine.store.get(userId))));
    batch.forEach((userId, i) => {
      statuses.set(userId, records[i]?.status === 'activated' ? 'activated' : 'not-activated');
    });
  }
  return statuses;
}

export async function remainingBackupCodes(engine: Engine, userId: string): Promise<number> {
  checkUserId(userId);
  const { state } = await engine.load(userId);
  if (state === null || activeFactors(state).length === 0 || state.backupCodes === null) return 0;
  return unusedBackupCodes(state.backupCodes);
}

export async function throttleStatus(engine: Engine, userId: string): Promise<ThrottleStatus> {
  checkUserId(userId);
  const { state } = await engine.load(userId);
  if (state === null) return { failures: 0, retryAfterMs: 0, hardLocked: false };
  const hardLocked = state.throttle.hardLockedAt !== null;
  return {
    failures: state.throttle.failures,
    retryAfterMs: hardLocked ? 0 : lockRemainingMs(state.throttle, engine.options.now()),
    hardLocked,
  };
}

function checkListOptions(options: unknown): Required<Pick<ListUsersOptions, 'limit'>> & ListUsersOptions {
  const { status: wanted, limit = 50, cursor } = checkOptionsObject(options) as ListUsersOptions;
  if (wanted !== undefined && !isTwoFactorStatus(wanted)) {
    throw new FactorkitError('INVALID_ARGUMENT', "status must be 'activated', 'not-activated' or 'pending'");
  }
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new FactorkitError('INVALID_ARGUMENT', 'limit must be an integer from 1 to 1000');
  }
  // Checked as the store checks it: a store's own refusal would come back as STORE_ERROR.
  if (cursor !== undefined) checkStorableText('cursor', cursor);
  return { limit, ...(wanted === undefined ? {} : { status: wanted }), ...(cursor === undefined ? {} : { cursor }) };
}

export async function listUsers(
  engine: Engine,
  options?: ListUsersOptions,
): Promise<{ users: TwoFactorUser[]; nextCursor?: string }> {
  const query = checkListOptions(options);
  const page = await engine.storeCall(() => engine.store.list(query));
  const users: TwoFactorUser[] = page.records.map(({ userId, status: s, updatedAt, data }) => ({
    userId,
    status: s,
    updatedAt,
    activeFactors: countActive(engine, userId, data),
  }));
  return page.nextCursor === undefined ? { users } : { users, nextCursor: page.nextCursor };
}

/**
 * Active factors per type, or null for a record that cannot be read: one bad record must not
 * break an admin page. A listing reads every record, and validating each whole (every factor's
 * fields, the backup-code set) was nearly all of a walk's time (issue 28), so the counts come
 * from the record's `active` summary, which every write puts first (state.ts), or for a record
 * written before it, from the factor list alone. Only registered types are reported. Any
 * operation on the user still validates the record whole, the summary against its factors
 * included, and refuses a corrupt one.
 */
function countActive(engine: Engine, userId: string, data: string): Record<FactorType, number> | null {
  const counts = Object.fromEntries(engine.registry.types.map((type) => [type, 0])) as Record<FactorType, number>;
  const summary = activeSummary(data);
  if (summary !== undefined) {
    for (const [type, count] of Object.entries(summary)) {
      if (Object.hasOwn(counts, type) && Number.isSafeInteger(count) && (count as number) > 0) {
        counts[type] = count as number;
      }
    }
    return counts;
  }
  const factors = factorList(data);
  if (factors === undefined) {
    // A version-1 record (or one the quick read cannot make out): read it the full way.
    try {
      for (const factor of activeFactors(parseState(userId, data, engine.registry))) counts[factor.type]! += 1;
      return counts;
    } catch {
      return null;
    }
  }
  for (const factor of factors) {
    const { type, state } = (factor ?? {}) as { type?: unknown; state?: unknown };
    if (state === 'active' && typeof type === 'string' && Object.hasOwn(counts, type)) counts[type]! += 1;
  }
  return counts;
}

/**
 * The `active` summary a record written since issue 28 starts with, read without parsing the
 * rest of the record: it is a flat object of factor types (which cannot hold `}`) to counts, so
 * it ends at the first `}`. Undefined for an older record, or one whose start is not that.
 */
function activeSummary(data: string): Record<string, unknown> | undefined {
  if (!data.startsWith(ACTIVE_SUMMARY_PREFIX)) return undefined;
  const end = data.indexOf('}', ACTIVE_SUMMARY_PREFIX.length);
  if (end === -1) return undefined;
  try {
    const summary: unknown = JSON.parse(data.slice(ACTIVE_SUMMARY_PREFIX.length, end + 1));
    return isObject(summary) ? summary : undefined;
  } catch {
    return undefined;
  }
}

/** The factor list of a version-2 record, without validating anything else; undefined otherwise. */
function factorList(data: string): unknown[] | undefined {
  try {
    const raw = JSON.parse(data) as { v?: unknown; factors?: unknown };
    return raw?.v === 2 && Array.isArray(raw.factors) ? raw.factors : undefined;
  } catch {
    return undefined;
  }
}

/** The support operations' skeleton: no proof, an actor, one change and its event. */
async function bySupport(
  engine: Engine,
  userId: string,
  options: SupportActionOptions,
  change: (state: RecordState, actor: string, nowMs: number) => Outcome<{ ok: true }>,
): Promise<{ ok: true } | TwoFactorFailure> {
  checkUserId(userId);
  const actor = (options as Partial<SupportActionOptions> | undefined)?.actor;
  if (typeof actor !== 'string' || actor.trim().length === 0 || actor.length > 255) {
    throw new FactorkitError('INVALID_ARGUMENT', 'actor must be a string of 1 to 255 characters');
  }
  return engine.transact<{ ok: true } | TwoFactorFailure>(userId, async (state, nowMs) => {
    if (state === null) return { result: { ok: false, reason: 'not-enrolled' } };
    return change(state, actor, nowMs);
  });
}

export function resetByAdmin(engine: Engine, userId: string, options: SupportActionOptions) {
  return bySupport(engine, userId, options, (state, actor, nowMs) => ({
    result: { ok: true },
    next: { ...switchedOff(state), throttle: resetThrottle() },
    events: [
      { type: 'reset-by-admin', userId, at: nowMs, actor },
      { type: 'sessions-should-end', userId, at: nowMs, change: 'reset-by-admin' },
    ],
  }));
}

export function unlock(engine: Engine, userId: string, options: SupportActionOptions) {
  return bySupport(engine, userId, options, (state, actor, nowMs) => ({
    result: { ok: true },
    next: { ...state, throttle: resetThrottle() },
    events: [{ type: 'unlocked', userId, at: nowMs, actor }],
  }));
}

// The one loop every lifecycle operation runs: read the record, decide against that version,
// write with compareAndSet (or create), and on a conflict read again and decide again. All
// correctness under concurrency lives here, so a store adapter only has to make each of its
// five calls atomic, and a factor module never sees the store.
import { FactorkitError } from '../../errors/index.js';
import { redactedDriverError } from '../../stores/driver-error.js';
import type { StoredRecord } from '../../stores/index.js';
import type { TwoFactorEvent } from '../kernel/events.js';
import type { FactorRecord } from '../kernel/factor.js';
import type { Decide, RecordState } from '../kernel/record.js';
import type { ResolvedOptions } from './options.js';
import type { Registry } from './registry.js';
import { withBackupBinding } from './backup-binding.js';
import { ParsedStates, deepFreeze } from './state-cache.js';
import { MAX_STORED_FACTORS, parseState, serializeState, statusOf } from './state.js';

export type { Decide, Outcome } from '../kernel/record.js';

const MAX_ATTEMPTS = 100;

export interface RecordAccess {
  /** Runs one store call; a failure becomes STORE_ERROR with the driver's error redacted. */
  storeCall<T>(call: () => Promise<T>): Promise<T>;
  load(userId: string): Promise<{ record: StoredRecord | null; state: RecordState | null }>;
  transact<T>(userId: string, decide: Decide<T>): Promise<T>;
  /** Reports events through onEvent, for a change committed outside one transact (a send, once delivered). */
  emit(events: TwoFactorEvent[] | undefined): Promise<void>;
}

/** Runs one store call; a failure becomes STORE_ERROR with the driver's error redacted. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // The driver's error may carry what was sent (a Redis client keeps the command's
    // arguments, i.e. the whole record; PostgreSQL's `detail` can quote a row), so only its
    // name, message and code travel on: errors end up in logs.
    throw new FactorkitError('STORE_ERROR', 'the 2FA store failed; the operation may or may not have been applied', {
      cause: redactedDriverError(error),
    });
  }
}

/** Reports events through `onEvent`, one at a time; a handler that throws is warned about, never undoes. */
function eventEmitter(options: ResolvedOptions): RecordAccess['emit'] {
  const { onEvent, warn } = options;
  return async (events) => {
    if (onEvent === undefined || events === undefined) return;
    for (const event of events) {
      try {
        // Awaited only when the handler is asynchronous: a sign-in emits at least one event.
        const returned: unknown = onEvent(event);
        if (isThenable(returned)) await returned;
      } catch {
        warn(`factorkit: the onEvent handler threw for a '${event.type}' event; the change itself is committed`);
      }
    }
  };
}

/**
 * What a decision's state becomes before it is written: checked, its secrets re-sealed under the
 * current key (so every write completes a key rotation), its backup codes bound.
 */
function writePreparer(
  options: ResolvedOptions,
  registry: Registry,
): (userId: string, read: RecordState | null, decided: RecordState) => RecordState | Promise<RecordState> {
  const { sealer, hasher } = options;
  const stale = (factor: FactorRecord): boolean => {
    const sealed = registry.moduleOf(factor).sealed;
    return sealed !== undefined && sealer.isStale(sealed.of(factor));
  };

  /** Re-seals secrets not under the current key, so every write completes a key rotation. */
  async function rotate(userId: string, state: RecordState): Promise<RecordState> {
    const factors = await Promise.all(
      state.factors.map(async (factor) => {
        if (!stale(factor)) return factor;
        const sealed = registry.moduleOf(factor).sealed!;
        const opened = await sealer.open(userId, sealed.of(factor));
        return sealed.with(factor, await sealer.seal(userId, opened));
      }),
    );
    return { ...state, factors };
  }

  /**
   * The state a decision chose, as it is to be written: checked, secrets re-sealed, backup codes
   * bound. A promise only when a secret is to be re-sealed: most writes have none, and an await
   * per write costs a sign-in measurably.
   */
  function toWrite(userId: string, read: RecordState | null, decided: RecordState): RecordState | Promise<RecordState> {
    // Each module caps its own active factors, but a record edited to hold more (up to what a
    // read accepts) could be given one more: written, it would be CORRUPT_RECORD on every read.
    if (decided.factors.length > MAX_STORED_FACTORS) {
      throw new FactorkitError('TOO_MANY_FACTORS', `a user may have at most ${MAX_STORED_FACTORS} factors`);
    }
    const bound = (state: RecordState) => withBackupBinding(hasher, sealer, userId, read, state);
    return decided.factors.some(stale) ? rotate(userId, decided).then(bound) : bound(decided);
  }
  return toWrite;
}

export function recordAccess(options: ResolvedOptions, registry: Registry): RecordAccess {
  const { store, now } = options;

  async function load(userId: string): Promise<{ record: StoredRecord | null; state: RecordState | null }> {
    const record = await storeCall(() => store.get(userId));
    if (record === null || record === undefined) return { record: null, state: null };
    if (typeof record !== 'object' || typeof record.data !== 'string' || !Number.isSafeInteger(record.version)) {
      throw new FactorkitError('STORE_ERROR', 'the 2FA store returned a malformed record');
    }
    const cached = parsed.get(userId, record.data);
    if (cached !== undefined) return { record, state: cached };
    const state = parseState(userId, record.data, registry);
    parsed.set(userId, record.data, state);
    return { record, state };
  }

  const toWrite = writePreparer(options, registry);
  const emit = eventEmitter(options);
  const parsed = new ParsedStates();

  async function transact<T>(userId: string, decide: Decide<T>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { record, state } = await load(userId);
      const nowMs = now();
      const outcome = await decide(state, nowMs);
      if (outcome.next === undefined) {
        if (outcome.events !== undefined) await emit(outcome.events);
        return outcome.result;
      }
      const prepared = toWrite(userId, state, outcome.next);
      const next = isThenable(prepared) ? await prepared : prepared;
      // Serialised before the new parts are frozen: the text of parts kept from the state read
      // (frozen already) comes from state-cache.ts, and parts this decision made are not kept,
      // since most change again on the next write (a sign-in's replay state) and kept texts
      // cost more in garbage collection than they save. A part that does survive unchanged is
      // kept the next time it is written; a new backup-code set at once (lastingJsonOf), since
      // it outlives many writes and is the longest part.
      const write = { status: statusOf(next), data: serializeState(next), updatedAt: nowMs };
      deepFreeze(next);
      const written =
        record === null
          ? await storeCall(() => store.create(userId, write))
          : await storeCall(() => store.compareAndSet(userId, record.version, write));
      if (written !== null && written !== undefined) {
        parsed.set(userId, write.data, next);
        if (outcome.events !== undefined) await emit(outcome.events);
        return outcome.result;
      }
      // Lost a race: someone else wrote first. Back off a little, at random, so a crowd of
      // contenders spreads out instead of colliding again in lock step.
      await sleep(Math.random() * Math.min(2 ** attempt, 50));
    }
    throw new FactorkitError('STORE_CONFLICT', `gave up after ${MAX_ATTEMPTS} conflicting writes to the 2FA record`);
  }

  return { storeCall, load, transact, emit };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

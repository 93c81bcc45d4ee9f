// Managing the factors a user has: listing them for a security page, renaming and removing.
import { FactorkitError } from '../../errors/index.js';
import { strengthOf } from '../engine/authority.js';
import type { Engine } from '../engine/engine.js';
import type { TwoFactorEvent } from '../kernel/events.js';
import { checkId, checkUserId, isFactorName } from '../kernel/args.js';
import type { FactorRecord } from '../kernel/factor.js';
import { type RecordState, activeFactors } from '../kernel/record.js';
import type { FactorSummary, TwoFactorFailure } from '../types.js';
import { switchedOff, withProof } from './proof.js';

type Removed = { ok: true; twoFactorOff: boolean } | TwoFactorFailure;

function summarise(factor: FactorRecord): FactorSummary {
  const summary: FactorSummary = {
    factorId: factor.id,
    type: factor.type,
    name: factor.name,
    status: factor.state,
    createdAt: factor.createdAt,
    lastUsedAt: factor.lastUsedAt,
  };
  if (factor.state === 'pending') summary.expiresAt = factor.expiresAt;
  return summary;
}

export async function listFactors(engine: Engine, userId: string): Promise<FactorSummary[]> {
  checkUserId(userId);
  const { state } = await engine.load(userId);
  if (state === null) return [];
  const ctx = engine.context(userId, engine.options.now());
  return Promise.all(
    state.factors.map(async (factor) => {
      const own = await engine.registry.moduleOf(factor).summarise?.(ctx, factor);
      return { ...summarise(factor), ...own };
    }),
  );
}

export async function renameFactor(
  engine: Engine,
  userId: string,
  factorId: string,
  name: string,
): Promise<{ ok: true } | TwoFactorFailure> {
  checkUserId(userId);
  checkId('factorId', factorId);
  if (typeof name !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'name must be a string');
  // A name the user typed: answered, so the page can say so (issue 27), never thrown.
  if (!isFactorName(name)) return { ok: false, reason: 'invalid-name' };
  const newName = name;
  return engine.transact<{ ok: true } | TwoFactorFailure>(userId, async (state) => {
    if (state === null || !state.factors.some((f) => f.id === factorId)) {
      return { result: { ok: false, reason: 'unknown-factor' } };
    }
    const factors = state.factors.map((f) => (f.id === factorId ? { ...f, name: newName } : f));
    return { result: { ok: true }, next: { ...state, factors } };
  });
}

function removedEvents(userId: string, nowMs: number, gone: FactorRecord[]): TwoFactorEvent[] {
  return gone.map((factor) => ({
    type: 'factor-removed',
    userId,
    at: nowMs,
    factorId: factor.id,
    factorType: factor.type,
  }));
}

/** The record without `factorId`, and the factors that go with it by their modules' rules. */
function without(
  engine: Engine,
  state: RecordState,
  factorId: string,
): { state: RecordState; removed: FactorRecord[] } {
  let next: RecordState = { ...state, factors: state.factors.filter((f) => f.id !== factorId), devices: [] };
  const removed: FactorRecord[] = [];
  for (const module of engine.registry.modules) {
    const pruned = module.prune?.(next);
    if (pruned === undefined) continue;
    next = pruned.state;
    removed.push(...pruned.removed);
  }
  return { state: next, removed };
}

/** While 2FA is off there is nothing to prove: removing a pending factor cancels its enrollment. */
function cancelEnrollment(engine: Engine, userId: string, factorId: string): Promise<Removed> {
  return engine.transact<Removed>(userId, async (state, nowMs) => {
    const factor = state?.factors.find((f) => f.id === factorId);
    if (state === null || factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
    if (activeFactors(state).length > 0) return { result: { ok: false, reason: 'current-code-required' } };
    return {
      result: { ok: true, twoFactorOff: true },
      next: { ...state, factors: state.factors.filter((f) => f.id !== factorId) },
      events: removedEvents(userId, nowMs, [factor]),
    };
  });
}

export async function removeFactor(engine: Engine, userId: string, factorId: string, proof: unknown): Promise<Removed> {
  checkUserId(userId);
  checkId('factorId', factorId);
  const { state: before } = await engine.load(userId);
  if (before !== null && activeFactors(before).length === 0) return cancelEnrollment(engine, userId, factorId);
  return withProof<{ ok: true; twoFactorOff: boolean }>(engine, userId, proof, {
    operation: 'remove-factor',
    manages: (state) => {
      const factor = state.factors.find((f) => f.id === factorId);
      return factor === undefined ? undefined : strengthOf(engine.registry, factor);
    },
    async onSuccess(next, _check, nowMs) {
      const factor = next.factors.find((f) => f.id === factorId);
      if (factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
      const { state: remaining, removed } = without(engine, next, factorId);
      const gone = [factor, ...removed];
      const events = removedEvents(userId, nowMs, gone);
      // The last active factor gone: 2FA is off, exactly as disable leaves it.
      if (activeFactors(remaining).length === 0) {
        events.push({ type: 'disabled', userId, at: nowMs });
        events.push({ type: 'sessions-should-end', userId, at: nowMs, change: 'disabled' });
        return { result: { ok: true, twoFactorOff: true }, next: switchedOff(remaining), events };
      }
      // A pending factor removed changes nothing a session was trusted under.
      if (gone.some((f) => f.state === 'active')) {
        events.push({ type: 'sessions-should-end', userId, at: nowMs, change: 'factor-removed' });
      }
      return { result: { ok: true, twoFactorOff: false }, next: remaining, events };
    },
  });
}

// What the operations proven by a factor share: the skeleton of a proven change, backup codes
// made once per call, and what turning 2FA off leaves.
import { type GeneratedBackupCodes, generateBackupCodes } from '../../backup-codes/set.js';
import type { Engine } from '../engine/engine.js';
import { type CodeCheck, afterSuccess, signalEvents, succeededEvent } from '../engine/proof-check.js';
import type { CodeCheckOperation } from '../kernel/events.js';
import { checkUserId } from '../kernel/args.js';
import { type Outcome, type RecordState, activeFactors } from '../kernel/record.js';
import type { TwoFactorFailure } from '../types.js';

/** Generates backup codes once per call, however many times the write is retried. */
export function lazyBackupCodes(engine: Engine): (userId: string, nowMs: number) => Promise<GeneratedBackupCodes> {
  let generated: Promise<GeneratedBackupCodes> | undefined;
  return (userId, nowMs) => {
    generated ??= generateBackupCodes({ ...engine.options.backupCodes, context: userId, now: nowMs });
    return generated;
  };
}

/** Everything removed: no factor, no backup code, no remembered device. The throttle stays. */
export function switchedOff(state: RecordState): RecordState {
  return { ...state, factors: [], backupCodes: null, devices: [] };
}

type Proven = Extract<CodeCheck, { kind: 'factor' | 'backup' }>;

/**
 * The skeleton of every operation proven by a factor: refused while locked, the proof checked
 * (any active factor, or a backup code), the refusal rules applied, and on success `onSuccess`
 * decides the change; its events follow the `verify-succeeded` audit event.
 */
export async function withProof<T>(
  engine: Engine,
  userId: string,
  proof: unknown,
  operation: CodeCheckOperation,
  onSuccess: (state: RecordState, check: Proven, nowMs: number) => Promise<Outcome<T | TwoFactorFailure>>,
  onlyFactorId?: string,
): Promise<T | TwoFactorFailure> {
  checkUserId(userId);
  const { rules } = engine;
  const check = engine.checker(proof, onlyFactorId);
  return engine.transact<T | TwoFactorFailure>(userId, async (state, nowMs) => {
    if (state === null || activeFactors(state).length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    if (onlyFactorId !== undefined && !activeFactors(state).some((f) => f.id === onlyFactorId)) {
      return { result: { ok: false, reason: 'unknown-factor' } };
    }
    const locked = rules.locked(userId, state, nowMs, operation);
    if (locked !== undefined) return locked;
    const checked = await check(userId, state, nowMs);
    const refused = rules.refuse(userId, state, checked, nowMs, operation);
    if (refused !== undefined) return refused;
    const proven = checked as Proven;
    const outcome = await onSuccess(afterSuccess(state, proven, nowMs), proven, nowMs);
    const events = [succeededEvent(userId, nowMs, operation, proven), ...signalEvents(userId, nowMs, proven)];
    return { ...outcome, events: [...events, ...(outcome.events ?? [])] };
  });
}

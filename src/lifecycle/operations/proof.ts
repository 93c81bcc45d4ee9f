// What the operations proven by a factor share: the skeleton of a proven change, backup codes
// made once per call, and what turning 2FA off leaves.
import { type GeneratedBackupCodes, generateBackupCodes } from '../../backup-codes/set.js';
import type { Engine } from '../engine/engine.js';
import { mayManage } from '../engine/authority.js';
import { type CodeCheck, afterSuccess, signalEvents, succeededEvent, uncountedRefusal } from '../engine/proof-check.js';
import type { CodeCheckOperation } from '../kernel/events.js';
import type { StrengthClass } from '../kernel/factor.js';
import { checkUserId } from '../kernel/args.js';
import { type Outcome, type RecordState, activeFactors } from '../kernel/record.js';
import type { TwoFactorFailure } from '../types.js';
import { withoutExpiredIssue } from './issued-codes.js';

/** Generates backup codes once per call, however many times the write is retried. */
export function lazyBackupCodes(engine: Engine): (userId: string, nowMs: number) => Promise<GeneratedBackupCodes> {
  let generated: Promise<GeneratedBackupCodes> | undefined;
  return (userId, nowMs) => {
    generated ??= generateBackupCodes({ ...engine.options.backupCodes, context: userId, now: nowMs });
    return generated;
  };
}

/** Everything removed: no factor, no backup code (nor a kept copy), no remembered device. The throttle stays. */
export function switchedOff(state: RecordState): RecordState {
  const { issuedBackupCodes: _gone, ...rest } = state;
  return { ...rest, factors: [], backupCodes: null, devices: [] };
}

export type Proven = Extract<CodeCheck, { kind: 'factor' | 'backup' }>;

/** What an operation proven by a factor does, besides its own change (see withProof). */
export interface ProvenOperation<T> {
  operation: CodeCheckOperation;
  /** Decides the change once the proof is accepted; its events follow `verify-succeeded`. */
  onSuccess: (state: RecordState, check: Proven, nowMs: number) => Promise<Outcome<T | TwoFactorFailure>>;
  /**
   * The strength class of what the operation manages in this state (authority.ts), or
   * undefined when it manages nothing (a sign-in) or the target is not there.
   */
  manages?: (state: RecordState) => StrengthClass | undefined;
  /** Only this factor's proofs count. */
  onlyFactorId?: string;
  /**
   * The answer to a retry of this very call whose first reply was lost (its proof is used up
   * by then): checked before the proof. Undefined: not a retry.
   */
  retried?: (state: RecordState, nowMs: number) => Promise<Outcome<T | TwoFactorFailure> | undefined>;
}

/**
 * The skeleton of every operation proven by a factor: refused while locked, the proof checked
 * (any active factor, or a backup code), the refusal rules applied, the proof's authority over
 * what the operation manages checked, and on success `onSuccess` decides the change.
 */
export async function withProof<T>(
  engine: Engine,
  userId: string,
  proof: unknown,
  { operation, onSuccess, manages, onlyFactorId, retried }: ProvenOperation<T>,
): Promise<T | TwoFactorFailure> {
  checkUserId(userId);
  const { rules } = engine;
  const check = engine.checker(proof, onlyFactorId);
  return engine.transactWithProof<T | TwoFactorFailure>(userId, proof, async (state, nowMs) => {
    if (state === null || activeFactors(state).length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    if (onlyFactorId !== undefined && !activeFactors(state).some((f) => f.id === onlyFactorId)) {
      return { result: { ok: false, reason: 'unknown-factor' } };
    }
    const locked = rules.locked(userId, state, nowMs, operation);
    if (locked !== undefined) return locked;
    const again = await retried?.(state, nowMs);
    if (again !== undefined) return again;
    const checked = await check(userId, state, nowMs);
    const refused = rules.refuse(userId, state, checked, nowMs, operation);
    if (refused !== undefined) return refused;
    const proven = checked as Proven;
    const target = manages?.(state);
    if (target !== undefined && !mayManage(engine.options.manage, engine.registry, state, proven, target)) {
      // A right proof, not used up and not counted: the user is asked for a stronger factor.
      return uncountedRefusal(userId, nowMs, operation, proven.method, 'stronger-factor-required');
    }
    const outcome = await onSuccess(withoutExpiredIssue(afterSuccess(state, proven, nowMs), nowMs), proven, nowMs);
    const events = [succeededEvent(userId, nowMs, operation, proven), ...signalEvents(userId, nowMs, proven)];
    return { ...outcome, events: [...events, ...(outcome.events ?? [])] };
  });
}

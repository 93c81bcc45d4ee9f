// The code check every operation shares (which factor, or a backup code, a typed code
// belongs to), and the refusal rules around it: locked accounts are refused unseen and
// uncounted, malformed input and replays are refused uncounted, wrong codes are counted on the
// one throttle of the account, and every check leaves an audit event.
import type { ScryptImplementation } from '../../backup-codes/kdf.js';
import {
  type BackupCodeSet,
  type VerifyBackupCodeResult,
  consumeBackupCode,
  verifyBackupCode,
} from '../../backup-codes/set.js';
import { MAX_CODE_INPUT_LENGTH } from '../../validation/index.js';
import type { CodeCheckOperation, CodeMethod, TwoFactorEvent } from '../kernel/events.js';
import type {
  ActiveFactorRecord,
  FactorContext,
  FactorRecord,
  FactorRefusal,
  FactorSignal,
  Proof,
  ProofCheck,
} from '../kernel/factor.js';
import { isObject } from '../kernel/parse.js';
import { type Outcome, type RecordState, activeFactors, replaceFactor } from '../kernel/record.js';
import type { TwoFactorFailure } from '../types.js';
import { checkBackupBinding } from './backup-binding.js';
import type { ResolvedOptions } from './options.js';
import type { Registry } from './registry.js';
import { afterFailure, lockRefusal, resetThrottle } from './throttle.js';

export type CodeCheck =
  | { kind: 'malformed' | 'replayed' | 'expired'; method: CodeMethod }
  /** `spent`: factors whose state this wrong proof changed (a delivered code's attempt used up), written with the failure. */
  | { kind: 'invalid'; method: CodeMethod; spent: FactorRecord[] }
  | { kind: 'factor'; method: string; factor: FactorRecord; signal?: FactorSignal }
  /** A module's uncounted refusal; `factor`: its new state when the attempt changed it (suspended it). */
  | { kind: 'refused'; method: string; reason: FactorRefusal; factor?: FactorRecord; signal?: FactorSignal }
  | { kind: 'backup'; method: 'backup'; index: number };

type Refusal = Extract<TwoFactorEvent, { type: 'verify-failed' }>['reason'];

export type CodeChecker = (userId: string, state: RecordState, nowMs: number) => Promise<CodeCheck>;

/** A plain object (not an array, a Date, a typed array): what a proof other than a typed code is. */
export function isProofObject(value: unknown): value is Exclude<Proof, string> {
  if (!isObject(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A string no longer than any code, or a proof object; anything else is `malformed` at once, uncounted. */
export function isUsableProof(proof: unknown): proof is Proof {
  if (typeof proof === 'string') return proof.length <= MAX_CODE_INPUT_LENGTH;
  return isProofObject(proof);
}

/** The factors a proof could belong to, in registry order: ready, and of the shape of their proofs. */
function candidatesFor(registry: Registry, factors: ActiveFactorRecord[], proof: Proof): ActiveFactorRecord[] {
  return factors
    .filter((factor) => {
      const module = registry.moduleOf(factor);
      return (module.ready?.(factor) ?? true) && module.accepts(factor, proof);
    })
    .sort((a, b) => registry.rank(a) - registry.rank(b));
}

/** The outcome of checking every candidate: the first match in registry order, else why none matched. */
function judge(candidates: ActiveFactorRecord[], results: ProofCheck<FactorRecord>[]): CodeCheck {
  const matched = results.findIndex((result) => result.kind === 'match');
  if (matched >= 0) {
    const { factor, signal } = results[matched] as Extract<ProofCheck<FactorRecord>, { kind: 'match' }>;
    return { kind: 'factor', method: factor.type, factor, ...(signal === undefined ? {} : { signal }) };
  }
  const method = candidates[0]!.type;
  const refusedAt = results.findIndex((result) => result.kind === 'refused');
  if (refusedAt >= 0) {
    const refused = results[refusedAt] as Extract<ProofCheck<FactorRecord>, { kind: 'refused' }>;
    return { ...refused, method: candidates[refusedAt]!.type };
  }
  if (results.some((result) => result.kind === 'replayed')) return { kind: 'replayed', method };
  // Nothing in question can be typed any more (delivered codes expired or used up): send a new one.
  if (results.every((result) => result.kind === 'expired')) return { kind: 'expired', method };
  const spent = results.flatMap((result) => (result.kind === 'invalid' && result.factor ? [result.factor] : []));
  return { kind: 'invalid', method, spent };
}

/**
 * A checker for one proof, reusable across the retries of one operation: the slow
 * backup-code derivation runs once per set however often the write is retried.
 */
export function codeChecker(
  options: ResolvedOptions,
  registry: Registry,
  context: (userId: string, nowMs: number) => FactorContext,
  proof: unknown,
  onlyFactorId?: string,
): CodeChecker {
  const usable = isUsableProof(proof);
  const verifyBackup =
    usable && typeof proof === 'string' ? backupVerifier(proof, options.backupCodes.scrypt) : undefined;
  return async (userId, state, nowMs) => {
    if (!usable) return { kind: 'malformed', method: 'unknown' };
    const named = activeFactors(state).filter((f) => onlyFactorId === undefined || f.id === onlyFactorId);
    const candidates = candidatesFor(registry, named, proof);
    if (candidates.length > 0) {
      const ctx = context(userId, nowMs);
      // Every factor the proof could belong to is checked, with no early exit, so the time
      // taken does not say which one matched.
      const results: ProofCheck<FactorRecord>[] = [];
      for (const factor of candidates) results.push(await registry.moduleOf(factor).check(ctx, factor, proof));
      return judge(candidates, results);
    }
    if (onlyFactorId !== undefined) {
      // The named factor holds nothing to check against (no code sent): send one first.
      const waiting = named.find((factor) => registry.moduleOf(factor).ready?.(factor) === false);
      if (waiting !== undefined) return { kind: 'expired', method: waiting.type };
      // A factor was named: only its proofs count, and this is not one.
      return { kind: 'malformed', method: 'unknown' };
    }
    if (verifyBackup === undefined) return { kind: 'malformed', method: 'unknown' };
    if (state.backupCodes === null) return { kind: 'invalid', method: 'backup', spent: [] };
    // Before any derivation: a set the keyring does not vouch for is never searched.
    checkBackupBinding(options.hasher, options.sealer, userId, state.backupCodes, state.backupCodesBinding);
    const result = await verifyBackup(userId, state.backupCodes);
    if (result.valid) return { kind: 'backup', method: 'backup', index: result.index };
    if (result.reason === 'invalid') return { kind: 'invalid', method: 'backup', spent: [] };
    return { kind: result.reason === 'used' ? 'replayed' : result.reason, method: 'backup' };
  };
}

/**
 * Memoised backup-code verification: a retry against the same set needs no second KDF run.
 * Checked under the user id the set was bound to when it was generated.
 */
function backupVerifier(
  code: string,
  scrypt: ScryptImplementation | undefined,
): (userId: string, set: BackupCodeSet) => Promise<VerifyBackupCodeResult> {
  // Made on the first backup-code check: most proofs are codes of a factor and never get here.
  let memo: Map<string, VerifyBackupCodeResult> | undefined;
  return async (userId, set) => {
    memo ??= new Map();
    // The user id is part of the key: a result is never reused for a set under another user.
    const key = `${set.generationId}/${userId}`;
    let result = memo.get(key);
    if (result === undefined) {
      result = await verifyBackupCode(code, set, { context: userId, scrypt });
      memo.set(key, result);
    }
    if (result.valid && set.codes[result.index]?.usedAt !== null) return { valid: false, reason: 'used' };
    return result;
  };
}

/** The state after a successful check, before the operation's own change: the factor's replay state, or the backup code spent. */
export function afterSuccess(state: RecordState, check: CodeCheck, nowMs: number): RecordState {
  if (check.kind === 'factor') {
    return { ...replaceFactor(state, check.factor), throttle: resetThrottle(state.throttle) };
  }
  if (check.kind === 'backup') {
    return {
      ...state,
      backupCodes: consumeBackupCode(state.backupCodes!, check.index, nowMs),
      throttle: resetThrottle(state.throttle),
    };
  }
  return state;
}

export function failedEvent(
  userId: string,
  nowMs: number,
  operation: CodeCheckOperation,
  method: CodeMethod,
  reason: Refusal,
): TwoFactorEvent {
  return { type: 'verify-failed', userId, at: nowMs, operation, method, reason };
}

/** A refusal that is not counted on the throttle: the answer, and its audit event. */
export function uncountedRefusal(
  userId: string,
  nowMs: number,
  operation: CodeCheckOperation,
  method: CodeMethod,
  reason: Refusal & TwoFactorFailure['reason'],
): Outcome<TwoFactorFailure> {
  return { result: { ok: false, reason }, events: [failedEvent(userId, nowMs, operation, method, reason)] };
}

export function succeededEvent(
  userId: string,
  nowMs: number,
  operation: CodeCheckOperation,
  check: Extract<CodeCheck, { kind: 'factor' | 'backup' }>,
): TwoFactorEvent {
  return { type: 'verify-succeeded', userId, at: nowMs, operation, method: check.method };
}

/** The audit events of what a factor module reported beside its answer (a suspected clone). */
export function signalEvents(userId: string, nowMs: number, check: CodeCheck): TwoFactorEvent[] {
  if (check.kind !== 'factor' && check.kind !== 'refused') return [];
  const { factor, signal } = check;
  if (signal === undefined || factor === undefined) return [];
  return [
    { type: signal.type, userId, at: nowMs, factorId: factor.id, factorType: factor.type, suspended: signal.suspended },
  ];
}

/** A module's own refusal (a suspended factor, no user verification): uncounted; the factor written when it changed. */
export function moduleRefusal(
  userId: string,
  state: RecordState,
  check: Extract<CodeCheck, { kind: 'refused' }>,
  nowMs: number,
  operation: CodeCheckOperation,
): Outcome<TwoFactorFailure> {
  const refusal = uncountedRefusal(userId, nowMs, operation, check.method, check.reason);
  if (check.factor === undefined) return refusal;
  return {
    ...refusal,
    next: replaceFactor(state, check.factor),
    events: [...signalEvents(userId, nowMs, check), ...(refusal.events ?? [])],
  };
}

/** The refusal rules, given the account's throttle configuration. */
export function refusalRules(options: ResolvedOptions) {
  /** A wrong code: one more failure on the shared throttle, which may start a timed or a hard lock. */
  function countedFailure(
    userId: string,
    state: RecordState,
    nowMs: number,
    operation: CodeCheckOperation,
    method: CodeMethod,
  ): Outcome<TwoFactorFailure> {
    const failed = afterFailure(state.throttle, nowMs, options.throttle);
    const result: TwoFactorFailure = { ok: false, reason: 'invalid' };
    const events: TwoFactorEvent[] = [failedEvent(userId, nowMs, operation, method, 'invalid')];
    if (failed.lock === 'timed') {
      result.retryAfterMs = failed.lockMs;
      events.push({ type: 'locked-out', userId, at: nowMs, retryAfterMs: failed.lockMs });
    } else if (failed.lock === 'hard') {
      events.push({ type: 'hard-locked', userId, at: nowMs, failures: failed.throttle.failures });
    }
    return { result, next: { ...state, throttle: failed.throttle }, events };
  }

  /** Malformed input and replays are refused uncounted; wrong codes are counted. */
  function refuse(
    userId: string,
    state: RecordState,
    check: CodeCheck,
    nowMs: number,
    operation: CodeCheckOperation,
  ): Outcome<TwoFactorFailure> | undefined {
    if (check.kind === 'malformed') return uncountedRefusal(userId, nowMs, operation, check.method, 'malformed');
    if (check.kind === 'replayed') {
      return {
        result: { ok: false, reason: 'replayed' },
        events: [
          { type: 'replay-refused', userId, at: nowMs },
          failedEvent(userId, nowMs, operation, check.method, 'replayed'),
        ],
      };
    }
    if (check.kind === 'expired') return uncountedRefusal(userId, nowMs, operation, check.method, 'expired');
    if (check.kind === 'refused') return moduleRefusal(userId, state, check, nowMs, operation);
    if (check.kind === 'invalid') {
      // The delivered codes the wrong code was compared with each lose an attempt, in the same write.
      const spent = new Map(check.spent.map((factor) => [factor.id, factor]));
      const factors = state.factors.map((factor) => spent.get(factor.id) ?? factor);
      return countedFailure(userId, { ...state, factors }, nowMs, operation, check.method);
    }
    return undefined;
  }

  /** Refuses every attempt, unseen and uncounted, while the account is locked (for a time or for good). */
  function locked(
    userId: string,
    state: RecordState,
    nowMs: number,
    operation: CodeCheckOperation,
  ): Outcome<TwoFactorFailure> | undefined {
    const refusal = lockRefusal(state.throttle, nowMs);
    if (refusal === undefined) return undefined;
    return { result: refusal, events: [failedEvent(userId, nowMs, operation, 'unknown', refusal.reason)] };
  }

  return { countedFailure, refuse, locked };
}

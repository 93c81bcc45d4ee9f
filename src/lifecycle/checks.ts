// The code check every operation shares (which factor, or a backup code, a typed code
// belongs to), and the refusal rules around it: locked accounts are refused unseen and
// uncounted, malformed input and replays are refused uncounted, wrong codes are counted on the
// one throttle of the account, and every check leaves an audit event.
import {
  type BackupCodeSet,
  type ScryptImplementation,
  type VerifyBackupCodeResult,
  consumeBackupCode,
  verifyBackupCode,
} from '../backup-codes/index.js';
import { isCodeShaped } from '../otp/hotp-key.js';
import { MAX_CODE_INPUT_LENGTH } from '../validation/index.js';
import type { CodeCheckOperation, CodeMethod, TwoFactorEvent } from './events.js';
import {
  type ActiveDeliveredFactor,
  type DeliveredCodeCheck,
  checkDeliveredCode,
  codeDigits,
} from './factors/delivered.js';
import type { ActiveFactor, FactorContext, FactorMatch } from './factors/index.js';
import { type ActiveTotpFactor, checkTotp } from './factors/totp.js';
import type { ResolvedOptions } from './options.js';
import { type RecordState, activeFactors, replaceFactor } from './state.js';
import { afterFailure, lockRefusal, resetThrottle } from './throttle.js';
import type { Outcome } from './transact.js';
import type { TwoFactorFailure } from './types.js';

export type CodeCheck =
  | { kind: 'malformed' | 'replayed' | 'expired'; method: CodeMethod }
  /** `spent`: delivered factors whose code this wrong code used up an attempt of, to be written with the failure. */
  | { kind: 'invalid'; method: CodeMethod; spent: ActiveDeliveredFactor[] }
  | { kind: 'factor'; method: 'totp' | 'delivered'; factor: ActiveFactor }
  | { kind: 'backup'; method: 'backup'; index: number };

type Refusal = Extract<TwoFactorEvent, { type: 'verify-failed' }>['reason'];

export type CodeChecker = (userId: string, state: RecordState, nowMs: number) => Promise<CodeCheck>;

/** Longer input is `malformed` at once, before any work and without being counted. */
export function isUsableCode(code: unknown): code is string {
  return typeof code === 'string' && code.length <= MAX_CODE_INPUT_LENGTH;
}

/**
 * A checker for one typed code, reusable across the retries of one operation: the slow
 * backup-code derivation runs once per set however often the write is retried.
 */
export function codeChecker(options: ResolvedOptions, code: unknown, onlyFactorId?: string): CodeChecker {
  const usable = isUsableCode(code);
  const verifyBackup = usable ? backupVerifier(code, options.backupCodes.scrypt) : undefined;
  return async (userId, state, nowMs) => {
    if (!usable) return { kind: 'malformed', method: 'unknown' };
    const ctx: FactorContext = { userId, nowMs, open: (sealed) => options.sealer.open(userId, sealed) };
    const candidates = activeFactors(state).filter((f) => onlyFactorId === undefined || f.id === onlyFactorId);
    const totps = candidates.filter(
      (factor): factor is ActiveTotpFactor => factor.type === 'totp' && isCodeShaped(code, factor.totp.digits),
    );
    // A delivered factor is a candidate only while it holds a code of this shape: a code
    // exists only because the app had it sent.
    const delivered = candidates.filter(
      (factor): factor is ActiveDeliveredFactor =>
        factor.type === 'delivered' && factor.code !== null && isCodeShaped(code, codeDigits(factor.code.channel)),
    );
    if (totps.length + delivered.length > 0) {
      // Every factor the code could belong to is checked, with no early exit, so the time
      // taken does not say which one matched.
      const totpResults: FactorMatch<ActiveTotpFactor>[] = [];
      for (const factor of totps) totpResults.push(await checkTotp(ctx, factor, code));
      const deliveredResults: DeliveredCodeCheck<ActiveDeliveredFactor>[] = delivered.map((factor) =>
        checkDeliveredCode(options.hasher, userId, factor, code, nowMs, options.delivery.maxAttemptsPerCode),
      );
      for (const result of totpResults) {
        if (result.kind === 'match') return { kind: 'factor', method: 'totp', factor: result.factor };
      }
      for (const result of deliveredResults) {
        if (result.kind === 'match') return { kind: 'factor', method: 'delivered', factor: result.factor };
      }
      const method: CodeMethod = totps.length > 0 ? 'totp' : 'delivered';
      if ([...totpResults, ...deliveredResults].some((r) => r.kind === 'replayed')) return { kind: 'replayed', method };
      // Only delivered codes were in question and none can be typed any more: send a new one.
      if (totps.length === 0 && deliveredResults.every((r) => r.kind === 'expired')) return { kind: 'expired', method };
      const spent = deliveredResults.flatMap((r) => (r.kind === 'invalid' ? [r.factor] : []));
      return { kind: 'invalid', method, spent };
    }
    if (onlyFactorId !== undefined) {
      // A delivered factor was named and holds no code: nothing could match, send one first.
      if (candidates.some((f) => f.type === 'delivered' && f.code === null))
        return { kind: 'expired', method: 'delivered' };
      // A factor was named: only its codes count, and this is not one.
      return { kind: 'malformed', method: 'unknown' };
    }
    if (state.backupCodes === null) return { kind: 'invalid', method: 'backup', spent: [] };
    const result = await verifyBackup!(userId, state.backupCodes);
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
  const memo = new Map<string, VerifyBackupCodeResult>();
  return async (userId, set) => {
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
    return { ...replaceFactor(state, check.factor), throttle: resetThrottle() };
  }
  if (check.kind === 'backup') {
    return {
      ...state,
      backupCodes: consumeBackupCode(state.backupCodes!, check.index, nowMs),
      throttle: resetThrottle(),
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

export function succeededEvent(
  userId: string,
  nowMs: number,
  operation: CodeCheckOperation,
  check: CodeCheck,
): TwoFactorEvent {
  return {
    type: 'verify-succeeded',
    userId,
    at: nowMs,
    operation,
    method: check.kind === 'backup' ? 'backup' : check.kind === 'factor' ? check.method : 'totp',
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
    if (check.kind === 'malformed') {
      return {
        result: { ok: false, reason: 'malformed' },
        events: [failedEvent(userId, nowMs, operation, check.method, 'malformed')],
      };
    }
    if (check.kind === 'replayed') {
      return {
        result: { ok: false, reason: 'replayed' },
        events: [
          { type: 'replay-refused', userId, at: nowMs },
          failedEvent(userId, nowMs, operation, check.method, 'replayed'),
        ],
      };
    }
    if (check.kind === 'expired') {
      return {
        result: { ok: false, reason: 'expired' },
        events: [failedEvent(userId, nowMs, operation, check.method, 'expired')],
      };
    }
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

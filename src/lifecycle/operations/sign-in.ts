// The operations proven by a factor that change no factor: sign-in, step-up, new backup codes,
// 2FA off.
import { FactorkitError } from '../../errors/index.js';
import { checkOptionsObject } from '../../validation/index.js';
import { provenStrength, strongestActive } from '../engine/authority.js';
import type { Engine } from '../engine/engine.js';
import { unusedBackupCodes } from '../engine/state.js';
import type { StrengthClass } from '../kernel/factor.js';
import type { RecordState } from '../kernel/record.js';
import { atLeast, isStrengthClass } from '../kernel/strength.js';
import type {
  BackupCodesResult,
  RegenerateBackupCodesOptions,
  StepUpOptions,
  StepUpResult,
  TwoFactorFailure,
  VerifyOptions,
  VerifyResult,
} from '../types.js';
import { checkRetryKey, keepIssued, reissued } from './issued-codes.js';
import { type Proven, lazyBackupCodes, switchedOff, withProof } from './proof.js';

function checkFactorIdOption(options: unknown): string | undefined {
  const { factorId } = checkOptionsObject(options) as VerifyOptions;
  if (factorId !== undefined && typeof factorId !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'factorId must be a string');
  }
  return factorId;
}

/** What a successful check says about the proof: the factor, its class, and its own details. */
function provenDetails(engine: Engine, check: Proven) {
  const strength = provenStrength(engine.registry, check);
  if (check.kind === 'backup') return { method: 'backup', ...strength };
  const { factor } = check;
  const details = engine.registry.moduleOf(factor).signInDetails?.(factor) ?? {};
  return { method: factor.type, factorId: factor.id, ...details, ...strength };
}

export async function verify(
  engine: Engine,
  userId: string,
  proof: unknown,
  options?: VerifyOptions,
): Promise<VerifyResult> {
  return withProof<VerifyResult>(engine, userId, proof, {
    operation: 'verify',
    onlyFactorId: checkFactorIdOption(options),
    async onSuccess(next, check, nowMs) {
      const remaining = unusedBackupCodes(next.backupCodes);
      const result = { ok: true, ...provenDetails(engine, check), remainingBackupCodes: remaining } as VerifyResult;
      if (check.kind === 'factor') return { result, next };
      return { result, next, events: [{ type: 'backup-code-used', userId, at: nowMs, remaining }] };
    },
  });
}

function checkStepUpOptions(options: unknown): { factorId: string | undefined; minimum: StrengthClass | undefined } {
  const { minimum } = checkOptionsObject(options) as StepUpOptions;
  if (minimum !== undefined && !isStrengthClass(minimum)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'minimum must be a strength class');
  }
  return { factorId: checkFactorIdOption(options), minimum };
}

/**
 * A proof for a sensitive action of a signed-in user: checked and used up as a sign-in is, and
 * answered with when it was made and how strong it was, for the app to keep with the session.
 */
export async function stepUp(
  engine: Engine,
  userId: string,
  proof: unknown,
  options?: StepUpOptions,
): Promise<StepUpResult> {
  const { factorId, minimum } = checkStepUpOptions(options);
  return withProof<StepUpResult>(engine, userId, proof, {
    operation: 'step-up',
    onlyFactorId: factorId,
    // The minimum asked for, capped by what the account has: a stronger factor than its
    // strongest cannot be asked of it.
    manages: (state) => (minimum === undefined ? undefined : capped(engine, state, minimum)),
    async onSuccess(next, check, nowMs) {
      const result = { ok: true, ...provenDetails(engine, check), at: nowMs } as StepUpResult;
      if (check.kind === 'factor') return { result, next };
      const remaining = unusedBackupCodes(next.backupCodes);
      return { result, next, events: [{ type: 'backup-code-used', userId, at: nowMs, remaining }] };
    },
  });
}

function capped(engine: Engine, state: RecordState, minimum: StrengthClass): StrengthClass {
  const strongest = strongestActive(engine.registry, state);
  return strongest === undefined || atLeast(strongest, minimum) ? minimum : strongest;
}

export async function regenerateBackupCodes(
  engine: Engine,
  userId: string,
  proof: unknown,
  options?: RegenerateBackupCodesOptions,
): Promise<BackupCodesResult> {
  const backupCodes = lazyBackupCodes(engine);
  const operation = 'regenerate-backup-codes';
  const call = {
    operation,
    proof,
    retryKey: checkRetryKey((checkOptionsObject(options) as RegenerateBackupCodesOptions).retryKey),
  } as const;
  return withProof<BackupCodesResult>(engine, userId, proof, {
    operation,
    manages: () => 'look-up-secret',
    async retried(state, nowMs) {
      const again = await reissued(engine, userId, state, call, nowMs);
      return again === undefined ? undefined : { result: { ok: true, backupCodes: again.codes } };
    },
    async onSuccess(next, _check, nowMs) {
      const generated = await backupCodes(userId, nowMs);
      const issued = await keepIssued(engine, userId, { ...call, factorId: null }, generated, nowMs);
      return {
        result: { ok: true, backupCodes: [...generated.codes] },
        next: { ...next, backupCodes: generated.set, issuedBackupCodes: issued },
        events: [
          { type: 'backup-codes-regenerated', userId, at: nowMs, count: generated.codes.length },
          { type: 'sessions-should-end', userId, at: nowMs, change: 'backup-codes-regenerated' },
        ],
      };
    },
  });
}

export async function disable(
  engine: Engine,
  userId: string,
  proof: unknown,
): Promise<{ ok: true } | TwoFactorFailure> {
  return withProof<{ ok: true }>(engine, userId, proof, {
    operation: 'disable',
    // Every factor goes: the proof must be of the account's strongest class.
    manages: (state) => strongestActive(engine.registry, state),
    async onSuccess(next, _check, nowMs) {
      return {
        result: { ok: true },
        next: switchedOff(next),
        events: [
          { type: 'disabled', userId, at: nowMs },
          { type: 'sessions-should-end', userId, at: nowMs, change: 'disabled' },
        ],
      };
    },
  });
}

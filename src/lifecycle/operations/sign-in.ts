// The operations proven by a factor that change no factor: sign-in, new backup codes, 2FA off.
import { unusedBackupCodes } from '../engine/state.js';
import { FactorkitError } from '../../errors/index.js';
import type { Engine } from '../engine/engine.js';
import type { BackupCodesResult, TwoFactorFailure, VerifyOptions, VerifyResult } from '../types.js';
import { lazyBackupCodes, switchedOff, withProof } from './proof.js';

export async function verify(
  engine: Engine,
  userId: string,
  proof: unknown,
  options?: VerifyOptions,
): Promise<VerifyResult> {
  const factorId = (options as VerifyOptions | undefined)?.factorId;
  if (factorId !== undefined && typeof factorId !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'factorId must be a string');
  }
  return withProof<VerifyResult>(
    engine,
    userId,
    proof,
    'verify',
    async (next, check, nowMs) => {
      const remaining = unusedBackupCodes(next.backupCodes);
      if (check.kind === 'factor') {
        const { factor } = check;
        const details = engine.registry.moduleOf(factor).signInDetails?.(factor) ?? {};
        const result = {
          ok: true,
          method: factor.type,
          factorId: factor.id,
          ...details,
          remainingBackupCodes: remaining,
        };
        return { result: result as VerifyResult, next };
      }
      return {
        result: { ok: true, method: 'backup', remainingBackupCodes: remaining },
        next,
        events: [{ type: 'backup-code-used', userId, at: nowMs, remaining }],
      };
    },
    factorId,
  );
}

export async function regenerateBackupCodes(
  engine: Engine,
  userId: string,
  proof: unknown,
): Promise<BackupCodesResult> {
  const backupCodes = lazyBackupCodes(engine);
  return withProof<BackupCodesResult>(engine, userId, proof, 'regenerate-backup-codes', async (next, _check, nowMs) => {
    const generated = await backupCodes(userId, nowMs);
    return {
      result: { ok: true, backupCodes: [...generated.codes] },
      next: { ...next, backupCodes: generated.set },
      events: [{ type: 'backup-codes-regenerated', userId, at: nowMs, count: generated.codes.length }],
    };
  });
}

export async function disable(
  engine: Engine,
  userId: string,
  proof: unknown,
): Promise<{ ok: true } | TwoFactorFailure> {
  return withProof<{ ok: true }>(engine, userId, proof, 'disable', async (next, _check, nowMs) => ({
    result: { ok: true },
    next: switchedOff(next),
    events: [{ type: 'disabled', userId, at: nowMs }],
  }));
}

// Reactivating a factor suspended for a counter regression, proven by another factor of the
// account (or a backup code): the user says the key in their hand is theirs.
import { checkId, checkUserId } from '../../kernel/args.js';
import type { ProvingEngine } from '../../kernel/built-in.js';
import type { Proof } from '../../kernel/factor.js';
import { replaceFactor } from '../../kernel/record.js';
import type { TwoFactorFailure } from '../../kernel/results.js';
import { credentialsOf } from './enroll.js';
import { sealCredential } from './record.js';

export async function reactivateFactor(
  engine: ProvingEngine,
  userId: string,
  factorId: string,
  proof: Proof,
): Promise<{ ok: true } | TwoFactorFailure> {
  checkUserId(userId);
  checkId('factorId', factorId);
  return engine.withProof<{ ok: true }>(userId, proof, 'reactivate-factor', async (state, _proven, nowMs) => {
    const suspended = credentialsOf(state).find((f) => f.id === factorId && f.suspendedAt !== null);
    // The proof was good and is used up either way: its use is written.
    if (suspended === undefined) return { result: { ok: false, reason: 'unknown-factor' }, next: state };
    const { sealed: _sealed, ...unsealed } = suspended;
    const reactivated = await sealCredential(engine.context(userId, nowMs), userId, { ...unsealed, suspendedAt: null });
    return {
      result: { ok: true },
      next: replaceFactor(state, reactivated),
      events: [{ type: 'factor-reactivated', userId, at: nowMs, factorId, factorType: 'webauthn' }],
    };
  });
}

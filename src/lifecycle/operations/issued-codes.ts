// New backup codes that survive a lost reply (issue 25, D6). confirmEnrollment and
// regenerateBackupCodes make codes and commit their digests; if the store commits and the reply
// is then lost (the connection drops after the commit: STORE_ERROR), codes are in force that
// nobody saw. So, when the call names a `retryKey`, the codes are also kept sealed under the
// keyring, for KEEP_MS, with a keyed hash of the call (operation, proof and retry key): the app's
// retry of that call gets the same codes again, where it would otherwise be refused (the proof
// is used up, the factor confirmed). The key is the app's, per submission, not something an
// onlooker sees: a code read over the user's shoulder and replayed gets nothing, and parallel
// calls without one still give exactly one success. Without a keyring nothing is kept: sealing
// would store the codes in clear.
import type { GeneratedBackupCodes } from '../../backup-codes/set.js';
import { FactorkitError } from '../../errors/index.js';
import type { Engine } from '../engine/engine.js';
import type { CodeCheckOperation } from '../kernel/events.js';
import type { IssuedBackupCodes, RecordState } from '../kernel/record.js';

/** How long a retry gets the same codes: long enough for an app's retry, short for a sealed copy. */
export const KEEP_MS = 10 * 60_000;
const PURPOSE = 'issued-backup-codes';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a retry must repeat exactly: the user, the operation, the proof and the app's retry key. */
export interface IssuingCall {
  operation: CodeCheckOperation;
  proof: unknown;
  retryKey: string | undefined;
}

function callParts(userId: string, { operation, proof, retryKey }: IssuingCall): string[] {
  return [userId, operation, typeof proof === 'string' ? proof : JSON.stringify(proof), retryKey ?? ''];
}

/** The `retryKey` option, checked: 16 to 128 characters, or absent. */
export function checkRetryKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 16 || value.length > 128) {
    throw new FactorkitError('INVALID_ARGUMENT', 'retryKey must be a string of 16 to 128 characters');
  }
  return value;
}

/** The sealed copy of `generated` for a retry of `operation` with `proof`; undefined without a keyring. */
export async function keepIssued(
  engine: Engine,
  userId: string,
  call: IssuingCall & { factorId: string | null },
  generated: GeneratedBackupCodes,
  nowMs: number,
): Promise<IssuedBackupCodes | undefined> {
  if (call.retryKey === undefined || !engine.options.sealer.encrypts) return undefined;
  const bytes = encoder.encode(generated.codes.join('\n'));
  const codes = await engine.seal(userId, bytes);
  bytes.fill(0);
  const proof = engine.hasher.hash(PURPOSE, callParts(userId, call));
  return {
    generationId: generated.set.generationId,
    proof,
    factorId: call.factorId,
    codes,
    expiresAt: nowMs + KEEP_MS,
  };
}

/**
 * The codes a retry of `call` gets again: when it names a retry key, the kept copy is this
 * call's, still fresh, and of the set in force. Undefined otherwise (answered as a new call).
 */
export async function reissued(
  engine: Engine,
  userId: string,
  state: RecordState,
  call: IssuingCall,
  nowMs: number,
): Promise<{ codes: string[]; factorId: string | null } | undefined> {
  const issued = state.issuedBackupCodes;
  if (call.retryKey === undefined || issued === undefined || nowMs >= issued.expiresAt) return undefined;
  if (state.backupCodes?.generationId !== issued.generationId) return undefined;
  if (!engine.hasher.matches(PURPOSE, callParts(userId, call), issued.proof)) return undefined;
  const bytes = await engine.open(userId, issued.codes);
  const codes = decoder.decode(bytes).split('\n');
  bytes.fill(0);
  return { codes, factorId: issued.factorId };
}

/** The state without a kept copy that has expired: dropped by the next write. */
export function withoutExpiredIssue(state: RecordState, nowMs: number): RecordState {
  if (state.issuedBackupCodes === undefined || nowMs < state.issuedBackupCodes.expiresAt) return state;
  const { issuedBackupCodes: _expired, ...rest } = state;
  return rest;
}

// The backup-code set's keyed binding: an HMAC under the keyring (kernel/keyed-hash.ts) of the
// user id and the set's stored text, kept beside the set. Everything else a record holds that
// could let someone in is protected by the keyring (secrets sealed to their user, remembered
// devices and delivered codes as keyed hashes); the set's digests are plain scrypt, which
// anyone can compute. Without the binding, someone who can write to the database but does not
// hold the keyring could plant a set of codes they know, or mark a used code unused, and sign
// in with it while the account looked unchanged.
//
// The engine makes the binding on every write that changes the set (a new set, a code used),
// so no operation handles it; the proof check refuses a set whose binding does not hold before
// deriving anything.
import type { BackupCodeSet } from '../../backup-codes/set.js';
import type { SecretSealer } from '../kernel/crypto.js';
import type { KeyedHasher, StoredHash } from '../kernel/keyed-hash.js';
import { corrupt } from '../kernel/parse.js';
import type { RecordState } from '../kernel/record.js';
import { jsonOf } from './state-cache.js';

const PURPOSE = 'backup-codes';

function bindingOf(hasher: KeyedHasher, userId: string, set: BackupCodeSet): StoredHash {
  return hasher.hash(PURPOSE, [userId, jsonOf(set)]);
}

/**
 * Why `set` is not the one bound to `userId` under the keyring, or undefined when it is. A set
 * without a binding (written before bindings existed) passes only where the sealer accepts
 * unprotected parts: without a keyring, or while migrating (`migratePlaintextSecrets`).
 */
function bindingProblem(
  hasher: KeyedHasher,
  sealer: SecretSealer,
  userId: string,
  set: BackupCodeSet,
  binding: StoredHash | undefined,
): string | undefined {
  if (binding === undefined) {
    return sealer.acceptsPlaintext
      ? undefined
      : 'the backup-code set has no keyed binding (see migratePlaintextSecrets)';
  }
  return hasher.matches(PURPOSE, [userId, jsonOf(set)], binding)
    ? undefined
    : 'the backup-code set does not match its keyed binding';
}

/**
 * Throws unless `set` is the backup-code set bound to `userId` by `binding` (see bindingProblem).
 * @throws FactorkitError `CORRUPT_RECORD`
 */
export function checkBackupBinding(
  hasher: KeyedHasher,
  sealer: SecretSealer,
  userId: string,
  set: BackupCodeSet,
  binding: StoredHash | undefined,
): void {
  const problem = bindingProblem(hasher, sealer, userId, set, binding);
  if (problem !== undefined) throw corrupt(userId, problem);
}

/** Whether `binding` was made under the keyring's current key. */
function current(sealer: SecretSealer, binding: StoredHash | undefined): binding is StoredHash {
  return binding !== undefined && binding.keyId === (sealer.currentKeyId ?? null);
}

/**
 * `next` with the binding its backup-code set should be written with. A set the decision made
 * (a new one, or a code marked used after the set was checked) is bound afresh. A set kept from
 * the record read keeps its binding, re-made under the current key (so a key rotation completes
 * as it does for secrets) only when it holds: one that does not stays as it was, and refused.
 */
export function withBackupBinding(
  hasher: KeyedHasher,
  sealer: SecretSealer,
  userId: string,
  read: RecordState | null,
  next: RecordState,
): RecordState {
  const { backupCodes: set, backupCodesBinding: binding } = next;
  if (set === null) {
    if (binding === undefined) return next;
    const { backupCodesBinding: _dropped, ...unbound } = next;
    return unbound;
  }
  if (read !== null && set === read.backupCodes) {
    if (current(sealer, binding) || bindingProblem(hasher, sealer, userId, set, binding) !== undefined) return next;
  }
  return { ...next, backupCodesBinding: bindingOf(hasher, userId, set) };
}

// What factorkit's own factor modules may do beyond the public FactorModule: run operations of
// their own over the record (delivered codes send messages and answer approvals), enroll in
// more than one write, and keep a rule across factors (a voice factor needs another). They
// reach the record only through the engine handed to them here, never the store.
import type { StoredRecord, TwoFactorStore } from '../../stores/index.js';
import type { CodeCheckOperation, TwoFactorEvent } from './events.js';
import type { SealedSecret } from './crypto.js';
import type { FactorContext, FactorModule, FactorRecord, PendingFactorRecord } from './factor.js';
import type { KeyedHasher } from './keyed-hash.js';
import type { Decide, LockRefusal, Outcome, RecordState } from './record.js';
import type { TwoFactorFailure } from './results.js';

/** The record engine as a built-in factor module's operations see it. */
export interface FactorEngine {
  store: TwoFactorStore;
  /** The lifecycle's clock, Unix ms (for a decision made outside one user's record). */
  now(): number;
  /** How long a begun enrollment can be confirmed. */
  enrollmentTtlMs: number;
  warn(message: string): void;
  hasher: KeyedHasher;
  /** Encrypts bytes for this user's record under the current key. */
  seal(userId: string, bytes: Uint8Array): Promise<SealedSecret>;
  /** Decrypts what `seal` made for this user. */
  open(userId: string, sealed: SealedSecret): Promise<Uint8Array>;
  /** The context a factor module checks proofs in. */
  context(userId: string, nowMs: number): FactorContext;
  /** Runs one store call; a failure becomes STORE_ERROR with the driver's error redacted. */
  storeCall<T>(call: () => Promise<T>): Promise<T>;
  load(userId: string): Promise<{ record: StoredRecord | null; state: RecordState | null }>;
  /** The compare-and-set loop: `decide` runs against each version read until a write wins. */
  transact<T>(userId: string, decide: Decide<T>): Promise<T>;
  /** Reports events through onEvent, for a change committed outside one transact. */
  emit(events: TwoFactorEvent[] | undefined): Promise<void>;
  /** The refusal of any attempt while the account is locked; undefined when it is not. */
  lockRefusal(state: RecordState, nowMs: number): LockRefusal | undefined;
}

/** What proved an operation: an active factor (as it is after the check), or a backup code. */
export type ProvenBy = { kind: 'factor'; factor: FactorRecord } | { kind: 'backup' };

/** The engine with the skeleton of the operations proven by a factor, for a module's own operations. */
export interface ProvingEngine extends FactorEngine {
  /**
   * Refused while locked, `proof` checked against the active factors (or a backup code) under
   * the refusal rules; on success `onSuccess` decides the change, written in the same write
   * as the proof's use.
   */
  withProof<T>(
    userId: string,
    proof: unknown,
    operation: CodeCheckOperation,
    onSuccess: (state: RecordState, proven: ProvenBy, nowMs: number) => Promise<Outcome<T | TwoFactorFailure>>,
  ): Promise<T | TwoFactorFailure>;
}

/** The hooks only factorkit's own modules have (the engine that runs them is internal). */
export interface BuiltInHooks<F extends FactorRecord> {
  /** Enrolls in the module's own way (e.g. sending a code first), instead of `prepareEnrollment`. */
  beginEnrollment?(engine: FactorEngine, userId: string, options: Record<string, unknown>): Promise<unknown>;
  /** Refuses (throws) confirming `factor` on this record, checked again at confirmation. */
  beforeConfirm?(factor: F & PendingFactorRecord, state: RecordState): void;
  /** The record after a factor was removed, with the factors that go with it (and which). */
  prune?(state: RecordState): { state: RecordState; removed: FactorRecord[] };
  /** Methods the module adds to the TwoFactor object (e.g. sendCode). */
  operations?(engine: ProvingEngine): Record<string, (...args: never[]) => Promise<unknown>>;
  /**
   * The new pending factor that replaces `replaced` (the pending factor of this type begun
   * before), with what it keeps of it (an authenticator: the replaced secret, see
   * factors/totp/pending.ts). Default: nothing kept.
   */
  replacing?(next: F & PendingFactorRecord, replaced: F & PendingFactorRecord, nowMs: number): F & PendingFactorRecord;
  /** The id of the pending factor this one replaced, while a proof of that one is still told apart. */
  replacedId?(factor: F & PendingFactorRecord): string | undefined;
  /**
   * What beginEnrollment showed for this pending factor, made again from the record (an
   * authenticator's Key URI and key); undefined when the record no longer holds enough.
   */
  display?(ctx: FactorContext, factor: F & PendingFactorRecord): Promise<Record<string, unknown> | undefined>;
  /** Factors of a version-1 record (one `active` and one `pending` slot, both authenticators). */
  readVersion1?(userId: string, raw: Record<string, unknown>): FactorRecord[];
}

/** A factor module as the registry holds it: the public interface, maybe with built-in hooks. */
export type RegisteredModule<F extends FactorRecord = FactorRecord> = Omit<FactorModule<F>, 'prepareEnrollment'> &
  Partial<Pick<FactorModule<F>, 'prepareEnrollment'>> &
  BuiltInHooks<F>;

// The contract between the lifecycle and a factor type. The record engine, the compare-and-set
// loop, the throttle and the shared operations know a factor only through this interface; each
// factor type (an authenticator app, codes delivered to a destination, a passkey, an app's own)
// is one module that implements it, registered with `createTwoFactor({ factors: [...] })`.
import type { SealedSecret } from './crypto.js';
import type { KeyedHasher } from './keyed-hash.js';

/**
 * How much a factor proves, after NIST SP 800-63B-4's authenticator types: a phishing-resistant
 * authenticator (a passkey, a security key), an authenticator app (a single-factor OTP device),
 * an out-of-band device (a push or chat message to a device the user holds), a restricted one
 * (SMS or a voice call over the phone network, §3.1.3.3), an e-mail (which the guideline does
 * not accept as out-of-band), and a look-up secret (a backup code).
 *
 * @example
 * ```ts
 * import type { StrengthClass } from 'factorkit';
 *
 * const strongest: StrengthClass = 'phishing-resistant';
 * ```
 */
export type StrengthClass =
  | 'phishing-resistant'
  | 'authenticator-app'
  | 'out-of-band'
  | 'restricted-out-of-band'
  | 'email'
  | 'look-up-secret';

/**
 * What every stored factor has, whatever its type; a factor module adds its own fields.
 *
 * @example
 * ```ts
 * import type { FactorRecordBase } from 'factorkit';
 *
 * const base: FactorRecordBase = { type: 'pin', id: 'f_x', name: 'PIN', createdAt: 0, lastUsedAt: null };
 * ```
 */
export interface FactorRecordBase {
  /** The `type` of the module that owns the factor. */
  type: string;
  /** Random, opaque, unique within the record. */
  id: string;
  /** What the user calls it ("Work phone"); shown in listFactors. */
  name: string;
  createdAt: number;
  /** The last successful check with this factor; null when never used. */
  lastUsedAt: number | null;
}

/**
 * A factor begun and not yet confirmed.
 *
 * @example
 * ```ts
 * import type { PendingFactorRecord } from 'factorkit';
 *
 * const pending: PendingFactorRecord = {
 *   type: 'pin', id: 'f_x', name: 'PIN', createdAt: 0, lastUsedAt: null, state: 'pending', expiresAt: 600_000,
 * };
 * ```
 */
export interface PendingFactorRecord extends FactorRecordBase {
  state: 'pending';
  /** Confirmation is refused from this Unix ms on. */
  expiresAt: number;
}

/**
 * A confirmed factor, accepted at sign-in.
 *
 * @example
 * ```ts
 * import type { ActiveFactorRecord } from 'factorkit';
 *
 * const active: ActiveFactorRecord = {
 *   type: 'pin', id: 'f_x', name: 'PIN', createdAt: 0, lastUsedAt: 5, state: 'active', activatedAt: 5,
 * };
 * ```
 */
export interface ActiveFactorRecord extends FactorRecordBase {
  state: 'active';
  activatedAt: number;
}

/**
 * A stored factor: pending or active, never both.
 *
 * @example
 * ```ts
 * import type { FactorRecord } from 'factorkit';
 *
 * const isActive = (factor: FactorRecord) => factor.state === 'active';
 * ```
 */
export type FactorRecord = PendingFactorRecord | ActiveFactorRecord;

/**
 * What proves a factor: a string typed by the user (an authenticator-app code, a delivered
 * code, a backup code), or an object a factor module recognises (a signed WebAuthn response as
 * `{ webauthn: ... }`). Strings keep their meaning in every call.
 *
 * @example
 * ```ts
 * import type { Proof } from 'factorkit';
 *
 * const typed: Proof = '123456';
 * const signed: Proof = { pin: '2468' };
 * ```
 */
export type Proof = string | { readonly [key: string]: unknown };

/**
 * A factor module's answer to a proof: a `match` (with the factor as it is after use, e.g. its
 * replay state moved on), `invalid` (a wrong proof, counted on the account's throttle; with the
 * factor's new state when the attempt changed it), `replayed` (a proof already used, not
 * counted), `expired` (nothing that could still match, e.g. no code was sent; not counted) or
 * `refused` for a {@link FactorRefusal} (not counted; with the factor's new state when the
 * attempt changed it, e.g. suspended it).
 *
 * @example
 * ```ts
 * import type { FactorRecord, ProofCheck } from 'factorkit';
 *
 * const refused: ProofCheck<FactorRecord> = { kind: 'invalid' };
 * ```
 */
export type ProofCheck<F> =
  | { kind: 'match'; factor: F; signal?: FactorSignal }
  | { kind: 'invalid'; factor?: F }
  | { kind: 'replayed' }
  | { kind: 'expired' }
  | { kind: 'refused'; reason: FactorRefusal; factor?: F; signal?: FactorSignal };

/**
 * A refusal a factor module gives for a proof that was otherwise well formed, not counted on
 * the throttle: `user-verification-required` (a passkey answered without verifying the user)
 * or `factor-suspended` (the factor is suspended, e.g. a cloned security key was caught), or
 * `enrollment-replaced` (confirming a pending factor with a proof of the pending factor a newer
 * `beginEnrollment` replaced: an authenticator-app code from the QR code shown before).
 *
 * @example
 * ```ts
 * import type { FactorRefusal } from 'factorkit';
 *
 * const refusal: FactorRefusal = 'factor-suspended';
 * ```
 */
export type FactorRefusal = 'user-verification-required' | 'factor-suspended' | 'enrollment-replaced';

/**
 * What a factor module reports beside its answer, turned into an audit event by the lifecycle:
 * `clone-suspected` (a signature counter went backwards; `suspended` when the factor was
 * suspended for it, rather than only reported).
 *
 * @example
 * ```ts
 * import type { FactorSignal } from 'factorkit';
 *
 * const signal: FactorSignal = { type: 'clone-suspected', suspended: true };
 * ```
 */
export type FactorSignal = { type: 'clone-suspected'; suspended: boolean };

/**
 * What a factor module is given to check a proof or prepare an enrollment: whose record, the
 * time of the decision, the keyring (to seal and open secrets bound to the user) and keyed
 * hashes (HMAC-SHA256 under a key derived from the keyring).
 *
 * @example
 * ```ts
 * import type { FactorContext } from 'factorkit';
 *
 * const hashOf = (ctx: FactorContext, pin: string) => ctx.hasher.hash('pin', [ctx.userId, pin]);
 * ```
 */
export interface FactorContext {
  userId: string;
  /** The time of the decision, Unix ms, from the lifecycle's clock. */
  nowMs: number;
  /** Encrypts bytes for this user's record under the current key (AES-256-GCM). */
  seal(bytes: Uint8Array): Promise<SealedSecret>;
  /** Decrypts what `seal` made for this user. */
  open(sealed: SealedSecret): Promise<Uint8Array>;
  /**
   * What `prepare` makes of the secret `sealed` holds (say, an HMAC keyed with it), kept with
   * the opened secret in the lifecycle's cache, so a check that runs on every sign-in prepares
   * it once. `prepare` is the cache key: pass the same function each time, not a new closure.
   * It must not keep the bytes it is given (they are zeroed after), only what it derives.
   */
  openPrepared<T>(sealed: SealedSecret, prepare: (secret: Uint8Array) => T): Promise<T>;
  /** Keyed hashes: store a hash of a short secret that a database reader cannot brute-force. */
  hasher: KeyedHasher;
}

/**
 * What a factor module's `prepareEnrollment` returns: its own fields of the pending factor,
 * what `beginEnrollment` shows the user beside `factorId` and `expiresAt`, and the factor's
 * name when the user gave one.
 *
 * @example
 * ```ts
 * import type { PreparedEnrollment } from 'factorkit';
 *
 * const prepared: PreparedEnrollment = { fields: { pinHash: 'x' }, display: {} };
 * ```
 */
export interface PreparedEnrollment {
  fields: Record<string, unknown>;
  display: Record<string, unknown>;
  name?: string;
}

/**
 * A factor type: everything the lifecycle needs to enroll, confirm, check, list and label one
 * kind of factor. Register modules with `createTwoFactor({ factors: [...] })`; authenticator
 * apps are always registered. The lifecycle stores the factor (`F`, whose shape the module owns
 * and validates in `parse`), serialises parallel calls, throttles wrong proofs on the account
 * and writes the audit events; the module only decides.
 *
 * @typeParam F - the module's stored factor
 * @example
 * ```ts
 * import { FactorkitError, type FactorModule, type FactorRecord } from 'factorkit';
 *
 * type PinFactor = FactorRecord & { type: 'pin'; pin: { keyId: string | null; hash: string } };
 *
 * const pinFactor: FactorModule<PinFactor> = {
 *   type: 'pin',
 *   label: 'PIN',
 *   maxActive: 1,
 *   strength: () => 'look-up-secret',
 *   parse: (raw) => raw as unknown as PinFactor, // validate every field in a real module
 *   enrollsWith: (options) => options.type === 'pin',
 *   async prepareEnrollment(ctx, options) {
 *     if (typeof options.pin !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'pin must be a string');
 *     return { fields: { pin: ctx.hasher.hash('pin', [ctx.userId, options.pin]) }, display: {} };
 *   },
 *   accepts: (_factor, proof) => typeof proof === 'object' && typeof proof.pin === 'string',
 *   async check(ctx, factor, proof) {
 *     const pin = (proof as { pin: string }).pin;
 *     const ok = ctx.hasher.matches('pin', [ctx.userId, pin], factor.pin);
 *     return ok ? { kind: 'match', factor: { ...factor, lastUsedAt: ctx.nowMs } } : { kind: 'invalid' };
 *   },
 * };
 * ```
 */
export interface FactorModule<F extends FactorRecord = FactorRecord> {
  /** The stored factors' `type`; unique among the registered modules (lower-case letters, digits, dashes). */
  readonly type: string;
  /** What a page calls this kind of factor, e.g. `'Authenticator app'`; also the default factor name. */
  readonly label: string;
  /** Active factors of this type one user may have. */
  readonly maxActive: number;
  /** The factor's strength class (it may depend on the factor, e.g. on a delivery channel). */
  strength(factor: F): StrengthClass;
  /**
   * The stored factor, validated field by field; throw (any error) for anything else: the
   * lifecycle reports it as `CORRUPT_RECORD`. `raw.type` is already this module's.
   */
  parse(raw: Record<string, unknown>, userId: string): F;
  /** Whether `beginEnrollment`'s options (without `type`) are for this module. */
  enrollsWith(options: Record<string, unknown>): boolean;
  /**
   * Prepares a new pending factor from `beginEnrollment`'s options: throw `FactorkitError`
   * `INVALID_ARGUMENT` for bad ones. The lifecycle stores it, replacing an earlier pending
   * factor of this type.
   */
  prepareEnrollment(ctx: FactorContext, options: Record<string, unknown>): Promise<PreparedEnrollment>;
  /**
   * False while the factor holds nothing a proof could match (a delivered factor before a code
   * was sent): a proof for it is then `expired`, not counted. Default: always ready.
   */
  ready?(factor: F): boolean;
  /** Whether `proof` has the shape of this factor's proofs (costs nothing, before any check). */
  accepts(factor: F, proof: Proof): boolean;
  /**
   * Checks a proof against a factor. Pending factors are checked when they are confirmed: on
   * a match the lifecycle makes the factor active. Must take the same time whatever part of
   * a secret matched.
   */
  check(ctx: FactorContext, factor: F, proof: Proof): Promise<ProofCheck<F>>;
  /** Extra fields of the factor's `listFactors` summary (never a secret). */
  summarise?(ctx: FactorContext, factor: F): Promise<Record<string, unknown>>;
  /**
   * False for a factor that may sign in but manage nothing (remove a factor, turn 2FA off, make
   * backup codes, vouch for a new factor): a voice code, a fallback. Default: it may, within
   * the strength rule (a proof manages what is of its class or weaker).
   */
  manages?(factor: F): boolean;
  /** Extra fields of a successful `verify` result with this factor. */
  signInDetails?(factor: F): Record<string, unknown>;
  /** What the factor keeps sealed with the keyring, so that each write re-seals it under the current key. */
  sealed?: { of(factor: F): SealedSecret; with(factor: F, sealed: SealedSecret): F };
}

// The public types of the 2FA lifecycle: options, results and the TwoFactor object.
import type { ScryptImplementation, ScryptParams } from '../backup-codes/index.js';
import type { HashAlgorithm } from '../otp/index.js';
import type { TwoFactorStatus, TwoFactorStore } from '../stores/index.js';
import type { ThrottleOptions } from './engine/throttle.js';
import type { DeliveryChannel, FactorType, TwoFactorEvent } from './kernel/events.js';
import type { RateLimited, TwoFactorFailure } from './kernel/results.js';

export type { RateLimited, TwoFactorFailure };
import type {
  ApprovalAnswerOptions,
  ApprovalAnswerResult,
  ApprovalStatusResult,
  BeginDeliveredEnrollmentOptions,
  BeginDeliveredEnrollmentResult,
  RequestApprovalOptions,
  RequestApprovalResult,
  SendCodeOptions,
  SendCodeResult,
} from './factors/delivered/types.js';
import type { Keyring } from './kernel/crypto.js';
import type { SignInTicketOperations } from './sign-in-tickets.js';
import type { FactorModule, Proof, StrengthClass } from './kernel/factor.js';

/**
 * Options of {@link createTwoFactor}.
 *
 * @example
 * ```ts
 * import { MemoryStore, type TwoFactorOptions } from 'factorkit';
 *
 * const options: TwoFactorOptions = {
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 * };
 * ```
 */
export interface TwoFactorOptions {
  /** Where the 2FA state of every user lives: {@link MemoryStore} or a database adapter. */
  store: TwoFactorStore;
  /** Your service's name, shown in authenticator apps (the Key URI `issuer`). */
  issuer: string;
  /**
   * AES-256-GCM keys for TOTP secrets at rest. Without one, secrets are stored unencrypted
   * and a warning is printed once, through `warn`, when this object is created.
   */
  keyring?: Keyring;
  /** The current time in Unix milliseconds. Default `Date.now`; inject one in tests. */
  clock?: () => number;
  /** TOTP parameters for new enrollments (existing users keep theirs). Default SHA1, 6 digits, 30 s. */
  totp?: { algorithm?: HashAlgorithm; digits?: number; period?: number };
  /** How long a begun enrollment can be confirmed. Default 10 minutes. */
  enrollmentTtlMs?: number;
  /**
   * Backup codes made on confirmation and regeneration, bound to the user id. Default 5
   * codes, scrypt N=2^13 r=8 p=1, `scrypt: 'auto'` (native where the runtime has it).
   */
  backupCodes?: { count?: number; kdf?: ScryptParams; allowWeakKdf?: boolean; scrypt?: ScryptImplementation };
  /** Per-account throttling shared by TOTP and backup codes. */
  throttle?: ThrottleOptions;
  /**
   * Which proof may manage which factors (remove one, turn 2FA off, make new backup codes,
   * vouch for a new factor as `currentCode`). `'by-strength'` (default): a proof manages what
   * is of its strength class or weaker, or anything when it is of the account's strongest
   * class; a voice code manages nothing. `'any-factor'`: any factor's proof manages everything.
   * See docs/security.md.
   */
  manage?: 'by-strength' | 'any-factor';
  /**
   * Called after each change is committed (awaited). An error it throws is reported through
   * `warn` and does not undo or fail the operation, which has already happened.
   */
  onEvent?: (event: TwoFactorEvent) => void | Promise<void>;
  /** Where warnings go. Default `console.warn`. */
  warn?: (message: string) => void;
  /**
   * With a `keyring`: accept TOTP secrets stored unencrypted (records written before the app
   * had a keyring) and encrypt them on their next write, and backup-code sets without a keyed
   * binding (written before bindings existed, or without a keyring) and bind them on their next
   * write. Without it, such a secret is refused with `UNENCRYPTED_SECRET` and such a set with
   * `CORRUPT_RECORD`: someone who can write to the database could otherwise plant a secret or a
   * set of codes of their own, and the next write would erase the trace. Turn it on for the
   * migration only, then off. Default false.
   */
  migratePlaintextSecrets?: boolean;
  /**
   * The factor types beside authenticator apps and backup codes (which are always there), in
   * the order proofs are tried: `deliveredCodes({ deliver })` from `factorkit/delivered` for
   * codes and approvals by e-mail, SMS, Telegram or voice, or a module of your own
   * ({@link FactorModule}). An app that registers none bundles none.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each module has its own factor shape
  factors?: readonly FactorModule<any>[];
}

/**
 * The operations the registered factor modules add to the {@link TwoFactor} object, as
 * {@link createTwoFactor} types them: a module declares them in its `operationsType` (a type
 * only, never set), e.g. `requestAssertion` for `webauthn()` from `factorkit/webauthn`. It may
 * also declare a narrower overload of one of TwoFactor's own methods for its own options, tried
 * before TwoFactor's: `webauthn()` types what `beginEnrollment` answers for WebAuthn options.
 *
 * @typeParam M - the `factors` given to createTwoFactor
 * @example
 * ```ts
 * import type { FactorModule, ModuleOperations } from 'factorkit';
 *
 * type Ping = FactorModule & { readonly operationsType?: { ping(userId: string): Promise<void> } };
 * declare const added: ModuleOperations<[Ping]>;
 * await added.ping('user-1');
 * ```
 */
export type ModuleOperations<M extends readonly unknown[]> = (
  M[number] extends infer Module
    ? Module extends { readonly operationsType?: infer Operations }
      ? unknown extends Operations
        ? never
        : (operations: Operations) => void
      : never
    : never
) extends (operations: infer All) => void
  ? All
  : unknown;

/**
 * What {@link TwoFactor.beginEnrollment} returns: everything the enrollment page shows.
 *
 * @example
 * ```ts
 * import { type BeginEnrollmentResult, renderQrSvg } from 'factorkit';
 *
 * function page(result: BeginEnrollmentResult): string {
 *   return `${renderQrSvg(result.uri)}<p>Or type this key: <code>${result.manualKey}</code></p>`;
 * }
 * ```
 */
export interface BeginEnrollmentResult {
  /** The id of the new (pending) authenticator: pass it to confirmEnrollment, listFactors shows it. */
  factorId: string;
  /** The new secret, unpadded base32. Only for display; it is stored (encrypted) by the lifecycle. */
  secret: string;
  /**
   * The `otpauth://totp/...` Key URI, for the QR code the page shows: `renderQrSvg(uri)`,
   * `renderQrPng(uri)` or `renderQrTerminal(uri)` from `factorkit`, or a QR component on the
   * client. The lifecycle renders none itself, so a server that leaves the QR code to the
   * browser bundles no QR encoder.
   */
  uri: string;
  /** The secret grouped for typing, e.g. `ABCD EFGH ...`. */
  manualKey: string;
  /** Unix ms after which {@link TwoFactor.confirmEnrollment} reports `'expired'`. */
  expiresAt: number;
}

/**
 * Options of {@link TwoFactor.beginEnrollment} for a factor of a registered module: `type` names
 * the module; the rest are the module's own.
 *
 * @example
 * ```ts
 * import type { BeginFactorEnrollmentOptions } from 'factorkit';
 *
 * const options: BeginFactorEnrollmentOptions = { type: 'pin', pin: '2468', name: 'Desk PIN' };
 * ```
 */
export interface BeginFactorEnrollmentOptions {
  type: string;
  /** What the user calls it, 1 to 64 characters. Default: the module's label. */
  name?: string;
  [option: string]: unknown;
}

/**
 * What {@link TwoFactor.beginEnrollment} returns for a factor of a registered module: its id,
 * when its confirmation expires, and what the module shows (its `display`).
 *
 * @example
 * ```ts
 * import type { BeginFactorEnrollmentResult } from 'factorkit';
 *
 * const id = (result: BeginFactorEnrollmentResult) => result.factorId;
 * ```
 */
export interface BeginFactorEnrollmentResult {
  factorId: string;
  expiresAt: number;
  [shown: string]: unknown;
}

/**
 * The result of {@link TwoFactor.verify}.
 *
 * @example
 * ```ts
 * import type { VerifyResult } from 'factorkit';
 *
 * function message(result: VerifyResult): string {
 *   if (result.ok) return result.method === 'backup' ? `${result.remainingBackupCodes} backup codes left` : `welcome (${result.factorId})`;
 *   return result.reason === 'locked' ? `wait ${Math.ceil((result.retryAfterMs ?? 0) / 1000)} s` : 'wrong code';
 * }
 * ```
 */
export type VerifyResult =
  | ({ ok: true; method: 'totp'; factorId: string; remainingBackupCodes: number } & ProofStrength)
  | ({
      ok: true;
      method: 'delivered';
      factorId: string;
      channel: DeliveryChannel;
      remainingBackupCodes: number;
    } & ProofStrength)
  | ({ ok: true; method: 'backup'; factorId?: undefined; remainingBackupCodes: number } & ProofStrength)
  | FactorVerified
  | TwoFactorFailure;

/**
 * How strong an accepted proof was, on every successful {@link TwoFactor.verify} and
 * {@link TwoFactor.stepUp}: its factor's strength class (NIST SP 800-63B-4's kinds, strongest
 * first: `phishing-resistant`, `authenticator-app` and `look-up-secret` (backup codes),
 * `out-of-band`, `restricted-out-of-band` (SMS, voice), `email`), so an app can ask for more
 * before a sensitive action.
 *
 * @example
 * ```ts
 * import type { ProofStrength } from 'factorkit';
 *
 * function mayChangeEmail(proof: ProofStrength): boolean {
 *   return proof.strength !== 'email' && proof.strength !== 'restricted-out-of-band';
 * }
 * ```
 */
export interface ProofStrength {
  strength: StrengthClass;
  /** True for a phishing-resistant factor (a passkey or security key): `strength === 'phishing-resistant'`. */
  phishingResistant: boolean;
}

/**
 * Options of {@link TwoFactor.stepUp}.
 *
 * @example
 * ```ts
 * import type { StepUpOptions } from 'factorkit';
 *
 * // Changing the account's e-mail address: no e-mail or SMS code will do.
 * const options: StepUpOptions = { minimum: 'out-of-band' };
 * ```
 */
export interface StepUpOptions {
  /** Only this factor's proofs (and no backup code). */
  factorId?: string;
  /**
   * The weakest class accepted, capped by the account's strongest factor (an account with
   * only SMS can still step up with SMS); a weaker proof is `stronger-factor-required`.
   */
  minimum?: StrengthClass;
}

/**
 * The result of {@link TwoFactor.stepUp}: what was proven and when (`at`, Unix ms), for the app
 * to keep with the session and compare with its own rule ("a proof in the last 10 minutes").
 *
 * @example
 * ```ts
 * import type { StepUpResult } from 'factorkit';
 *
 * function recent(result: StepUpResult, nowMs: number): boolean {
 *   return result.ok && nowMs - result.at < 10 * 60_000;
 * }
 * ```
 */
export type StepUpResult =
  | ({ ok: true; method: string; factorId?: string; at: number; [detail: string]: unknown } & ProofStrength)
  | TwoFactorFailure;

/**
 * A successful {@link TwoFactor.verify} with a factor of another registered type: its `type` as
 * `method`, and the fields its module's `signInDetails` adds.
 *
 * @example
 * ```ts
 * import type { FactorVerified } from 'factorkit';
 *
 * const verified: FactorVerified = {
 *   ok: true,
 *   method: 'pin',
 *   factorId: 'f_x',
 *   strength: 'look-up-secret',
 *   phishingResistant: false,
 *   remainingBackupCodes: 4,
 * };
 * ```
 */
export interface FactorVerified extends ProofStrength {
  ok: true;
  method: string & {};
  factorId: string;
  remainingBackupCodes: number;
  [detail: string]: unknown;
}

/**
 * The result of {@link TwoFactor.confirmEnrollment} and {@link TwoFactor.regenerateBackupCodes}.
 * Confirming the first factor (2FA goes on) makes backup codes; confirming another one keeps
 * the existing codes, and `backupCodes` is then empty.
 *
 * @example
 * ```ts
 * import type { BackupCodesResult } from 'factorkit';
 *
 * function show(result: BackupCodesResult): string[] {
 *   return result.ok ? result.backupCodes : []; // show once; they are not stored in clear
 * }
 * ```
 */
export type BackupCodesResult = { ok: true; backupCodes: string[]; factorId?: string } | TwoFactorFailure;

/**
 * One user of {@link TwoFactor.listUsers}.
 *
 * @example
 * ```ts
 * import type { TwoFactorUser } from 'factorkit';
 *
 * const user: TwoFactorUser = {
 *   userId: 'user-1',
 *   status: 'activated',
 *   updatedAt: Date.now(),
 *   activeFactors: { totp: 2, delivered: 1 },
 * };
 * ```
 */
export interface TwoFactorUser {
  userId: string;
  /** As stored: `'pending'` also covers an enrollment that expired and was not begun again. */
  status: TwoFactorStatus;
  /** Unix ms of the last change to the user's 2FA record. */
  updatedAt: number;
  /** How many active factors of each type the user has; null when the record cannot be read (corrupt). */
  activeFactors: Record<FactorType, number> | null;
}

/**
 * Options of {@link TwoFactor.listUsers}.
 *
 * @example
 * ```ts
 * import type { ListUsersOptions } from 'factorkit';
 *
 * const options: ListUsersOptions = { status: 'activated', limit: 20 };
 * ```
 */
export interface ListUsersOptions {
  /** Only users with this status. Default: all users that have a record. */
  status?: TwoFactorStatus;
  /** Page size, 1..1000. Default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * The throttling state of one account, from {@link TwoFactor.throttleStatus}.
 *
 * @example
 * ```ts
 * import type { ThrottleStatus } from 'factorkit';
 *
 * const status: ThrottleStatus = { failures: 6, retryAfterMs: 2000, hardLocked: false };
 * ```
 */
export interface ThrottleStatus {
  /** Consecutive failed attempts since the last success (attempts refused as `locked` are not counted). */
  failures: number;
  /** Milliseconds until the account may try again; 0 when not locked for a time. */
  retryAfterMs: number;
  /** True when `maxConsecutiveFailures` was reached: every code is refused until {@link TwoFactor.unlock}. */
  hardLocked: boolean;
}

/**
 * Options of {@link TwoFactor.confirmEnrollment}.
 *
 * @example
 * ```ts
 * import type { ConfirmEnrollmentOptions } from 'factorkit';
 *
 * // Replacing the authenticator of an account with 2FA on: a code from the old one too.
 * const options: ConfirmEnrollmentOptions = { currentCode: '123456' };
 * ```
 */
export interface ConfirmEnrollmentOptions {
  /**
   * Which pending factor to confirm. Default: the one begun last (there is at most one pending
   * authenticator and one pending delivered factor).
   */
  factorId?: string;
  /**
   * Required when the account already has 2FA active: a valid code of a factor it has (or a
   * backup code), so that whoever holds only a session cannot add a factor of their own.
   */
  currentCode?: Proof;
  /**
   * A key your page makes for this one submission (16 to 128 characters, e.g. a random value
   * in the form), to retry safely: if the reply is lost after the write committed
   * (`STORE_ERROR`), the same call with the same proof and the same `retryKey`, within 10
   * minutes, answers with the same backup codes. Needs a keyring (the codes are kept sealed
   * until then). Without it, a retry answers as a new call.
   */
  retryKey?: string;
}

/**
 * Options of {@link TwoFactor.regenerateBackupCodes}.
 *
 * @example
 * ```ts
 * import type { RegenerateBackupCodesOptions } from 'factorkit';
 *
 * const options: RegenerateBackupCodesOptions = { retryKey: crypto.randomUUID() };
 * ```
 */
export interface RegenerateBackupCodesOptions {
  /** As {@link ConfirmEnrollmentOptions.retryKey}: the same codes again for a retry of this call. */
  retryKey?: string;
}

/**
 * Options of {@link TwoFactor.beginEnrollment}.
 *
 * @example
 * ```ts
 * import type { BeginEnrollmentOptions } from 'factorkit';
 *
 * const options: BeginEnrollmentOptions = { account: 'ada@example.com', name: 'Work phone' };
 * ```
 */
export interface BeginEnrollmentOptions {
  /** The label shown in the authenticator app, e.g. an e-mail address. */
  account: string;
  /** What the user calls this authenticator, 1 to 64 characters. Default `'Authenticator app'`. */
  name?: string;
}

/**
 * Options of {@link TwoFactor.verify}.
 *
 * @example
 * ```ts
 * import type { VerifyOptions } from 'factorkit';
 *
 * const options: VerifyOptions = { factorId: 'f_8dJ2kq0aZx1' };
 * ```
 */
export interface VerifyOptions {
  /**
   * Only this factor's codes (and no backup code). Default: any active authenticator, any
   * delivered code sent and not yet used, or a backup code.
   */
  factorId?: string;
}

/**
 * One factor of {@link TwoFactor.listFactors}: never its secret.
 *
 * @example
 * ```ts
 * import type { FactorSummary } from 'factorkit';
 *
 * const row = (f: FactorSummary) => `${f.name} (${f.type}, ${f.status}) last used ${f.lastUsedAt ?? 'never'}`;
 * ```
 */
export interface FactorSummary {
  factorId: string;
  type: FactorType;
  name: string;
  /** `'pending'`: begun, not confirmed (see `expiresAt`); `'active'`: accepted at sign-in. */
  status: 'pending' | 'active';
  createdAt: number;
  lastUsedAt: number | null;
  /** For a pending factor: when its confirmation expires. */
  expiresAt?: number;
  /** For a delivered factor: its channel. */
  channel?: DeliveryChannel;
  /** For a delivered factor: its destination masked, e.g. `a***@example.com`, `+*******4567`, `*******123`. */
  maskedDestination?: string;
  /** For a WebAuthn factor (`factorkit/webauthn`): `'security-key'` or `'passkey'`. */
  kind?: string;
  /** For an active WebAuthn factor: how the browser reaches it (`usb`, `nfc`, `internal`, `hybrid`...). */
  transports?: string[];
  /** For an active WebAuthn factor: the authenticator model's AAGUID (all zeros under attestation none for many). */
  aaguid?: string;
  /** For an active WebAuthn factor: backup eligible (a synced passkey) and backed up, as it reported. */
  backupEligible?: boolean;
  backupState?: boolean;
  /** For an active WebAuthn factor: whether it verified the user when it was registered. */
  userVerified?: boolean;
  /** For an active WebAuthn factor: the account's WebAuthn user handle, for passwordless sign-in. */
  userHandle?: string;
  /** For an active WebAuthn factor: suspended after a cloned copy was caught (see `suspendedAt`). */
  suspended?: boolean;
  suspendedAt?: number | null;
}

/**
 * Options of {@link TwoFactor.rememberDevice}.
 *
 * @example
 * ```ts
 * import type { RememberDeviceOptions } from 'factorkit';
 *
 * const options: RememberDeviceOptions = { label: 'Firefox on Linux', ttlMs: 7 * 24 * 3600_000 };
 * ```
 */
export interface RememberDeviceOptions {
  /** Shown in the list of remembered devices, e.g. from the User-Agent; 1 to 128 characters. */
  label?: string;
  /** How long the device is remembered, 1 minute to 400 days. Default 30 days. */
  ttlMs?: number;
}

/**
 * What {@link TwoFactor.rememberDevice} returns: set `token` in a cookie (HttpOnly, Secure,
 * SameSite, `expires` = `expiresAt`); it is never stored, only its SHA-256.
 *
 * @example
 * ```ts
 * import type { RememberDeviceResult } from 'factorkit';
 *
 * const cookie = (r: Extract<RememberDeviceResult, { ok: true }>) =>
 *   `tfa_device=${r.token}; Expires=${new Date(r.expiresAt).toUTCString()}; HttpOnly; Secure; SameSite=Lax`;
 * ```
 */
export type RememberDeviceResult = { ok: true; deviceId: string; token: string; expiresAt: number } | TwoFactorFailure;

/**
 * The result of {@link TwoFactor.checkRememberedDevice}: `ok` lets the sign-in skip the second step.
 *
 * @example
 * ```ts
 * import type { CheckRememberedDeviceResult } from 'factorkit';
 *
 * const skip = (r: CheckRememberedDeviceResult) => r.ok;
 * ```
 */
export type CheckRememberedDeviceResult =
  | { ok: true; deviceId: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'not-enrolled' | 'hard-locked' };

/**
 * One device of {@link TwoFactor.listRememberedDevices}.
 *
 * @example
 * ```ts
 * import type { RememberedDeviceSummary } from 'factorkit';
 *
 * const row = (d: RememberedDeviceSummary) => `${d.label ?? 'a browser'} until ${new Date(d.expiresAt).toISOString()}`;
 * ```
 */
export interface RememberedDeviceSummary {
  deviceId: string;
  label: string | null;
  createdAt: number;
  expiresAt: number;
}

/**
 * Options of the support operations {@link TwoFactor.resetByAdmin} and {@link TwoFactor.unlock}.
 *
 * @example
 * ```ts
 * import type { SupportActionOptions } from 'factorkit';
 *
 * const options: SupportActionOptions = { actor: 'support:grace@example.com' };
 * ```
 */
export interface SupportActionOptions {
  /** Who did it, for the audit trail (1 to 255 characters); carried by the event. */
  actor: string;
}

/**
 * Options of {@link TwoFactor.pendingEnrollment}.
 *
 * @example
 * ```ts
 * import type { PendingEnrollmentOptions } from 'factorkit';
 *
 * // Adding a second authenticator: the session stepped up (twoFactor.stepUp's `at`) a minute ago.
 * const options: PendingEnrollmentOptions = { steppedUpAt: Date.now() - 60_000 };
 * ```
 */
export interface PendingEnrollmentOptions {
  /** Which pending authenticator. Default: the one begun last. */
  factorId?: string;
  /**
   * Needed when the account already has 2FA on: when this session last proved a factor (the
   * `at` of a successful {@link TwoFactor.stepUp}, Unix ms), at most `enrollmentTtlMs` ago.
   * The pending secret is about to become a factor of the account, so a session alone (a
   * stolen cookie) must not be able to copy it. Not needed for the first factor: a session
   * could then begin and confirm one of its own anyway.
   */
  steppedUpAt?: number;
}

/**
 * What {@link TwoFactor.pendingEnrollment} answers: what {@link TwoFactor.beginEnrollment}
 * showed (`factorId`, `secret`, `uri`, `manualKey`, `expiresAt`), or why it cannot be shown:
 * `not-enrolled` (no pending authenticator), `unknown-factor` (no pending authenticator of
 * that id), `enrollment-replaced` (that one was replaced by a newer one: ask without
 * `factorId`), `expired` (begin again; also for an enrollment begun before this version kept
 * what the QR code needs), `current-code-required` (2FA is on and `steppedUpAt` is missing or
 * too old: step up first).
 *
 * @example
 * ```ts
 * import { type PendingEnrollmentResult, renderQrSvg } from 'factorkit';
 *
 * function page(shown: PendingEnrollmentResult): string {
 *   if (!shown.ok) return `<p>Start again (${shown.reason})</p>`;
 *   return `${renderQrSvg(shown.uri)}<p>Or type this key: <code>${shown.manualKey}</code></p>`;
 * }
 * ```
 */
export type PendingEnrollmentResult = ({ ok: true } & BeginEnrollmentResult) | TwoFactorFailure;

/**
 * What {@link TwoFactor.statusOf} answers per user: `'activated'` when the user has an active
 * factor, `'not-activated'` otherwise (no record, 2FA turned off, or an enrollment begun and
 * not confirmed).
 *
 * @example
 * ```ts
 * import type { ActivationStatus } from 'factorkit';
 *
 * const badge = (status: ActivationStatus) => (status === 'activated' ? 'Activated' : 'Not activated');
 * ```
 */
export type ActivationStatus = 'activated' | 'not-activated';

/**
 * The 2FA lifecycle of user accounts; see {@link createTwoFactor}.
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor, type TwoFactor } from 'factorkit';
 *
 * const twoFactor: TwoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
 * ```
 */
export interface TwoFactor extends SignInTicketOperations {
  /**
   * Starts enrolling one more authenticator: a new secret is stored as a pending factor,
   * beside the active ones, replacing only an earlier pending authenticator. A user may have
   * up to 5 active authenticators.
   * @param userId - your user id, 1..255 characters
   * @param options - `account`: the label shown in the authenticator app, e.g. an e-mail;
   * `name`: what the user calls it
   * @returns the `factorId`, secret, Key URI, QR code, manual-entry key and expiry to show
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `INVALID_LABEL` (an account a Key URI cannot
   * carry), `TOO_MANY_FACTORS`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  beginEnrollment(userId: string, options: BeginEnrollmentOptions): Promise<BeginEnrollmentResult>;
  /**
   * Starts enrolling a delivered factor: a destination (e-mail address, phone number, Telegram
   * chat id) stored sealed as a pending factor, and a code sent to it through `deliver`; the
   * factor is active once {@link TwoFactor.confirmEnrollment} gets that code (on an account
   * with 2FA active, with `currentCode` too, as for authenticators). Replaces only an earlier
   * pending delivered factor. A `'voice'` factor is a fallback only: it needs an active factor
   * that is not voice. Codes sent to destinations being enrolled share one hourly cap per
   * account (`maxSendsPerHour` of `deliveredCodes`). Up to 10 active delivered factors.
   * @param userId - your user id, 1..255 characters
   * @param options - `channel`, `destination`, `name`
   * @returns the `factorId`, the `channel`, the masked destination and the code's expiry, or
   * `rate-limited` (with `retryAfterMs`), `locked`, `hard-locked`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `INVALID_DESTINATION`, `VOICE_FALLBACK_ONLY`,
   * `TOO_MANY_FACTORS`, `DELIVERY_NOT_CONFIGURED`, `DELIVERY_FAILED` (nothing written or counted),
   * `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  beginEnrollment(userId: string, options: BeginDeliveredEnrollmentOptions): Promise<BeginDeliveredEnrollmentResult>;
  /**
   * Starts enrolling a factor of a registered module named by `type` (the other options are
   * the module's own): its pending factor is stored, replacing an earlier pending one of that
   * type, until {@link TwoFactor.confirmEnrollment} gets its proof.
   * @param userId - your user id, 1..255 characters
   * @param options - `type`: the module's type; `name`: what the user calls it; the module's own options
   * @returns `factorId`, `expiresAt` and what the module shows
   * @throws {@link FactorkitError} `INVALID_ARGUMENT` (also for a type that is not registered),
   * `TOO_MANY_FACTORS`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  beginEnrollment(userId: string, options: BeginFactorEnrollmentOptions): Promise<BeginFactorEnrollmentResult>;
  /**
   * Confirms a pending authenticator with a code from it (or a pending delivered factor with
   * the code sent to it; a wrong one also uses up one of that code's attempts). The first one activates 2FA and
   * returns new backup codes, the only time they exist in clear. On an account with 2FA
   * already active the new factor is added only with `currentCode`, a valid code of a factor
   * it has (or a backup code); without it the answer is `current-code-required`. Adding or
   * removing a factor forgets every remembered device. A wrong code changes nothing but the
   * throttling counter.
   * @param userId - your user id
   * @param proof - the TOTP code the user typed from the new authenticator, the code sent to the new
   * destination, or the proof of another factor type
   * @param options - `factorId` (default: the one begun last), `currentCode` (required when 2FA is already active)
   * @returns `{ ok: true, backupCodes }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`,
   * `DECRYPTION_FAILED`, `UNENCRYPTED_SECRET`, `VOICE_FALLBACK_ONLY` (a voice factor whose
   * account lost its last other active factor meanwhile)
   */
  confirmEnrollment(userId: string, proof: Proof, options?: ConfirmEnrollmentOptions): Promise<BackupCodesResult>;
  /**
   * Shows a pending authenticator again, from the record: its Key URI (for the QR code), its
   * key and its expiry, as {@link TwoFactor.beginEnrollment} answered, for the enrollment page
   * reloaded, opened in another tab, or shown again after a wrong code. The app keeps no
   * secret in its session. The secret is opened with the keyring (it is stored sealed); the
   * answer is the only place it appears, never an event or an error. Changes nothing.
   * @param userId - your user id
   * @param options - `factorId` (default: the one begun last); `steppedUpAt` when 2FA is already on
   * @returns `{ ok: true, factorId, secret, uri, manualKey, expiresAt }` or a failure (see
   * {@link PendingEnrollmentResult})
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`, `DECRYPTION_FAILED`,
   * `UNENCRYPTED_SECRET`
   * @example
   * ```ts
   * import { MemoryStore, createTwoFactor } from 'factorkit';
   *
   * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
   * await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
   * const shown = await twoFactor.pendingEnrollment('user-1'); // in any tab, until it expires
   * if (shown.ok) console.log(shown.uri);
   * ```
   */
  pendingEnrollment(userId: string, options?: PendingEnrollmentOptions): Promise<PendingEnrollmentResult>;
  /**
   * Checks a sign-in code: a code of any active authenticator, or a backup code, told apart by
   * shape (`digits` ASCII digits is a TOTP code). Every active authenticator is checked (no
   * early exit). A TOTP code is accepted one step either side of now, widened towards that
   * authenticator's learned clock drift (at most two steps, learned from successful matches
   * only); a step once accepted is never accepted again for that authenticator. A backup code
   * is consumed. A code sent by {@link TwoFactor.sendCode} is accepted once, before its expiry,
   * and each wrong code compared with it uses up one of its attempts; without `factorId` it is
   * accepted too (it exists only because it was sent), so pass `factorId` to accept that
   * factor's code alone. Success resets the throttle; a wrong code counts towards it. Parallel
   * calls with one code: exactly one succeeds.
   * @param userId - your user id
   * @param proof - what the user typed, or the proof object of another factor type
   * @param options - `factorId`: accept only that factor's codes
   * @returns `{ ok: true, method, factorId (TOTP, delivered), channel (delivered), remainingBackupCodes }`
   * or a {@link TwoFactorFailure} (`expired` for a delivered factor without a code to check)
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`, `DECRYPTION_FAILED`
   */
  verify(userId: string, proof: Proof, options?: VerifyOptions): Promise<VerifyResult>;
  /**
   * Checks a proof for a sensitive action of a user who is already signed in (changing the
   * password or e-mail address, adding a payee): the proof is checked, throttled and used up
   * as by {@link TwoFactor.verify}, and the answer says what was proven and when, for the app
   * to keep with the session. With `minimum`, a proof of a weaker class is refused with
   * `stronger-factor-required` (not counted, not used up).
   * @param userId - your user id
   * @param proof - a code of any active factor, a backup code, or a proof object
   * @param options - `minimum` strength class, `factorId`
   * @returns `{ ok: true, method, factorId?, strength, phishingResistant, at }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`, `DECRYPTION_FAILED`
   * @example
   * ```ts
   * import { MemoryStore, createTwoFactor } from 'factorkit';
   *
   * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
   * const result = await twoFactor.stepUp('user-1', '123456', { minimum: 'authenticator-app' });
   * if (result.ok) console.log(`proven with ${result.method} at ${result.at}`);
   * ```
   */
  stepUp(userId: string, proof: Proof, options?: StepUpOptions): Promise<StepUpResult>;
  /**
   * Replaces the backup codes with new ones; requires a proof of any active factor (an
   * authenticator-app code, a delivered code sent and not used) or a backup code (a backup
   * code used here is spent with the old set).
   * @param userId - your user id
   * @param proof - a code of any active factor, or a backup code
   * @param options - `retryKey`, to get the same codes again when retrying a lost reply
   * @returns `{ ok: true, backupCodes }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} as {@link TwoFactor.verify}
   */
  regenerateBackupCodes(
    userId: string,
    proof: Proof,
    options?: RegenerateBackupCodesOptions,
  ): Promise<BackupCodesResult>;
  /**
   * Turns 2FA off (every factor, backup codes and remembered devices removed); requires a
   * proof of any active factor (an authenticator-app code, a delivered code sent and not used)
   * or a backup code. The record stays, as `'not-activated'`.
   * @param userId - your user id
   * @param proof - a code of any active factor, or a backup code
   * @returns `{ ok: true }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} as {@link TwoFactor.verify}
   */
  disable(userId: string, proof: Proof): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * @param userId - your user id
   * @returns `'activated'`, `'pending'` (enrollment begun, maybe expired) or `'not-activated'`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`
   */
  status(userId: string): Promise<TwoFactorStatus>;
  /**
   * Whether each of your user ids has 2FA on, for an admin page that lists your own users
   * (listUsers lists only users with a 2FA record, so it cannot show who has none). One store
   * read per distinct id (a few at a time); a user without a record is `'not-activated'`. For
   * a whole table, join your users with the store's table in SQL instead (docs/stores.md).
   * @param userIds - up to 1000 user ids; duplicates are answered once
   * @returns a Map from each given user id to `'activated'` or `'not-activated'`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT` (not an array, more than 1000 ids, a bad
   * user id), `STORE_ERROR`
   * @example
   * ```ts
   * import { MemoryStore, createTwoFactor } from 'factorkit';
   *
   * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
   * const statuses = await twoFactor.statusOf(['user-1', 'user-2']);
   * console.log(statuses.get('user-1')); // 'not-activated'
   * ```
   */
  statusOf(userIds: readonly string[]): Promise<Map<string, ActivationStatus>>;
  /**
   * @param userId - your user id
   * @returns unused backup codes; 0 when 2FA is not active
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`
   */
  remainingBackupCodes(userId: string): Promise<number>;
  /**
   * @param userId - your user id
   * @returns consecutive failures and the remaining lockout
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`
   */
  throttleStatus(userId: string): Promise<ThrottleStatus>;
  /**
   * One page of users with a 2FA record, ordered by user id, for an admin page.
   * @param options - `status` filter, `limit` (default 50), `cursor`
   * @returns `users` and, when more may follow, `nextCursor`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`
   */
  listUsers(options?: ListUsersOptions): Promise<{ users: TwoFactorUser[]; nextCursor?: string }>;
  /**
   * Support operation for a user who lost every factor: turns 2FA off without a code (secret,
   * pending enrollment, backup codes and throttle all cleared; status `'not-activated'`). Call
   * it only after verifying the user's identity out of band. Emits `reset-by-admin` with `actor`.
   * @param userId - your user id
   * @param options - `actor`: who did it
   * @returns `{ ok: true }`, or `not-enrolled` when the user has no 2FA record
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  resetByAdmin(userId: string, options: SupportActionOptions): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * Support operation: clears the throttle, a timed lock and a hard lock (`hard-locked`).
   * Emits `unlocked` with `actor`.
   * @param userId - your user id
   * @param options - `actor`: who did it
   * @returns `{ ok: true }`, or `not-enrolled` when the user has no 2FA record
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  unlock(userId: string, options: SupportActionOptions): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * The user's factors, pending and active, for a security page; never a secret, and a
   * delivered factor's destination only masked.
   * @param userId - your user id
   * @returns the factors in the order they were added
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`,
   * `DECRYPTION_FAILED`, `UNENCRYPTED_SECRET` (a destination that does not open)
   */
  listFactors(userId: string): Promise<FactorSummary[]>;
  /**
   * Renames a factor.
   * @param userId - your user id
   * @param factorId - from listFactors
   * @param name - 1 to 64 characters, no control characters
   * @returns `{ ok: true }` or `unknown-factor`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  renameFactor(userId: string, factorId: string, name: string): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * Removes a factor, proven by a valid code of any active factor (or a backup code; none is
   * needed while 2FA is not active). Removing the last active factor turns 2FA off, as
   * {@link TwoFactor.disable} does; removing the last active factor that is not a voice factor
   * removes the voice factors with it (voice is a fallback only). Forgets every remembered device.
   * @param userId - your user id
   * @param factorId - from listFactors
   * @param proof - a code of any active factor, or a backup code
   * @returns `{ ok: true, twoFactorOff }` or a {@link TwoFactorFailure} (`unknown-factor` for a wrong id)
   * @throws {@link FactorkitError} as {@link TwoFactor.verify}
   */
  removeFactor(
    userId: string,
    factorId: string,
    proof: Proof,
  ): Promise<{ ok: true; twoFactorOff: boolean } | TwoFactorFailure>;
  /**
   * After a successful second step, remembers this browser: the next sign-in may skip the
   * second step while {@link TwoFactor.checkRememberedDevice} accepts the token. Only a hash
   * of the token is stored. Every remembered device is forgotten when a factor is added or
   * removed, 2FA is disabled, or support resets it.
   * @param userId - your user id (2FA must be active)
   * @param options - `label`, `ttlMs` (default 30 days)
   * @returns `{ ok: true, deviceId, token, expiresAt }` or `not-enrolled`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  rememberDevice(userId: string, options?: RememberDeviceOptions): Promise<RememberDeviceResult>;
  /**
   * Checks a remembered-device token from a cookie, in constant time. The stored hash is keyed
   * under the keyring and bound to the user and the device: an entry copied into another
   * user's record matches nothing. A hard-locked account is refused (`hard-locked`) until
   * support unlocks it. An entry made by an earlier version (unkeyed) is accepted until it
   * expires and re-keyed by the first check that accepts it.
   * @param userId - your user id
   * @param token - the cookie's value, as rememberDevice returned it
   * @returns `{ ok: true, deviceId }`, or `invalid` / `expired` / `not-enrolled` / `hard-locked`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  checkRememberedDevice(userId: string, token: string): Promise<CheckRememberedDeviceResult>;
  /**
   * The devices remembered and not expired, for a security page.
   * @param userId - your user id
   * @returns the devices, oldest first
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`
   */
  listRememberedDevices(userId: string): Promise<RememberedDeviceSummary[]>;
  /**
   * Forgets one remembered device: its token no longer skips the second step.
   * @param userId - your user id
   * @param deviceId - from listRememberedDevices
   * @returns `{ ok: true }` or `unknown-factor`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  forgetDevice(userId: string, deviceId: string): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * Sends a fresh code to a delivered factor through `deliver`: 6 digits from the CSPRNG (4 for
   * a voice call: the last digits of the calling number), of which only a keyed hash is stored,
   * valid for `codeTtlMs` of `deliveredCodes` and `maxAttemptsPerCode` of `deliveredCodes` wrong tries; it replaces
   * the previous code. Limited per factor by `resendCooldownMs`, `maxSendsPerHour` and
   * `maxSendsPerDay` of `deliveredCodes` (`trustedSendsPerDay` with `trustedSession`), and for a
   * pending factor per account by the caps on destinations being enrolled. After
   * `voiceCallsBeforeSms` of `deliveredCodes` calls of a voice factor without a success, the
   * code goes by SMS to the same number instead. Refused while the account is locked. If
   * `deliver` fails (or `allowSend` vetoes it), nothing is written or counted.
   * @param userId - your user id
   * @param options - `factorId`: an active delivered factor, or a pending one (a new enrollment
   * code); `trustedSession`: true only for a request your app vouches for (a known device)
   * @returns `{ ok: true, expiresAt, channel }`, `rate-limited` with `retryAfterMs`, or
   * `not-enrolled`, `unknown-factor`, `expired` (the pending enrollment), `locked`, `hard-locked`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `DELIVERY_NOT_CONFIGURED`, `DELIVERY_FAILED`,
   * `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`, `DECRYPTION_FAILED`, `UNENCRYPTED_SECRET`
   */
  sendCode(userId: string, options: SendCodeOptions): Promise<SendCodeResult>;
  /**
   * Asks the user to approve this sign-in on an active delivered factor (a Telegram bot's
   * buttons, a push to your own app), or without `factorId` on every active one that can carry
   * it but e-mail, as one request: `deliver` gets, per factor, a message with one-time
   * `approveToken` and `denyToken` (only keyed hashes are stored) and the `matchChoices` to
   * show as buttons. Show the returned `matchNumber` on the waiting page (number matching), and
   * poll {@link TwoFactor.approvalStatus} with the `challengeId`. Limited per account by
   * `maxApprovalsPerDay` of `deliveredCodes`, and paused after `maxUnansweredApprovals`
   * requests in a row denied or left unanswered; refused while the account is locked; if no
   * message went out, nothing is written or counted.
   * @param userId - your user id
   * @param options - `factorId`: an active delivered factor, not `'sms'` or `'voice'`; omitted:
   * every factor that can carry the request
   * @returns `{ ok: true, challengeId, matchNumber, factorIds, expiresAt }`, `rate-limited`, or
   * `not-enrolled`, `unknown-factor`, `locked`, `hard-locked`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT` (also for an SMS or voice factor),
   * `DELIVERY_NOT_CONFIGURED`, `DELIVERY_FAILED`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`,
   * `DECRYPTION_FAILED`, `UNENCRYPTED_SECRET`
   */
  requestApproval(userId: string, options?: RequestApprovalOptions): Promise<RequestApprovalResult>;
  /**
   * Approves a sign-in with the `approveToken` of an approval message: call it from the
   * endpoint the message's button or link reaches (a Telegram webhook that checks its secret
   * header, your app's API). The token names the user; it works once, before the request's
   * expiry, and only one answer (approve or deny) is ever taken, across every factor the
   * request went to. Pass the number the user picked among `matchChoices`: a missing or wrong
   * one denies the request (`wrong-number`). A short token (`shortApproveToken`, for a Telegram
   * button) is answered with the user named: `approve(token, { userId, matchNumber })`.
   * @param token - the `approveToken` or `shortApproveToken`, as delivered
   * @param options - `matchNumber`: the number picked; `userId`: needed with a short token,
   * with a full one it must be the user it names
   * @returns `{ ok: true }`, or `invalid`, `expired`, `answered`, `wrong-number`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT` (not a string, bad options or user id),
   * `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  approve(token: string, options?: ApprovalAnswerOptions): Promise<ApprovalAnswerResult>;
  /**
   * Denies a sign-in with the `denyToken` of an approval message; as {@link TwoFactor.approve}.
   * A denial does not count towards the throttle of wrong codes, but towards the pause of
   * approval requests; tell the user their password is known.
   * @param token - the `denyToken` or `shortDenyToken`, as delivered
   * @param options - as for {@link TwoFactor.approve}
   * @returns `{ ok: true }`, or `invalid`, `expired`, `answered`
   * @throws {@link FactorkitError} as {@link TwoFactor.approve}
   */
  deny(token: string, options?: ApprovalAnswerOptions): Promise<ApprovalAnswerResult>;
  /**
   * What the waiting sign-in page polls: `pending`, `approved`, `denied` or `expired`.
   * `approved` is answered exactly once (the read consumes it, so one approval signs in one
   * session; parallel reads: exactly one sees it) and within 60 s of the answer; afterwards,
   * and for an unknown or removed request, the answer is `expired`.
   * @param userId - your user id
   * @param challengeId - from requestApproval
   * @returns `{ status }`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`,
   * `CORRUPT_RECORD` (also for an approval whose stored answer does not match its token)
   */
  approvalStatus(userId: string, challengeId: string): Promise<ApprovalStatusResult>;
}

// The 2FA lifecycle of a user account over a TwoFactorStore. Every operation is the same loop:
// read the record, decide against that version, write with compareAndSet (or create), and on a
// conflict read again and decide again. All correctness under concurrency lives here, so a
// store adapter only has to make each of its five calls atomic.
import {
  consumeBackupCode,
  generateBackupCodes,
  remainingBackupCodes,
  verifyBackupCode,
  type BackupCodeSet,
  type GeneratedBackupCodes,
  type ScryptParams,
  type VerifyBackupCodeResult,
} from '../backup-codes/index.js';
import { encodeBase32 } from '../base32/index.js';
import { FactorkitError } from '../errors/index.js';
import { formatManualKey } from '../uri/index.js';
import { renderQrSvg } from '../qr/index.js';
import { generateSecretBytes } from '../otp/index.js';
import { redactedDriverError } from '../stores/driver-error.js';
import { isTwoFactorStatus } from '../stores/status.js';
import type { StoredRecord, TwoFactorStatus, TwoFactorStore } from '../stores/index.js';
import { verifyTotp } from '../otp/index.js';
import { buildOtpauthUri } from '../uri/index.js';
import { checkAlgorithm, checkDigits, checkPeriod, type HashAlgorithm } from '../otp/options.js';
import { SecretSealer, type Keyring, type SealedSecret } from './crypto.js';
import type { CodeCheckOperation, CodeMethod, TwoFactorEvent } from './events.js';
import {
  MAX_DRIFT_STEPS,
  emptyState,
  parseState,
  serializeState,
  statusOf,
  type RecordState,
  type TotpParams,
} from './state.js';
import { afterFailure, lockRemainingMs, resetThrottle, resolveThrottle, type ThrottleOptions } from './throttle.js';

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
  /** Backup codes made on confirmation and regeneration. Default 5 codes, OWASP scrypt. */
  backupCodes?: { count?: number; kdf?: ScryptParams; allowWeakKdf?: boolean };
  /** Per-account throttling shared by TOTP and backup codes. */
  throttle?: ThrottleOptions;
  /**
   * Called after each change is committed (awaited). An error it throws is reported through
   * `warn` and does not undo or fail the operation, which has already happened.
   */
  onEvent?: (event: TwoFactorEvent) => void | Promise<void>;
  /** Where warnings go. Default `console.warn`. */
  warn?: (message: string) => void;
  /**
   * With a `keyring`: accept TOTP secrets stored unencrypted (records written before the app
   * had a keyring) and encrypt them on their next write. Without it, such a secret is refused
   * with `UNENCRYPTED_SECRET`: someone who can write to the database could otherwise plant a
   * secret of their own in clear, or downgrade one, and the next write would erase the trace.
   * Turn it on for the migration only, then off. Default false.
   */
  migratePlaintextSecrets?: boolean;
}

/**
 * What {@link TwoFactor.beginEnrollment} returns: everything the enrollment page shows.
 *
 * @example
 * ```ts
 * import type { BeginEnrollmentResult } from 'factorkit';
 *
 * function page(result: BeginEnrollmentResult): string {
 *   return `${result.qrSvg}<p>Or type this key: <code>${result.manualKey}</code></p>`;
 * }
 * ```
 */
export interface BeginEnrollmentResult {
  /** The new secret, unpadded base32. Only for display; it is stored (encrypted) by the lifecycle. */
  secret: string;
  /** The `otpauth://totp/...` Key URI. */
  uri: string;
  /** The Key URI as an SVG QR code. */
  qrSvg: string;
  /** The secret grouped for typing, e.g. `ABCD EFGH ...`. */
  manualKey: string;
  /** Unix ms after which {@link TwoFactor.confirmEnrollment} reports `'expired'`. */
  expiresAt: number;
}

/**
 * Why a lifecycle call refused a code:
 * - `invalid`: wrong code (counts towards throttling); with `retryAfterMs` when this failure started a lockout.
 * - `malformed`: not the shape of a TOTP or backup code, or longer than any code (not counted).
 * - `replayed`: a TOTP step already accepted or a backup code already used (not counted).
 * - `locked`: too many failures; try again after `retryAfterMs` (the code was not looked at).
 * - `hard-locked`: `maxConsecutiveFailures` wrong codes in a row; refused until support calls
 *   {@link TwoFactor.unlock} (the code was not looked at).
 * - `current-code-required`: confirming a new factor on an account with 2FA active needs
 *   `currentCode`, a code from the factor it already has.
 * - `not-enrolled`: nothing to confirm, or 2FA not active for verify/regenerate/disable.
 * - `expired`: the pending enrollment expired; begin again.
 *
 * @example
 * ```ts
 * import type { TwoFactorFailure } from 'factorkit';
 *
 * const failure: TwoFactorFailure = { ok: false, reason: 'locked', retryAfterMs: 2000 };
 * ```
 */
export interface TwoFactorFailure {
  ok: false;
  reason:
    | 'invalid'
    | 'malformed'
    | 'replayed'
    | 'locked'
    | 'hard-locked'
    | 'current-code-required'
    | 'not-enrolled'
    | 'expired';
  retryAfterMs?: number;
}

/**
 * The result of {@link TwoFactor.verify}.
 *
 * @example
 * ```ts
 * import type { VerifyResult } from 'factorkit';
 *
 * function message(result: VerifyResult): string {
 *   if (result.ok) return result.method === 'backup' ? `${result.remainingBackupCodes} backup codes left` : 'welcome';
 *   return result.reason === 'locked' ? `wait ${Math.ceil((result.retryAfterMs ?? 0) / 1000)} s` : 'wrong code';
 * }
 * ```
 */
export type VerifyResult = { ok: true; method: 'totp' | 'backup'; remainingBackupCodes: number } | TwoFactorFailure;

/**
 * The result of {@link TwoFactor.confirmEnrollment} and {@link TwoFactor.regenerateBackupCodes}.
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
export type BackupCodesResult = { ok: true; backupCodes: string[] } | TwoFactorFailure;

/**
 * One user of {@link TwoFactor.listUsers}.
 *
 * @example
 * ```ts
 * import type { TwoFactorUser } from 'factorkit';
 *
 * const user: TwoFactorUser = { userId: 'user-1', status: 'activated', updatedAt: Date.now() };
 * ```
 */
export interface TwoFactorUser {
  userId: string;
  /** As stored: `'pending'` also covers an enrollment that expired and was not begun again. */
  status: TwoFactorStatus;
  /** Unix ms of the last change to the user's 2FA record. */
  updatedAt: number;
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
   * Required when the account already has 2FA active: a valid code (TOTP or backup code) of
   * the factor it has, so that whoever holds only a session cannot swap the factor for theirs.
   */
  currentCode?: string;
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
 * The 2FA lifecycle of user accounts; see {@link createTwoFactor}.
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor, type TwoFactor } from 'factorkit';
 *
 * const twoFactor: TwoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
 * ```
 */
export interface TwoFactor {
  /**
   * Starts (or restarts) enrollment: a new secret is stored as pending, beside any active one,
   * replacing only an earlier pending one.
   * @param userId - your user id, 1..255 characters
   * @param options - `account`: the label shown in the authenticator app, e.g. an e-mail
   * @returns the secret, Key URI, QR code, manual-entry key and expiry to show
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `INVALID_LABEL` (an account a Key URI cannot
   * carry), `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  beginEnrollment(userId: string, options: { account: string }): Promise<BeginEnrollmentResult>;
  /**
   * Confirms the pending enrollment with a code from the app: activates 2FA and returns new
   * backup codes, the only time they exist in clear. On an account with 2FA already active
   * the new factor replaces the old one only with `currentCode`, a valid code of the old
   * factor (TOTP or backup code); without it the answer is `current-code-required`. A wrong
   * code changes nothing but the throttling counter.
   * @param userId - your user id
   * @param code - the TOTP code the user typed from the new authenticator
   * @param options - `currentCode`, required when 2FA is already active
   * @returns `{ ok: true, backupCodes }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`,
   * `DECRYPTION_FAILED`, `UNENCRYPTED_SECRET`
   */
  confirmEnrollment(userId: string, code: string, options?: ConfirmEnrollmentOptions): Promise<BackupCodesResult>;
  /**
   * Checks a sign-in code: a TOTP code or a backup code, told apart by shape (`digits` ASCII
   * digits is a TOTP code). A TOTP code is accepted one step either side of now, widened
   * towards the user's learned clock drift (at most two steps, learned from successful matches
   * only); a step once accepted is never accepted again. A backup code is consumed. Success
   * resets the throttle; a wrong code counts towards it. Parallel calls with one code: exactly
   * one succeeds.
   * @param userId - your user id
   * @param code - what the user typed
   * @returns `{ ok: true, method, remainingBackupCodes }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`, `DECRYPTION_FAILED`
   */
  verify(userId: string, code: string): Promise<VerifyResult>;
  /**
   * Replaces the backup codes with new ones; requires a valid current TOTP or backup code
   * (a backup code used here is spent with the old set).
   * @param userId - your user id
   * @param code - a TOTP or backup code
   * @returns `{ ok: true, backupCodes }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} as {@link TwoFactor.verify}
   */
  regenerateBackupCodes(userId: string, code: string): Promise<BackupCodesResult>;
  /**
   * Turns 2FA off (secret, pending enrollment and backup codes removed); requires a valid
   * current TOTP or backup code. The record stays, as `'not-activated'`.
   * @param userId - your user id
   * @param code - a TOTP or backup code
   * @returns `{ ok: true }` or a {@link TwoFactorFailure}
   * @throws {@link FactorkitError} as {@link TwoFactor.verify}
   */
  disable(userId: string, code: string): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * @param userId - your user id
   * @returns `'activated'`, `'pending'` (enrollment begun, maybe expired) or `'not-activated'`
   * @throws {@link FactorkitError} `INVALID_ARGUMENT`, `STORE_ERROR`, `CORRUPT_RECORD`
   */
  status(userId: string): Promise<TwoFactorStatus>;
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
}

const MAX_ATTEMPTS = 100;
const DEFAULT_TTL_MS = 10 * 60_000;
/**
 * Anything longer is no code: the longest valid one is a backup code typed with generous
 * spacing. Longer input is `malformed` at once, before any work and without being counted.
 */
const MAX_CODE_INPUT_LENGTH = 64;
/** RFC 6238 §5.1 / RFC 4226 §4 R6: keys as long as the HMAC output (SHA1 20, SHA256 32, SHA512 64 bytes). */
const SECRET_BYTES: Record<HashAlgorithm, number> = { SHA1: 20, SHA256: 32, SHA512: 64 };

/** One decision against one version of the record. */
interface Outcome<T> {
  result: T;
  /** The state to write; absent: nothing changes. */
  next?: RecordState;
  /** Emitted once the write (if any) has committed. */
  events?: TwoFactorEvent[];
}

type CodeCheck =
  | { kind: 'malformed' | 'invalid' | 'replayed'; method: CodeMethod }
  | { kind: 'totp'; method: 'totp'; step: number; delta: number }
  | { kind: 'backup'; method: 'backup'; index: number };

type Refusal = Extract<TwoFactorEvent, { type: 'verify-failed' }>['reason'];

/**
 * Creates the 2FA lifecycle over your store: enrollment with QR code, confirmation with backup
 * codes, sign-in verification with replay protection, throttling and learned clock drift,
 * backup-code regeneration, disabling, and an admin listing. Safe under concurrency: parallel
 * calls for one user are serialised by the store's compare-and-set, so a code is accepted once.
 *
 * @param options - see {@link TwoFactorOptions}
 * @returns the {@link TwoFactor} object
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for bad options, `INVALID_LABEL` for an issuer
 * a Key URI cannot carry, `INVALID_KEYRING` for a bad keyring, `INVALID_ALGORITHM` /
 * `INVALID_DIGITS` / `INVALID_PERIOD` for bad TOTP parameters
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 *
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   onEvent: (event) => console.log(event.type, event.userId),
 * });
 *
 * const { qrSvg } = await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
 * // show qrSvg; the user scans it and types a code:
 * const confirmed = await twoFactor.confirmEnrollment('user-1', '123456');
 * if (confirmed.ok) console.log(confirmed.backupCodes); // show once
 *
 * const signIn = await twoFactor.verify('user-1', '654321');
 * if (!signIn.ok && signIn.reason === 'locked') console.log(`retry in ${signIn.retryAfterMs} ms`);
 * ```
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  if (typeof options !== 'object' || options === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
  }
  const store = checkStore(options.store);
  const issuer = options.issuer;
  if (typeof issuer !== 'string' || issuer.trim().length === 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'issuer must be a non-empty string');
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw new FactorkitError('INVALID_ARGUMENT', 'clock must be a function');
  const warn = options.warn ?? ((message: string) => console.warn(message));
  if (typeof warn !== 'function') throw new FactorkitError('INVALID_ARGUMENT', 'warn must be a function');
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'onEvent must be a function');
  }
  const totpOptions = options.totp ?? {};
  if (typeof totpOptions !== 'object' || totpOptions === null)
    throw new FactorkitError('INVALID_ARGUMENT', 'totp must be an object');
  const totpParams: TotpParams = {
    algorithm: checkAlgorithm(totpOptions.algorithm),
    digits: checkDigits(totpOptions.digits),
    period: checkPeriod(totpOptions.period),
  };
  const ttlMs = options.enrollmentTtlMs ?? DEFAULT_TTL_MS;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'enrollmentTtlMs must be a positive, finite number of milliseconds');
  }
  const backupOptions = options.backupCodes ?? {};
  if (typeof backupOptions !== 'object' || backupOptions === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'backupCodes must be an object');
  }
  // Build one Key URI now, so an issuer the URI format refuses fails here and not at the
  // first enrollment.
  buildOtpauthUri({
    type: 'totp',
    issuer,
    account: 'check',
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    ...totpParams,
  });
  const throttle = resolveThrottle(options.throttle);
  const migratePlaintext = options.migratePlaintextSecrets ?? false;
  if (typeof migratePlaintext !== 'boolean') {
    throw new FactorkitError('INVALID_ARGUMENT', 'migratePlaintextSecrets must be a boolean');
  }
  const sealer = new SecretSealer(options.keyring, migratePlaintext);
  if (!sealer.encrypts) {
    warn(
      'factorkit: NO KEYRING CONFIGURED. TOTP secrets will be stored UNENCRYPTED. ' +
        'Pass keyring: { currentKeyId, keys } to createTwoFactor to encrypt them with AES-256-GCM.',
    );
  }

  const now = (): number => {
    const value = clock();
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new FactorkitError('INVALID_TIME', 'clock() must return a finite, non-negative number of milliseconds');
    }
    return value;
  };

  async function storeCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // The driver's error may carry what was sent (a Redis client keeps the command's
      // arguments, i.e. the whole record; PostgreSQL's `detail` can quote a row), so only its
      // name, message and code travel on: errors end up in logs.
      throw new FactorkitError('STORE_ERROR', 'the 2FA store failed; the operation may or may not have been applied', {
        cause: redactedDriverError(error),
      });
    }
  }

  async function load(userId: string): Promise<{ record: StoredRecord | null; state: RecordState | null }> {
    const record = await storeCall(() => store.get(userId));
    if (record === null || record === undefined) return { record: null, state: null };
    if (typeof record !== 'object' || typeof record.data !== 'string' || !Number.isSafeInteger(record.version)) {
      throw new FactorkitError('STORE_ERROR', 'the 2FA store returned a malformed record');
    }
    return { record, state: parseState(userId, record.data) };
  }

  /** Re-seals secrets not under the current key, so every write completes a key rotation. */
  async function rotate(userId: string, state: RecordState): Promise<RecordState> {
    const reseal = async (sealed: SealedSecret): Promise<SealedSecret> =>
      sealer.isStale(sealed) ? sealer.seal(userId, await sealer.open(userId, sealed)) : sealed;
    return {
      ...state,
      pending: state.pending === null ? null : { ...state.pending, secret: await reseal(state.pending.secret) },
      active: state.active === null ? null : { ...state.active, secret: await reseal(state.active.secret) },
    };
  }

  async function emit(events: TwoFactorEvent[] | undefined): Promise<void> {
    if (onEvent === undefined || events === undefined) return;
    for (const event of events) {
      try {
        await onEvent(event);
      } catch {
        warn(`factorkit: the onEvent handler threw for a '${event.type}' event; the change itself is committed`);
      }
    }
  }

  async function transact<T>(
    userId: string,
    decide: (state: RecordState | null, nowMs: number) => Promise<Outcome<T>>,
  ): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { record, state } = await load(userId);
      const nowMs = now();
      const outcome = await decide(state, nowMs);
      if (outcome.next === undefined) {
        await emit(outcome.events);
        return outcome.result;
      }
      const next = await rotate(userId, outcome.next);
      const write = { status: statusOf(next), data: serializeState(next), updatedAt: nowMs };
      const written =
        record === null
          ? await storeCall(() => store.create(userId, write))
          : await storeCall(() => store.compareAndSet(userId, record.version, write));
      if (written !== null && written !== undefined) {
        await emit(outcome.events);
        return outcome.result;
      }
      // Lost a race: someone else wrote first. Back off a little, at random, so a crowd of
      // contenders spreads out instead of colliding again in lock step.
      await sleep(Math.random() * Math.min(2 ** attempt, 50));
    }
    throw new FactorkitError('STORE_CONFLICT', `gave up after ${MAX_ATTEMPTS} conflicting writes to the 2FA record`);
  }

  /** Memoised backup-code verification: a retry against the same set needs no second KDF run. */
  function backupVerifier(code: string): (set: BackupCodeSet) => Promise<VerifyBackupCodeResult> {
    const memo = new Map<string, VerifyBackupCodeResult>();
    return async (set) => {
      const key = `${set.generationId}:${set.salt}`;
      let result = memo.get(key);
      if (result === undefined) {
        result = await verifyBackupCode(code, set);
        memo.set(key, result);
      }
      if (result.valid && set.codes[result.index]?.usedAt !== null) return { valid: false, reason: 'used' };
      return result;
    };
  }

  function makeChecker(code: unknown) {
    const usable = typeof code === 'string' && code.length <= MAX_CODE_INPUT_LENGTH;
    const verifyBackup = usable ? backupVerifier(code) : undefined;
    return async (userId: string, state: RecordState, nowMs: number): Promise<CodeCheck> => {
      const active = state.active!;
      if (!usable) return { kind: 'malformed', method: 'unknown' };
      if (isTotpShaped(code, active.totp.digits)) {
        const secret = await sealer.open(userId, active.secret);
        const drift = active.driftSteps;
        const result = verifyTotp(code, secret, {
          ...active.totp,
          time: nowMs,
          // One step either side of now, widened towards the learned drift.
          window: [1 + Math.max(0, -drift), 1 + Math.max(0, drift)],
          afterStep: active.lastStep,
          allowWeakSecret: true,
        });
        if (result.valid) return { kind: 'totp', method: 'totp', step: result.step, delta: result.delta };
        return { kind: result.reason, method: 'totp' };
      }
      if (state.backupCodes === null) return { kind: 'invalid', method: 'backup' };
      const result = await verifyBackup!(state.backupCodes);
      if (result.valid) return { kind: 'backup', method: 'backup', index: result.index };
      return { kind: result.reason === 'used' ? 'replayed' : result.reason, method: 'backup' };
    };
  }

  function failedEvent(
    userId: string,
    nowMs: number,
    operation: CodeCheckOperation,
    method: CodeMethod,
    reason: Refusal,
  ): TwoFactorEvent {
    return { type: 'verify-failed', userId, at: nowMs, operation, method, reason };
  }

  /** The shared refusal paths of every code check: malformed, replayed, invalid (counted). */
  function refuse<T>(
    userId: string,
    state: RecordState,
    check: CodeCheck,
    nowMs: number,
    operation: CodeCheckOperation,
  ): Outcome<T | TwoFactorFailure> | undefined {
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
    if (check.kind === 'invalid') return countedFailure(userId, state, nowMs, operation, check.method);
    return undefined;
  }

  /** A wrong code: one more failure on the shared throttle, which may start a timed or a hard lock. */
  function countedFailure(
    userId: string,
    state: RecordState,
    nowMs: number,
    operation: CodeCheckOperation,
    method: CodeMethod,
  ): Outcome<TwoFactorFailure> {
    const failed = afterFailure(state.throttle, nowMs, throttle);
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

  /** Refuses every attempt, unseen and uncounted, while the account is locked (for a time or for good). */
  function lockedOutcome(
    userId: string,
    state: RecordState,
    nowMs: number,
    operation: CodeCheckOperation,
  ): Outcome<TwoFactorFailure> | undefined {
    if (state.throttle.hardLockedAt !== null) {
      return {
        result: { ok: false, reason: 'hard-locked' },
        events: [failedEvent(userId, nowMs, operation, 'unknown', 'hard-locked')],
      };
    }
    const retryAfterMs = lockRemainingMs(state.throttle, nowMs);
    if (retryAfterMs === 0) return undefined;
    return {
      result: { ok: false, reason: 'locked', retryAfterMs },
      events: [failedEvent(userId, nowMs, operation, 'unknown', 'locked')],
    };
  }

  function succeededEvent(
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
      method: check.kind === 'backup' ? 'backup' : 'totp',
    };
  }

  /** State after a successful TOTP or backup-code check, before the operation's own change. */
  function afterSuccess(state: RecordState, check: CodeCheck, nowMs: number): RecordState {
    const active = state.active!;
    if (check.kind === 'totp') {
      const driftSteps = Math.max(-MAX_DRIFT_STEPS, Math.min(MAX_DRIFT_STEPS, check.delta));
      return { ...state, active: { ...active, lastStep: check.step, driftSteps }, throttle: resetThrottle() };
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

  /** Generates backup codes once per call, however many times the write is retried. */
  function lazyBackupCodes(): (nowMs: number) => Promise<GeneratedBackupCodes> {
    let generated: Promise<GeneratedBackupCodes> | undefined;
    return (nowMs) => (generated ??= generateBackupCodes({ ...backupOptions, now: nowMs }));
  }

  /**
   * The verify / regenerate / disable skeleton: check the code, then apply `onSuccess`, whose
   * events follow the `verify-succeeded` audit event.
   */
  async function withCode<T>(
    userId: string,
    code: string,
    operation: CodeCheckOperation,
    onSuccess: (state: RecordState, check: CodeCheck, nowMs: number) => Promise<Outcome<T>>,
  ): Promise<T | TwoFactorFailure> {
    checkUserId(userId);
    const check = makeChecker(code);
    return transact<T | TwoFactorFailure>(userId, async (state, nowMs) => {
      if (state === null || state.active === null) return { result: { ok: false, reason: 'not-enrolled' } };
      const locked = lockedOutcome(userId, state, nowMs, operation);
      if (locked !== undefined) return locked;
      const result = await check(userId, state, nowMs);
      const refused = refuse<T>(userId, state, result, nowMs, operation);
      if (refused !== undefined) return refused;
      const outcome = await onSuccess(afterSuccess(state, result, nowMs), result, nowMs);
      return { ...outcome, events: [succeededEvent(userId, nowMs, operation, result), ...(outcome.events ?? [])] };
    });
  }

  /** The support operations' skeleton: no code, an actor, one change and its event. */
  async function bySupport(
    userId: string,
    supportOptions: SupportActionOptions,
    change: (state: RecordState, actor: string, nowMs: number) => Outcome<{ ok: true }>,
  ): Promise<{ ok: true } | TwoFactorFailure> {
    checkUserId(userId);
    const actor = (supportOptions as Partial<SupportActionOptions> | undefined)?.actor;
    if (typeof actor !== 'string' || actor.trim().length === 0 || actor.length > 255) {
      throw new FactorkitError('INVALID_ARGUMENT', 'actor must be a string of 1 to 255 characters');
    }
    return transact<{ ok: true } | TwoFactorFailure>(userId, async (state, nowMs) => {
      if (state === null) return { result: { ok: false, reason: 'not-enrolled' } };
      return change(state, actor, nowMs);
    });
  }

  return {
    async beginEnrollment(userId, enrollOptions) {
      checkUserId(userId);
      const account = (enrollOptions as { account?: unknown } | undefined)?.account;
      if (typeof account !== 'string' || account.trim().length === 0) {
        throw new FactorkitError('INVALID_ARGUMENT', 'account must be a non-empty string');
      }
      const secretBytes = generateSecretBytes({ bytes: SECRET_BYTES[totpParams.algorithm] });
      const secret = encodeBase32(secretBytes);
      const uri = buildOtpauthUri({ type: 'totp', issuer, account, secret, ...totpParams });
      const display = { secret, uri, qrSvg: renderQrSvg(uri), manualKey: formatManualKey(secret) };
      const sealed = await sealer.seal(userId, secretBytes);
      return transact(userId, async (state, nowMs) => {
        const expiresAt = nowMs + ttlMs;
        const next: RecordState = {
          ...(state ?? emptyState()),
          pending: { secret: sealed, totp: { ...totpParams }, expiresAt },
        };
        return { result: { ...display, expiresAt }, next };
      });
    },

    async confirmEnrollment(userId, code, confirmOptions) {
      checkUserId(userId);
      const operation = 'confirm-enrollment';
      const currentCode = (confirmOptions as ConfirmEnrollmentOptions | undefined)?.currentCode;
      if (currentCode !== undefined && typeof currentCode !== 'string') {
        throw new FactorkitError('INVALID_ARGUMENT', 'currentCode must be a string');
      }
      const checkCurrent = makeChecker(currentCode);
      const backupCodes = lazyBackupCodes();
      return transact<BackupCodesResult>(userId, async (state, nowMs) => {
        if (state === null || state.pending === null) return { result: { ok: false, reason: 'not-enrolled' } };
        const locked = lockedOutcome(userId, state, nowMs, operation);
        if (locked !== undefined) return locked;
        const pending = state.pending;
        if (nowMs >= pending.expiresAt) {
          return {
            result: { ok: false, reason: 'expired' },
            events: [failedEvent(userId, nowMs, operation, 'totp', 'expired')],
          };
        }
        if (
          typeof code !== 'string' ||
          code.length > MAX_CODE_INPUT_LENGTH ||
          !isTotpShaped(code, pending.totp.digits)
        ) {
          return {
            result: { ok: false, reason: 'malformed' },
            events: [failedEvent(userId, nowMs, operation, 'unknown', 'malformed')],
          };
        }
        // Replacing an active factor takes a code of that factor too: a session alone (a
        // stolen cookie, an unlocked laptop) must not be able to move 2FA to a new device.
        let current = state;
        let currentCheck: CodeCheck | undefined;
        if (state.active !== null) {
          if (currentCode === undefined) {
            return {
              result: { ok: false, reason: 'current-code-required' },
              events: [failedEvent(userId, nowMs, operation, 'unknown', 'current-code-required')],
            };
          }
          currentCheck = await checkCurrent(userId, state, nowMs);
          const refused = refuse<BackupCodesResult>(userId, state, currentCheck, nowMs, operation);
          if (refused !== undefined) return refused;
          current = afterSuccess(state, currentCheck, nowMs);
        }
        const secret = await sealer.open(userId, pending.secret);
        const result = verifyTotp(code, secret, { ...pending.totp, time: nowMs, window: 1, allowWeakSecret: true });
        if (!result.valid) return countedFailure(userId, state, nowMs, operation, 'totp');
        const generated = await backupCodes(nowMs);
        const next: RecordState = {
          ...current,
          pending: null,
          active: {
            secret: pending.secret,
            totp: pending.totp,
            lastStep: result.step,
            driftSteps: Math.max(-MAX_DRIFT_STEPS, Math.min(MAX_DRIFT_STEPS, result.delta)),
            activatedAt: nowMs,
          },
          backupCodes: generated.set,
          throttle: resetThrottle(),
        };
        const events: TwoFactorEvent[] = [];
        if (currentCheck !== undefined) events.push(succeededEvent(userId, nowMs, operation, currentCheck));
        events.push({ type: 'verify-succeeded', userId, at: nowMs, operation, method: 'totp' });
        events.push({ type: state.active === null ? 'enabled' : 'factor-replaced', userId, at: nowMs });
        return { result: { ok: true, backupCodes: [...generated.codes] }, next, events };
      });
    },

    async verify(userId, code) {
      return withCode<VerifyResult>(userId, code, 'verify', async (next, check, nowMs) => {
        const remaining = remainingBackupCodes(next.backupCodes!);
        const events: TwoFactorEvent[] =
          check.kind === 'backup' ? [{ type: 'backup-code-used', userId, at: nowMs, remaining }] : [];
        return {
          result: { ok: true, method: check.kind === 'backup' ? 'backup' : 'totp', remainingBackupCodes: remaining },
          next,
          events,
        };
      });
    },

    async regenerateBackupCodes(userId, code) {
      const backupCodes = lazyBackupCodes();
      return withCode<BackupCodesResult>(userId, code, 'regenerate-backup-codes', async (next, _check, nowMs) => {
        const generated = await backupCodes(nowMs);
        return {
          result: { ok: true, backupCodes: [...generated.codes] },
          next: { ...next, backupCodes: generated.set },
          events: [{ type: 'backup-codes-regenerated', userId, at: nowMs, count: generated.codes.length }],
        };
      });
    },

    async disable(userId, code) {
      return withCode<{ ok: true }>(userId, code, 'disable', async (next, _check, nowMs) => ({
        result: { ok: true },
        next: { ...next, pending: null, active: null, backupCodes: null },
        events: [{ type: 'disabled', userId, at: nowMs }],
      }));
    },

    async status(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      return state === null ? 'not-activated' : statusOf(state);
    },

    async remainingBackupCodes(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      if (state === null || state.active === null || state.backupCodes === null) return 0;
      return remainingBackupCodes(state.backupCodes);
    },

    async throttleStatus(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      if (state === null) return { failures: 0, retryAfterMs: 0, hardLocked: false };
      const hardLocked = state.throttle.hardLockedAt !== null;
      return {
        failures: state.throttle.failures,
        retryAfterMs: hardLocked ? 0 : lockRemainingMs(state.throttle, now()),
        hardLocked,
      };
    },

    async resetByAdmin(userId, supportOptions) {
      return bySupport(userId, supportOptions, (state, actor, nowMs) => ({
        result: { ok: true },
        next: { ...state, pending: null, active: null, backupCodes: null, throttle: resetThrottle() },
        events: [{ type: 'reset-by-admin', userId, at: nowMs, actor }],
      }));
    },

    async unlock(userId, supportOptions) {
      return bySupport(userId, supportOptions, (state, actor, nowMs) => ({
        result: { ok: true },
        next: { ...state, throttle: resetThrottle() },
        events: [{ type: 'unlocked', userId, at: nowMs, actor }],
      }));
    },

    async listUsers(listOptions) {
      const { status, limit = 50, cursor } = (listOptions ?? {}) as ListUsersOptions;
      if (status !== undefined && !isTwoFactorStatus(status)) {
        throw new FactorkitError('INVALID_ARGUMENT', "status must be 'activated', 'not-activated' or 'pending'");
      }
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new FactorkitError('INVALID_ARGUMENT', 'limit must be an integer from 1 to 1000');
      }
      if (cursor !== undefined && typeof cursor !== 'string') {
        throw new FactorkitError('INVALID_ARGUMENT', 'cursor must be a string');
      }
      const page = await storeCall(() =>
        store.list({ limit, ...(status === undefined ? {} : { status }), ...(cursor === undefined ? {} : { cursor }) }),
      );
      const users = page.records.map(({ userId, status: s, updatedAt }) => ({ userId, status: s, updatedAt }));
      return page.nextCursor === undefined ? { users } : { users, nextCursor: page.nextCursor };
    },
  };
}

function checkStore(store: unknown): TwoFactorStore {
  const s = store as Partial<TwoFactorStore> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.get !== 'function' ||
    typeof s.create !== 'function' ||
    typeof s.compareAndSet !== 'function' ||
    typeof s.delete !== 'function' ||
    typeof s.list !== 'function'
  ) {
    throw new FactorkitError('INVALID_ARGUMENT', 'store must implement get, create, compareAndSet, delete and list');
  }
  return s as TwoFactorStore;
}

function checkUserId(userId: unknown): void {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 255) {
    throw new FactorkitError('INVALID_ARGUMENT', 'userId must be a string of 1 to 255 characters');
  }
}

/** A TOTP code is `digits` ASCII digits once spaces are removed; anything else is tried as a backup code. */
function isTotpShaped(code: string, digits: number): boolean {
  const compact = code.replace(/ /g, '');
  return compact.length === digits && /^[0-9]+$/.test(compact);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

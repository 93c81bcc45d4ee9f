// Every option of createTwoFactor, checked once, where it is given: a bad option fails at
// start-up, not at the first sign-in after a user typed a valid code.
import type { GenerateBackupCodesOptions } from '../../backup-codes/index.js';
import { checkBackupCodeOptions } from '../../backup-codes/set.js';
import { FactorkitError } from '../../errors/index.js';
import type { TwoFactorStore } from '../../stores/index.js';
import type { TwoFactorEvent } from '../kernel/events.js';
import { SecretSealer } from '../kernel/crypto.js';
import { type KeyedHasher, keyedHasher } from '../kernel/keyed-hash.js';
import type { TwoFactorOptions } from '../types.js';
import { type ManagePolicy, checkManagePolicy } from './authority.js';
import { type ThrottleConfig, resolveThrottle } from './throttle.js';

export interface ResolvedOptions {
  store: TwoFactorStore;
  issuer: string;
  /** Checked on every read: a clock that goes wrong later is an error, not a silent lockout. */
  now: () => number;
  warn: (message: string) => void;
  onEvent: ((event: TwoFactorEvent) => void | Promise<void>) | undefined;
  /** The `totp` option as given: the authenticator-app module checks it. */
  totp: unknown;
  enrollmentTtlMs: number;
  backupCodes: Omit<GenerateBackupCodesOptions, 'now'>;
  throttle: ThrottleConfig;
  sealer: SecretSealer;
  /** Keyed hashes of delivered codes, approval tokens and other factors' short secrets, keyed from the keyring. */
  hasher: KeyedHasher;
  /** The app's factor modules, checked by the registry. */
  factors: unknown;
  /** Which proof may manage which factors. */
  manage: ManagePolicy;
}

const DEFAULT_TTL_MS = 10 * 60_000;
/** ECMAScript's time range: the greatest Unix ms a Date represents. */
const MAX_DATE_MS = 8.64e15;

/** The default `warn`: one function for the whole process, so that it is warned only once. */
const consoleWarn = (message: string) => console.warn(message);
/**
 * The `warn` functions already told that there is no keyring. An app that builds several
 * `createTwoFactor` instances (one per request, per tenant, per test) hears it once per process
 * on the console, and once per `warn` function it passes.
 */
const warnedNoKeyring = new WeakSet<(message: string) => void>();

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

/** `clock`, `warn` and `onEvent`, checked; the clock wrapped so that a bad reading is an error. */
function checkCallbacks(options: TwoFactorOptions): Pick<ResolvedOptions, 'now' | 'warn' | 'onEvent'> {
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw new FactorkitError('INVALID_ARGUMENT', 'clock must be a function');
  const warn = options.warn ?? consoleWarn;
  if (typeof warn !== 'function') throw new FactorkitError('INVALID_ARGUMENT', 'warn must be a function');
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'onEvent must be a function');
  }
  const now = (): number => {
    const value = clock();
    // The latest time a Date can hold: every expiry computed from it (at most 400 days on) is
    // still a safe integer, so no stored time rounds.
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DATE_MS) {
      throw new FactorkitError('INVALID_TIME', 'clock() must return a Unix time in milliseconds from 0 to 8.64e15');
    }
    return value;
  };
  return { now, warn, onEvent };
}

/** The sealer of the keyring (or of none, with the warning that secrets are stored in clear). */
function resolveSealer(options: TwoFactorOptions, warn: (message: string) => void): SecretSealer {
  const migratePlaintext = options.migratePlaintextSecrets ?? false;
  if (typeof migratePlaintext !== 'boolean') {
    throw new FactorkitError('INVALID_ARGUMENT', 'migratePlaintextSecrets must be a boolean');
  }
  const sealer = new SecretSealer(options.keyring, migratePlaintext);
  if (!sealer.encrypts && !warnedNoKeyring.has(warn)) {
    warnedNoKeyring.add(warn);
    warn(
      'factorkit: NO KEYRING CONFIGURED. TOTP secrets will be stored UNENCRYPTED. ' +
        'Pass keyring: { currentKeyId, keys } to createTwoFactor to encrypt them with AES-256-GCM.',
    );
  }
  return sealer;
}

export function resolveOptions(options: TwoFactorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
  }
  const store = checkStore(options.store);
  const issuer = options.issuer;
  if (typeof issuer !== 'string' || issuer.trim().length === 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'issuer must be a non-empty string');
  }
  const callbacks = checkCallbacks(options);
  const enrollmentTtlMs = options.enrollmentTtlMs ?? DEFAULT_TTL_MS;
  if (typeof enrollmentTtlMs !== 'number' || !Number.isFinite(enrollmentTtlMs) || enrollmentTtlMs <= 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'enrollmentTtlMs must be a positive, finite number of milliseconds');
  }
  const backupCodes = options.backupCodes ?? {};
  checkBackupCodeOptions(backupCodes);
  const throttle = resolveThrottle(options.throttle);
  const sealer = resolveSealer(options, callbacks.warn);
  checkMovedOptions(options as unknown as Record<string, unknown>);
  return {
    store,
    issuer,
    ...callbacks,
    totp: options.totp,
    enrollmentTtlMs,
    backupCodes,
    throttle,
    sealer,
    hasher: keyedHasher(sealer),
    factors: options.factors,
    manage: checkManagePolicy(options.manage),
  };
}

/** Options that moved into a factor module: naming them here is a mistake to be told about. */
function checkMovedOptions(options: Record<string, unknown>): void {
  for (const name of ['deliver', 'delivery']) {
    if (options[name] !== undefined) {
      throw new FactorkitError(
        'INVALID_ARGUMENT',
        `${name} moved into the delivered-codes module: pass factors: [deliveredCodes({ deliver, ... })] ` +
          "with deliveredCodes from 'factorkit/delivered'",
      );
    }
  }
}

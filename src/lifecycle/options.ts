// Every option of createTwoFactor, checked once, where it is given: a bad option fails at
// start-up, not at the first sign-in after a user typed a valid code.
import type { GenerateBackupCodesOptions } from '../backup-codes/index.js';
import { checkScryptOption } from '../backup-codes/kdf.js';
import { FactorkitError } from '../errors/index.js';
import { checkAlgorithm, checkDigits, checkPeriod } from '../otp/options.js';
import type { TwoFactorStore } from '../stores/index.js';
import { buildOtpauthUri } from '../uri/index.js';
import { checkOptionsObject } from '../validation/index.js';
import { SecretSealer } from './crypto.js';
import type { TwoFactorEvent } from './events.js';
import { MAX_ATTEMPTS_LIMIT, MAX_SENDS_PER_HOUR_LIMIT } from './factors/delivered.js';
import type { TotpParams } from './factors/totp.js';
import { type KeyedHasher, keyedHasher } from './keyed-hash.js';
import { type ThrottleConfig, resolveThrottle } from './throttle.js';
import type { DeliveryMessage, DeliveryOptions, TwoFactorOptions } from './types.js';

/** The delivery settings with every default filled in. */
export type DeliveryConfig = Required<DeliveryOptions>;

export interface ResolvedOptions {
  store: TwoFactorStore;
  issuer: string;
  /** Checked on every read: a clock that goes wrong later is an error, not a silent lockout. */
  now: () => number;
  warn: (message: string) => void;
  onEvent: ((event: TwoFactorEvent) => void | Promise<void>) | undefined;
  totpParams: TotpParams;
  enrollmentTtlMs: number;
  backupCodes: Omit<GenerateBackupCodesOptions, 'now'>;
  throttle: ThrottleConfig;
  sealer: SecretSealer;
  /** Keyed hashes of delivered codes and approval tokens, keyed from the keyring. */
  hasher: KeyedHasher;
  deliver: ((message: DeliveryMessage) => Promise<void>) | undefined;
  delivery: DeliveryConfig;
}

/** The defaults of `delivery`, documented on {@link DeliveryOptions}. */
export const DEFAULT_DELIVERY: DeliveryConfig = {
  codeTtlMs: 5 * 60_000,
  maxAttemptsPerCode: 5,
  resendCooldownMs: 30_000,
  maxSendsPerHour: 5,
  voiceCallsBeforeSms: 3,
  approvalTtlMs: 2 * 60_000,
};

/** Each delivery setting's bounds: [min, max], integers. */
const DELIVERY_BOUNDS: Record<keyof DeliveryConfig, [number, number, string]> = {
  // NIST SP 800-63B §5.1.3.2: an out-of-band secret is invalid after 10 minutes.
  codeTtlMs: [30_000, 10 * 60_000, 'from 30 s to 10 minutes, in milliseconds'],
  maxAttemptsPerCode: [1, MAX_ATTEMPTS_LIMIT, `an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`],
  resendCooldownMs: [0, 3_600_000, 'from 0 to one hour, in milliseconds'],
  maxSendsPerHour: [1, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 1 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  voiceCallsBeforeSms: [1, 10, 'an integer from 1 to 10'],
  approvalTtlMs: [30_000, 10 * 60_000, 'from 30 s to 10 minutes, in milliseconds'],
};

function resolveDelivery(options: unknown): DeliveryConfig {
  const given = checkOptionsObject(options, 'delivery');
  const resolved = { ...DEFAULT_DELIVERY };
  for (const [name, [min, max, what]] of Object.entries(DELIVERY_BOUNDS) as [
    keyof DeliveryConfig,
    [number, number, string],
  ][]) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new FactorkitError('INVALID_ARGUMENT', `delivery.${name} must be ${what}`);
    }
    resolved[name] = value;
  }
  return resolved;
}

const DEFAULT_TTL_MS = 10 * 60_000;

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

export function resolveOptions(options: TwoFactorOptions): ResolvedOptions {
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
  const warn = options.warn ?? consoleWarn;
  if (typeof warn !== 'function') throw new FactorkitError('INVALID_ARGUMENT', 'warn must be a function');
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'onEvent must be a function');
  }
  const totpOptions = options.totp ?? {};
  if (typeof totpOptions !== 'object' || totpOptions === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'totp must be an object');
  }
  const totpParams: TotpParams = {
    algorithm: checkAlgorithm(totpOptions.algorithm),
    digits: checkDigits(totpOptions.digits),
    period: checkPeriod(totpOptions.period),
  };
  const enrollmentTtlMs = options.enrollmentTtlMs ?? DEFAULT_TTL_MS;
  if (typeof enrollmentTtlMs !== 'number' || !Number.isFinite(enrollmentTtlMs) || enrollmentTtlMs <= 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'enrollmentTtlMs must be a positive, finite number of milliseconds');
  }
  const backupCodes = options.backupCodes ?? {};
  if (typeof backupCodes !== 'object' || backupCodes === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'backupCodes must be an object');
  }
  checkScryptOption(backupCodes.scrypt);
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
  if (!sealer.encrypts && !warnedNoKeyring.has(warn)) {
    warnedNoKeyring.add(warn);
    warn(
      'factorkit: NO KEYRING CONFIGURED. TOTP secrets will be stored UNENCRYPTED. ' +
        'Pass keyring: { currentKeyId, keys } to createTwoFactor to encrypt them with AES-256-GCM.',
    );
  }
  const deliver = options.deliver;
  if (deliver !== undefined && typeof deliver !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'deliver must be a function');
  }
  const delivery = resolveDelivery(options.delivery);
  const now = (): number => {
    const value = clock();
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new FactorkitError('INVALID_TIME', 'clock() must return a finite, non-negative number of milliseconds');
    }
    return value;
  };
  return {
    store,
    issuer,
    now,
    warn,
    onEvent,
    totpParams,
    enrollmentTtlMs,
    backupCodes,
    throttle,
    sealer,
    hasher: keyedHasher(sealer),
    deliver,
    delivery,
  };
}

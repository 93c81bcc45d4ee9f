// Per-account throttling shared by every factor: the `maxFailures`-th consecutive failure
// locks the account for `baseDelayMs`, each further failure doubles the lock up to
// `maxDelayMs`, and the `maxConsecutiveFailures`-th failure locks it for good, until support
// calls `unlock` (NIST SP 800-63B §5.2.2 caps consecutive failed attempts at 100). Attempts
// made while locked are refused without looking at the code and without being counted, so a
// locked account is no oracle, and an attacker cannot extend the lockout by hammering it.
import { FactorkitError } from '../../errors/index.js';
import type { LockRefusal, ThrottleState } from '../kernel/record.js';

export type { LockRefusal };

/**
 * Throttling options of {@link createTwoFactor}.
 *
 * @example
 * ```ts
 * import type { ThrottleOptions } from 'factorkit';
 *
 * // The 3rd wrong code locks for 2 s, then 4 s, 8 s ... at most one hour; the 30th for good.
 * const throttle: ThrottleOptions = { maxFailures: 3, baseDelayMs: 2000, maxDelayMs: 3_600_000, maxConsecutiveFailures: 30 };
 * ```
 */
export interface ThrottleOptions {
  /** The consecutive failure that starts the first timed lockout: with 5, four wrong codes are free and the 5th locks. Default 5. */
  maxFailures?: number;
  /** The first lockout; each further failure doubles it. Default 1000 (1 s). */
  baseDelayMs?: number;
  /** The longest timed lockout. Default 15 minutes. */
  maxDelayMs?: number;
  /**
   * The consecutive failure (between two successes) that locks the account until
   * {@link TwoFactor.unlock}: 1 to 100 (NIST SP 800-63B §5.2.2). Default 20. When it is not
   * above `maxFailures`, the hard lock comes before any timed one.
   */
  maxConsecutiveFailures?: number;
}

export interface ThrottleConfig {
  maxFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxConsecutiveFailures: number;
}

/** NIST SP 800-63B §5.2.2: no more than 100 consecutive failed attempts on one account. */
export const NIST_MAX_CONSECUTIVE_FAILURES = 100;
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 20;

export function resolveThrottle(options: unknown): ThrottleConfig {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'throttle must be an object');
  }
  const {
    maxFailures = 5,
    baseDelayMs = 1000,
    maxDelayMs = 15 * 60_000,
    maxConsecutiveFailures = DEFAULT_MAX_CONSECUTIVE_FAILURES,
  } = (options ?? {}) as ThrottleOptions;
  if (typeof maxFailures !== 'number' || !Number.isSafeInteger(maxFailures) || maxFailures < 1) {
    throw new FactorkitError('INVALID_ARGUMENT', 'throttle.maxFailures must be a positive integer');
  }
  for (const [name, value] of [
    ['baseDelayMs', baseDelayMs],
    ['maxDelayMs', maxDelayMs],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new FactorkitError('INVALID_ARGUMENT', `throttle.${name} must be a finite, non-negative number`);
    }
  }
  if (maxDelayMs < baseDelayMs) {
    throw new FactorkitError('INVALID_ARGUMENT', 'throttle.maxDelayMs must not be less than throttle.baseDelayMs');
  }
  if (
    typeof maxConsecutiveFailures !== 'number' ||
    !Number.isSafeInteger(maxConsecutiveFailures) ||
    maxConsecutiveFailures < 1 ||
    maxConsecutiveFailures > NIST_MAX_CONSECUTIVE_FAILURES
  ) {
    throw new FactorkitError('INVALID_ARGUMENT', 'throttle.maxConsecutiveFailures must be an integer from 1 to 100');
  }
  return { maxFailures, baseDelayMs, maxDelayMs, maxConsecutiveFailures };
}

/** Milliseconds until the account may try again; 0 when it is not locked for a time. */
export function lockRemainingMs(throttle: ThrottleState, nowMs: number): number {
  return Math.max(0, throttle.lockedUntil - nowMs);
}

/** The answer while the account is locked; undefined when it is not. */
export function lockRefusal(throttle: ThrottleState, nowMs: number): LockRefusal | undefined {
  if (throttle.hardLockedAt !== null) return { ok: false, reason: 'hard-locked' };
  const retryAfterMs = lockRemainingMs(throttle, nowMs);
  return retryAfterMs > 0 ? { ok: false, reason: 'locked', retryAfterMs } : undefined;
}

/** What one more failure does to the throttle state. */
export type FailureOutcome =
  | { throttle: ThrottleState; lock: 'none' }
  | { throttle: ThrottleState; lock: 'timed'; lockMs: number }
  | { throttle: ThrottleState; lock: 'hard' };

/** The throttle state after one more failure, and the lock it starts. */
export function afterFailure(throttle: ThrottleState, nowMs: number, config: ThrottleConfig): FailureOutcome {
  // A count edited to the largest the record may hold stays there: one more would be written as
  // a count the next read refuses (CORRUPT_RECORD) while this process's cached copy still works.
  const failures = Math.min(throttle.failures + 1, Number.MAX_SAFE_INTEGER);
  if (failures >= config.maxConsecutiveFailures) {
    return { throttle: { failures, lockedUntil: 0, hardLockedAt: nowMs }, lock: 'hard' };
  }
  if (failures < config.maxFailures)
    return { throttle: { failures, lockedUntil: 0, hardLockedAt: null }, lock: 'none' };
  const doublings = failures - config.maxFailures;
  // 2 ** 1100 is Infinity, which Math.min caps: no overflow to worry about.
  const lockMs = Math.min(config.baseDelayMs * 2 ** doublings, config.maxDelayMs);
  return { throttle: { failures, lockedUntil: nowMs + lockMs, hardLockedAt: null }, lock: 'timed', lockMs };
}

/** The throttle state after a success or an unlock: no failures, not locked. */
export function resetThrottle(current?: ThrottleState): ThrottleState {
  // The same (frozen) object when nothing is to reset: a write then serialises nothing new for it.
  if (current !== undefined && current.failures === 0 && current.lockedUntil === 0 && current.hardLockedAt === null) {
    return current;
  }
  return { failures: 0, lockedUntil: 0, hardLockedAt: null };
}

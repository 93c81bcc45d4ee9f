// Per-account throttling shared by TOTP and backup codes: after `maxFailures` consecutive
// failures every further failure locks the account for an exponentially growing time. Attempts
// made while locked are refused without looking at the code and without being counted, so a
// locked account is no oracle, and an attacker cannot extend the lockout by hammering it.
import { FactorkitError } from '../errors/index.js';
import type { ThrottleState } from './state.js';

/**
 * Throttling options of {@link createTwoFactor}.
 *
 * @example
 * ```ts
 * import type { ThrottleOptions } from 'factorkit';
 *
 * // 3 free attempts, then 2 s, 4 s, 8 s ... at most one hour
 * const throttle: ThrottleOptions = { maxFailures: 3, baseDelayMs: 2000, maxDelayMs: 3_600_000 };
 * ```
 */
export interface ThrottleOptions {
  /** Consecutive failures allowed before the first lockout. Default 5. */
  maxFailures?: number;
  /** The first lockout; each further failure doubles it. Default 1000 (1 s). */
  baseDelayMs?: number;
  /** The longest lockout. Default 15 minutes. */
  maxDelayMs?: number;
}

export interface ThrottleConfig {
  maxFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function resolveThrottle(options: unknown): ThrottleConfig {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'throttle must be an object');
  }
  const { maxFailures = 5, baseDelayMs = 1000, maxDelayMs = 15 * 60_000 } = (options ?? {}) as ThrottleOptions;
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
  return { maxFailures, baseDelayMs, maxDelayMs };
}

/** Milliseconds until the account may try again; 0 when it is not locked. */
export function lockRemainingMs(throttle: ThrottleState, nowMs: number): number {
  return Math.max(0, throttle.lockedUntil - nowMs);
}

/** The throttle state after one more failure, and how long it locks the account (0: not locked). */
export function afterFailure(
  throttle: ThrottleState,
  nowMs: number,
  config: ThrottleConfig,
): { throttle: ThrottleState; lockMs: number } {
  const failures = throttle.failures + 1;
  if (failures < config.maxFailures) return { throttle: { failures, lockedUntil: 0 }, lockMs: 0 };
  const doublings = failures - config.maxFailures;
  // 2 ** 1100 is Infinity, which Math.min caps: no overflow to worry about.
  const lockMs = Math.min(config.baseDelayMs * 2 ** doublings, config.maxDelayMs);
  return { throttle: { failures, lockedUntil: nowMs + lockMs }, lockMs };
}

/** The throttle state after a success: no failures, not locked. */
export function resetThrottle(): ThrottleState {
  return { failures: 0, lockedUntil: 0 };
}

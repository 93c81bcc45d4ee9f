// Showing a pending enrollment again from the record (issue 27): the enrollment page reloaded,
// opened in a second tab, or shown again after a wrong code, without the app keeping the
// secret in its session. Only modules that can make their display again (an authenticator's
// Key URI and key) take part.
import { FactorkitError } from '../../errors/index.js';
import { checkOptionsObject } from '../../validation/index.js';
import type { Engine } from '../engine/engine.js';
import { checkUserId } from '../kernel/args.js';
import type { PendingFactorRecord } from '../kernel/factor.js';
import { activeFactors, pendingFactors, type RecordState } from '../kernel/record.js';
import type { PendingEnrollmentOptions, PendingEnrollmentResult } from '../types.js';
import { replacerOf } from './enrollment.js';

function checkShowOptions(options: unknown): PendingEnrollmentOptions {
  const { factorId, steppedUpAt } = checkOptionsObject(options) as PendingEnrollmentOptions;
  if (factorId !== undefined && typeof factorId !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'factorId must be a string');
  }
  if (steppedUpAt !== undefined && (typeof steppedUpAt !== 'number' || !Number.isFinite(steppedUpAt))) {
    throw new FactorkitError('INVALID_ARGUMENT', 'steppedUpAt must be a time in Unix milliseconds');
  }
  return { ...(factorId === undefined ? {} : { factorId }), ...(steppedUpAt === undefined ? {} : { steppedUpAt }) };
}

/** The pending factor asked for (by id, else the one begun last) among those that can be shown, or why none is. */
function pendingToShow(
  engine: Engine,
  state: RecordState | null,
  factorId: string | undefined,
): PendingFactorRecord | PendingEnrollmentResult {
  if (state === null) return { ok: false, reason: 'not-enrolled' };
  const pendings = pendingFactors(state);
  const shown = pendings.filter((f) => engine.registry.moduleOf(f).display !== undefined);
  const factor = factorId === undefined ? shown.at(-1) : shown.find((f) => f.id === factorId);
  if (factor !== undefined) return factor;
  if (factorId === undefined) return { ok: false, reason: 'not-enrolled' };
  return { ok: false, reason: replacerOf(engine, pendings, factorId) ? 'enrollment-replaced' : 'unknown-factor' };
}

/**
 * With 2FA on, the pending secret is about to become a factor of the account: a session alone
 * (a stolen cookie) must not be able to copy it, so a step-up within the enrollment's lifetime
 * is asked for. With 2FA off, the session could begin and confirm a factor of its own anyway.
 */
function mayShow(engine: Engine, state: RecordState, steppedUpAt: number | undefined, nowMs: number): boolean {
  if (activeFactors(state).length === 0) return true;
  return steppedUpAt !== undefined && steppedUpAt <= nowMs && nowMs - steppedUpAt <= engine.options.enrollmentTtlMs;
}

export async function pendingEnrollment(
  engine: Engine,
  userId: string,
  options?: PendingEnrollmentOptions,
): Promise<PendingEnrollmentResult> {
  checkUserId(userId);
  const { factorId, steppedUpAt } = checkShowOptions(options);
  const { state } = await engine.load(userId);
  const nowMs = engine.options.now();
  const factor = pendingToShow(engine, state, factorId);
  if ('ok' in factor) return factor;
  if (!mayShow(engine, state!, steppedUpAt, nowMs)) return { ok: false, reason: 'current-code-required' };
  if (nowMs >= factor.expiresAt) return { ok: false, reason: 'expired' };
  const display = await engine.registry.moduleOf(factor).display!(engine.context(userId, nowMs), factor);
  // A pending factor written before its display was kept (an earlier version): begin again.
  if (display === undefined) return { ok: false, reason: 'expired' };
  return { ok: true, factorId: factor.id, ...display, expiresAt: factor.expiresAt } as PendingEnrollmentResult;
}

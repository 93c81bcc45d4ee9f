// sendCode: a fresh code for a delivered factor (active: to sign in; pending: to confirm it),
// written with its send, then delivered (send.ts).
import { FactorkitError } from '../../../errors/index.js';
import { checkId, checkOptions, checkUserId } from '../../kernel/args.js';
import { type RecordState, replaceFactor } from '../../kernel/record.js';
import { historyOf, noteUnverified } from './limits.js';
import {
  type DeliveredFactor,
  type SendLimits,
  codeDigits,
  issueCode,
  nextSendChannel,
  purposeOf,
  recordSend,
  sendRetryAfterMs,
  unrecordSend,
} from './record.js';
import { type DeliveredEngine, type SendDecision, codesOnce, destinationOf, writeThenDeliver } from './send.js';
import type { DeliveryMessage, SendCodeOptions, SendCodeResult } from './types.js';

/** Which history of the factor a send counts in: trusted sessions' sends apart (active factors only). */
function poolOf(d: DeliveredEngine, factor: DeliveredFactor, trusted: boolean) {
  const isTrusted = trusted && factor.state === 'active';
  const sends = isTrusted ? (factor.trustedSends ?? []) : factor.sends;
  const limits: SendLimits = isTrusted ? d.trustedLimits : d.limits;
  const withSends = (f: DeliveredFactor, list: number[]): DeliveredFactor =>
    isTrusted ? { ...f, trustedSends: list } : { ...f, sends: list };
  const of = (f: DeliveredFactor): number[] => (isTrusted ? (f.trustedSends ?? []) : f.sends);
  return { sends, limits, withSends, of };
}

type Pool = ReturnType<typeof poolOf>;

/** How long a send to `factor` must wait: its own limits, and the account's for an enrollment. */
function retryAfter(
  d: DeliveredEngine,
  state: RecordState,
  factor: DeliveredFactor,
  pool: Pool,
  nowMs: number,
): number {
  const pending = factor.state === 'pending';
  // The sends of an active factor up to its activation were its enrollment's: no cooldown. (A
  // send in the very millisecond of the activation is taken for one too: one more send, still capped.)
  const activatedAt = factor.state === 'active' ? factor.activatedAt : undefined;
  return Math.max(
    sendRetryAfterMs(pool.sends, nowMs, pool.limits, activatedAt),
    pending ? sendRetryAfterMs(state.enrollmentSends, nowMs, d.enrollmentLimits) : 0,
  );
}

/** Takes a code send back: the code it replaced returns while it is still this call's and live. */
function undoSend(
  state: RecordState | null,
  previous: DeliveredFactor,
  pool: Pool,
  issuedHash: string,
  sentAt: number,
  undoHistory: ((latest: RecordState) => RecordState) | undefined,
): RecordState | undefined {
  const factor = state?.factors.find((f) => f.id === previous.id);
  if (state === null || factor === undefined || factor.type !== 'delivered') return undefined;
  const current = factor as DeliveredFactor;
  const ours = current.code?.state === 'live' && current.code.hash === issuedHash;
  const restored = pool.withSends(
    { ...current, ...(ours ? { code: previous.code, callsWithoutSuccess: previous.callsWithoutSuccess } : {}) },
    unrecordSend(pool.of(current), sentAt),
  );
  const next = replaceFactor(state, restored);
  if (previous.state === 'pending') next.enrollmentSends = unrecordSend(state.enrollmentSends, sentAt);
  return undoHistory === undefined ? next : undoHistory(next);
}

/** The send decided for `factor` at `nowMs`: the new code written, the message to deliver. */
async function decideSend(
  d: DeliveredEngine,
  userId: string,
  state: RecordState,
  factor: DeliveredFactor,
  pool: Pool,
  code: (digits: number) => string,
  nowMs: number,
): Promise<SendDecision<SendCodeResult>> {
  const pending = factor.state === 'pending';
  const channel = nextSendChannel(factor, d.config.voiceCallsBeforeSms);
  const typed = code(codeDigits(channel));
  const expiresAt = Math.min(nowMs + d.config.codeTtlMs, pending ? factor.expiresAt : Number.POSITIVE_INFINITY);
  // Opened before anything is written: a destination that does not open fails the call whole.
  const destination = await destinationOf(d.engine.context(userId, nowMs), factor);
  // A destination being enrolled counts towards the account's distinct unverified destinations.
  const counted = pending
    ? noteUnverified(
        d.engine.hasher,
        userId,
        historyOf(state),
        factor.channel,
        destination,
        nowMs,
        d.config.maxUnverifiedDestinationsPerDay,
      )
    : undefined;
  if (counted !== undefined && 'retryAfterMs' in counted) {
    return { result: { ok: false, reason: 'rate-limited', retryAfterMs: counted.retryAfterMs } };
  }
  const issued = issueCode(d.engine.hasher, userId, factor, channel, typed, expiresAt, d.config.maxAttemptsPerCode);
  const updated = pool.withSends(
    {
      ...factor,
      code: issued,
      callsWithoutSuccess: channel === 'voice' ? factor.callsWithoutSuccess + 1 : factor.callsWithoutSuccess,
    },
    recordSend(pool.sends, nowMs, pool.limits),
  );
  const next = replaceFactor(state, updated);
  if (pending) next.enrollmentSends = recordSend(state.enrollmentSends, nowMs, d.enrollmentLimits);
  if (counted !== undefined) next.sendHistory = counted.history;
  const purpose = purposeOf(factor);
  const message: DeliveryMessage = {
    kind: 'code',
    purpose,
    channel,
    destination,
    userId,
    factorId: factor.id,
    expiresAt,
    code: typed,
  };
  const undoHistory =
    counted === undefined
      ? undefined
      : (latest: RecordState) => ({ ...latest, sendHistory: counted.undo(historyOf(latest)) });
  return {
    result: { ok: true, expiresAt, channel },
    next,
    send: {
      messages: [
        {
          message,
          unverified: pending,
          event: { type: 'code-sent', userId, at: nowMs, factorId: factor.id, channel, purpose },
        },
      ],
      undo: (latest) => undoSend(latest, factor, pool, issued.hash, nowMs, undoHistory),
    },
  };
}

/** Sends a fresh code to a delivered factor, within its resend limits; refused while locked. */
export async function sendCode(d: DeliveredEngine, userId: string, options: SendCodeOptions): Promise<SendCodeResult> {
  checkUserId(userId);
  const { factorId, trustedSession } = checkOptions('options', options);
  checkId('factorId', factorId);
  if (trustedSession !== undefined && typeof trustedSession !== 'boolean') {
    throw new FactorkitError('INVALID_ARGUMENT', 'trustedSession must be a boolean when given');
  }
  const code = codesOnce();
  return writeThenDeliver(d, userId, async (state, nowMs): Promise<SendDecision<SendCodeResult>> => {
    if (state === null || state.factors.length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    const found = state.factors.find((f) => f.id === factorId && f.type === 'delivered');
    if (found === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
    const factor = found as DeliveredFactor;
    if (factor.state === 'pending' && nowMs >= factor.expiresAt) return { result: { ok: false, reason: 'expired' } };
    const locked = d.engine.lockRefusal(state, nowMs);
    if (locked !== undefined) return { result: locked };
    const pool = poolOf(d, factor, trustedSession === true);
    const retryAfterMs = retryAfter(d, state, factor, pool, nowMs);
    if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
    return decideSend(d, userId, state, factor, pool, code, nowMs);
  });
}

// sendCode: a fresh code for a delivered factor (active: to sign in; pending: to confirm it),
// written with its send, then delivered (send.ts).
import { checkId, checkOptions, checkUserId } from '../../kernel/args.js';
import { type RecordState, replaceFactor } from '../../kernel/record.js';
import {
  type DeliveredFactor,
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

/** How long a send to `factor` must wait: its own limits, and the account's for an enrollment. */
function retryAfter(d: DeliveredEngine, state: RecordState, factor: DeliveredFactor, nowMs: number): number {
  const pending = factor.state === 'pending';
  return Math.max(
    sendRetryAfterMs(factor.sends, nowMs, d.limits),
    pending ? sendRetryAfterMs(state.enrollmentSends, nowMs, d.enrollmentLimits) : 0,
  );
}

/** Takes a code send back: the code it replaced returns while it is still this call's and live. */
function undoSend(
  state: RecordState | null,
  previous: DeliveredFactor,
  issuedHash: string,
  sentAt: number,
): RecordState | undefined {
  const factor = state?.factors.find((f) => f.id === previous.id);
  if (state === null || factor === undefined || factor.type !== 'delivered') return undefined;
  const current = factor as DeliveredFactor;
  const ours = current.code?.state === 'live' && current.code.hash === issuedHash;
  const restored: DeliveredFactor = {
    ...current,
    ...(ours ? { code: previous.code, callsWithoutSuccess: previous.callsWithoutSuccess } : {}),
    sends: unrecordSend(current.sends, sentAt),
  };
  const next = replaceFactor(state, restored);
  if (previous.state === 'pending') next.enrollmentSends = unrecordSend(state.enrollmentSends, sentAt);
  return next;
}

/** The send decided for `factor` at `nowMs`: the new code written, the message to deliver. */
async function decideSend(
  d: DeliveredEngine,
  userId: string,
  state: RecordState,
  factor: DeliveredFactor,
  code: (digits: number) => string,
  nowMs: number,
): Promise<SendDecision<SendCodeResult>> {
  const pending = factor.state === 'pending';
  const channel = nextSendChannel(factor, d.config.voiceCallsBeforeSms);
  const typed = code(codeDigits(channel));
  const expiresAt = Math.min(nowMs + d.config.codeTtlMs, pending ? factor.expiresAt : Number.POSITIVE_INFINITY);
  // Opened before anything is written: a destination that does not open fails the call whole.
  const destination = await destinationOf(d.engine.context(userId, nowMs), factor);
  const issued = issueCode(d.engine.hasher, userId, factor, channel, typed, expiresAt, d.config.maxAttemptsPerCode);
  const updated: DeliveredFactor = {
    ...factor,
    code: issued,
    sends: recordSend(factor.sends, nowMs, d.config.maxSendsPerHour),
    callsWithoutSuccess: channel === 'voice' ? factor.callsWithoutSuccess + 1 : factor.callsWithoutSuccess,
  };
  const next = replaceFactor(state, updated);
  if (pending) next.enrollmentSends = recordSend(state.enrollmentSends, nowMs, d.config.maxSendsPerHour);
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
  return {
    result: { ok: true, expiresAt, channel },
    next,
    send: {
      message,
      undo: (latest) => undoSend(latest, factor, issued.hash, nowMs),
      events: [{ type: 'code-sent', userId, at: nowMs, factorId: factor.id, channel, purpose }],
    },
  };
}

/** Sends a fresh code to a delivered factor, within its resend limits; refused while locked. */
export async function sendCode(d: DeliveredEngine, userId: string, options: SendCodeOptions): Promise<SendCodeResult> {
  checkUserId(userId);
  const { factorId } = checkOptions('options', options);
  checkId('factorId', factorId);
  const code = codesOnce();
  return writeThenDeliver(d, userId, async (state, nowMs): Promise<SendDecision<SendCodeResult>> => {
    if (state === null || state.factors.length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    const found = state.factors.find((f) => f.id === factorId && f.type === 'delivered');
    if (found === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
    const factor = found as DeliveredFactor;
    if (factor.state === 'pending' && nowMs >= factor.expiresAt) return { result: { ok: false, reason: 'expired' } };
    const locked = d.engine.lockRefusal(state, nowMs);
    if (locked !== undefined) return { result: locked };
    const retryAfterMs = retryAfter(d, state, factor, nowMs);
    if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
    return decideSend(d, userId, state, factor, code, nowMs);
  });
}

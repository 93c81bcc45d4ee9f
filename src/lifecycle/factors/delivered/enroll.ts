// Enrolling a destination: the pending factor and its first code are written, then the code is
// delivered (send.ts); confirming it is the shared confirmEnrollment, through the module.
import { FactorkitError } from '../../../errors/index.js';
import { checkFactorName, checkUserId, newFactorId } from '../../kernel/args.js';
import type { SealedSecret } from '../../kernel/crypto.js';
import type { FactorRecord } from '../../kernel/factor.js';
import { type RecordState, activeFactors, emptyState } from '../../kernel/record.js';
import {
  type PendingDeliveredFactor,
  codeDigits,
  defaultDeliveredName,
  destinationBytes,
  isDeliveryChannel,
  issueCode,
  maskDestination,
  normalizeDestination,
  recordSend,
  sendRetryAfterMs,
  unrecordSend,
} from './record.js';
import { type DeliveredEngine, type PlannedSend, type SendDecision, codesOnce, writeThenDeliver } from './send.js';
import type { UnverifiedSend } from './limits.js';
import type { DeliveryChannel } from '../../kernel/events.js';
import type { BeginDeliveredEnrollmentResult } from './types.js';
import { historyOf, noteUnverified } from './limits.js';
import { checkVoiceAllowed } from './voice.js';

/** Active delivered factors per user (documented on beginEnrollment). */
export const MAX_DELIVERED_FACTORS = 10;

interface EnrollmentRequest {
  factorId: string;
  name: string;
  channel: DeliveryChannel;
  /** The destination as stored (normalised), and sealed. */
  destination: string;
  sealed: SealedSecret;
}

/** The options of a delivered enrollment, checked; the destination normalised and sealed. */
async function checkRequest(
  d: DeliveredEngine,
  userId: string,
  given: Record<string, unknown>,
): Promise<EnrollmentRequest> {
  const { channel, destination, name } = given;
  if (!isDeliveryChannel(channel)) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      "channel must be 'email', 'sms', 'telegram', 'voice' or a name of lower-case letters, digits and dashes",
    );
  }
  if (given.account !== undefined) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options take either account (an authenticator) or channel');
  }
  const normalized = normalizeDestination(channel, destination);
  const factorName = name === undefined ? defaultDeliveredName(channel) : checkFactorName(name);
  const sealed = await d.engine.seal(userId, destinationBytes(normalized));
  return { factorId: newFactorId(), name: factorName, channel, destination: normalized, sealed };
}

/** The new pending factor with its first code, sent at `nowMs`. */
function pendingFactor(
  d: DeliveredEngine,
  userId: string,
  request: EnrollmentRequest,
  code: string,
  nowMs: number,
): PendingDeliveredFactor {
  const pendingUntil = nowMs + d.engine.enrollmentTtlMs;
  const expiresAt = Math.min(nowMs + d.config.codeTtlMs, pendingUntil);
  const base: PendingDeliveredFactor = {
    type: 'delivered',
    id: request.factorId,
    name: request.name,
    createdAt: nowMs,
    lastUsedAt: null,
    channel: request.channel,
    destination: request.sealed,
    code: null,
    sends: [nowMs],
    callsWithoutSuccess: request.channel === 'voice' ? 1 : 0,
    state: 'pending',
    expiresAt: pendingUntil,
  };
  const issued = issueCode(
    d.engine.hasher,
    userId,
    base,
    request.channel,
    code,
    expiresAt,
    d.config.maxAttemptsPerCode,
  );
  return { ...base, code: issued };
}

/** Takes the enrollment send back: the new factor goes, the one it replaced returns to its place. */
function undoEnrollment(
  state: RecordState | null,
  factorId: string,
  replaced: { factor: FactorRecord; index: number } | undefined,
  sentAt: number,
  counted: UnverifiedSend,
): RecordState | undefined {
  if (state === null || !state.factors.some((f) => f.id === factorId)) return undefined;
  const factors = state.factors.filter((f) => f.id !== factorId);
  if (replaced !== undefined && !factors.some((f) => f.id === replaced.factor.id || isPendingDelivered(f))) {
    factors.splice(Math.min(replaced.index, factors.length), 0, replaced.factor);
  }
  const history = counted.undo(historyOf(state));
  const blank = history.unverified.length === 0 && history.approvals.length === 0;
  const { sendHistory: _undone, ...rest } = state;
  return {
    ...rest,
    factors,
    enrollmentSends: unrecordSend(state.enrollmentSends, sentAt),
    // Nothing left to count: the field goes, so a record this call created can be deleted again.
    ...(blank ? {} : { sendHistory: history }),
  };
}

function isPendingDelivered(factor: FactorRecord): boolean {
  return factor.type === 'delivered' && factor.state === 'pending';
}

/** Starts enrolling a destination: the pending factor written with a code, then the code delivered. */
export async function beginDeliveredEnrollment(
  d: DeliveredEngine,
  userId: string,
  given: Record<string, unknown>,
): Promise<BeginDeliveredEnrollmentResult> {
  checkUserId(userId);
  const request = await checkRequest(d, userId, given);
  const codes = codesOnce();
  return writeThenDeliver(d, userId, async (state, nowMs): Promise<SendDecision<BeginDeliveredEnrollmentResult>> => {
    const current = state ?? emptyState();
    // Sends are refused while the account is locked: their codes could not be checked anyway.
    const locked = d.engine.lockRefusal(current, nowMs);
    if (locked !== undefined) return { result: locked };
    checkVoiceAllowed(request.channel, current);
    if (activeFactors(current).filter((f) => f.type === 'delivered').length >= MAX_DELIVERED_FACTORS) {
      throw new FactorkitError(
        'TOO_MANY_FACTORS',
        `a user may have at most ${MAX_DELIVERED_FACTORS} delivered factors`,
      );
    }
    const retryAfterMs = sendRetryAfterMs(current.enrollmentSends, nowMs, d.enrollmentLimits);
    if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
    // SMS pumping: an account reaches at most so many destinations it has not proven in a day.
    const counted = noteUnverified(
      d.engine.hasher,
      userId,
      historyOf(current),
      request.channel,
      request.destination,
      nowMs,
      d.config.maxUnverifiedDestinationsPerDay,
    );
    if ('retryAfterMs' in counted)
      return { result: { ok: false, reason: 'rate-limited', retryAfterMs: counted.retryAfterMs } };
    const code = codes(codeDigits(request.channel));
    const pending = pendingFactor(d, userId, request, code, nowMs);
    const expiresAt = pending.code!.expiresAt;
    // At most one pending delivered factor: beginning again replaces the earlier one.
    const index = current.factors.findIndex(isPendingDelivered);
    const replaced = index < 0 ? undefined : { factor: current.factors[index]!, index };
    const message = {
      kind: 'code' as const,
      purpose: 'enrollment' as const,
      channel: request.channel,
      destination: request.destination,
      userId,
      factorId: request.factorId,
      expiresAt,
      code,
    };
    const event = {
      type: 'code-sent' as const,
      userId,
      at: nowMs,
      factorId: request.factorId,
      channel: request.channel,
      purpose: 'enrollment' as const,
    };
    const send: PlannedSend = {
      messages: [{ message, unverified: true, event }],
      undo: (latest) => undoEnrollment(latest, request.factorId, replaced, nowMs, counted),
      // A record this call created goes again when nothing else is left in it.
      ...(state === null ? { afterUndo: () => deleteIfBlank(d, userId) } : {}),
    };
    const result: BeginDeliveredEnrollmentResult = {
      ok: true,
      factorId: request.factorId,
      channel: request.channel,
      maskedDestination: maskDestination(request.channel, request.destination),
      expiresAt,
    };
    const factors = [...current.factors.filter((_, i) => i !== index), pending];
    const enrollmentSends = recordSend(current.enrollmentSends, nowMs, d.enrollmentLimits);
    return { result, next: { ...current, factors, enrollmentSends, sendHistory: counted.history }, send };
  });
}

/** Nothing left of a record this operation created: it may be deleted again. */
function isBlank(state: RecordState): boolean {
  const { throttle } = state;
  return (
    state.factors.length === 0 &&
    state.backupCodes === null &&
    state.devices.length === 0 &&
    state.enrollmentSends.length === 0 &&
    state.sendHistory === undefined &&
    throttle.failures === 0 &&
    throttle.lockedUntil === 0 &&
    throttle.hardLockedAt === null
  );
}

async function deleteIfBlank(d: DeliveredEngine, userId: string): Promise<void> {
  const { record, state } = await d.engine.load(userId);
  if (record !== null && state !== null && isBlank(state)) {
    await d.engine.storeCall(() => d.engine.store.delete(userId, record.version));
  }
}

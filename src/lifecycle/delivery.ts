// The lifecycle operations of delivered factors: enrolling a destination, sending codes,
// approval requests and their answers. Each runs on the shared compare-and-set loop; what a
// delivered factor is and how its codes are checked lives in factors/delivered.ts.
//
// Order of a send: the new code (or approval) and the send are written first, with
// compare-and-set, and only then handed to `deliver`; if `deliver` fails, a second write undoes
// exactly that send. Written first, because the resend limits are decided on the record: of two
// parallel sendCode calls, one wins the write and delivers, the other re-reads and is refused
// by the cooldown; delivering first would let every parallel caller send before one of them
// lost the race (an attacker's 100 parallel requests would be 100 SMS). The cost is a window in
// which a code is stored before it is delivered (nobody knows it yet: harmless), and, if the
// store fails while undoing, a send that stays counted without having gone out: the limits
// then err towards fewer messages, never more.
import { FactorkitError } from '../errors/index.js';
import type { TwoFactorStore } from '../stores/index.js';
import { MAX_NAME_LENGTH, checkDisplayText, checkId, checkOptions, checkUserId, newFactorId } from './args.js';
import type { TwoFactorEvent } from './events.js';
import {
  type ActiveDeliveredFactor,
  type Approval,
  type ApprovalAnswer,
  type DeliveredFactor,
  type PendingDeliveredFactor,
  approvalStatusOf,
  approvalTokenMatches,
  carriesApprovals,
  codeDigits,
  defaultDeliveredName,
  destinationBytes,
  destinationText,
  generateDigits,
  isDeliveryChannel,
  issueCode,
  liveApprovals,
  maskDestination,
  newApproval,
  newApprovalIds,
  nextSendChannel,
  normalizeDestination,
  parseApprovalToken,
  purposeOf,
  recordSend,
  sendRetryAfterMs,
  unrecordSend,
} from './factors/delivered.js';
import type { Factor } from './factors/index.js';
import type { ResolvedOptions } from './options.js';
import { corrupt } from './parse.js';
import { type RecordState, activeFactors, emptyState, replaceFactor } from './state.js';
import { lockRefusal } from './throttle.js';
import type { RecordAccess } from './transact.js';
import type {
  ApprovalAnswerOptions,
  ApprovalAnswerResult,
  ApprovalStatusResult,
  BeginDeliveredEnrollmentOptions,
  BeginDeliveredEnrollmentResult,
  DeliveryMessage,
  RequestApprovalOptions,
  RequestApprovalResult,
  SendCodeOptions,
  SendCodeResult,
} from './types.js';

/** Active delivered factors per user (documented on beginEnrollment). */
export const MAX_DELIVERED_FACTORS = 10;

/** A factor that is not a voice call: what a voice factor needs beside it. */
function isVoice(factor: Factor): boolean {
  return factor.type === 'delivered' && factor.channel === 'voice';
}

export function hasActiveNonVoiceFactor(state: RecordState): boolean {
  return activeFactors(state).some((factor) => !isVoice(factor));
}

/** VOICE_FALLBACK_ONLY for a voice factor on an account with no active factor that is not voice. */
export function checkVoiceAllowed(channel: string, state: RecordState): void {
  if (channel === 'voice' && !hasActiveNonVoiceFactor(state)) {
    throw new FactorkitError(
      'VOICE_FALLBACK_ONLY',
      'a voice factor is a fallback only: the account needs an active factor that is not voice first',
    );
  }
}

/** The factors once voice factors are gone, when no active factor that is not voice is left: voice is a fallback only. */
export function withoutOrphanedVoice(state: RecordState): { state: RecordState; removed: Factor[] } {
  if (hasActiveNonVoiceFactor(state)) return { state, removed: [] };
  const removed = state.factors.filter(isVoice);
  if (removed.length === 0) return { state, removed };
  return { state: { ...state, factors: state.factors.filter((factor) => !isVoice(factor)) }, removed };
}

/** Nothing left of a record this operation created: it may be deleted again. */
function isBlank(state: RecordState): boolean {
  const { throttle } = state;
  return (
    state.factors.length === 0 &&
    state.backupCodes === null &&
    state.devices.length === 0 &&
    state.enrollmentSends.length === 0 &&
    throttle.failures === 0 &&
    throttle.lockedUntil === 0 &&
    throttle.hardLockedAt === null
  );
}

/** Codes made once per call, whatever the number of retries of its write: one per length. */
function codesOnce(): (digits: number) => string {
  const made = new Map<number, string>();
  return (digits) => {
    let code = made.get(digits);
    if (code === undefined) {
      code = generateDigits(digits);
      made.set(digits, code);
    }
    return code;
  };
}

export interface DeliveryOperations {
  beginDeliveredEnrollment(
    userId: string,
    options: BeginDeliveredEnrollmentOptions,
  ): Promise<BeginDeliveredEnrollmentResult>;
  sendCode(userId: string, options: SendCodeOptions): Promise<SendCodeResult>;
  requestApproval(userId: string, options: RequestApprovalOptions): Promise<RequestApprovalResult>;
  answer(token: string, answer: ApprovalAnswer, options?: ApprovalAnswerOptions): Promise<ApprovalAnswerResult>;
  approvalStatus(userId: string, challengeId: string): Promise<ApprovalStatusResult>;
  /** The destination of a factor in clear (opened with the keyring). */
  destinationOf(userId: string, factor: DeliveredFactor): Promise<string>;
}

export function deliveryOperations(
  options: ResolvedOptions,
  access: RecordAccess,
  store: TwoFactorStore,
): DeliveryOperations {
  const { sealer, hasher, delivery, warn } = options;
  const { transact, load, storeCall, emit } = access;
  const limits = { resendCooldownMs: delivery.resendCooldownMs, maxSendsPerHour: delivery.maxSendsPerHour };
  // Codes to destinations being enrolled: the account's hourly cap only (a new destination has no cooldown yet).
  const enrollmentLimits = { resendCooldownMs: 0, maxSendsPerHour: delivery.maxSendsPerHour };

  function requireDeliver(): (message: DeliveryMessage) => Promise<void> {
    if (options.deliver === undefined) {
      throw new FactorkitError(
        'DELIVERY_NOT_CONFIGURED',
        'delivered factors need a deliver callback: pass deliver to createTwoFactor',
      );
    }
    return options.deliver;
  }

  async function destinationOf(userId: string, factor: DeliveredFactor): Promise<string> {
    const bytes = await sealer.open(userId, factor.destination);
    const text = destinationText(userId, bytes);
    bytes.fill(0);
    return text;
  }

  /**
   * Hands `message` to `deliver`. On failure, runs `undo` (the write that takes the send back)
   * and throws DELIVERY_FAILED with the callback's error as the cause. The message of the
   * error names the channel, never the code, the tokens or the destination.
   */
  async function handOver(
    deliver: (message: DeliveryMessage) => Promise<void>,
    message: DeliveryMessage,
    undo: () => Promise<void>,
  ): Promise<void> {
    try {
      await deliver(message);
    } catch (error) {
      let undone = true;
      try {
        await undo();
      } catch {
        undone = false;
        warn(`factorkit: deliver failed and undoing the ${message.kind} send failed too; it stays counted`);
      }
      throw new FactorkitError(
        'DELIVERY_FAILED',
        `deliver failed for a ${message.kind} over '${message.channel}'; ` +
          (undone ? 'nothing was written or counted' : 'the send could not be undone and stays counted'),
        { cause: error },
      );
    }
  }

  /** Undoes a change to a record this call created: when nothing else is left in it, it goes again. */
  async function deleteIfBlank(userId: string): Promise<void> {
    const { record, state } = await load(userId);
    if (record !== null && state !== null && isBlank(state)) {
      await storeCall(() => store.delete(userId, record.version));
    }
  }

  return {
    destinationOf,

    async beginDeliveredEnrollment(userId, enrollOptions) {
      checkUserId(userId);
      const given = checkOptions('options', enrollOptions);
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
      const factorName =
        name === undefined ? defaultDeliveredName(channel) : checkDisplayText('name', name, MAX_NAME_LENGTH);
      const deliver = requireDeliver();
      const sealed = await sealer.seal(userId, destinationBytes(normalized));
      const factorId = newFactorId();
      const codes = codesOnce();
      const sent: {
        value?: { nowMs: number; code: string; expiresAt: number; replaced?: Factor; index: number; created: boolean };
      } = {};
      const result = await transact<BeginDeliveredEnrollmentResult>(userId, async (state, nowMs) => {
        sent.value = undefined;
        const current = state ?? emptyState();
        // Sends are refused while the account is locked: their codes could not be checked anyway.
        const locked = lockRefusal(current.throttle, nowMs);
        if (locked !== undefined) return { result: locked };
        checkVoiceAllowed(channel, current);
        if (activeFactors(current).filter((f) => f.type === 'delivered').length >= MAX_DELIVERED_FACTORS) {
          throw new FactorkitError(
            'TOO_MANY_FACTORS',
            `a user may have at most ${MAX_DELIVERED_FACTORS} delivered factors`,
          );
        }
        const retryAfterMs = sendRetryAfterMs(current.enrollmentSends, nowMs, enrollmentLimits);
        if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
        const pendingUntil = nowMs + options.enrollmentTtlMs;
        const expiresAt = Math.min(nowMs + delivery.codeTtlMs, pendingUntil);
        const code = codes(codeDigits(channel));
        const base: PendingDeliveredFactor = {
          type: 'delivered',
          id: factorId,
          name: factorName,
          createdAt: nowMs,
          lastUsedAt: null,
          channel,
          destination: sealed,
          code: null,
          sends: [nowMs],
          callsWithoutSuccess: channel === 'voice' ? 1 : 0,
          state: 'pending',
          expiresAt: pendingUntil,
        };
        const pending: PendingDeliveredFactor = {
          ...base,
          code: issueCode(hasher, userId, base, channel, code, expiresAt, delivery.maxAttemptsPerCode),
        };
        // At most one pending delivered factor: beginning again replaces the earlier one.
        const index = current.factors.findIndex((f) => f.type === 'delivered' && f.state === 'pending');
        const replaced = index < 0 ? undefined : current.factors[index];
        const factors = [...current.factors.filter((_, i) => i !== index), pending];
        sent.value = { nowMs, code, expiresAt, index, created: state === null, ...(replaced ? { replaced } : {}) };
        return {
          result: { ok: true, factorId, channel, maskedDestination: maskDestination(channel, normalized), expiresAt },
          next: {
            ...current,
            factors,
            enrollmentSends: recordSend(current.enrollmentSends, nowMs, delivery.maxSendsPerHour),
          },
        };
      });
      const committed = sent.value;
      if (!result.ok || committed === undefined) return result;
      const message: DeliveryMessage = {
        kind: 'code',
        purpose: 'enrollment',
        channel,
        destination: normalized,
        userId,
        factorId,
        expiresAt: committed.expiresAt,
        code: committed.code,
      };
      await handOver(deliver, message, async () => {
        await transact<void>(userId, async (state) => {
          if (state === null || !state.factors.some((f) => f.id === factorId)) return { result: undefined };
          const factors = state.factors.filter((f) => f.id !== factorId);
          const { replaced } = committed;
          if (
            replaced !== undefined &&
            !factors.some((f) => f.id === replaced.id || (f.type === 'delivered' && f.state === 'pending'))
          ) {
            factors.splice(Math.min(committed.index, factors.length), 0, replaced);
          }
          const enrollmentSends = unrecordSend(state.enrollmentSends, committed.nowMs);
          return { result: undefined, next: { ...state, factors, enrollmentSends } };
        });
        if (committed.created) await deleteIfBlank(userId);
      });
      await emit([{ type: 'code-sent', userId, at: committed.nowMs, factorId, channel, purpose: 'enrollment' }]);
      return result;
    },

    async sendCode(userId, sendOptions) {
      checkUserId(userId);
      const { factorId } = checkOptions('options', sendOptions);
      checkId('factorId', factorId);
      const deliver = requireDeliver();
      const codes = codesOnce();
      const sent: {
        value?: {
          previous: DeliveredFactor;
          issuedHash: string;
          nowMs: number;
          message: Extract<DeliveryMessage, { kind: 'code' }>;
        };
      } = {};
      const result = await transact<SendCodeResult>(userId, async (state, nowMs) => {
        sent.value = undefined;
        if (state === null || state.factors.length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
        const factor = state.factors.find((f): f is DeliveredFactor => f.id === factorId && f.type === 'delivered');
        if (factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
        if (factor.state === 'pending' && nowMs >= factor.expiresAt)
          return { result: { ok: false, reason: 'expired' } };
        const locked = lockRefusal(state.throttle, nowMs);
        if (locked !== undefined) return { result: locked };
        const pending = factor.state === 'pending';
        const retryAfterMs = Math.max(
          sendRetryAfterMs(factor.sends, nowMs, limits),
          pending ? sendRetryAfterMs(state.enrollmentSends, nowMs, enrollmentLimits) : 0,
        );
        if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
        const channel = nextSendChannel(factor, delivery.voiceCallsBeforeSms);
        const code = codes(codeDigits(channel));
        const expiresAt = Math.min(nowMs + delivery.codeTtlMs, pending ? factor.expiresAt : Number.POSITIVE_INFINITY);
        // Opened before anything is written: a destination that does not open fails the call whole.
        const destination = await destinationOf(userId, factor);
        const issued = issueCode(hasher, userId, factor, channel, code, expiresAt, delivery.maxAttemptsPerCode);
        const updated: DeliveredFactor = {
          ...factor,
          code: issued,
          sends: recordSend(factor.sends, nowMs, delivery.maxSendsPerHour),
          callsWithoutSuccess: channel === 'voice' ? factor.callsWithoutSuccess + 1 : factor.callsWithoutSuccess,
        };
        const next = replaceFactor(state, updated);
        if (pending) next.enrollmentSends = recordSend(state.enrollmentSends, nowMs, delivery.maxSendsPerHour);
        const purpose = purposeOf(factor);
        sent.value = {
          previous: factor,
          issuedHash: issued.hash,
          nowMs,
          message: { kind: 'code', purpose, channel, destination, userId, factorId, expiresAt, code },
        };
        return { result: { ok: true, expiresAt, channel }, next };
      });
      const committed = sent.value;
      if (!result.ok || committed === undefined) return result;
      const { previous, issuedHash, nowMs, message } = committed;
      await handOver(deliver, message, async () => {
        await transact<void>(userId, async (state) => {
          const factor = state?.factors.find((f) => f.id === factorId);
          if (state === null || factor === undefined || factor.type !== 'delivered') return { result: undefined };
          // The code is put back to the one it replaced only while it is still this call's and live.
          const ours = factor.code?.state === 'live' && factor.code.hash === issuedHash;
          const restored: DeliveredFactor = {
            ...factor,
            ...(ours ? { code: previous.code, callsWithoutSuccess: previous.callsWithoutSuccess } : {}),
            sends: unrecordSend(factor.sends, nowMs),
          };
          const next = replaceFactor(state, restored);
          if (previous.state === 'pending') next.enrollmentSends = unrecordSend(state.enrollmentSends, nowMs);
          return { result: undefined, next };
        });
      });
      await emit([
        { type: 'code-sent', userId, at: nowMs, factorId, channel: message.channel, purpose: message.purpose },
      ]);
      return result;
    },

    async requestApproval(userId, requestOptions) {
      checkUserId(userId);
      const { factorId } = checkOptions('options', requestOptions);
      checkId('factorId', factorId);
      const deliver = requireDeliver();
      const ids = newApprovalIds();
      const sent: {
        value?: {
          previous: ActiveDeliveredFactor;
          nowMs: number;
          message: Extract<DeliveryMessage, { kind: 'approval' }>;
        };
      } = {};
      const result = await transact<RequestApprovalResult>(userId, async (state, nowMs) => {
        sent.value = undefined;
        if (state === null || activeFactors(state).length === 0)
          return { result: { ok: false, reason: 'not-enrolled' } };
        const factor = activeFactors(state).find(
          (f): f is ActiveDeliveredFactor => f.id === factorId && f.type === 'delivered',
        );
        if (factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
        if (!carriesApprovals(factor.channel)) {
          throw new FactorkitError('INVALID_ARGUMENT', `approval requests cannot go over '${factor.channel}'`);
        }
        const locked = lockRefusal(state.throttle, nowMs);
        if (locked !== undefined) return { result: locked };
        const retryAfterMs = sendRetryAfterMs(factor.sends, nowMs, limits);
        if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
        const destination = await destinationOf(userId, factor);
        const made = newApproval(hasher, userId, factorId, ids, nowMs, delivery.approvalTtlMs);
        const updated: ActiveDeliveredFactor = {
          ...factor,
          approvals: [...liveApprovals(factor.approvals, nowMs, 1), made.approval],
          sends: recordSend(factor.sends, nowMs, delivery.maxSendsPerHour),
        };
        const { expiresAt } = made.approval;
        sent.value = {
          previous: factor,
          nowMs,
          message: {
            kind: 'approval',
            channel: factor.channel,
            destination,
            userId,
            factorId,
            expiresAt,
            challengeId: ids.challengeId,
            approveToken: made.approveToken,
            denyToken: made.denyToken,
            shortApproveToken: made.shortApproveToken,
            shortDenyToken: made.shortDenyToken,
          },
        };
        return { result: { ok: true, challengeId: ids.challengeId, expiresAt }, next: replaceFactor(state, updated) };
      });
      const committed = sent.value;
      if (!result.ok || committed === undefined) return result;
      const { previous, nowMs, message } = committed;
      await handOver(deliver, message, async () => {
        await transact<void>(userId, async (state) => {
          const factor = state?.factors.find((f) => f.id === factorId);
          if (state === null || factor === undefined || factor.type !== 'delivered' || factor.state !== 'active') {
            return { result: undefined };
          }
          const kept = factor.approvals.filter((a) => a.id !== ids.challengeId);
          // The requests this one pushed out of the list come back, in their order.
          const dropped = previous.approvals.filter((a) => !factor.approvals.some((k) => k.id === a.id));
          const approvals: Approval[] = [...dropped, ...kept].sort((a, b) => a.createdAt - b.createdAt);
          const restored: ActiveDeliveredFactor = { ...factor, approvals, sends: unrecordSend(factor.sends, nowMs) };
          return { result: undefined, next: replaceFactor(state, restored) };
        });
      });
      await emit([{ type: 'approval-requested', userId, at: nowMs, factorId, challengeId: ids.challengeId }]);
      return result;
    },

    async answer(token, answer, options) {
      if (typeof token !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'token must be a string');
      const answeringFor = options === undefined ? undefined : checkPlainOptions(options).userId;
      if (answeringFor !== undefined) checkUserId(answeringFor);
      const parsed = parseApprovalToken(token, answeringFor as string | undefined);
      if (parsed === undefined) return { ok: false, reason: 'invalid' };
      const { userId, challengeId, secret } = parsed;
      return transact<ApprovalAnswerResult>(userId, async (state, nowMs) => {
        const found = state === null ? undefined : findApproval(state, challengeId);
        // Nothing about the request is told before the token is shown to be its own.
        if (
          state === null ||
          found === undefined ||
          !approvalTokenMatches(hasher, userId, found.factor.id, found.approval, answer, secret)
        ) {
          return { result: { ok: false, reason: 'invalid' } };
        }
        const { factor, approval } = found;
        if (approval.state !== 'pending') return { result: { ok: false, reason: 'answered' } };
        if (nowMs >= approval.expiresAt) return { result: { ok: false, reason: 'expired' } };
        const answered: Approval = {
          ...approval,
          state: answer === 'approve' ? 'approved' : 'denied',
          answeredAt: nowMs,
          proof: secret,
        };
        const updated: ActiveDeliveredFactor = {
          ...factor,
          approvals: factor.approvals.map((a) => (a.id === challengeId ? answered : a)),
        };
        const event: TwoFactorEvent = {
          type: 'approval-answered',
          userId,
          at: nowMs,
          factorId: factor.id,
          challengeId,
          answer: answer === 'approve' ? 'approved' : 'denied',
        };
        return { result: { ok: true }, next: replaceFactor(state, updated), events: [event] };
      });
    },

    async approvalStatus(userId, challengeId) {
      checkUserId(userId);
      checkId('challengeId', challengeId);
      return transact<ApprovalStatusResult>(userId, async (state, nowMs) => {
        const found = state === null ? undefined : findApproval(state, challengeId);
        const status = approvalStatusOf(found?.approval, nowMs);
        if (status !== 'approved' || state === null || found === undefined) return { result: { status } };
        const { factor, approval } = found;
        // An approval is taken only with the secret of the approve token that gave it: a
        // record edited to read 'approved' has none, and signs nobody in.
        if (
          approval.state !== 'approved' ||
          !approvalTokenMatches(hasher, userId, factor.id, approval, 'approve', approval.proof)
        ) {
          throw corrupt(userId, "an approval's answer does not match its token");
        }
        // Read once: this read signs a session in, every later one reads expired.
        const { proof: _spent, ...rest } = approval;
        const consumed: Approval = { ...rest, state: 'consumed' };
        const updated: ActiveDeliveredFactor = {
          ...factor,
          lastUsedAt: nowMs,
          approvals: factor.approvals.map((a) => (a.id === challengeId ? consumed : a)),
        };
        return { result: { status: 'approved' }, next: replaceFactor(state, updated) };
      });
    },
  };
}

/** The approval of that id on an active delivered factor of the record. */
function findApproval(
  state: RecordState,
  challengeId: string,
): { factor: ActiveDeliveredFactor; approval: Approval } | undefined {
  for (const factor of activeFactors(state)) {
    if (factor.type !== 'delivered') continue;
    const approval = factor.approvals.find((a) => a.id === challengeId);
    if (approval !== undefined) return { factor, approval };
  }
  return undefined;
}

/**
 * The options of approve / deny, all of whose fields are optional: anything but a plain object
 * (an array, a typed array, a Map) is a mistake that would otherwise pass as "no user named".
 */
function checkPlainOptions(value: unknown): Record<string, unknown> {
  const options = checkOptions('options', value);
  const prototype = Object.getPrototypeOf(options);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options must be a plain object');
  }
  return options;
}

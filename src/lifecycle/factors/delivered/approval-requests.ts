// Approval requests: asked for on an active delivered factor (written, then delivered: send.ts),
// answered once with a token from the message, and picked up once by the waiting sign-in page.
import { FactorkitError } from '../../../errors/index.js';
import type { TwoFactorEvent } from '../../kernel/events.js';
import { checkId, checkOptions, checkUserId } from '../../kernel/args.js';
import { corrupt } from '../../kernel/parse.js';
import { type RecordState, activeFactors, replaceFactor } from '../../kernel/record.js';
import {
  type ActiveDeliveredFactor,
  type Approval,
  type ApprovalAnswer,
  approvalStatusOf,
  approvalTokenMatches,
  carriesApprovals,
  liveApprovals,
  newApproval,
  newApprovalIds,
  parseApprovalToken,
  recordSend,
  sendRetryAfterMs,
  unrecordSend,
} from './record.js';
import { type DeliveredEngine, type SendDecision, destinationOf, writeThenDeliver } from './send.js';
import type {
  ApprovalAnswerOptions,
  ApprovalAnswerResult,
  ApprovalStatusResult,
  RequestApprovalOptions,
  RequestApprovalResult,
} from './types.js';

type Ids = ReturnType<typeof newApprovalIds>;

/** The active delivered factor of that id. */
function activeDelivered(state: RecordState, factorId: string): ActiveDeliveredFactor | undefined {
  const factor = activeFactors(state).find((f) => f.id === factorId && f.type === 'delivered');
  return factor as ActiveDeliveredFactor | undefined;
}

/** Takes a request back: it goes, and the requests it pushed out of the list come back in order. */
function undoRequest(
  state: RecordState | null,
  previous: ActiveDeliveredFactor,
  challengeId: string,
  sentAt: number,
): RecordState | undefined {
  const factor = state === null ? undefined : activeDelivered(state, previous.id);
  if (state === null || factor === undefined) return undefined;
  const kept = factor.approvals.filter((a) => a.id !== challengeId);
  const dropped = previous.approvals.filter((a) => !factor.approvals.some((k) => k.id === a.id));
  const approvals: Approval[] = [...dropped, ...kept].sort((a, b) => a.createdAt - b.createdAt);
  return replaceFactor(state, { ...factor, approvals, sends: unrecordSend(factor.sends, sentAt) });
}

/** The request decided for `factor` at `nowMs`: the approval written, the message to deliver. */
async function decideRequest(
  d: DeliveredEngine,
  userId: string,
  state: RecordState,
  factor: ActiveDeliveredFactor,
  ids: Ids,
  nowMs: number,
): Promise<SendDecision<RequestApprovalResult>> {
  const destination = await destinationOf(d.engine.context(userId, nowMs), factor);
  const made = newApproval(d.engine.hasher, userId, factor.id, ids, nowMs, d.config.approvalTtlMs);
  const updated: ActiveDeliveredFactor = {
    ...factor,
    approvals: [...liveApprovals(factor.approvals, nowMs, 1), made.approval],
    sends: recordSend(factor.sends, nowMs, d.config.maxSendsPerHour),
  };
  const { expiresAt } = made.approval;
  const { challengeId } = ids;
  const { approveToken, denyToken, shortApproveToken, shortDenyToken } = made;
  return {
    result: { ok: true, challengeId, expiresAt },
    next: replaceFactor(state, updated),
    send: {
      message: {
        kind: 'approval',
        channel: factor.channel,
        destination,
        userId,
        factorId: factor.id,
        expiresAt,
        challengeId,
        approveToken,
        denyToken,
        shortApproveToken,
        shortDenyToken,
      },
      undo: (latest) => undoRequest(latest, factor, challengeId, nowMs),
      events: [{ type: 'approval-requested', userId, at: nowMs, factorId: factor.id, challengeId }],
    },
  };
}

/** Asks the user to approve a sign-in on an active delivered factor that can carry buttons. */
export async function requestApproval(
  d: DeliveredEngine,
  userId: string,
  options: RequestApprovalOptions,
): Promise<RequestApprovalResult> {
  checkUserId(userId);
  const { factorId } = checkOptions('options', options);
  checkId('factorId', factorId);
  const ids = newApprovalIds();
  return writeThenDeliver(d, userId, async (state, nowMs): Promise<SendDecision<RequestApprovalResult>> => {
    if (state === null || activeFactors(state).length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    const factor = activeDelivered(state, factorId);
    if (factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
    if (!carriesApprovals(factor.channel)) {
      throw new FactorkitError('INVALID_ARGUMENT', `approval requests cannot go over '${factor.channel}'`);
    }
    const locked = d.engine.lockRefusal(state, nowMs);
    if (locked !== undefined) return { result: locked };
    const retryAfterMs = sendRetryAfterMs(factor.sends, nowMs, d.limits);
    if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
    return decideRequest(d, userId, state, factor, ids, nowMs);
  });
}

/** Approves or denies with a token of an approval message; only one answer is ever taken. */
export async function answerApproval(
  d: DeliveredEngine,
  token: string,
  answer: ApprovalAnswer,
  options?: ApprovalAnswerOptions,
): Promise<ApprovalAnswerResult> {
  if (typeof token !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'token must be a string');
  const answeringFor = options === undefined ? undefined : checkPlainOptions(options).userId;
  if (answeringFor !== undefined) checkUserId(answeringFor);
  const parsed = parseApprovalToken(token, answeringFor as string | undefined);
  if (parsed === undefined) return { ok: false, reason: 'invalid' };
  const { userId, challengeId, secret } = parsed;
  const { hasher } = d.engine;
  return d.engine.transact<ApprovalAnswerResult>(userId, async (state, nowMs) => {
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
    const outcome = answer === 'approve' ? 'approved' : 'denied';
    const answered: Approval = { ...approval, state: outcome, answeredAt: nowMs, proof: secret };
    const approvals = factor.approvals.map((a) => (a.id === challengeId ? answered : a));
    const event: TwoFactorEvent = {
      type: 'approval-answered',
      userId,
      at: nowMs,
      factorId: factor.id,
      challengeId,
      answer: outcome,
    };
    return { result: { ok: true }, next: replaceFactor(state, { ...factor, approvals }), events: [event] };
  });
}

/** What the waiting sign-in page polls; `approved` is told once, and that read consumes it. */
export async function approvalStatus(
  d: DeliveredEngine,
  userId: string,
  challengeId: string,
): Promise<ApprovalStatusResult> {
  checkUserId(userId);
  checkId('challengeId', challengeId);
  return d.engine.transact<ApprovalStatusResult>(userId, async (state, nowMs) => {
    const found = state === null ? undefined : findApproval(state, challengeId);
    const status = approvalStatusOf(found?.approval, nowMs);
    if (status !== 'approved' || state === null || found === undefined) return { result: { status } };
    const { factor, approval } = found;
    // An approval is taken only with the secret of the approve token that gave it: a
    // record edited to read 'approved' has none, and signs nobody in.
    if (
      approval.state !== 'approved' ||
      !approvalTokenMatches(d.engine.hasher, userId, factor.id, approval, 'approve', approval.proof)
    ) {
      throw corrupt(userId, "an approval's answer does not match its token");
    }
    // Read once: this read signs a session in, every later one reads expired.
    const { proof: _spent, ...rest } = approval;
    const consumed: Approval = { ...rest, state: 'consumed' };
    const approvals = factor.approvals.map((a) => (a.id === challengeId ? consumed : a));
    return { result: { status: 'approved' }, next: replaceFactor(state, { ...factor, lastUsedAt: nowMs, approvals }) };
  });
}

/** The approval of that id on an active delivered factor of the record. */
function findApproval(
  state: RecordState,
  challengeId: string,
): { factor: ActiveDeliveredFactor; approval: Approval } | undefined {
  for (const factor of activeFactors(state)) {
    if (factor.type !== 'delivered') continue;
    const delivered = factor as ActiveDeliveredFactor;
    const approval = delivered.approvals.find((a) => a.id === challengeId);
    if (approval !== undefined) return { factor: delivered, approval };
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

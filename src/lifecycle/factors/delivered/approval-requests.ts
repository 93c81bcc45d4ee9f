// Approval requests: asked for on one active delivered factor or on every one that carries
// them (one challenge, one count towards the account's limits: limits.ts), written, then
// delivered (send.ts); answered once, on any of its factors, with a token from the message and
// the number the sign-in page shows; picked up once by the waiting sign-in page.
import { FactorkitError } from '../../../errors/index.js';
import type { TwoFactorEvent } from '../../kernel/events.js';
import { checkId, checkOptions, checkUserId, isStorableUserId } from '../../kernel/args.js';
import { corrupt } from '../../kernel/parse.js';
import { type Outcome, type RecordState, activeFactors, replaceFactor } from '../../kernel/record.js';
import { approvalRetryAfterMs, historyOf, recordApproval, settleApproval, unrecordApproval } from './limits.js';
import {
  type ActiveDeliveredFactor,
  type Approval,
  type ApprovalAnswer,
  type ApprovalIds,
  approvalStatusOf,
  approvalTokenMatches,
  carriesApprovals,
  fansOutTo,
  liveApprovals,
  matchNumberMatches,
  newApproval,
  newApprovalIds,
  parseApprovalToken,
} from './record.js';
import {
  type DeliveredEngine,
  type PlannedMessage,
  type SendDecision,
  destinationOf,
  writeThenDeliver,
} from './send.js';
import type {
  ApprovalAnswerOptions,
  ApprovalAnswerResult,
  ApprovalStatusResult,
  RequestApprovalOptions,
  RequestApprovalResult,
} from './types.js';

/** The active delivered factor of that id. */
function activeDelivered(state: RecordState, factorId: string): ActiveDeliveredFactor | undefined {
  const factor = activeFactors(state).find((f) => f.id === factorId && f.type === 'delivered');
  return factor as ActiveDeliveredFactor | undefined;
}

/**
 * The factors a request goes to: the one named, or every active one that carries approvals and
 * is not e-mail (not an out-of-band authenticator: NIST SP 800-63B-4); undefined when none.
 */
function targetsOf(state: RecordState, factorId: string | undefined): ActiveDeliveredFactor[] | undefined {
  if (factorId !== undefined) {
    const factor = activeDelivered(state, factorId);
    if (factor !== undefined && !carriesApprovals(factor.channel)) {
      throw new FactorkitError('INVALID_ARGUMENT', `approval requests cannot go over '${factor.channel}'`);
    }
    return factor === undefined ? undefined : [factor];
  }
  const all = activeFactors(state)
    .filter((f) => f.type === 'delivered')
    .map((f) => f as ActiveDeliveredFactor)
    .filter((f) => fansOutTo(f.channel));
  return all.length === 0 ? undefined : all;
}

/** Takes a request back from every factor it went to; the requests it pushed out come back. */
function undoRequest(state: RecordState | null, previous: RecordState, challengeId: string): RecordState | undefined {
  if (state === null) return undefined;
  let next = state;
  for (const before of previous.factors) {
    const factor = activeDelivered(next, before.id);
    if (factor === undefined || before.type !== 'delivered' || before.state !== 'active') continue;
    const earlier = (before as ActiveDeliveredFactor).approvals;
    const kept = factor.approvals.filter((a) => a.id !== challengeId);
    const dropped = earlier.filter((a) => !factor.approvals.some((k) => k.id === a.id));
    const approvals: Approval[] = [...dropped, ...kept].sort((a, b) => a.createdAt - b.createdAt);
    next = replaceFactor(next, { ...factor, approvals });
  }
  return { ...next, sendHistory: unrecordApproval(historyOf(next), challengeId) };
}

/** The request decided at `nowMs`: one approval per target written, one message each. */
async function decideRequest(
  d: DeliveredEngine,
  userId: string,
  state: RecordState,
  targets: ActiveDeliveredFactor[],
  ids: ApprovalIds,
  nowMs: number,
): Promise<SendDecision<RequestApprovalResult>> {
  const ctx = d.engine.context(userId, nowMs);
  const { challengeId, matchNumber, matchChoices } = ids;
  const expiresAt = nowMs + d.config.approvalTtlMs;
  let next: RecordState = { ...state, sendHistory: recordApproval(historyOf(state), challengeId, nowMs) };
  const messages: PlannedMessage[] = [];
  for (const factor of targets) {
    const destination = await destinationOf(ctx, factor);
    const made = newApproval(d.engine.hasher, userId, factor.id, ids, nowMs, d.config.approvalTtlMs);
    next = replaceFactor(next, { ...factor, approvals: [...liveApprovals(factor.approvals, nowMs, 1), made.approval] });
    const { approveToken, denyToken, shortApproveToken, shortDenyToken } = made;
    messages.push({
      message: {
        kind: 'approval',
        channel: factor.channel,
        destination,
        userId,
        factorId: factor.id,
        expiresAt,
        challengeId,
        matchChoices: [...matchChoices],
        approveToken,
        denyToken,
        shortApproveToken,
        shortDenyToken,
      },
      unverified: false,
      event: { type: 'approval-requested', userId, at: nowMs, factorId: factor.id, challengeId },
    });
  }
  return {
    result: { ok: true, challengeId, matchNumber, factorIds: targets.map((f) => f.id), expiresAt },
    next,
    send: { messages, undo: (latest) => undoRequest(latest, state, challengeId) },
  };
}

/**
 * Asks the user to approve a sign-in: on one active delivered factor that can carry buttons, or
 * without `factorId` on every such factor at once (one challenge, one count towards the limits).
 */
export async function requestApproval(
  d: DeliveredEngine,
  userId: string,
  options?: RequestApprovalOptions,
): Promise<RequestApprovalResult> {
  checkUserId(userId);
  const { factorId } = options === undefined ? {} : checkPlainOptions(options);
  if (factorId !== undefined) checkId('factorId', factorId);
  const ids = newApprovalIds();
  return writeThenDeliver(d, userId, async (state, nowMs): Promise<SendDecision<RequestApprovalResult>> => {
    if (state === null || activeFactors(state).length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    const targets = targetsOf(state, factorId as string | undefined);
    if (targets === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
    const locked = d.engine.lockRefusal(state, nowMs);
    if (locked !== undefined) return { result: locked };
    const retryAfterMs = approvalRetryAfterMs(state, nowMs, d.config);
    if (retryAfterMs > 0) return { result: { ok: false, reason: 'rate-limited', retryAfterMs } };
    return decideRequest(d, userId, state, targets, ids, nowMs);
  });
}

/** The copy of the request whose token this is, and what answering with it decides. */
function decideAnswer(
  d: DeliveredEngine,
  state: RecordState,
  parsed: { userId: string; challengeId: string; secret: string },
  answer: ApprovalAnswer,
  matchNumber: string | undefined,
  nowMs: number,
): Outcome<ApprovalAnswerResult> {
  const { userId, challengeId, secret } = parsed;
  const { hasher } = d.engine;
  // Nothing about the request is told before the token is shown to be its own.
  const found = copiesOf(state, challengeId).find((copy) =>
    approvalTokenMatches(hasher, userId, copy.factor.id, copy.approval, answer, secret),
  );
  if (found === undefined) return { result: { ok: false, reason: 'invalid' } };
  const { factor, approval } = found;
  if (approval.state !== 'pending') return { result: { ok: false, reason: 'answered' } };
  if (nowMs >= approval.expiresAt) return { result: { ok: false, reason: 'expired' } };
  // Number matching: an approval without the number the sign-in page shows is a denial.
  const wrongNumber = answer === 'approve' && !matchNumberMatches(hasher, userId, approval, matchNumber);
  const outcome = answer === 'approve' && !wrongNumber ? 'approved' : 'denied';
  let next: RecordState = { ...state, sendHistory: settleApproval(historyOf(state), challengeId, outcome) };
  // The first answer on any factor decides: the other factors' copies die with it.
  for (const copy of copiesOf(state, challengeId)) {
    const answered: Approval =
      copy.factor.id === factor.id
        ? { ...approval, state: outcome, answeredAt: nowMs, proof: secret }
        : { ...copy.approval, state: 'consumed', answeredAt: nowMs };
    const current = activeDelivered(next, copy.factor.id)!;
    next = replaceFactor(next, {
      ...current,
      approvals: current.approvals.map((a) => (a.id === challengeId ? answered : a)),
    });
  }
  const event: TwoFactorEvent = {
    type: 'approval-answered',
    userId,
    at: nowMs,
    factorId: factor.id,
    challengeId,
    answer: outcome,
    ...(wrongNumber ? { wrongNumber: true } : {}),
  };
  return { result: wrongNumber ? { ok: false, reason: 'wrong-number' } : { ok: true }, next, events: [event] };
}

/** Approves or denies with a token of an approval message; only one answer is ever taken. */
export async function answerApproval(
  d: DeliveredEngine,
  token: string,
  answer: ApprovalAnswer,
  options?: ApprovalAnswerOptions,
): Promise<ApprovalAnswerResult> {
  if (typeof token !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'token must be a string');
  const given = options === undefined ? {} : checkPlainOptions(options);
  const answeringFor = given.userId;
  if (answeringFor !== undefined) checkUserId(answeringFor);
  const { matchNumber } = given;
  if (matchNumber !== undefined && typeof matchNumber !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'matchNumber must be a string when given');
  }
  const parsed = parseApprovalToken(token, answeringFor as string | undefined);
  // A crafted token whose user part no store can hold (U+0000, a lone surrogate) is a wrong
  // token, answered as one: never a STORE_ERROR from an unauthenticated webhook (E9).
  if (parsed === undefined || !isStorableUserId(parsed.userId)) return { ok: false, reason: 'invalid' };
  return d.engine.transact<ApprovalAnswerResult>(parsed.userId, async (state, nowMs) =>
    state === null
      ? { result: { ok: false, reason: 'invalid' } }
      : decideAnswer(d, state, parsed, answer, matchNumber, nowMs),
  );
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
    // A hard lock stops every way in (E7): an approval asked for before it, and even answered,
    // signs nobody in while it lasts. Nothing is consumed, so unlocking does not revive it
    // either: the request expires as it would have.
    if (state !== null && state.throttle.hardLockedAt !== null) return { result: { status: 'hard-locked' } };
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

/** Every factor's copy of the request of that id (one per factor it went to). */
function copiesOf(state: RecordState, challengeId: string): { factor: ActiveDeliveredFactor; approval: Approval }[] {
  const copies: { factor: ActiveDeliveredFactor; approval: Approval }[] = [];
  for (const factor of activeFactors(state)) {
    if (factor.type !== 'delivered') continue;
    const delivered = factor as ActiveDeliveredFactor;
    const approval = delivered.approvals.find((a) => a.id === challengeId);
    if (approval !== undefined) copies.push({ factor: delivered, approval });
  }
  return copies;
}

/** The copy that tells where the request stands: the answered one, else one still pending. */
function findApproval(
  state: RecordState,
  challengeId: string,
): { factor: ActiveDeliveredFactor; approval: Approval } | undefined {
  const copies = copiesOf(state, challengeId);
  return (
    copies.find((c) => c.approval.state === 'approved' || c.approval.state === 'denied') ??
    copies.find((c) => c.approval.state === 'pending') ??
    copies[0]
  );
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

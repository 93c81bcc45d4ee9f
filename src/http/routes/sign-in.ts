// The second step of a sign-in, for a browser holding a pending ticket and no session yet:
// start it (after the app's password check), show it, prove a factor, and on success redeem the
// ticket once and let the app establish its session.
import type { Body } from '../body.js';
import { optionalString, proofOf } from '../body.js';
import { isRemembered, rememberThisDevice } from '../device.js';
import type { Env } from '../env.js';
import { json, mergeHeaders } from '../respond.js';
import { type PendingTicket, lifecycleTicket, newTicket, openTicket, sealTicket } from '../ticket.js';
import type { FactorView, StartSignInResult } from '../types.js';

async function activeFactors<Ctx>(env: Env<Ctx>, userId: string): Promise<FactorView[]> {
  return (await env.twoFactor.listFactors(userId)).filter((factor) => factor.status === 'active');
}

/**
 * `Set-Cookie` deletions of what this browser holds of a sign-in (the pending ticket, the step-up
 * grant), for a sign-in that starts again or ends: a grant proved in one session must not hold in
 * the next, whoever signs in then. The remembered device stays: it is meant to outlive sessions.
 */
export function signInLeftovers<Ctx>(
  env: Env<Ctx>,
  request: Request,
  kinds: readonly ('pending' | 'step-up')[] = ['pending', 'step-up'],
): Headers {
  const headers = new Headers();
  for (const kind of kinds) {
    if (env.jar.read(request, kind) !== undefined) headers.append('set-cookie', env.jar.clear(kind));
  }
  return headers;
}

/** The app's session for `userId`, with the pending ticket and any step-up grant cleared: the answer's headers. */
async function establish<Ctx>(env: Env<Ctx>, request: Request, ctx: Ctx, userId: string): Promise<Headers> {
  const given = await env.session.establish(userId, request, ctx);
  const headers = mergeHeaders(new Headers(), given === undefined ? undefined : given);
  return mergeHeaders(headers, signInLeftovers(env, request));
}

export async function startSignIn<Ctx>(
  env: Env<Ctx>,
  request: Request,
  userId: string,
  ctx: Ctx,
): Promise<StartSignInResult> {
  const factors = await activeFactors(env, userId);
  if (factors.length === 0 || (await isRemembered(env, request, userId))) {
    return { status: 'signed-in', headers: await establish(env, request, ctx, userId) };
  }
  const types = [...new Set(factors.map((factor) => factor.type))];
  const ticket = newTicket(userId, types, env.now(), env.ticketTtlMs);
  const cookie = env.jar.set('pending', await sealTicket(env.sealer, ticket), env.ticketTtlMs / 1000);
  // A grant left from an earlier session of this browser goes now, not at the second step.
  const headers = mergeHeaders(new Headers({ 'set-cookie': cookie }), signInLeftovers(env, request, ['step-up']));
  return {
    status: 'second-step',
    headers,
    factors,
    expiresAt: ticket.expiresAt,
  };
}

/** A user without a 2FA record (2FA turned off since the password step) holds no valid ticket. */
function ticketRefusal(reason: 'ticket-used' | 'ticket-expired' | 'not-enrolled'): { reason: string } {
  return { reason: reason === 'not-enrolled' ? 'ticket-invalid' : reason };
}

/** The request's pending ticket, in date and not yet redeemed, or the failure to answer. */
async function pendingTicket<Ctx>(env: Env<Ctx>, request: Request): Promise<PendingTicket | Response> {
  const opened = await openTicket(env.sealer, env.jar.read(request, 'pending'), env.now());
  if (!opened.ok) return env.fail(request, opened);
  const usable = await env.twoFactor.checkSignInTicket(opened.ticket.userId, lifecycleTicket(opened.ticket));
  if (!usable.ok) return env.fail(request, ticketRefusal(usable.reason));
  return opened.ticket;
}

/** Redeems the ticket (once, whatever runs in parallel), signs the user in and maybe remembers the browser. */
async function complete<Ctx>(
  env: Env<Ctx>,
  request: Request,
  ctx: Ctx,
  ticket: PendingTicket,
  answer: Record<string, unknown>,
  remember = false,
): Promise<Response> {
  const redeemed = await env.twoFactor.redeemSignInTicket(ticket.userId, lifecycleTicket(ticket));
  if (!redeemed.ok) return env.fail(request, ticketRefusal(redeemed.reason));
  const headers = await establish(env, request, ctx, ticket.userId);
  const cookie = remember ? await rememberThisDevice(env, request, ticket.userId) : undefined;
  if (cookie !== undefined) headers.append('set-cookie', cookie);
  return json(answer, 200, headers);
}

/** What was typed, for the message's wording: the factor's type, or a backup code by its shape. */
function methodOf(ticket: PendingTicket, proof: unknown, factorType: string | undefined): string | undefined {
  if (factorType !== undefined) return factorType;
  if (typeof proof !== 'string') return undefined;
  if (!/^[\d\s]+$/.test(proof)) return 'backup';
  return ticket.factors.length === 1 ? ticket.factors[0] : undefined;
}

type SignInRoute = <Ctx>(
  env: Env<Ctx>,
  request: Request,
  ctx: Ctx,
  ticket: PendingTicket,
  body: Body,
) => Promise<Response>;

const show: SignInRoute = async (env, _request, _ctx, ticket) =>
  json({ ok: true, factors: await activeFactors(env, ticket.userId), expiresAt: ticket.expiresAt });

const verify: SignInRoute = async (env, request, ctx, ticket, body) => {
  const proof = proofOf(body);
  const factorId = optionalString(body, 'factorId');
  const remember = body.rememberDevice;
  if (proof === undefined || factorId === null || (remember !== undefined && typeof remember !== 'boolean')) {
    return env.fail(request, { reason: 'bad-request' });
  }
  const verified = await env.twoFactor.verify(ticket.userId, proof, factorId === undefined ? {} : { factorId });
  if (!verified.ok) {
    // The wrong code that reached the hard lock is answered `invalid`: say the lock now, not after the right code.
    if (verified.reason === 'invalid' && (await env.twoFactor.throttleStatus(ticket.userId)).hardLocked) {
      return env.fail(request, { reason: 'hard-locked' });
    }
    const type =
      factorId === undefined
        ? undefined
        : (await activeFactors(env, ticket.userId)).find((f) => f.factorId === factorId)?.type;
    return env.fail(request, verified, methodOf(ticket, proof, type));
  }
  const answer = { ok: true, method: verified.method, factorId: verified.factorId };
  return complete(env, request, ctx, ticket, answer, remember === true);
};

const sendCode: SignInRoute = async (env, request, ctx, ticket, body) => {
  const factorId = optionalString(body, 'factorId');
  if (typeof factorId !== 'string') return env.fail(request, { reason: 'bad-request' });
  const trustedSession = (await env.trustedSignIn(ticket.userId, request, ctx)) === true;
  const sent = await env.twoFactor.sendCode(ticket.userId, { factorId, trustedSession });
  return sent.ok
    ? json({ ok: true, channel: sent.channel, expiresAt: sent.expiresAt })
    : env.fail(request, sent, 'delivered');
};

const webauthnOptions: SignInRoute = async (env, request, _ctx, ticket, body) => {
  const factorId = optionalString(body, 'factorId');
  if (factorId === null) return env.fail(request, { reason: 'bad-request' });
  if (env.twoFactor.requestAssertion === undefined) return env.fail(request, { reason: 'not-configured' });
  const asked = await env.twoFactor.requestAssertion(ticket.userId, factorId === undefined ? {} : { factorId });
  return asked.ok ? json(asked) : env.fail(request, asked as unknown as { reason: string });
};

const requestApproval: SignInRoute = async (env, request, _ctx, ticket, body) => {
  const factorId = optionalString(body, 'factorId');
  if (factorId === null) return env.fail(request, { reason: 'bad-request' });
  const asked = await env.twoFactor.requestApproval(ticket.userId, factorId === undefined ? {} : { factorId });
  if (!asked.ok) return env.fail(request, asked, 'approval');
  // The challenge is bound to this ticket: only the browser that asked may be signed in by its approval.
  const bound = { ...ticket, challengeId: asked.challengeId };
  const cookie = env.jar.set('pending', await sealTicket(env.sealer, bound), (ticket.expiresAt - env.now()) / 1000);
  const { challengeId, matchNumber, expiresAt } = asked;
  return json({ ok: true, challengeId, matchNumber, expiresAt }, 200, { 'set-cookie': cookie });
};

const approvalStatus: SignInRoute = async (env, request, ctx, ticket) => {
  const asked = new URL(request.url).searchParams.get('challengeId');
  if (ticket.challengeId === undefined || asked !== ticket.challengeId)
    return env.fail(request, { reason: 'bad-request' });
  const { status } = await env.twoFactor.approvalStatus(ticket.userId, ticket.challengeId);
  if (status !== 'approved') return json({ ok: true, status });
  return complete(env, request, ctx, ticket, { ok: true, status, method: 'approval' });
};

/** The sign-in routes, by method and path under basePath. */
export const signInRoutes: Record<string, SignInRoute> = {
  'GET /sign-in': show,
  'POST /sign-in/verify': verify,
  'POST /sign-in/send-code': sendCode,
  'POST /sign-in/webauthn-options': webauthnOptions,
  'POST /sign-in/approval': requestApproval,
  'GET /sign-in/approval': approvalStatus,
};

/** Runs a sign-in route: the pending ticket first, then the body of a POST. */
export async function runSignInRoute<Ctx>(
  route: SignInRoute,
  env: Env<Ctx>,
  request: Request,
  ctx: Ctx,
): Promise<Response> {
  const ticket = await pendingTicket(env, request);
  if (ticket instanceof Response) return ticket;
  const body = request.method === 'POST' ? await env.body(request) : {};
  if (body === undefined) return env.fail(request, { reason: 'bad-request' });
  return route(env, request, ctx, ticket, body);
}

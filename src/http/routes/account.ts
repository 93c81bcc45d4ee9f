// The settings of a signed-in user (session.currentUserId): status, enrollment, backup codes,
// turning 2FA off, step-up, factors and remembered devices. Every change that makes other
// sessions stale (2FA on, a factor added or removed, new backup codes, 2FA off) calls
// session.endOtherSessions once.
import { renderQrSvg } from '../../qr/index.js';
import { type Body, optionalString, proofOf } from '../body.js';
import type { Env } from '../env.js';
import { json } from '../respond.js';
import { sealGrant } from '../step-up.js';

type AccountRoute = <Ctx>(env: Env<Ctx>, request: Request, ctx: Ctx, userId: string, body: Body) => Promise<Response>;

const badRequest = <Ctx>(env: Env<Ctx>, request: Request) => env.fail(request, { reason: 'bad-request' });

const status: AccountRoute = async (env, _request, _ctx, userId) => {
  const [state, factors, remainingBackupCodes, rememberedDevices] = await Promise.all([
    env.twoFactor.status(userId),
    env.twoFactor.listFactors(userId),
    env.twoFactor.remainingBackupCodes(userId),
    env.twoFactor.listRememberedDevices(userId),
  ]);
  return json({ ok: true, enabled: state === 'activated', factors, remainingBackupCodes, rememberedDevices });
};

const beginEnrollment: AccountRoute = async (env, request, _ctx, userId, body) => {
  const name = optionalString(body, 'name');
  if (typeof body.type !== 'string' || name === null) return badRequest(env, request);
  if (body.type === 'totp') {
    const account = await env.accountName(userId, request);
    const begun = await env.twoFactor.beginEnrollment(userId, { account, ...(name === undefined ? {} : { name }) });
    const { factorId, uri, manualKey, expiresAt } = begun;
    return json({ ok: true, factorId, uri, manualKey, qrSvg: renderQrSvg(uri), expiresAt });
  }
  // Another factor type's module takes its own options (a destination, a WebAuthn kind) and checks them.
  const begun = (await env.twoFactor.beginEnrollment(userId, { ...body, type: body.type })) as Record<string, unknown>;
  return begun.ok === false ? env.fail(request, begun as { reason: string }) : json({ ok: true, ...begun });
};

/** Calls endOtherSessions after a change that succeeded, then answers. */
async function afterChange<Ctx>(env: Env<Ctx>, request: Request, ctx: Ctx, userId: string, answer: object) {
  await env.session.endOtherSessions(userId, request, ctx);
  return json(answer);
}

const confirmEnrollment: AccountRoute = async (env, request, ctx, userId, body) => {
  const proof = proofOf(body);
  const factorId = optionalString(body, 'factorId');
  const currentCode = body.currentCode === undefined ? undefined : proofOf(body, 'currentCode');
  if (
    proof === undefined ||
    typeof factorId !== 'string' ||
    (body.currentCode !== undefined && currentCode === undefined)
  ) {
    return badRequest(env, request);
  }
  const options = { factorId, ...(currentCode === undefined ? {} : { currentCode }) };
  const confirmed = await env.twoFactor.confirmEnrollment(userId, proof, options);
  if (!confirmed.ok) return env.fail(request, confirmed, await typeOf(env, userId, factorId));
  return afterChange(env, request, ctx, userId, { ok: true, factorId, backupCodes: confirmed.backupCodes });
};

async function typeOf<Ctx>(env: Env<Ctx>, userId: string, factorId: string): Promise<string | undefined> {
  return (await env.twoFactor.listFactors(userId)).find((factor) => factor.factorId === factorId)?.type;
}

/** A route whose body is one proof and which the lifecycle answers with `{ ok }`. */
function provenChange(
  call: <Ctx>(
    env: Env<Ctx>,
    userId: string,
    proof: NonNullable<ReturnType<typeof proofOf>>,
  ) => Promise<{ ok: boolean }>,
): AccountRoute {
  return async (env, request, ctx, userId, body) => {
    const proof = proofOf(body);
    if (proof === undefined) return badRequest(env, request);
    const result = await call(env, userId, proof);
    if (!result.ok) return env.fail(request, result as unknown as { reason: string });
    return afterChange(env, request, ctx, userId, result);
  };
}

const regenerate = provenChange((env, userId, proof) => env.twoFactor.regenerateBackupCodes(userId, proof));
const disable = provenChange((env, userId, proof) => env.twoFactor.disable(userId, proof));

const stepUp: AccountRoute = async (env, request, _ctx, userId, body) => {
  const proof = proofOf(body);
  const factorId = optionalString(body, 'factorId');
  if (proof === undefined || factorId === null) return badRequest(env, request);
  const proven = await env.twoFactor.stepUp(userId, proof, factorId === undefined ? {} : { factorId });
  if (!proven.ok) return env.fail(request, proven);
  const expiresAt = env.now() + env.stepUpTtlMs;
  const cookie = env.jar.set('step-up', await sealGrant(env.sealer, userId, expiresAt), env.stepUpTtlMs / 1000);
  const answer = { ok: true, method: proven.method, factorId: proven.factorId, strength: proven.strength, expiresAt };
  return json(answer, 200, { 'set-cookie': cookie });
};

const rename: AccountRoute = async (env, request, _ctx, userId, body) => {
  const factorId = optionalString(body, 'factorId');
  if (typeof factorId !== 'string' || typeof body.name !== 'string') return badRequest(env, request);
  const renamed = await env.twoFactor.renameFactor(userId, factorId, body.name);
  return renamed.ok ? json(renamed) : env.fail(request, renamed);
};

const remove: AccountRoute = async (env, request, ctx, userId, body) => {
  const factorId = optionalString(body, 'factorId');
  const proof = proofOf(body);
  if (typeof factorId !== 'string' || proof === undefined) return badRequest(env, request);
  const removed = await env.twoFactor.removeFactor(userId, factorId, proof);
  if (!removed.ok) return env.fail(request, removed);
  return afterChange(env, request, ctx, userId, removed);
};

const sendCode: AccountRoute = async (env, request, _ctx, userId, body) => {
  const factorId = optionalString(body, 'factorId');
  if (typeof factorId !== 'string') return badRequest(env, request);
  // A signed-in user's own request: counted apart, so a password thief cannot use up their sends.
  const sent = await env.twoFactor.sendCode(userId, { factorId, trustedSession: true });
  return sent.ok
    ? json({ ok: true, channel: sent.channel, expiresAt: sent.expiresAt })
    : env.fail(request, sent, 'delivered');
};

const webauthnOptions: AccountRoute = async (env, request, _ctx, userId, body) => {
  const factorId = optionalString(body, 'factorId');
  if (factorId === null) return badRequest(env, request);
  if (env.twoFactor.requestAssertion === undefined) return env.fail(request, { reason: 'not-configured' });
  const asked = await env.twoFactor.requestAssertion(userId, factorId === undefined ? {} : { factorId });
  return asked.ok ? json(asked) : env.fail(request, asked as unknown as { reason: string });
};

const devices: AccountRoute = async (env, _request, _ctx, userId) =>
  json({ ok: true, devices: await env.twoFactor.listRememberedDevices(userId) });

const forgetDevice: AccountRoute = async (env, request, _ctx, userId, body) => {
  const deviceId = optionalString(body, 'deviceId');
  if (typeof deviceId !== 'string') return badRequest(env, request);
  const forgotten = await env.twoFactor.forgetDevice(userId, deviceId);
  if (!forgotten.ok) return env.fail(request, forgotten);
  // Forgetting this very browser also drops its cookie (the token starts with the device id).
  const own = env.jar.read(request, 'device')?.startsWith(`${deviceId}.`) === true;
  return json({ ok: true }, 200, own ? { 'set-cookie': env.jar.clear('device') } : undefined);
};

/** The account routes, by method and path under basePath. */
export const accountRoutes: Record<string, AccountRoute> = {
  'GET /status': status,
  'POST /enrollment/begin': beginEnrollment,
  'POST /enrollment/confirm': confirmEnrollment,
  'POST /backup-codes/regenerate': regenerate,
  'POST /disable': disable,
  'POST /step-up': stepUp,
  'POST /factors/rename': rename,
  'POST /factors/remove': remove,
  'POST /send-code': sendCode,
  'POST /webauthn-options': webauthnOptions,
  'GET /devices': devices,
  'POST /devices/forget': forgetDevice,
};

/** Runs an account route: the signed-in user first, then the body of a POST. */
export async function runAccountRoute<Ctx>(
  route: AccountRoute,
  env: Env<Ctx>,
  request: Request,
  ctx: Ctx,
): Promise<Response> {
  const userId = await env.session.currentUserId(request, ctx);
  if (typeof userId !== 'string' || userId === '') return env.fail(request, { reason: 'not-signed-in' });
  const body = request.method === 'POST' ? await env.body(request) : {};
  if (body === undefined) return badRequest(env, request);
  return route(env, request, ctx, userId, body);
}

// What every route shares: the options checked once, the cookies, the sealer, and the helpers
// that turn a lifecycle result into an answer.
import { FactorkitError, isFactorkitError } from '../errors/index.js';
import type { TwoFactor } from '../lifecycle/index.js';
import type { MessageOverrides } from '../messages/index.js';
import { type Body, readBody } from './body.js';
import { type CookieJar, cookieJar } from './cookies.js';
import { checkOrigins, csrfCheck } from './csrf.js';
import { type Failing, failure } from './respond.js';
import { type CookieSealer, cookieSealer } from './sealed.js';
import type { CsrfResult, SecondStepOptions, SessionCallbacks } from './types.js';

const MINUTE = 60_000;
const DAY = 24 * 3600_000;

/** The WebAuthn module's operation the sign-in routes use, when the app registered it. */
type Assertion = {
  requestAssertion?(userId: string, options?: { factorId?: string }): Promise<{ ok: boolean; [key: string]: unknown }>;
};

export interface Env<Ctx> {
  twoFactor: TwoFactor & Assertion;
  session: SessionCallbacks<Ctx>;
  basePath: string;
  jar: CookieJar;
  sealer: CookieSealer;
  csrf: (request: Request) => CsrfResult;
  now: () => number;
  ticketTtlMs: number;
  deviceTtlMs: number;
  stepUpTtlMs: number;
  overrides: MessageOverrides | undefined;
  trustedSignIn(userId: string, request: Request, ctx: Ctx): boolean | Promise<boolean>;
  /** The account name an authenticator app shows beside the issuer. */
  accountName(userId: string, request: Request): string | Promise<string>;
  /** A failure answer in the request's language. */
  fail(request: Request, result: Failing, method?: string, headers?: HeadersInit): Response;
  /** The JSON body, or undefined when it is not a JSON object. */
  body(request: Request): Promise<Body | undefined>;
}

function duration(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} is out of range`);
  }
  return value;
}

function checkBasePath(basePath: unknown): string {
  if (basePath === undefined) return '/2fa';
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    throw new FactorkitError('INVALID_ARGUMENT', "basePath must be a path such as '/2fa' (no trailing slash)");
  }
  return basePath;
}

function checkSession<Ctx>(session: unknown): SessionCallbacks<Ctx> {
  const s = session as Partial<SessionCallbacks<Ctx>> | undefined;
  if (
    typeof s?.currentUserId !== 'function' ||
    typeof s.establish !== 'function' ||
    typeof s.endOtherSessions !== 'function'
  ) {
    throw new FactorkitError('INVALID_ARGUMENT', 'session must have currentUserId, establish and endOtherSessions');
  }
  return s as SessionCallbacks<Ctx>;
}

// A colon, a control character, a lone surrogate or edge whitespace cannot be in a Key URI
// label, and every user id the stores accept (1 to 255 characters) must be able to enroll.
const NOT_IN_LABEL = /[:\p{Cc}\p{Cs}]/gu;

/** The default account name: the user id, with what a Key URI label cannot carry made a space. */
function defaultAccountName(userId: string): string {
  return userId.replace(NOT_IN_LABEL, ' ').trim() || 'account';
}

/** The options checked where they are given, so a mistake fails at start-up, not at a user's first sign-in. */
export function createEnv<Ctx>(options: SecondStepOptions<Ctx>): Env<Ctx> {
  if (typeof options?.twoFactor?.verify !== 'function' || typeof options.twoFactor.redeemSignInTicket !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'twoFactor must be the object createTwoFactor returned');
  }
  const overrides = options.messages;
  if (options.trustedSignIn !== undefined && typeof options.trustedSignIn !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'trustedSignIn must be a function when given');
  }
  return {
    twoFactor: options.twoFactor,
    session: checkSession(options.session),
    basePath: checkBasePath(options.basePath),
    jar: cookieJar(options.cookies?.secure !== false),
    sealer: cookieSealer(options.keyring),
    csrf: csrfCheck(checkOrigins(options.origins)),
    now: options.now ?? Date.now,
    ticketTtlMs: duration('ticketTtlMs', options.ticketTtlMs, 10 * MINUTE, MINUTE, 60 * MINUTE),
    deviceTtlMs: duration('rememberDeviceDays', options.rememberDeviceDays, 30, 1, 400) * DAY,
    stepUpTtlMs: duration('stepUpTtlMs', options.stepUpTtlMs, 10 * MINUTE, MINUTE, 60 * MINUTE),
    overrides,
    accountName: options.accountName ?? defaultAccountName,
    trustedSignIn: options.trustedSignIn ?? (() => false),
    fail: (request, result, method, headers) => failure(request, result, { overrides, method, headers }),
    body: readBody,
  };
}

/**
 * Runs a lifecycle call, answering its argument errors (a name too long, an id of the wrong
 * shape, a factor type without its module) as typed failures instead of a 500.
 */
export async function guarded(request: Request, env: Env<unknown>, call: () => Promise<Response>): Promise<Response> {
  try {
    return await call();
  } catch (error) {
    if (isFactorkitError(error, 'INVALID_ARGUMENT')) return env.fail(request, { reason: 'bad-request' });
    if (isFactorkitError(error, 'DELIVERY_NOT_CONFIGURED')) return env.fail(request, { reason: 'not-configured' });
    // A factor name the user typed (blank, too long, a control character): answered as renameFactor answers it.
    if (isFactorkitError(error, 'INVALID_NAME')) return env.fail(request, { reason: 'invalid-name' });
    // A destination the channel cannot use, a voice factor with nothing else, one factor too many: the user's input.
    for (const code of ['INVALID_DESTINATION', 'VOICE_FALLBACK_ONLY', 'TOO_MANY_FACTORS'] as const) {
      if (isFactorkitError(error, code)) return env.fail(request, { reason: 'bad-request' });
    }
    throw error;
  }
}

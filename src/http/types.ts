// The public types of factorkit/http: what createSecondStep takes, what it returns, and the
// shapes of its answers.
import type { Keyring, TwoFactor } from '../lifecycle/index.js';
import type { MessageOverrides, WebReason } from '../messages/index.js';

/**
 * How factorkit/http reaches the app's own sessions: the app keeps its session store and its
 * user table; these three callbacks are all the handler needs of them.
 *
 * @example
 * ```ts
 * import type { SessionCallbacks } from 'factorkit/http';
 *
 * declare const sessions: { userOf(request: Request): string | undefined; create(userId: string): string; endOthers(userId: string): void };
 *
 * const session: SessionCallbacks = {
 *   currentUserId: (request) => sessions.userOf(request),
 *   establish: (userId) => ({ 'set-cookie': `sid=${sessions.create(userId)}; Path=/; HttpOnly; Secure; SameSite=Lax` }),
 *   endOtherSessions: (userId) => sessions.endOthers(userId),
 * };
 * ```
 */
export interface SessionCallbacks<Ctx = unknown> {
  /** Who is fully signed in (after the second step) on this request, or undefined. */
  currentUserId(request: Request, ctx: Ctx): string | undefined | Promise<string | undefined>;
  /**
   * The second step passed (or a remembered device skipped it): sign `userId` in with a NEW
   * session id (never the one from before the password step: session fixation). May return
   * headers to add to the response (`Set-Cookie`), or write them itself through `ctx`.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback that writes its cookies itself returns nothing.
  establish(userId: string, request: Request, ctx: Ctx): void | HeadersInit | Promise<void | HeadersInit>;
  /**
   * End every session of `userId` but this request's: called once after 2FA is turned on, a
   * factor is added or removed, backup codes are regenerated, or 2FA is turned off.
   */
  endOtherSessions(userId: string, request: Request, ctx: Ctx): void | Promise<void>;
}

/**
 * Options of {@link createSecondStep}.
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 * import type { SecondStepOptions } from 'factorkit/http';
 *
 * const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
 * const options: SecondStepOptions = {
 *   twoFactor: createTwoFactor({ store: new MemoryStore(), issuer: 'Example', keyring }),
 *   keyring,
 *   origins: ['https://app.example'],
 *   session: { currentUserId: () => undefined, establish: () => {}, endOtherSessions: () => {} },
 * };
 * ```
 */
export interface SecondStepOptions<Ctx = unknown> {
  /** The app's lifecycle, from `createTwoFactor` (with any factor modules). */
  twoFactor: TwoFactor;
  /** Seals the pending ticket and the step-up grant (an HKDF subkey of it per purpose, AES-256-GCM). */
  keyring: Keyring;
  /** The origins allowed to POST (CSRF), e.g. `['https://app.example']`: scheme, host and port, no path. */
  origins: readonly string[];
  /** Where the JSON routes live. Default `'/2fa'`. */
  basePath?: string;
  /** The app's sessions. */
  session: SessionCallbacks<Ctx>;
  /** `secure: false` only for development over http://: the cookies then lose `__Host-` and `Secure`. Default true. */
  cookies?: { secure?: boolean };
  /** How long the second step may take after the password step. Default 10 minutes (1 minute to 1 hour). */
  ticketTtlMs?: number;
  /** How long "remember this browser" lasts. Default 30 (1 to 400). */
  rememberDeviceDays?: number;
  /** How long a step-up grant lasts. Default 10 minutes (1 minute to 1 hour). */
  stepUpTtlMs?: number;
  /**
   * The account name an authenticator app shows beside the issuer for a new TOTP factor (the
   * user's e-mail address, say). Default: the user id, with a colon or a control character
   * (which a Key URI label cannot carry) shown as a space.
   */
  accountName?: (userId: string, request: Request) => string | Promise<string>;
  /** The app's own texts for factorkit/messages. */
  messages?: MessageOverrides;
  /**
   * Whether this browser may draw the second step's delivered codes from the lifecycle's
   * `trustedSession` allowance (it signed `userId` in before, say by a cookie of the app's), so
   * that someone with the password alone cannot use up the user's codes of the day. Default: never.
   */
  trustedSignIn?: (userId: string, request: Request, ctx: Ctx) => boolean | Promise<boolean>;
  /** The clock, in Unix ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * A public summary of a factor, as the JSON routes show it: no secret, no full destination.
 *
 * @example
 * ```ts
 * import type { FactorView } from 'factorkit/http';
 *
 * const factor: FactorView = { factorId: 'f_1', type: 'totp', name: 'Phone', status: 'active', createdAt: 0, lastUsedAt: null };
 * ```
 */
export type FactorView = Awaited<ReturnType<TwoFactor['listFactors']>>[number];

/**
 * What {@link SecondStep.startSignIn} answers after the app's password check. Copy `headers`
 * onto the app's response either way: they carry the session's (from `establish`) or the
 * pending ticket's `Set-Cookie`.
 *
 * @example
 * ```ts
 * import type { StartSignInResult } from 'factorkit/http';
 *
 * function next(started: StartSignInResult): string {
 *   return started.status === 'signed-in' ? '/' : '/sign-in/second-step';
 * }
 * ```
 */
export type StartSignInResult =
  | { status: 'signed-in'; headers: Headers }
  | { status: 'second-step'; headers: Headers; factors: FactorView[]; expiresAt: number };

/**
 * What {@link SecondStep.checkCsrf} answers.
 *
 * @example
 * ```ts
 * import type { CsrfResult } from 'factorkit/http';
 *
 * const refused: CsrfResult = { ok: false, reason: 'cross-origin' };
 * ```
 */
export type CsrfResult = { ok: true } | { ok: false; reason: 'cross-origin' };

/**
 * The reasons only the web half answers with, besides the lifecycle's own: `cross-origin`
 * (CSRF, 403), `ticket-invalid` / `ticket-expired` / `ticket-used` (the pending sign-in, 401),
 * `not-signed-in` (401), `step-up-required` (403), `bad-request` (400) and `not-configured`
 * (the factor type's module is not registered, 404).
 *
 * @example
 * ```ts
 * import type { HttpReason } from 'factorkit/http';
 *
 * const reason: HttpReason = 'ticket-used';
 * ```
 */
export type HttpReason = WebReason;

/**
 * The JSON body of every failed route: the reason (the lifecycle's or {@link HttpReason}), a
 * message in the request's language (factorkit/messages) and, when waiting helps, how long.
 *
 * @example
 * ```ts
 * import type { HttpFailure } from 'factorkit/http';
 *
 * const body: HttpFailure = { ok: false, reason: 'locked', message: 'Too many wrong codes. Wait 1 minute, then try again.', retryAfterMs: 60_000 };
 * ```
 */
export interface HttpFailure {
  ok: false;
  reason: string;
  message: string;
  retryAfterMs?: number;
}

/**
 * The web half of 2FA over Web standard `Request` / `Response`: made by {@link createSecondStep}.
 *
 * @example
 * ```ts
 * import type { SecondStep } from 'factorkit/http';
 *
 * async function onRequest(secondStep: SecondStep, request: Request): Promise<Response> {
 *   return (await secondStep.handle(request, undefined)) ?? new Response('Not found', { status: 404 });
 * }
 * ```
 */
export interface SecondStep<Ctx = unknown> {
  /** The path the JSON routes live under, as configured (`/2fa`). */
  readonly basePath: string;
  /**
   * Call after the app's own password check passed for `userId`. Without 2FA, or with a valid
   * remembered-device cookie, the user is signed in (`establish` is called); otherwise a pending
   * ticket is set in a cookie and the second step awaits.
   */
  startSignIn(request: Request, userId: string, ctx: Ctx): Promise<StartSignInResult>;
  /** Answers a JSON route under `basePath`; undefined for any other path (the adapter calls next()). */
  handle(request: Request, ctx: Ctx): Promise<Response | undefined>;
  /** Whether the request carries a live step-up grant of `userId` (for the app's own sensitive pages). */
  hasStepUp(request: Request, userId: string): Promise<boolean>;
  /** The CSRF check alone, for the app's own forms: `Sec-Fetch-Site`, then `Origin` against `origins`. */
  checkCsrf(request: Request): CsrfResult;
  /**
   * For the app's sign-out route: `Set-Cookie` deletions of the step-up grant and the pending
   * ticket this browser holds (none when it holds neither), to copy onto the response beside the
   * app's own session cookie. The remembered-device cookie stays. A new sign-in on the browser
   * clears them as well (`startSignIn`, and the session the second step establishes), so a grant
   * never outlives the session it was proved in, even where the app forgets this call.
   *
   * @example
   * ```ts
   * import type { SecondStep } from 'factorkit/http';
   *
   * function signOut(secondStep: SecondStep, request: Request): Response {
   *   const headers = secondStep.signOut(request);
   *   headers.append('set-cookie', 'sid=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
   *   headers.set('location', '/');
   *   return new Response(null, { status: 303, headers });
   * }
   * ```
   */
  signOut(request: Request): Headers;
}

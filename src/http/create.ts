// createSecondStep wires the web half: the options checked once, then a router over the JSON
// routes (sign-in with a pending ticket, account settings for a signed-in user) behind the CSRF
// check, and the calls the app makes itself (startSignIn, hasStepUp, checkCsrf).
import { type Env, createEnv, guarded } from './env.js';
import { accountRoutes, runAccountRoute } from './routes/account.js';
import { runSignInRoute, signInLeftovers, signInRoutes, startSignIn } from './routes/sign-in.js';
import { grantHolds } from './step-up.js';
import type { SecondStep, SecondStepOptions } from './types.js';

/** The route's key (`POST /sign-in/verify`) for a request under basePath, or undefined. */
function routeKey(env: Env<unknown>, request: Request): string | undefined {
  let path: string;
  try {
    path = new URL(request.url).pathname;
  } catch {
    return undefined;
  }
  if (!path.startsWith(`${env.basePath}/`)) return undefined;
  return `${request.method.toUpperCase()} ${path.slice(env.basePath.length).replace(/\/$/, '')}`;
}

async function handle<Ctx>(env: Env<Ctx>, request: Request, ctx: Ctx): Promise<Response | undefined> {
  const key = routeKey(env as Env<unknown>, request);
  if (key === undefined) return undefined;
  const signIn = signInRoutes[key];
  const account = accountRoutes[key];
  if (signIn === undefined && account === undefined) return undefined;
  const csrf = env.csrf(request);
  if (!csrf.ok) return env.fail(request, csrf);
  return guarded(request, env as Env<unknown>, () =>
    signIn !== undefined ? runSignInRoute(signIn, env, request, ctx) : runAccountRoute(account!, env, request, ctx),
  );
}

/**
 * The web half of 2FA on Web standard `Request` / `Response` (Node, Bun, Deno, workers): a
 * sealed, short-lived, single-use pending-sign-in ticket between the app's password check and
 * the second step; the remembered-device and step-up cookies; a CSRF check; and JSON routes
 * under `basePath` for every lifecycle call a browser makes. The app keeps its own sessions and
 * user table: `session` is how the handler calls back into them.
 *
 * @param options - see {@link SecondStepOptions}
 * @returns the {@link SecondStep}
 * @throws FactorkitError `INVALID_ARGUMENT` for bad options, `INVALID_KEYRING` for a bad keyring
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 * import { createSecondStep } from 'factorkit/http';
 *
 * const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example', keyring });
 * const secondStep = createSecondStep({
 *   twoFactor,
 *   keyring,
 *   origins: ['https://app.example'],
 *   session: {
 *     currentUserId: () => undefined,
 *     establish: (userId) => ({ 'set-cookie': `sid=${userId}-new-session; Path=/; HttpOnly; Secure; SameSite=Lax` }),
 *     endOtherSessions: () => {},
 *   },
 * });
 *
 * // In the app's password route, once the password is right:
 * const request = new Request('https://app.example/sign-in', { method: 'POST' });
 * const started = await secondStep.startSignIn(request, 'user-1', undefined);
 * console.log(started.status); // signed-in (user-1 has no 2FA)
 *
 * // Every other request first goes through the handler:
 * const answer = await secondStep.handle(new Request('https://app.example/2fa/status'), undefined);
 * console.log(answer?.status); // 401 (not signed in)
 * ```
 */
export function createSecondStep<Ctx = unknown>(options: SecondStepOptions<Ctx>): SecondStep<Ctx> {
  const env = createEnv(options);
  return {
    basePath: env.basePath,
    startSignIn: (request, userId, ctx) => startSignIn(env, request, userId, ctx),
    handle: (request, ctx) => handle(env, request, ctx),
    hasStepUp: (request, userId) => grantHolds(env.sealer, env.jar.read(request, 'step-up'), userId, env.now()),
    checkCsrf: (request) => env.csrf(request),
    signOut: (request) => signInLeftovers(env, request),
  };
}

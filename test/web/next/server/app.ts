// The minimal Next.js App Router app's server side: its own users and in-memory sessions
// (test/web/shared/accounts.ts), kept on globalThis because Next.js may load each route's
// module apart; the second step, whose session callbacks use `cookies()` from next/headers;
// and the app's own route handlers (app/**/route.js re-exports them).
import { cookies } from 'next/headers';
import { createSecondStep, type SecondStep } from 'factorkit/http';
import { withHeaders } from 'factorkit/next';
import {
  type Accounts,
  type AppClock,
  createAccounts,
  createClock,
  createLifecycle,
  credentialsOf,
  SESSION_COOKIE,
} from '../../shared/accounts.js';
import { HOME_PAGE, SECOND_STEP_PAGE } from '../../shared/pages.js';

interface State {
  accounts: Accounts;
  clock: AppClock;
  secondStep: SecondStep<undefined>;
}

const sessionId = async () => (await cookies()).get(SESSION_COOKIE)?.value;

function createState(): State {
  const clock = createClock();
  const accounts = createAccounts();
  const { twoFactor, keyring } = createLifecycle(clock);
  const secondStep = createSecondStep<undefined>({
    twoFactor,
    keyring,
    // The test starts `next start` with the origin the browser uses (Next's default port otherwise).
    origins: [process.env.APP_ORIGIN ?? 'http://localhost:3000'],
    now: clock.now,
    session: {
      currentUserId: async () => accounts.userOf(await sessionId()),
      // Next.js adds what cookies().set() sets to the route handler's response.
      establish: async (userId) => {
        const cookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } as const;
        (await cookies()).set(SESSION_COOKIE, accounts.startSession(userId), cookieOptions);
      },
      endOtherSessions: async (userId) => accounts.endOtherSessions(userId, await sessionId()),
    },
  });
  return { accounts, clock, secondStep };
}

const global = globalThis as { minimalNextApp?: State };
global.minimalNextApp ??= createState();
export const state: State = global.minimalNextApp;

const html = (page: string) => () => new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
export const homePage = html(HOME_PAGE);
export const secondStepPage = html(SECOND_STEP_PAGE);

const refuse = (status: number, reason: string, message: string) =>
  Response.json({ ok: false, reason, message }, { status });
const crossOrigin = () => refuse(403, 'cross-origin', 'This request came from another site.');

export async function me(): Promise<Response> {
  const userId = state.accounts.userOf(await sessionId());
  return userId === undefined ? refuse(401, 'not-signed-in', 'Sign in first.') : Response.json({ userId });
}

export async function register(request: Request): Promise<Response> {
  if (!state.secondStep.checkCsrf(request).ok) return crossOrigin();
  const credentials = credentialsOf(await request.json().catch(() => undefined));
  if (credentials === undefined || !state.accounts.register(credentials.username, credentials.password)) {
    return refuse(409, 'taken', 'Choose another username.');
  }
  // No second factor yet: startSignIn signs the new user straight in (establish).
  const started = await state.secondStep.startSignIn(request, credentials.username, undefined);
  return withHeaders(Response.json({ status: started.status }), started.headers);
}

export async function login(request: Request): Promise<Response> {
  if (!state.secondStep.checkCsrf(request).ok) return crossOrigin();
  const credentials = credentialsOf(await request.json().catch(() => undefined));
  if (credentials === undefined || !state.accounts.passwordIsRight(credentials.username, credentials.password)) {
    return refuse(401, 'wrong-password', 'Wrong username or password.');
  }
  const started = await state.secondStep.startSignIn(request, credentials.username, undefined);
  return withHeaders(Response.json({ status: started.status }), started.headers);
}

export async function logout(request: Request): Promise<Response> {
  if (!state.secondStep.checkCsrf(request).ok) return crossOrigin();
  state.accounts.endSession(await sessionId());
  (await cookies()).delete(SESSION_COOKIE);
  return Response.json({ ok: true });
}

/** The browser tests' hand on the clock: only when they started the app with a token, and only with it. */
export async function advanceClock(request: Request): Promise<Response> {
  const token = process.env.TEST_CLOCK_TOKEN;
  if (token === undefined || request.headers.get('x-test-clock-token') !== token)
    return new Response(null, { status: 404 });
  const { ms } = (await request.json()) as { ms: number };
  state.clock.advance(ms);
  return Response.json({ now: state.clock.now() });
}

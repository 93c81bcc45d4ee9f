// A minimal Fastify 5 app with 2FA through factorkit/fastify: its own users and in-memory
// sessions (test/web/shared/accounts.ts), its own register / sign-in / sign-out routes, and the
// second step's JSON routes under /2fa from the plugin. The browser tests start it in-process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { applyHeaders, type FastifyContext, fastifySecondStep, toWebRequest } from 'factorkit/fastify';
import { createSecondStep } from 'factorkit/http';
import {
  type AppClock,
  createAccounts,
  createClock,
  createLifecycle,
  credentialsOf,
  sessionCookie,
  sessionIdOf,
} from '../shared/accounts.js';
import type { RunningApp } from '../shared/browser-flows.js';
import { HOME_PAGE, SECOND_STEP_PAGE } from '../shared/pages.js';

const refuse = (reply: FastifyReply, status: number, reason: string, message: string) =>
  reply.code(status).send({ ok: false, reason, message });

/** Starts the app on a free loopback port; the browser reaches it as http://localhost:<port>. */
export async function startFastifyApp(clock: AppClock = createClock()): Promise<RunningApp> {
  // The server listens first: the second step's CSRF origins need its port.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;

  const accounts = createAccounts();
  const { twoFactor, keyring } = createLifecycle(clock);
  const secondStep = createSecondStep<FastifyContext>({
    twoFactor,
    keyring,
    origins: [origin],
    now: clock.now,
    session: {
      currentUserId: (request) => accounts.userOf(sessionIdOf(request)),
      establish: (userId) => ({ 'set-cookie': sessionCookie(accounts.startSession(userId)) }),
      endOtherSessions: (userId, request) => accounts.endOtherSessions(userId, sessionIdOf(request)),
    },
  });

  const app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
  await app.register(fastifySecondStep(secondStep));
  app.get('/', (_request, reply) => reply.type('text/html').send(HOME_PAGE));
  app.get('/second-step', (_request, reply) => reply.type('text/html').send(SECOND_STEP_PAGE));
  app.get('/me', (request, reply) => {
    const userId = accounts.userOf(sessionIdOf(toWebRequest(request)));
    return userId === undefined ? refuse(reply, 401, 'not-signed-in', 'Sign in first.') : { userId };
  });
  // The app's own forms get the same CSRF check as the second step's routes.
  const crossOrigin = (request: FastifyRequest) => !secondStep.checkCsrf(toWebRequest(request)).ok;
  const CROSS_ORIGIN = 'This request came from another site.';
  app.post('/register', async (request, reply) => {
    if (crossOrigin(request)) return refuse(reply, 403, 'cross-origin', CROSS_ORIGIN);
    const credentials = credentialsOf(request.body);
    if (credentials === undefined || !accounts.register(credentials.username, credentials.password)) {
      return refuse(reply, 409, 'taken', 'Choose another username.');
    }
    // No second factor yet: startSignIn signs the new user straight in (establish).
    const started = await secondStep.startSignIn(toWebRequest(request), credentials.username, { request, reply });
    applyHeaders(reply, started.headers);
    return { status: started.status };
  });
  app.post('/login', async (request, reply) => {
    if (crossOrigin(request)) return refuse(reply, 403, 'cross-origin', CROSS_ORIGIN);
    const credentials = credentialsOf(request.body);
    if (credentials === undefined || !accounts.passwordIsRight(credentials.username, credentials.password)) {
      return refuse(reply, 401, 'wrong-password', 'Wrong username or password.');
    }
    const started = await secondStep.startSignIn(toWebRequest(request), credentials.username, { request, reply });
    applyHeaders(reply, started.headers);
    return { status: started.status };
  });
  app.post('/logout', async (request, reply) => {
    if (crossOrigin(request)) return refuse(reply, 403, 'cross-origin', CROSS_ORIGIN);
    accounts.endSession(sessionIdOf(toWebRequest(request)));
    reply.header('set-cookie', sessionCookie(undefined));
    return { ok: true };
  });
  await app.ready();

  return {
    origin,
    advanceClock: async (ms) => clock.advance(ms),
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

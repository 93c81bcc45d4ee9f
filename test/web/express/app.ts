// A minimal Express 5 app with every 2FA flow, through factorkit/express: this file is its whole
// 2FA glue (the pages are examples/hono/pages.ts, the user table ./users.ts). The app keeps its
// own sessions (express-session) and users; factorkit/http calls back into them.
import express from 'express';
import session from 'express-session';
import { type Keyring, MemoryStore, createTwoFactor } from 'factorkit';
import { type DeliveryMessage, deliveredCodes } from 'factorkit/delivered';
import { type ExpressContext, applyHeaders, expressSecondStep, toWebRequest } from 'factorkit/express';
import { createSecondStep } from 'factorkit/http';
import { type UserFilter, accountPage, loginPage, secondStepPage, usersPage } from '../../../examples/hono/pages.js';
import type { UserTable } from './users.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

export interface ExpressAppOptions {
  /** The origin the browser uses, for the CSRF check (`http://127.0.0.1:3000`). */
  origin: string;
  keyring: Keyring;
  users: UserTable;
  /** Where the e-mails go: the tests read the codes there. */
  outbox: DeliveryMessage[];
  now?: () => number;
}

/** A new session id for the user (no fixation): the old session is dropped. */
const regenerate = (req: express.Request, userId: string) =>
  new Promise<void>((resolve, reject) =>
    req.session.regenerate((error) => {
      if (error) return reject(error);
      req.session.userId = userId;
      resolve();
    }),
  );

/** Destroys every session of `userId` in the store but `keep`. */
async function endOtherSessions(store: session.MemoryStore, userId: string, keep: string): Promise<void> {
  const all = await new Promise<Record<string, session.SessionData>>((resolve, reject) =>
    store.all((error, sessions) =>
      error ? reject(error) : resolve((sessions ?? {}) as Record<string, session.SessionData>),
    ),
  );
  const others = Object.keys(all).filter((id) => id !== keep && all[id]?.userId === userId);
  await Promise.all(others.map((id) => new Promise((resolve) => store.destroy(id, resolve))));
}

export function createExpressApp({ origin, keyring, users, outbox, now = Date.now }: ExpressAppOptions) {
  const sessions = new session.MemoryStore();
  const twoFactor = createTwoFactor({
    store: new MemoryStore(),
    issuer: 'Express demo',
    keyring,
    clock: now,
    backupCodes: { count: 5 },
    factors: [deliveredCodes({ deliver: async (message) => void outbox.push(message) })],
  });
  const secondStep = createSecondStep<ExpressContext>({
    twoFactor,
    keyring,
    origins: [origin],
    now,
    accountName: (userId) => users.byId(userId)?.name ?? userId,
    session: {
      currentUserId: (_request, { req }) => req.session.userId,
      establish: (userId, _request, { req }) => regenerate(req, userId),
      endOtherSessions: (userId, _request, { req }) => endOtherSessions(sessions, userId, req.sessionID),
    },
  });

  const app = express();
  // The app's session cookie is not Secure: express-session sends no Secure cookie over http://.
  const cookie = { httpOnly: true, sameSite: 'lax' as const };
  app.use(
    session({ name: 'app.sid', secret: 'test', store: sessions, resave: false, saveUninitialized: false, cookie }),
  );
  app.use(expressSecondStep(secondStep));
  // The app's own forms get the same CSRF check as the 2FA routes.
  app.use((req, res, next) => (secondStep.checkCsrf(toWebRequest(req)).ok ? next() : res.sendStatus(403)));
  app.use(express.urlencoded({ extended: false }));

  app.get('/login', (_req, res) => res.send(loginPage()));
  app.post('/login', async (req, res) => {
    const userId = await users.check(req.body.username, req.body.password);
    if (userId === undefined) return res.status(401).send(loginPage('Wrong user name or password.'));
    const started = await secondStep.startSignIn(toWebRequest(req), userId, { req, res });
    applyHeaders(res, started.headers);
    res.redirect(303, started.status === 'signed-in' ? '/' : '/second-step');
  });
  app.get('/second-step', (_req, res) => res.send(secondStepPage()));

  // Below: signed-in users only.
  app.use((req, res, next) => (req.session.userId === undefined ? res.redirect(303, '/login') : next()));
  app.get('/', (req, res) => res.send(accountPage(users.byId(req.session.userId!)!.name)));
  app.post('/logout', (req, res) => {
    applyHeaders(res, secondStep.signOut(toWebRequest(req))); // the step-up grant goes with the session
    req.session.destroy(() => res.redirect(303, '/login'));
  });
  app.get('/users', async (req, res) => {
    const filter = (
      ['activated', 'not-activated'].includes(String(req.query.filter)) ? req.query.filter : 'all'
    ) as UserFilter;
    const activated = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await twoFactor.listUsers({ status: 'activated', limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const user of page.users) activated.add(user.userId);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const shown = users.all().filter((user) => filter === 'all' || activated.has(user.id) === (filter === 'activated'));
    res.send(
      usersPage(
        filter,
        shown.map((user) => user.name),
      ),
    );
  });
  return { app, twoFactor };
}

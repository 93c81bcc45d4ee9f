// A minimal Hono app on PostgreSQL with every 2FA flow, through factorkit/hono: this file is its
// whole 2FA glue (the pages are ./pages.ts, the app's own users and sessions ./db.ts). The app
// keeps its sessions and users in its own tables; factorkit/http calls back into them.
import { type Keyring, createTwoFactor } from 'factorkit';
import { type DeliveryMessage, deliveredCodes } from 'factorkit/delivered';
import { applyHeaders, honoSecondStep, toWebRequest } from 'factorkit/hono';
import { createSecondStep } from 'factorkit/http';
import { PostgresStore } from 'factorkit/postgres';
import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type pg from 'pg';
import { type AppDatabase, type TableNames, appDatabase } from './db.js';
import { type UserFilter, accountPage, loginPage, secondStepPage, usersPage } from './pages.js';

export interface HonoAppOptions {
  pool: pg.Pool;
  tables: TableNames;
  /** The origin the browser uses, for the CSRF check (`https://app.example`). */
  origin: string;
  keyring: Keyring;
  /** Sends a code by e-mail (the tests keep it in an outbox). */
  deliver: (message: DeliveryMessage) => Promise<void>;
  now?: () => number;
  /** false only over http:// (`__Host-` cookies need a secure context; http://localhost is one). */
  secure?: boolean;
}

/** The app's user names, all or by 2FA status: its own user table joined onto factorkit's. */
async function usernames(pool: pg.Pool, tables: TableNames, filter: UserFilter): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT u.name FROM ${tables.users} u LEFT JOIN ${tables.twoFactor} t ON t.user_id = u.id
     WHERE $1 = 'all' OR (COALESCE(t.status, 'not-activated') = 'activated') = ($1 = 'activated') ORDER BY u.name`,
    [filter],
  );
  return rows.map((row) => row.name);
}

export async function createHonoApp(options: HonoAppOptions): Promise<{ app: Hono; db: AppDatabase }> {
  const { pool, tables, origin, keyring, deliver, now = Date.now, secure = true } = options;
  const db = appDatabase(pool, tables);
  const store = new PostgresStore({ client: pool, table: tables.twoFactor });
  await Promise.all([db.migrate(), store.migrate()]);
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Hono demo',
    keyring,
    clock: now,
    backupCodes: { count: 5 },
    factors: [deliveredCodes({ deliver })],
  });
  const sid = secure ? '__Host-sid' : 'sid';
  const sessionId = (c: Context) => getCookie(c, sid);
  const sessionCookie = (value: string, maxAge = '') =>
    `${sid}=${value}; Path=/; HttpOnly; SameSite=Lax${maxAge}${secure ? '; Secure' : ''}`;
  const secondStep = createSecondStep<Context>({
    twoFactor,
    keyring,
    origins: [origin],
    now,
    cookies: { secure },
    accountName: async (userId) => (await db.userName(userId)) ?? userId,
    session: {
      currentUserId: (_request, c) => db.sessionUser(sessionId(c)),
      async establish(userId, _request, c) {
        await db.endSession(sessionId(c)); // a new id after each step: no session fixation
        return { 'set-cookie': sessionCookie(await db.newSession(userId)) };
      },
      endOtherSessions: (userId, _request, c) => db.endOtherSessions(userId, sessionId(c)),
    },
  });

  const app = new Hono();
  app.use(honoSecondStep(secondStep));
  // The app's own forms get the same CSRF check as the 2FA routes.
  app.use(async (c, next) => {
    if (!secondStep.checkCsrf(c.req.raw).ok) return c.text('Forbidden', 403);
    await next();
  });

  app.get('/login', (c) => c.html(loginPage()));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const userId = await db.checkPassword(form.username, form.password);
    if (userId === undefined) return c.html(loginPage('Wrong user name or password.'), 401);
    const started = await secondStep.startSignIn(await toWebRequest(c), userId, c);
    applyHeaders(c, started.headers);
    return c.redirect(started.status === 'signed-in' ? '/' : '/second-step', 303);
  });
  app.get('/second-step', (c) => c.html(secondStepPage()));

  // Below: signed-in users only.
  app.use(async (c, next) => {
    if ((await db.sessionUser(sessionId(c))) === undefined) return c.redirect('/login', 303);
    await next();
  });
  app.get('/', async (c) => c.html(accountPage((await db.userName((await db.sessionUser(sessionId(c)))!))!)));
  app.post('/logout', async (c) => {
    await db.endSession(sessionId(c));
    applyHeaders(c, secondStep.signOut(await toWebRequest(c))); // the step-up grant goes with the session
    c.header('Set-Cookie', sessionCookie('', '; Max-Age=0'), { append: true });
    return c.redirect('/login', 303);
  });
  app.get('/users', async (c) => {
    const asked = c.req.query('filter');
    const filter: UserFilter = asked === 'activated' || asked === 'not-activated' ? asked : 'all';
    return c.html(usersPage(filter, await usernames(pool, tables, filter)));
  });
  return { app, db };
}

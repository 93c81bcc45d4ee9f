// The Express demo: password sign-up and log-in of its own, and 2FA through factorkit/express.
// The second step, enrollment, backup codes, factors, sends, approvals and remembered browsers
// are factorkit/http's JSON routes under /2fa (expressSecondStep); the pages are HTML whose
// forms client.js sends there. The demo keeps its users, sessions, admin pages, outbox and
// language switch.
//
// Session states (express-session; its MemoryStore: fine for a demo, wrong for production):
// anonymous -> password OK with 2FA on: `pendingUserId` for the pages, and factorkit's sealed
// pending ticket in its own cookie (NOT signed in) -> second factor OK -> `userId`. The session
// id is regenerated at each step, so a session id planted before log-in is worthless after it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import session, { MemoryStore as SessionMemoryStore, type Store } from 'express-session';
import {
  type FactorSummary,
  type Keyring,
  type ScryptParams,
  type ThrottleOptions,
  type TwoFactorEvent,
  type TwoFactorStatus,
  type TwoFactorStore,
  createTwoFactor,
  renderQrSvg,
} from 'factorkit';
import { type DeliveryOptions, deliveredCodes } from 'factorkit/delivered';
import { type ExpressContext, applyHeaders, expressSecondStep, toWebRequest } from 'factorkit/express';
import { createSecondStep } from 'factorkit/http';
import { type MessageSubject, message } from 'factorkit/messages';
import { webauthn } from 'factorkit/webauthn';
import { AuditLog } from './audit.js';
import { languageOf, say, switchLanguage } from './i18n.js';
import type { Outbox } from './outbox.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { type EndedBecause, UserSessionIndex } from './sessions.js';
import { type User, type UserStore, isUsername } from './users.js';
import * as views from './views.js';

declare module 'express-session' {
  interface SessionData {
    /** Ended from elsewhere (2FA turned on, a support reset...): the only field of an ended session. */
    endedBecause: EndedBecause;
    /** Signed in: both factors (or the password alone when 2FA is off) passed. */
    userId: string;
    /** Password passed, second factor owed: for the pages only; factorkit's ticket is what counts. */
    pendingUserId: string;
    /** When factorkit's pending ticket expires. */
    pendingUntil: number;
    /** One-shot message shown on the next page. */
    flash: string | views.Notice;
    /** The QR code being set up, so that a reload shows the same one until it expires. */
    enrollment: { adding: boolean; userId: string; factorId: string; qrSvg: string; manualKey: string };
    /** How this sign-in's last code went out (a voice factor's falls back to SMS). */
    lastSent: { factorId: string; channel: views.Channel };
    /** The passwordless sign-in's challenge token. */
    passkeyToken: string;
  }
}

export interface ExampleAppOptions {
  /** Where factorkit keeps 2FA state: `new MemoryStore()` or `new PostgresStore({ client })`. */
  store: TwoFactorStore;
  users: UserStore;
  /** Encrypts TOTP secrets at rest and seals factorkit/http's cookies; keep it across restarts. */
  keyring: Keyring;
  /** Signs the session cookie. */
  sessionSecret: string;
  issuer?: string;
  /** Unix ms; injectable so tests can step through TOTP periods. */
  clock?: () => number;
  sessionStore?: Store;
  backupCodes?: { kdf?: ScryptParams; allowWeakKdf?: boolean };
  throttle?: ThrottleOptions;
  /** User names allowed on the admin pages (`ADMIN_USERS`); each must have 2FA on too. */
  adminUsernames: readonly string[];
  /** Audit lines. Never given secrets, codes or passwords. */
  log?: (line: string) => void;
  /**
   * The demo's stand-in for real providers (server.ts in its in-memory mode only): its `deliver`
   * becomes factorkit's, and /dev/outbox shows every code sent, to requests from 127.0.0.1 only.
   * Without it there is no sender, and e-mail, Telegram, SMS and voice are not offered.
   */
  outbox?: { outbox: Outbox; smtpPort: number };
  delivery?: DeliveryOptions;
  /** Security keys and passkeys, offered when the app knows its origin (`http://localhost:PORT`). */
  webauthn?: { origin: string };
}

/**
 * `DEMO_SHORT_LIMITS=1 npm start`: the 3rd wrong code in a row pauses sign-in for 1 s, the 4th
 * 2 s, the 5th 4 s, the 6th locks until support unlocks it; a new code every 10 s, 3 an hour, 4
 * a day; one unanswered call before SMS; 2 approvals denied or unanswered pause them a minute.
 * Never in production: they make locking an account out cheap for anyone with the password.
 */
export const SHORT_LIMITS = {
  throttle: { maxFailures: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, maxConsecutiveFailures: 6 },
  delivery: {
    resendCooldownMs: 10_000,
    maxSendsPerHour: 3,
    maxSendsPerDay: 4,
    trustedSendsPerDay: 2,
    voiceCallsBeforeSms: 1,
    maxUnansweredApprovals: 2,
    approvalPauseMs: 60_000,
  },
} satisfies Pick<ExampleAppOptions, 'throttle' | 'delivery'>;

/** Set on every completed sign-in: this browser signed this user in before (E5 of issue 25). */
const KNOWN_BROWSER_COOKIE = 'factorkit.known';
const CHANNELS: readonly string[] = ['email', 'telegram', 'sms', 'voice'];
const CLIENT_SCRIPT = readFileSync(new URL('./client.js', import.meta.url), 'utf8');

/** What the log-in page says to a browser whose session was ended from elsewhere. */
const ENDED_BECAUSE: Record<EndedBecause, string> = {
  enabled: 'two-factor authentication was turned on for your account in another session',
  'factor-added': 'a sign-in method was added to your account in another session',
  'factor-removed': 'a sign-in method was removed from your account in another session',
  'backup-codes-regenerated': 'new backup codes were made for your account in another session',
  disabled: 'two-factor authentication was turned off for your account in another session',
  'reset-by-admin': 'support reset the two-factor authentication of your account',
};

const promisify = (run: (done: (error?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
const regenerate = (req: Request) => promisify((done) => req.session.regenerate(done));
const text = (body: unknown, key: string) => String((body as Record<string, unknown> | undefined)?.[key] ?? '');

/** An HMAC of the user id under the session secret: nobody without the secret can make one. */
const knownMark = (secret: string, userId: string) =>
  createHmac('sha256', secret).update(`known-browser:${userId}`).digest('base64url');

function isKnownBrowser(req: Request, secret: string, userId: string): boolean {
  const cookie = /(?:^|;\s*)factorkit\.known=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
  const [given, expected] = [Buffer.from(cookie), Buffer.from(knownMark(secret, userId))];
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function createExampleApp(options: ExampleAppOptions) {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const issuer = options.issuer ?? 'factorkit example';
  const { users, outbox } = options;
  const sessionStore = options.sessionStore ?? new SessionMemoryStore();
  const sessionIndex = new UserSessionIndex(sessionStore);
  // Which request (and so which session) caused an event.
  const currentRequest = new AsyncLocalStorage<Request>();
  const audit = new AuditLog();
  for (const name of options.adminUsernames) {
    if (!isUsername(name)) throw new Error(`adminUsernames: ${JSON.stringify(name)} is not a user name`);
  }
  const admins = new Set(options.adminUsernames);

  // A change to the second factor ends the user's other sessions (OWASP ASVS 5.0 7.4.3), each
  // left as a marker of why; a support reset (the admin's request) ends every one of them.
  const onEvent = async (event: TwoFactorEvent): Promise<void> => {
    log(`2FA event ${event.type} for user ${event.userId}`);
    if (event.type === 'sessions-should-end') {
      const keep = currentRequest.getStore()?.sessionID;
      const ended = await sessionIndex.endOtherSessions(event.userId, keep, event.change);
      log(`Ended ${ended} other session(s) of user ${event.userId} after ${event.change}`);
      return;
    }
    const added =
      event.type === 'factor-added'
        ? (await twoFactor.listFactors(event.userId)).find((f) => f.factorId === event.factorId)
        : undefined;
    audit.record(event, added && views.factorKind(added));
  };

  const twoFactor = createTwoFactor({
    store: options.store,
    issuer,
    keyring: options.keyring,
    clock,
    onEvent,
    ...(options.backupCodes && { backupCodes: options.backupCodes }),
    ...(options.throttle && { throttle: options.throttle }),
    factors: [
      ...(outbox ? [deliveredCodes({ deliver: outbox.outbox.deliver, ...options.delivery })] : []),
      ...(options.webauthn
        ? [
            webauthn({
              rpID: new URL(options.webauthn.origin).hostname,
              rpName: issuer,
              origins: [options.webauthn.origin],
              // A real app keeps each passkey's user handle in its users table.
              findUserByHandle: async (handle) => {
                for (const user of await users.list()) {
                  const factors = await twoFactor.listFactors(user.id);
                  if (factors.some((f) => f.type === 'webauthn' && f.userHandle === handle)) return user.id;
                }
                return null;
              },
            }),
          ]
        : []),
    ],
  });

  /** A new session for `userId`; after a second factor, the browser is marked as known too. */
  async function signIn(req: Request, res: Response, userId: string, secondFactor = false): Promise<void> {
    await regenerate(req);
    req.session.userId = userId;
    sessionIndex.add(userId, req.sessionID);
    if (!secondFactor) return;
    res.cookie(KNOWN_BROWSER_COOKIE, knownMark(options.sessionSecret, userId), {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: 180 * 24 * 3600_000,
    });
  }

  const secondStep = createSecondStep<ExpressContext>({
    twoFactor,
    keyring: options.keyring,
    // Browsers send Sec-Fetch-Site (same-origin from the demo's pages); this is for those sending only Origin.
    origins: [options.webauthn?.origin ?? 'http://127.0.0.1:3000'],
    now: clock,
    ticketTtlMs: 5 * 60_000,
    accountName: async (userId) => (await users.findById(userId))?.username ?? userId,
    trustedSignIn: (userId, _request, { req }) => isKnownBrowser(req, options.sessionSecret, userId),
    session: {
      currentUserId: (_request, { req }) => req.session.userId,
      establish: async (userId, _request, { req, res }) => {
        // Also called by startSignIn without a second step (no 2FA, a remembered browser).
        const secondFactor = req.session.pendingUserId === userId;
        await signIn(req, res, userId, secondFactor);
        log(`User ${userId} logged in with a password${secondFactor ? ' and a second factor' : ''}`);
      },
      // Done on factorkit's sessions-should-end event above, which names the change for the log-in page.
      endOtherSessions: () => {},
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.locals.nonce = randomBytes(16).toString('base64');
    res.set({
      // The QR code is inline SVG whose shapes carry style attributes, hence style-src-attr.
      'Content-Security-Policy':
        `default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'nonce-${res.locals.nonce}'; ` +
        "style-src-attr 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    next();
  });
  app.get('/client.js', (_req, res) => res.type('text/javascript').send(CLIENT_SCRIPT));
  app.use(
    session({
      name: 'factorkit.sid',
      secret: options.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      // Not `secure` only because the demo serves plain HTTP on 127.0.0.1.
      cookie: { httpOnly: true, sameSite: 'lax', secure: false, maxAge: 8 * 3600_000 },
    }),
  );
  // A session ended from elsewhere: its next request (a reload, a form sent again) gets a fresh
  // session and the log-in page saying why (client.js reloads the page on a redirect).
  app.use(async (req, res, next) => {
    const because = req.session.endedBecause;
    if (because === undefined) return next();
    await regenerate(req);
    req.session.flash = `You were signed out because ${ENDED_BECAUSE[because]}. Sign in again.`;
    res.redirect(303, '/login');
  });
  app.use((req, _res, next) => currentRequest.run(req, next));
  app.use(expressSecondStep(secondStep));
  // The demo's own forms get factorkit/http's check (Sec-Fetch-Site, then Origin) too, after
  // expressSecondStep so that its routes answer their own JSON 403.
  const refused =
    'Nothing was changed: this form was sent from another site, or by a client that does not say where it comes from. Open the page on this site and send it again.';
  app.use((req, res, next) => {
    if (secondStep.checkCsrf(toWebRequest(req)).ok) return next();
    res.status(403).send(views.errorPage(ctx(req, res), 'Request refused', refused, true));
  });
  app.use(express.urlencoded({ extended: false, limit: '10kb' }), express.json({ limit: '20kb' }));
  app.get('/lang/:tag', switchLanguage);

  function ctx(req: Request, res: Response, user?: User): views.PageContext {
    const flash = req.session.flash;
    delete req.session.flash;
    return {
      lang: languageOf(req),
      // A form's result page has no address of its own to come back to: the switch goes home.
      path: req.method === 'GET' ? req.originalUrl : '/',
      nonce: String(res.locals.nonce),
      ...(req.session.pendingUserId && !user && { pending: true }),
      ...(user && { username: user.username, isAdmin: admins.has(user.username) }),
      ...(flash && { flash }),
      ...(outbox && { demoOutbox: true }),
      ...(options.webauthn && { passkeys: true }),
    };
  }

  const page = (req: Request, res: Response, status: number, title: string, text: string, user?: User) =>
    res.status(status).send(views.errorPage(ctx(req, res, user), title, text));

  /** The signed-in user, or a redirect to the log-in page. A pending session is NOT signed in. */
  async function requireUser(req: Request, res: Response): Promise<User | undefined> {
    const user = req.session.userId ? await users.findById(req.session.userId) : null;
    if (user) return user;
    delete req.session.userId;
    res.redirect(req.session.pendingUserId ? '/login/2fa' : '/login');
    return undefined;
  }

  /** A page for the signed-in user only; anyone else goes to the log-in page. */
  function userPage(path: string, route: (req: Request, res: Response, user: User) => Promise<unknown>): void {
    app.get(path, async (req, res) => {
      const user = await requireUser(req, res);
      if (user) await route(req, res, user);
    });
  }

  /** An admin with 2FA on (a stolen admin password alone opens nothing), or a 403. */
  async function requireAdmin(req: Request, res: Response): Promise<User | undefined> {
    const user = await requireUser(req, res);
    if (!user) return undefined;
    const why = !admins.has(user.username)
      ? 'This page is for administrators.'
      : (await twoFactor.status(user.id)) !== 'activated'
        ? 'Turn on 2FA for your own account (Profile, Enable 2FA) before using the admin pages.'
        : undefined;
    if (why === undefined) return user;
    page(req, res, 403, 'Admins only', why, user);
    return undefined;
  }

  const active = async (userId: string) => (await twoFactor.listFactors(userId)).filter((f) => f.status === 'active');

  /** The user's delivered factors, as buttons that send a code. */
  async function deliveredMethods(userId: string, factors?: FactorSummary[]): Promise<views.SignInMethod[]> {
    return (factors ?? (await active(userId))).flatMap((f) =>
      f.channel && CHANNELS.includes(f.channel) && f.maskedDestination
        ? [{ factorId: f.factorId, channel: f.channel as views.Channel, maskedDestination: f.maskedDestination }]
        : [],
    );
  }

  app.get('/', (req, res) => res.redirect(req.session.userId ? '/profile' : '/login'));
  app.get('/signup', (req, res) => res.send(views.passwordPage(ctx(req, res), true)));
  app.post('/signup', async (req, res) => {
    const username = text(req.body, 'username').trim().toLowerCase();
    const password = text(req.body, 'password');
    const retry = (problem: string) =>
      res.status(400).send(views.passwordPage(ctx(req, res), true, { kind: 'error', text: problem }, username));
    if (!isUsername(username)) return retry('User names are 3 to 32 letters, digits, dots, dashes or underscores.');
    if (password.length < 10 || password.length > 256) return retry('Passwords are 10 to 256 characters long.');
    const user = await users.create(username, await hashPassword(password), clock());
    if (!user) return retry('That user name is taken.');
    log(`User ${user.id} signed up`);
    await signIn(req, res, user.id);
    req.session.flash = 'Welcome! Your account is ready. Consider enabling 2FA below.';
    res.redirect('/profile');
  });

  app.get('/login', (req, res) => {
    if (req.session.userId) return res.redirect('/profile');
    if (req.session.pendingUserId) return res.redirect('/login/2fa');
    res.send(views.passwordPage(ctx(req, res), false));
  });

  app.post('/login', async (req, res) => {
    const username = text(req.body, 'username').trim().toLowerCase();
    const password = text(req.body, 'password');
    const user = await users.findByUsername(username);
    if (!user) await burnPasswordCheck(password);
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      const wrong = { kind: 'error' as const, text: 'Wrong user name or password.' };
      return res.status(401).send(views.passwordPage(ctx(req, res), false, wrong, username));
    }
    const enabled = (await twoFactor.status(user.id)) === 'activated';
    await regenerate(req);
    // Without 2FA, or on a browser remembered for this user, factorkit signs in (establish) at once.
    const started = await secondStep.startSignIn(toWebRequest(req), user.id, { req, res });
    applyHeaders(res, started.headers);
    if (started.status === 'second-step') {
      req.session.pendingUserId = user.id;
      req.session.pendingUntil = started.expiresAt;
      return res.redirect('/login/2fa');
    }
    if (enabled)
      req.session.flash =
        'Signed in without a code: this browser is remembered. You can forget it on your Security page.';
    res.redirect('/profile');
  });

  app.get('/login/2fa', async (req, res) => {
    const { pendingUserId, pendingUntil = 0 } = req.session;
    const user = pendingUserId && pendingUntil > clock() ? await users.findById(pendingUserId) : null;
    if (!user) {
      if (pendingUserId) req.session.flash = 'Your log-in attempt timed out. Please log in again.';
      delete req.session.pendingUserId;
      return res.redirect('/login');
    }
    const factors = await active(user.id);
    const methods = await deliveredMethods(user.id, factors);
    const last = req.session.lastSent;
    // A voice factor whose last code came by SMS (calls unanswered) sends its next one by SMS too.
    const shown = methods.map((m) =>
      m.factorId === last?.factorId && last.channel !== m.channel ? { ...m, sendsBy: last.channel } : m,
    );
    // Said before a code is typed: a hard-locked account refuses even the right one.
    const locked = (await twoFactor.throttleStatus(user.id)).hardLocked
      ? say(req, { ok: false, reason: 'hard-locked' })
      : undefined;
    const view = {
      username: user.username,
      methods: shown,
      lastSent: shown.find((m) => m.factorId === last?.factorId),
      webauthn: factors.some((f) => f.type === 'webauthn'),
    };
    res.send(views.secondStepPage(ctx(req, res), view, locked));
  });

  /** The pending user's delivered factor named in the query, or a redirect to the second step. */
  async function pendingMethod(req: Request, res: Response): Promise<views.SignInMethod | undefined> {
    const userId = req.session.pendingUserId;
    const method = userId ? (await deliveredMethods(userId)).find((m) => m.factorId === req.query.factorId) : undefined;
    if (!method) res.redirect('/login/2fa');
    return method;
  }

  app.get('/login/2fa/code', async (req, res) => {
    const method = await pendingMethod(req, res);
    if (!method) return;
    const sent = String(req.query.sent);
    const sendsBy = CHANNELS.includes(sent) ? (sent as views.Channel) : method.channel;
    req.session.lastSent = { factorId: method.factorId, channel: sendsBy };
    res.send(views.codeSentPage(ctx(req, res), { ...method, sendsBy }));
  });

  // Waiting for a Telegram approval: the page reloads itself (no script needed) and each load asks
  // factorkit/http's approval route, which signs this browser in (establish) once it is approved.
  app.get('/login/2fa/wait', async (req, res) => {
    const method = await pendingMethod(req, res);
    if (!method) return;
    const url = new URL(
      `/2fa/sign-in/approval?challengeId=${encodeURIComponent(String(req.query.challengeId))}`,
      toWebRequest(req).url,
    );
    const answer = (await secondStep.handle(new Request(url, { headers: toWebRequest(req).headers }), { req, res }))!;
    // `{ ok: true, status }` or a failure `{ ok: false, reason }`: either is a factorkit/messages subject.
    const result = (await answer.json()) as MessageSubject & { status?: string };
    // Its cookies only (the session, the pending ticket cleared): the answer itself is JSON.
    applyHeaders(
      res,
      answer.headers.getSetCookie().map((cookie): [string, string] => ['set-cookie', cookie]),
    );
    if (result.status === 'approved') return res.redirect('/profile');
    if (result.status === 'pending')
      return res.send(views.approvalWaitPage(ctx(req, res), method.maskedDestination, String(req.query.match)));
    // Denied (also by a wrong number), expired: said in the reader's language.
    req.session.flash = say(req, result);
    res.redirect('/login/2fa');
  });

  app.post('/login/cancel', async (req, res) => {
    await regenerate(req);
    res.redirect('/login');
  });

  // Passwordless sign-in with a passkey (factorkit/webauthn; not a second step, so not factorkit/http's).
  app.post('/login/passkey/options', async (req, res) => {
    if (!('beginPasskeySignIn' in twoFactor)) return res.status(404).json({ ok: false, message: 'No passkeys here.' });
    const start = await twoFactor.beginPasskeySignIn();
    req.session.passkeyToken = start.challengeToken;
    res.json({ ok: true, options: start.options });
  });
  app.post('/login/passkey', async (req, res) => {
    const token = req.session.passkeyToken;
    delete req.session.passkeyToken;
    const credential = (req.body as { webauthn?: unknown }).webauthn;
    if (token === undefined || typeof credential !== 'object' || !('finishPasskeySignIn' in twoFactor)) {
      return res.status(400).json({ ok: false, message: 'Passkey sign-in refused: reload the page and try again.' });
    }
    const result = await twoFactor.finishPasskeySignIn(credential as never, { challengeToken: token });
    if (!result.ok) return res.status(401).json({ ok: false, message: say(req, result).text });
    await signIn(req, res, result.userId);
    log(`User ${result.userId} logged in with a passkey, without a password`);
    res.json({ ok: true });
  });

  app.post('/logout', (req, res) => {
    if (req.session.userId) sessionIndex.remove(req.session.userId, req.sessionID);
    applyHeaders(res, secondStep.signOut(toWebRequest(req))); // a step-up grant ends with the session
    req.session.destroy(() => res.clearCookie('factorkit.sid').redirect('/login'));
  });

  userPage('/profile', async (req, res, user) => {
    const [status, remainingBackupCodes, factors] = await Promise.all([
      twoFactor.status(user.id),
      twoFactor.remainingBackupCodes(user.id),
      active(user.id),
    ]);
    // Just signed in with a backup code (client.js follows /profile?with=backup): how many are left.
    const left = `${remainingBackupCodes} backup ${remainingBackupCodes === 1 ? 'code' : 'codes'} left`;
    const soon = remainingBackupCodes <= 2 ? ' Generate new backup codes soon.' : '';
    const backup = { kind: 'info' as const, text: `Signed in with a backup code. ${left}.${soon}` };
    const notice = req.query.with === 'backup' ? backup : undefined;
    const delivery = outbox !== undefined;
    const voiceAllowed = factors.some((f) => f.channel !== 'voice');
    const view = { status, remainingBackupCodes, factors, delivery, voiceAllowed };
    res.send(views.profilePage(ctx(req, res, user), user.username, view, notice));
  });

  // The QR code is begun here, not by factorkit/http's /enrollment/begin from the page, so that a
  // reload shows the one the user already scanned (kept in the server-side session) until it is
  // confirmed or expires; the code is then confirmed through /2fa/enrollment/confirm.
  async function enrollmentPage(req: Request, res: Response, user: User, adding: boolean): Promise<void> {
    const enabled = (await twoFactor.status(user.id)) === 'activated';
    if (enabled !== adding) return res.redirect(adding ? '/2fa/enable' : '/profile');
    const factors = await twoFactor.listFactors(user.id);
    const kept = req.session.enrollment;
    const pending = factors.find((f) => f.factorId === kept?.factorId && f.status === 'pending');
    let enrollment = kept?.userId === user.id && kept.adding === adding && pending ? kept : undefined;
    if (!enrollment) {
      // The first app has factorkit's default name; later ones the first free number.
      const names = new Set(factors.map((f) => f.name));
      let number = 2;
      while (names.has(`Authenticator app ${number}`)) number += 1;
      const name = adding ? { name: `Authenticator app ${number}` } : {};
      const begun = await twoFactor.beginEnrollment(user.id, { account: user.username, ...name });
      const { factorId, manualKey } = begun;
      enrollment = { adding, userId: user.id, factorId, manualKey, qrSvg: renderQrSvg(begun.uri) };
      req.session.enrollment = enrollment;
    }
    const typo = message({ ok: false, reason: 'invalid' }, { locale: languageOf(req) });
    const view = { ...enrollment, issuer, username: user.username, typo };
    res.send(views.enrollmentPage(ctx(req, res, user), view, adding));
  }
  userPage('/2fa/enable', (req, res, user) => enrollmentPage(req, res, user, false));
  userPage('/2fa/add', (req, res, user) => enrollmentPage(req, res, user, true));

  /** A page that asks for a code of any factor; its form goes to factorkit/http's `action`. */
  type CodeForm = Parameters<typeof views.codeConfirmPage>[1];
  function codePage(path: string, form: (req: Request, factors: FactorSummary[]) => CodeForm | undefined) {
    userPage(path, async (req, res, user) => {
      const factors = await active(user.id);
      const shown = form(req, factors);
      if (!shown) return page(req, res, 404, 'Not found', 'There is no such sign-in method.', user);
      res.send(
        views.codeConfirmPage(ctx(req, res, user), shown, await deliveredMethods(user.id, factors), user.username),
      );
    });
  }
  codePage('/2fa/factors/:factorId/remove', (req, factors) => {
    const factor = factors.find((f) => f.factorId === req.params.factorId);
    return (
      factor && {
        title: `Remove ${factor.name}`,
        action: '/2fa/factors/remove',
        factorId: factor.factorId,
        intro:
          `${views.factorKind(factor)} ${factor.name} will stop working for signing in. Confirm with a code from ` +
          'any of your sign-in methods or a backup code. Removing your only sign-in method turns 2FA off.',
        button: 'Remove',
        done: `Removed ${factor.name}: its codes no longer work.`,
      }
    );
  });
  codePage('/2fa/backup-codes', () => ({
    title: 'Generate backup codes',
    action: '/2fa/backup-codes/regenerate',
    intro: 'New backup codes replace all your current ones, used or not. Confirm with a code.',
    button: 'Generate backup codes',
  }));
  codePage('/2fa/disable', () => ({
    title: 'Disable 2FA',
    action: '/2fa/disable',
    intro: 'Your account will be protected by your password only. Confirm with a code.',
    button: 'Disable 2FA',
    done: '2FA is now off for your account.',
  }));

  userPage('/security', async (req, res, user) => {
    const [factors, devices] = await Promise.all([active(user.id), twoFactor.listRememberedDevices(user.id)]);
    res.send(views.securityPage(ctx(req, res, user), { factors, devices, webauthn: options.webauthn !== undefined }));
  });

  userPage('/2fa/webauthn/add', async (req, res, user) => {
    if (!options.webauthn) return page(req, res, 404, 'Not found', 'There is no page here.', user);
    const currentCode = (await twoFactor.status(user.id)) === 'activated';
    const kind = req.query.kind === 'passkey' ? 'passkey' : 'security-key';
    res.send(views.addWebAuthnPage(ctx(req, res, user), kind, currentCode, user.username));
  });

  // Delivered codes: the destination goes to /2fa/enrollment/begin, the code to /enrollment/confirm.
  userPage('/2fa/delivered/add', async (req, res, user) => {
    const channel = String(req.query.channel);
    if (!outbox || !CHANNELS.includes(channel)) return res.redirect('/profile');
    res.send(views.addDeliveredPage(ctx(req, res, user), channel as views.Channel));
  });

  userPage('/2fa/delivered/confirm', async (req, res, user) => {
    const factors = await twoFactor.listFactors(user.id);
    const pending = factors.filter((f) => f.status === 'pending' && f.factorId === req.query.factorId);
    const [factor] = await deliveredMethods(user.id, pending);
    if (!factor) return res.redirect('/profile');
    const currentCode = (await twoFactor.status(user.id)) === 'activated';
    const current = await deliveredMethods(user.id);
    const view = { factor, currentCode, current, username: user.username };
    res.send(views.confirmDeliveredPage(ctx(req, res, user), view));
  });

  app.get('/users', async (req, res) => {
    const admin = await requireAdmin(req, res);
    if (!admin) return;
    const query = req.query.status;
    const filter: views.UserFilter = query === 'activated' || query === 'not-activated' ? query : 'all';
    // A filter the page does not know (a hand-edited or old link) is said, not silently ignored.
    const unknown = query !== undefined && filter === 'all';
    const notice = unknown
      ? { kind: 'error' as const, text: `There is no filter "${String(query)}": showing all users.` }
      : undefined;
    // factorkit knows only users who ever enrolled; everyone else is "Not activated".
    const statusById = new Map<string, TwoFactorStatus>();
    let cursor: string | undefined;
    do {
      const listed = await twoFactor.listUsers({ limit: 500, ...(cursor && { cursor }) });
      for (const entry of listed.users) statusById.set(entry.userId, entry.status);
      cursor = listed.nextCursor;
    } while (cursor);
    const rows = (await users.list())
      .map((u) => ({ ...u, status: views.statusText(statusById.get(u.id) ?? 'not-activated') }))
      .filter((row) => filter === 'all' || (row.status === 'Activated') === (filter === 'activated'));
    res.status(unknown ? 400 : 200).send(views.usersPage(ctx(req, res, admin), filter, rows, notice));
  });

  // Support: an admin's actions on a user who lost their phone or locked themselves out. They need
  // no code of the user (that is their point): behind requireAdmin and the CSRF check, the admin
  // named as `actor`, and in the audit log.
  async function support(
    req: Request,
    res: Response,
    act?: (admin: User, target: User) => Promise<views.Notice | undefined>,
  ) {
    const admin = await requireAdmin(req, res);
    if (!admin) return;
    const username = String(req.params.username);
    const target = isUsername(username) ? await users.findByUsername(username) : null;
    if (!target) return page(req, res, 404, 'Not found', 'There is no such user.', admin);
    const notice = act && (await act(admin, target));
    if (act && !notice) return res.redirect(`/support/${encodeURIComponent(target.username)}`);
    const [status, remainingBackupCodes, throttle, factors] = await Promise.all([
      twoFactor.status(target.id),
      twoFactor.remainingBackupCodes(target.id),
      twoFactor.throttleStatus(target.id),
      active(target.id),
    ]);
    const view = {
      username: target.username,
      status,
      remainingBackupCodes,
      throttle,
      factors,
      audit: audit.forUser(target.id),
    };
    res.status(notice ? 400 : 200).send(views.supportPage(ctx(req, res, admin), view, notice));
  }
  app.get('/support/:username', (req, res) => support(req, res));
  app.post('/support/:username/unlock', (req, res) =>
    support(req, res, async (admin, target) => {
      const result = await twoFactor.unlock(target.id, { actor: admin.username });
      req.session.flash = result.ok
        ? `Unlocked ${target.username}: wrong codes cleared, sign-in works again.`
        : `${target.username} has never set up 2FA: there is nothing to unlock.`;
      return undefined;
    }),
  );
  app.post('/support/:username/reset', (req, res) =>
    support(req, res, async (admin, target) => {
      if (text(req.body, 'identityChecked') !== 'yes') {
        return {
          kind: 'error',
          text: "Confirm that you verified the person's identity out of band before resetting their 2FA.",
        };
      }
      const result = await twoFactor.resetByAdmin(target.id, { actor: admin.username });
      req.session.flash = result.ok
        ? `2FA of ${target.username} is off and their sessions are ended: they sign in with their password and set it up again.`
        : `${target.username} has never set up 2FA: there is nothing to reset.`;
      return undefined;
    }),
  );

  // The demo's outbox: what the stand-in providers "sent". It shows every user's codes, so no real
  // app has it; even here only this machine may open it (E10 of issue 25).
  if (outbox) {
    app.use('/dev/outbox', (req, res, next) => {
      // The socket's address, not X-Forwarded-For: 'trust proxy' is off, so no header can claim it.
      if (isFromLocalhost(req.socket.remoteAddress)) return next();
      page(req, res, 404, 'Not found', 'There is no page here.');
    });
    app.get('/dev/outbox', async (req, res) => {
      const user = req.session.userId ? await users.findById(req.session.userId) : null;
      const { outbox: box, smtpPort } = outbox;
      res.send(views.outboxPage(ctx(req, res, user ?? undefined), box.emails(), box.phoneEntries(), smtpPort));
    });
    // What the Telegram bot's webhook does when a button of its message is pressed: approve or deny.
    app.post('/dev/outbox/telegram/:entryId/:answer', async (req, res) => {
      const entry = outbox.outbox.approvalEntry(Number(req.params.entryId));
      const answer = req.params.answer;
      if (!entry || (answer !== 'approve' && answer !== 'deny'))
        return page(req, res, 404, 'Not found', 'There is no such message.');
      // A wrong (or missing) number is a denial that factorkit counts.
      if (!entry.answer) {
        const result =
          answer === 'approve'
            ? await twoFactor.approve(entry.approveToken, { matchNumber: text(req.body, 'matchNumber') })
            : await twoFactor.deny(entry.denyToken);
        const said = result.ok
          ? answer === 'approve'
            ? 'approved'
            : 'denied'
          : result.reason === 'wrong-number'
            ? 'wrong-number'
            : 'refused';
        outbox.outbox.recordAnswer(entry.id, said);
      }
      res.redirect(303, '/dev/outbox');
    });
  }

  app.use((req, res) => page(req, res, 404, 'Not found', 'There is no page here.'));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Name and code only: messages of third-party errors might echo request data.
    const code = (error as { code?: unknown } | null)?.code;
    log(
      `Request failed: ${req.method} ${req.path}: ${error instanceof Error ? error.name : 'error'}${code ? ` (${String(code)})` : ''}`,
    );
    if (res.headersSent) return;
    if (!req.session) return res.status(500).type('text/plain').send('Something went wrong. Please try again.');
    page(req, res, 500, 'Something went wrong', 'Please try again.');
  });

  return { app, twoFactor, sessionStore, audit };
}

/** Whether a socket address is 127.0.0.1 (also as the IPv4-mapped IPv6 address of a dual-stack socket). */
export function isFromLocalhost(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::ffff:127.0.0.1';
}

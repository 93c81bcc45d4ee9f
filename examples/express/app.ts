// The Express example: password sign-up and log-in, then 2FA with factorkit on top.
//
// Session states (express-session; its MemoryStore by default, which is fine for an example and
// wrong for production: it leaks and forgets everything on restart):
//   anonymous -> password OK, 2FA activated -> `pendingUserId` (NOT signed in: no page but the
//   second step accepts it) -> code OK -> `userId` (signed in). The session id is regenerated at
//   each transition, so a session id planted before log-in is worthless after it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import session, { MemoryStore as SessionMemoryStore, type Store } from 'express-session';
import { type DeliveryOptions, deliveredCodes } from 'factorkit/delivered';
import { webauthn } from 'factorkit/webauthn';
import {
  type BeginEnrollmentResult,
  createTwoFactor,
  FactorkitError,
  type RateLimited,
  type FactorSummary,
  type Keyring,
  renderQrSvg,
  type ScryptParams,
  type ThrottleOptions,
  type TwoFactor,
  type TwoFactorEvent,
  type TwoFactorFailure,
  type TwoFactorStore,
} from 'factorkit';
import { AuditLog } from './audit.js';
import { languageOf, say, switchLanguage } from './i18n.js';
import type { MessageMethod } from 'factorkit/messages';
import type { Outbox } from './outbox.js';
import { csrfToken, requireCsrfToken } from './csrf.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { type EndedBecause, UserSessionIndex } from './sessions.js';
import { isUsername, type User, type UserStore } from './users.js';
import * as views from './views.js';
import {
  type WebAuthnRoutes,
  findUserByHandle,
  mountWebAuthn,
  passkeySignInPart,
  secondStepPart,
  webauthnLinks,
} from './webauthn.js';

declare module 'express-session' {
  interface SessionData {
    csrfToken: string;
    /** Ended from elsewhere (2FA turned on, a support reset...): the only field of an ended session. */
    endedBecause: EndedBecause;
    /** Signed in: both factors (or the password alone when 2FA is off) passed. */
    userId: string;
    /** Password passed, second factor still owed. Grants nothing else. */
    pendingUserId: string;
    pendingSince: number;
    /** One-shot message shown on the next page. */
    flash: string | views.Notice;
    /**
     * The QR code being set up, so that a reload or a wrong code shows the same secret until it
     * expires instead of starting a new one (which would leave the app the user just scanned useless).
     */
    enrollment: PendingEnrollment;
    /** A delivered-code factor being added (e-mail, Telegram, SMS, voice): its code was sent. */
    deliveredEnrollment: PendingDelivered;
    /** Second step by a delivered code: which factor the code was sent through. */
    signInCode: PendingDelivered;
    /** Second step by a Telegram approval: the request the waiting page polls. */
    signInApproval: {
      userId: string;
      factorId: string;
      challengeId: string;
      maskedDestination: string;
      /** factorkit's matchNumber, shown on the waiting page: the user picks it in Telegram. */
      matchNumber: string;
    };
    /** A security key or passkey being added: its pending factor. */
    webauthnEnrollment: { factorId: string; kind: 'security-key' | 'passkey' };
    /** The passwordless sign-in offered on the log-in page: its challenge token. */
    passkeyToken: string;
  }
}

/** A code sent through one delivered factor, for the page that asks for it. */
interface PendingDelivered {
  userId: string;
  factorId: string;
  /** The factor's own channel. */
  channel: views.Channel;
  /**
   * How the last code this page asked for went out (a voice factor's fallback goes by SMS), or
   * undefined when none was sent here yet (the send was refused): the page must not say "we sent".
   */
  sentBy?: views.Channel;
  maskedDestination: string;
  /** When "Send a new code" is accepted again (the cooldown), unix ms. */
  resendAt: number;
}

interface PendingEnrollment {
  /** Which page started it: the first app (`/2fa/enable`) or one more (`/2fa/add`). */
  purpose: 'enable' | 'add';
  userId: string;
  factorId: string;
  qrSvg: string;
  manualKey: string;
  expiresAt: number;
  /** Wrong codes typed for it: the first is taken for a typo, later ones get the clock's help. */
  wrongCodes: number;
}

export interface ExampleAppOptions {
  /** Where factorkit keeps 2FA state: `new MemoryStore()` or `new PostgresStore({ client })`. */
  store: TwoFactorStore;
  users: UserStore;
  /** Encrypts TOTP secrets at rest; must stay the same across restarts for a persistent store. */
  keyring: Keyring;
  /** Signs the session cookie. */
  sessionSecret: string;
  issuer?: string;
  /** Unix ms; injectable so tests can step through TOTP periods. */
  clock?: () => number;
  sessionStore?: Store;
  backupCodes?: { kdf?: ScryptParams; allowWeakKdf?: boolean };
  /** factorkit's throttling; its defaults when absent (tests pass small numbers so as not to wait). */
  throttle?: ThrottleOptions;
  /**
   * User names (lower case) allowed on the admin pages: All users and the support page
   * (`ADMIN_USERS` in server.ts). An admin must also have 2FA activated on their own account.
   */
  adminUsernames: readonly string[];
  /** Audit lines. Never given secrets, codes or passwords. */
  log?: (line: string) => void;
  /**
   * The demo's stand-in for real providers (server.ts passes one in its in-memory mode only):
   * its `deliver` becomes factorkit's, and /dev/outbox is mounted, showing every code sent, to
   * requests from 127.0.0.1 only. Never in a real app: it shows every user's codes. Without it
   * there is no sender, and the pages for e-mail, Telegram, SMS and voice factors are not offered.
   */
  outbox?: { outbox: Outbox; smtpPort: number };
  /** factorkit's delivery settings (cooldown, caps, fallback); its defaults when absent. */
  delivery?: DeliveryOptions;
  /**
   * Security keys and passkeys (`factorkit/webauthn`), offered when the app knows the origin its
   * pages run on: `http://localhost:PORT` for the demo (browsers refuse WebAuthn on an IP address).
   */
  webauthn?: { origin: string };
}

/**
 * `DEMO_SHORT_LIMITS=1 npm start`: limits low enough to show every refusal in minutes. The 3rd
 * wrong code in a row pauses sign-in for 1 s, the 4th for 2 s, the 5th for 4 s, and the 6th locks
 * the account until support unlocks it ("contact support"); a new code may be asked for every
 * 10 s, 3 an hour, 4 a day; the 2nd unanswered call falls back to SMS; 2 approval requests
 * denied or unanswered pause them for a minute. Never in production: they make guessing cheap
 * for nobody but locking an account out cheap for anyone with the password.
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

const PENDING_SECOND_FACTOR_TTL_MS = 5 * 60 * 1000;
/** The cookie holding a remembered browser's token (factorkit stores only its hash). */
const DEVICE_COOKIE = 'factorkit.device';
/**
 * Set on every completed sign-in: this browser has signed this user in before. It skips
 * nothing; it only lets the browser's sign-in codes come from factorkit's trusted-session
 * allowance (E5 of issue 25), which requests backed by the password alone cannot use up.
 */
const KNOWN_BROWSER_COOKIE = 'factorkit.known';
const KNOWN_BROWSER_TTL_MS = 180 * 24 * 60 * 60 * 1000;
const REMEMBER_DEVICE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** factorkit's limit of active authenticators per user (beyond it, TOO_MANY_FACTORS). */
const MAX_AUTHENTICATORS = 5;
const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;

const CHANNELS: readonly views.Channel[] = ['email', 'telegram', 'sms', 'voice'];
const isChannel = (value: string): value is views.Channel => (CHANNELS as readonly string[]).includes(value);

/** factorkit's default `delivery.resendCooldownMs`, for the "ask again in N seconds" hint. */
const DEFAULT_DELIVERY_RESEND_COOLDOWN_MS = 30_000;

/** What was typed in a field that takes an app's code or a backup code (backup codes have letters). */
const typedMethod = (code: string, hasApp: boolean) => (/[a-z]/i.test(code) ? 'backup' : hasApp ? 'totp' : undefined);

/** What the log-in page says to a browser whose session was ended from elsewhere. */
const ENDED_BECAUSE: Record<EndedBecause, string> = {
  enabled: 'two-factor authentication was turned on for your account in another session',
  'factor-added': 'a sign-in method was added to your account in another session',
  'factor-removed': 'a sign-in method was removed from your account in another session',
  'backup-codes-regenerated': 'new backup codes were made for your account in another session',
  disabled: 'two-factor authentication was turned off for your account in another session',
  'reset-by-admin': 'support reset the two-factor authentication of your account',
};

function promisify(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

/** One cookie's value from the Cookie header; the app reads only its own device cookie. */
function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/**
 * The known-browser mark of a user: an HMAC of the user id under the session secret, so nobody
 * without the secret can make one. (A real app keeps a random id per browser in its database,
 * which it can list and revoke; the demo keeps nothing.)
 */
function knownBrowserMark(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(`known-browser:${userId}`).digest('base64url');
}

function isKnownBrowser(req: Request, secret: string, userId: string): boolean {
  const given = Buffer.from(cookieValue(req, KNOWN_BROWSER_COOKIE) ?? '');
  const expected = Buffer.from(knownBrowserMark(secret, userId));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** "Chrome on Linux" and the like: enough for a user to recognise the browser in a list. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'A browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined;
  return os ? `${browser} on ${os}` : browser;
}

const regenerate = (req: Request) => promisify((done) => req.session.regenerate(done));
const destroy = (req: Request) => promisify((done) => req.session.destroy(done));

function text(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

export function createExampleApp(options: ExampleAppOptions) {
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const issuer = options.issuer ?? 'factorkit example';
  const sessionStore = options.sessionStore ?? new SessionMemoryStore();
  const sessionIndex = new UserSessionIndex(sessionStore);
  // Lets the event handler know which request (and so which session) caused an event.
  const currentRequest = new AsyncLocalStorage<Request>();

  const audit = new AuditLog();
  for (const name of options.adminUsernames) {
    if (!isUsername(name)) throw new Error(`adminUsernames: ${JSON.stringify(name)} is not a user name`);
  }
  const admins = new Set(options.adminUsernames);

  // Any change to the second factor ends the user's other sessions (OWASP ASVS 5.0 7.4.3): a
  // session opened before (perhaps by whoever had the password, or the lost phone's thief)
  // must not outlive it. factorkit says so once per change (`sessions-should-end`). On a
  // support reset the request is the admin's, so every session of the user ends.
  const onEvent = async (event: TwoFactorEvent): Promise<void> => {
    log(`2FA event ${event.type} for user ${event.userId}`);
    if (event.type === 'sessions-should-end') {
      // Not an audit entry of its own: the change that calls for it was recorded just before.
      const ended = await sessionIndex.endOtherSessions(
        event.userId,
        currentRequest.getStore()?.sessionID,
        event.change,
      );
      log(`Ended ${ended} other session(s) of user ${event.userId} after ${event.change}`);
      return;
    }
    // A factor added is named by its kind ("E-mail", "Security key"): the event has only its type.
    const added =
      event.type === 'factor-added'
        ? (await twoFactor.listFactors(event.userId)).find((factor) => factor.factorId === event.factorId)
        : undefined;
    audit.record(event, added && views.factorKind(added));
  };

  const twoFactor = createTwoFactor({
    store: options.store,
    issuer,
    keyring: options.keyring,
    clock,
    onEvent,
    ...(options.backupCodes ? { backupCodes: options.backupCodes } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
    factors: [
      ...(options.outbox ? [deliveredCodes({ deliver: options.outbox.outbox.deliver, ...options.delivery })] : []),
      ...(options.webauthn
        ? [
            webauthn({
              rpID: new URL(options.webauthn.origin).hostname,
              rpName: issuer,
              origins: [options.webauthn.origin],
              findUserByHandle: findUserByHandle((): TwoFactor => twoFactor, options.users),
            }),
          ]
        : []),
    ],
  });
  const deliveryAvailable = options.outbox !== undefined;

  const app = express();
  app.disable('x-powered-by');

  app.use((_req, res, next) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.nonce = nonce;
    res.set({
      // The QR code is inline SVG whose shapes carry style attributes, hence style-src-attr.
      'Content-Security-Policy':
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; ` +
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // Pages show secrets (QR code, backup codes) and per-user data: never cache them.
      'Cache-Control': 'no-store',
    });
    next();
  });

  app.use(
    session({
      name: 'factorkit.sid',
      secret: options.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      // `secure: false` only because the example serves plain HTTP on 127.0.0.1; set it to true
      // (and `app.set('trust proxy', 1)` behind a proxy) in production.
      cookie: { httpOnly: true, sameSite: 'lax', secure: false, maxAge: 8 * 60 * 60 * 1000 },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  // A session ended from elsewhere: on its next request, whatever it is (a reload, a form sent
  // again with its old token), a fresh session and the log-in page saying why.
  app.use(async (req, res, next) => {
    const because = req.session.endedBecause;
    if (because === undefined) return next();
    await regenerate(req);
    req.session.flash = `You were signed out because ${ENDED_BECAUSE[because]}. Sign in again.`;
    res.redirect(303, '/login');
  });
  app.use(
    requireCsrfToken((req, res) =>
      res
        .status(403)
        .send(
          views.errorPage(
            ctx(req, res),
            'This form has expired',
            'Nothing was changed: the page this form came from belongs to a session that has ended or changed ' +
              '(you signed out, signed in again, or the page was open for long). Open the page again and repeat.',
            true,
          ),
        ),
    ),
  );
  app.get('/lang/:tag', switchLanguage);
  app.use((req, _res, next) => currentRequest.run(req, next));

  const ctx = (req: Request, res: Response, user?: User): views.PageContext => {
    const flash = req.session.flash;
    delete req.session.flash;
    return {
      csrfToken: csrfToken(req),
      lang: languageOf(req),
      // A form's result page has no address of its own to come back to: the switch goes home.
      path: req.method === 'GET' ? req.originalUrl : '/',
      ...(req.session.pendingUserId && !user ? { pending: true } : {}),
      nonce: String(res.locals.nonce),
      ...(user ? { username: user.username, isAdmin: admins.has(user.username) } : {}),
      ...(flash ? { flash } : {}),
      ...(options.outbox ? { demoOutbox: true } : {}),
    };
  };

  async function signIn(req: Request, user: User): Promise<void> {
    await regenerate(req);
    req.session.userId = user.id;
    sessionIndex.add(user.id, req.sessionID);
  }

  /** The signed-in user, or a redirect to the log-in page. A pending session is NOT signed in. */
  async function requireUser(req: Request, res: Response): Promise<User | undefined> {
    const userId = req.session.userId;
    const user = userId ? await options.users.findById(userId) : null;
    if (!user) {
      delete req.session.userId; // an account deleted under a live session
      res.redirect(req.session.pendingUserId ? '/login/2fa' : '/login');
      return undefined;
    }
    return user;
  }

  async function pendingUser(req: Request): Promise<User | null> {
    const { pendingUserId, pendingSince } = req.session;
    if (!pendingUserId || pendingSince === undefined || clock() - pendingSince > PENDING_SECOND_FACTOR_TTL_MS) {
      return null;
    }
    return options.users.findById(pendingUserId);
  }

  /**
   * The signed-in admin, or a 403. The support page turns off anyone's 2FA, so an admin's own
   * account must have 2FA on: a stolen admin password alone opens no admin page.
   */
  async function requireAdmin(req: Request, res: Response): Promise<User | undefined> {
    const user = await requireUser(req, res);
    if (!user) return undefined;
    if (!admins.has(user.username)) {
      res.status(403).send(views.errorPage(ctx(req, res, user), 'Admins only', 'This page is for administrators.'));
      return undefined;
    }
    if ((await twoFactor.status(user.id)) !== 'activated') {
      res
        .status(403)
        .send(
          views.errorPage(
            ctx(req, res, user),
            'Admins only',
            'Turn on 2FA for your own account (Profile, Enable 2FA) before using the admin pages.',
          ),
        );
      return undefined;
    }
    return user;
  }

  /**
   * The notice for a refused code. The wrong code that reaches the hard-lock limit is answered
   * `invalid` (it was checked, and it was wrong); the lock it started shows in throttleStatus,
   * and the user should hear about it now rather than after typing the right code.
   */
  const webauthnRoutes: WebAuthnRoutes = {
    twoFactor,
    users: options.users,
    ctx,
    requireUser,
    pendingUser,
    signIn,
    completeSignIn: (req, res, user, how) => completeSignIn(req, res, user, how),
    refusal: (req, userId, failure) => refusal(req, userId, failure),
    log,
  };
  if (options.webauthn) mountWebAuthn(app, webauthnRoutes);

  async function refusal(
    req: Request,
    userId: string,
    failure: TwoFactorFailure | RateLimited,
    method?: MessageMethod,
  ): Promise<views.Notice> {
    if (failure.reason === 'invalid' && (await twoFactor.throttleStatus(userId)).hardLocked) {
      return say(req, { ok: false, reason: 'hard-locked' });
    }
    return say(req, failure, method);
  }

  /** A refused code typed in a field that takes an app's code or a backup code: the text fits what was typed. */
  async function codeRefusal(req: Request, userId: string, failure: TwoFactorFailure, code: string) {
    const hasApp = (await twoFactor.listFactors(userId)).some((f) => f.type === 'totp' && f.status === 'active');
    return refusal(req, userId, failure, typedMethod(code, hasApp));
  }

  app.get('/', (req, res) => res.redirect(req.session.userId ? '/profile' : '/login'));

  app.get('/signup', (req, res) => {
    res.send(views.signupPage(ctx(req, res)));
  });

  app.post('/signup', async (req, res) => {
    const username = text(req.body, 'username').trim().toLowerCase();
    const password = text(req.body, 'password');
    const retry = (message: string) =>
      res.status(400).send(views.signupPage(ctx(req, res), { kind: 'error', text: message }, username));
    if (!isUsername(username)) return retry('User names are 3 to 32 letters, digits, dots, dashes or underscores.');
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      return retry(`Passwords are ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`);
    }
    const user = await options.users.create(username, await hashPassword(password), clock());
    if (!user) return retry('That user name is taken.');
    log(`User ${user.id} signed up`);
    await signIn(req, user);
    req.session.flash = 'Welcome! Your account is ready. Consider enabling 2FA below.';
    res.redirect('/profile');
  });

  app.get('/login', async (req, res) => {
    if (req.session.userId) return res.redirect('/profile');
    if (req.session.pendingUserId) return res.redirect('/login/2fa');
    const page = ctx(req, res);
    if (options.webauthn) page.webauthn = await passkeySignInPart(webauthnRoutes, req, page);
    res.send(views.loginPage(page));
  });

  app.post('/login', async (req, res) => {
    const username = text(req.body, 'username').trim().toLowerCase();
    const password = text(req.body, 'password');
    const user = await options.users.findByUsername(username);
    if (!user) await burnPasswordCheck(password);
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      return res
        .status(401)
        .send(views.loginPage(ctx(req, res), { kind: 'error', text: 'Wrong user name or password.' }, username));
    }
    if ((await twoFactor.status(user.id)) === 'activated') {
      const deviceToken = cookieValue(req, DEVICE_COOKIE);
      // A cookie factorkit refuses to read (edited by hand, another app's on this host) or a
      // failing store means no skip: the second step applies, which fails closed.
      const remembered = deviceToken
        ? await twoFactor.checkRememberedDevice(user.id, deviceToken).catch(() => ({ ok: false as const }))
        : { ok: false as const };
      if (remembered.ok) {
        await signIn(req, user);
        log(`User ${user.id} logged in with a password on remembered browser ${remembered.deviceId}`);
        req.session.flash =
          'Signed in without a code: this browser is remembered. You can forget it on your Security page.';
        return res.redirect('/profile');
      }
      await regenerate(req);
      req.session.pendingUserId = user.id;
      req.session.pendingSince = clock();
      return res.redirect('/login/2fa');
    }
    await signIn(req, user);
    log(`User ${user.id} logged in with a password (2FA not activated)`);
    res.redirect('/profile');
  });

  app.get('/login/2fa', async (req, res) => {
    const user = await pendingUser(req);
    if (!user) {
      delete req.session.pendingUserId;
      return res.redirect('/login');
    }
    // Said before a code is typed: a hard-locked account refuses even the right one.
    const locked = (await twoFactor.throttleStatus(user.id)).hardLocked
      ? say(req, { ok: false, reason: 'hard-locked' })
      : undefined;
    const page = ctx(req, res);
    if (options.webauthn) page.webauthn = await secondStepPart(webauthnRoutes, user, page);
    res.send(views.secondFactorPage(page, user.username, locked, await secondStepMethods(req, user.id)));
  });

  app.post('/login/2fa', async (req, res) => {
    const user = await pendingUser(req);
    if (!user) {
      delete req.session.pendingUserId;
      req.session.flash = 'Your log-in attempt timed out. Please log in again.';
      return res.redirect('/login');
    }
    const code = text(req.body, 'code');
    const result = await twoFactor.verify(user.id, code);
    if (!result.ok) {
      if (result.reason === 'not-enrolled') {
        // 2FA was turned off meanwhile: start over so the normal password path applies.
        await regenerate(req);
        return res.redirect('/login');
      }
      const notice = await codeRefusal(req, user.id, result, code);
      return res
        .status(401)
        .send(views.secondFactorPage(ctx(req, res), user.username, notice, await secondStepMethods(req, user.id)));
    }
    await completeSignIn(req, res, user, result.method === 'backup' ? 'a backup code' : 'a TOTP code');
    if (result.method === 'backup') {
      const left = result.remainingBackupCodes;
      req.session.flash =
        `Signed in with a backup code. ${left} backup ${left === 1 ? 'code' : 'codes'} left.` +
        (left <= 2 ? ' Generate new backup codes soon.' : '');
    }
    res.redirect('/profile');
  });

  /** The second factor passed: a signed-in session, and the browser remembered if asked. */
  async function completeSignIn(req: Request, res: Response, user: User, how: string): Promise<void> {
    const remember = text(req.body, 'remember') === 'yes';
    await signIn(req, user);
    log(`User ${user.id} logged in with a password and ${how}`);
    res.cookie(KNOWN_BROWSER_COOKIE, knownBrowserMark(options.sessionSecret, user.id), {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: KNOWN_BROWSER_TTL_MS,
      path: '/',
    });
    if (remember) {
      const remembered = await twoFactor.rememberDevice(user.id, {
        label: deviceLabel(req.get('user-agent')),
        ttlMs: REMEMBER_DEVICE_TTL_MS,
      });
      if (remembered.ok) {
        res.cookie(DEVICE_COOKIE, remembered.token, {
          httpOnly: true,
          sameSite: 'lax',
          // req.secure is true only over https (behind a proxy: with `app.set('trust proxy', 1)`).
          secure: req.secure,
          expires: new Date(remembered.expiresAt),
          path: '/',
        });
      }
    }
  }

  app.post('/login/cancel', async (req, res) => {
    await regenerate(req);
    res.redirect('/login');
  });

  app.post('/logout', async (req, res) => {
    const userId = req.session.userId;
    if (userId) sessionIndex.remove(userId, req.sessionID);
    await destroy(req);
    res.clearCookie('factorkit.sid');
    res.redirect('/login');
  });

  app.get('/profile', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const [status, remainingBackupCodes, factors] = await Promise.all([
      twoFactor.status(user.id),
      twoFactor.remainingBackupCodes(user.id),
      twoFactor.listFactors(user.id),
    ]);
    res.send(
      views.profilePage(ctx(req, res, user), {
        username: user.username,
        status,
        remainingBackupCodes,
        authenticators: factors.filter((factor) => factor.status === 'active'),
        createdAt: user.createdAt,
        deliveryAvailable,
        voiceAllowed: voiceAllowed(factors),
      }),
    );
  });

  /**
   * The enrollment this session started for `purpose`, while factorkit still holds it pending
   * and it has not expired; otherwise none (and the session forgets it).
   */
  async function validEnrollment(
    req: Request,
    user: User,
    purpose: PendingEnrollment['purpose'],
  ): Promise<PendingEnrollment | undefined> {
    const kept = req.session.enrollment;
    if (!kept || kept.userId !== user.id || kept.purpose !== purpose || kept.expiresAt <= clock()) {
      if (kept) delete req.session.enrollment;
      return undefined;
    }
    const factors = await twoFactor.listFactors(user.id);
    if (!factors.some((factor) => factor.factorId === kept.factorId && factor.status === 'pending')) {
      delete req.session.enrollment;
      return undefined;
    }
    return kept;
  }

  /** The session's valid enrollment for `purpose`, or a new one that the session keeps. */
  async function pendingEnrollment(
    req: Request,
    user: User,
    purpose: PendingEnrollment['purpose'],
    begin: () => Promise<BeginEnrollmentResult>,
  ): Promise<PendingEnrollment> {
    const kept = await validEnrollment(req, user, purpose);
    if (kept) return kept;
    const started = await begin();
    // The session store is server-side (only its id is in the cookie); the QR code holds the
    // secret, so the session is as sensitive as the page: it ends with the enrollment.
    const enrollment: PendingEnrollment = {
      purpose,
      userId: user.id,
      factorId: started.factorId,
      qrSvg: renderQrSvg(started.uri),
      manualKey: started.manualKey,
      expiresAt: started.expiresAt,
      wrongCodes: 0,
    };
    req.session.enrollment = enrollment;
    return enrollment;
  }

  /**
   * How to word a refused setup code: the first wrong one is taken for a typo ("check it"); from
   * the second one on, a wrong code of a freshly scanned QR code points at the phone's clock.
   */
  function setupMethod(req: Request, failure: TwoFactorFailure): MessageMethod | undefined {
    const kept = req.session.enrollment;
    if (failure.reason !== 'invalid' || !kept) return 'totp';
    kept.wrongCodes = (kept.wrongCodes ?? 0) + 1;
    return kept.wrongCodes > 1 ? 'totp' : undefined;
  }

  const enrollmentView = (enrollment: PendingEnrollment, user: User): views.EnrollmentView => ({
    qrSvg: enrollment.qrSvg,
    manualKey: enrollment.manualKey,
    issuer,
    username: user.username,
  });

  app.get('/2fa/enable', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    if ((await twoFactor.status(user.id)) === 'activated') {
      req.session.flash = '2FA is already activated.';
      return res.redirect('/profile');
    }
    const enrollment = await pendingEnrollment(req, user, 'enable', () =>
      twoFactor.beginEnrollment(user.id, { account: user.username }),
    );
    res.send(views.enablePage(ctx(req, res, user), enrollmentView(enrollment, user)));
  });

  app.post('/2fa/enable', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const code = text(req.body, 'code');
    const enrollment = await validEnrollment(req, user, 'enable');
    const result = await twoFactor.confirmEnrollment(
      user.id,
      code,
      enrollment ? { factorId: enrollment.factorId } : {},
    );
    if (!result.ok) {
      if (result.reason === 'not-enrolled' || result.reason === 'expired' || result.reason === 'unknown-factor') {
        delete req.session.enrollment;
        req.session.flash = say(req, result, 'totp');
        return res.redirect(result.reason === 'not-enrolled' ? '/profile' : '/2fa/enable');
      }
      if (result.reason === 'current-code-required') {
        // 2FA went on meanwhile (another tab): a new app now needs a code of the current one.
        delete req.session.enrollment;
        req.session.flash = say(req, result, 'totp');
        return res.redirect('/2fa/add');
      }
      // The QR code stays on screen: the user may have typed a digit wrong, not scanned wrong.
      return res
        .status(400)
        .send(
          views.enablePage(
            ctx(req, res, user),
            enrollment && enrollmentView(enrollment, user),
            await refusal(req, user.id, result, setupMethod(req, result)),
          ),
        );
    }
    delete req.session.enrollment;
    res.send(
      views.backupCodesPage(ctx(req, res, user), user.username, result.backupCodes, '2FA is on: your backup codes'),
    );
  });

  // Adding an authenticator app (a new phone, a tablet) to an account with 2FA on. The new
  // app's secret waits beside the current ones (which keep working) until a code of the new app
  // and one of a current app (or a backup code) confirm it: a session alone, say a stolen
  // cookie or an unlocked laptop, must not be able to add someone else's phone. Moving to a new
  // phone is adding it, then removing the old one on the profile page.
  app.get('/2fa/add', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    if ((await twoFactor.status(user.id)) !== 'activated') return res.redirect('/2fa/enable');
    const active = (await twoFactor.listFactors(user.id)).filter((factor) => factor.status === 'active');
    if (active.length >= MAX_AUTHENTICATORS) {
      req.session.flash = `You have ${MAX_AUTHENTICATORS} authenticator apps, the most there can be: remove one first.`;
      return res.redirect('/profile');
    }
    // The first one is factorkit's default name; later ones get the first free number.
    const taken = new Set(active.map((factor) => factor.name));
    let number = 2;
    while (taken.has(`Authenticator app ${number}`)) number += 1;
    const enrollment = await pendingEnrollment(req, user, 'add', () =>
      twoFactor.beginEnrollment(user.id, { account: user.username, name: `Authenticator app ${number}` }),
    );
    res.send(views.addAuthenticatorPage(ctx(req, res, user), enrollmentView(enrollment, user)));
  });

  app.post('/2fa/add', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const code = text(req.body, 'code');
    const currentCode = text(req.body, 'currentCode');
    const enrollment = await validEnrollment(req, user, 'add');
    // An empty field is no code at all: factorkit then answers 'current-code-required'.
    const result = await twoFactor.confirmEnrollment(user.id, code, {
      ...(enrollment ? { factorId: enrollment.factorId } : {}),
      ...(currentCode.trim() === '' ? {} : { currentCode }),
    });
    if (!result.ok) {
      if (result.reason === 'not-enrolled' || result.reason === 'expired' || result.reason === 'unknown-factor') {
        delete req.session.enrollment;
        req.session.flash = say(req, result, 'totp');
        return res.redirect(result.reason === 'not-enrolled' ? '/profile' : '/2fa/add');
      }
      const notice =
        result.reason === 'invalid' || result.reason === 'malformed' || result.reason === 'replayed'
          ? await twoCodesRefusal(req, user.id, result, 'the newest code of the new app')
          : await codeRefusal(req, user.id, result, code);
      return res
        .status(400)
        .send(views.addAuthenticatorPage(ctx(req, res, user), enrollment && enrollmentView(enrollment, user), notice));
    }
    delete req.session.enrollment;
    req.session.flash =
      'Authenticator app added: codes of each of your apps now work. If it replaces an old phone, remove the old one below.';
    res.redirect('/profile');
  });

  /** Two codes were typed and factorkit does not say which one was refused: name both. */
  async function twoCodesRefusal(
    req: Request,
    userId: string,
    failure: TwoFactorFailure,
    newOne: string,
  ): Promise<views.Notice> {
    if ((await twoFactor.throttleStatus(userId)).hardLocked) return say(req, { ok: false, reason: 'hard-locked' });
    return {
      kind: 'error',
      text:
        'One of the two codes was not accepted. Enter the newest code of a sign-in method you already have (or an ' +
        `unused backup code) and ${newOne}; a code that was already used does not work again.`,
      ...(failure.retryAfterMs
        ? { extra: say(req, { ok: false, reason: 'locked', retryAfterMs: failure.retryAfterMs }) }
        : {}),
    };
  }

  /** One of the user's active authenticators, by the id in the path, or a 404. */
  async function activeFactor(req: Request, res: Response, user: User): Promise<FactorSummary | undefined> {
    const factorId = String(req.params.factorId ?? '');
    const factor = (await twoFactor.listFactors(user.id)).find((f) => f.factorId === factorId && f.status === 'active');
    if (!factor) {
      res.status(404).send(views.errorPage(ctx(req, res, user), 'Not found', 'There is no such sign-in method.'));
      return undefined;
    }
    return factor;
  }

  const removeForm = (factor: FactorSummary) => ({
    title: `Remove ${factor.name}`,
    action: `/2fa/factors/${encodeURIComponent(factor.factorId)}/remove`,
    intro:
      `${views.factorKind(factor)} ${factor.name} will stop working for signing in. Confirm with a code from any ` +
      'of your sign-in methods or a backup code. Removing your only sign-in method turns 2FA off.',
    button: 'Remove',
  });

  app.get('/2fa/factors/:factorId/remove', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const factor = await activeFactor(req, res, user);
    if (!factor) return;
    res.send(
      views.codeConfirmPage(ctx(req, res, user), removeForm(factor), undefined, await deliveredMethods(user.id)),
    );
  });

  app.post('/2fa/factors/:factorId/remove', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const factor = await activeFactor(req, res, user);
    if (!factor) return;
    const code = text(req.body, 'code');
    const result = await twoFactor.removeFactor(user.id, factor.factorId, code);
    if (!result.ok) {
      if (result.reason === 'unknown-factor' || result.reason === 'not-enrolled') {
        req.session.flash = say(req, result, 'totp');
        return res.redirect('/profile');
      }
      return res
        .status(400)
        .send(
          views.codeConfirmPage(
            ctx(req, res, user),
            removeForm(factor),
            await codeRefusal(req, user.id, result, code),
            await deliveredMethods(user.id),
          ),
        );
    }
    req.session.flash = result.twoFactorOff
      ? `Removed ${factor.name}, your only sign-in method: 2FA is now off.`
      : `Removed ${factor.name}: its codes no longer work.`;
    res.redirect('/profile');
  });

  // The security page: the authenticator apps (rename, remove) and the remembered browsers
  // (forget). Every change is a POST form, so the CSRF check covers it.
  async function sendSecurityPage(req: Request, res: Response, user: User, notice?: views.Notice): Promise<void> {
    const [status, factors, devices] = await Promise.all([
      twoFactor.status(user.id),
      twoFactor.listFactors(user.id),
      twoFactor.listRememberedDevices(user.id),
    ]);
    const page = ctx(req, res, user);
    if (options.webauthn) page.webauthn = webauthnLinks();
    res.status(notice?.kind === 'error' ? 400 : 200).send(
      views.securityPage(
        page,
        {
          status,
          authenticators: factors.filter((factor) => factor.status === 'active'),
          devices,
        },
        notice,
      ),
    );
  }

  app.get('/security', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    await sendSecurityPage(req, res, user);
  });

  app.post('/2fa/factors/:factorId/rename', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const factor = await activeFactor(req, res, user);
    if (!factor) return;
    const name = text(req.body, 'name').trim();
    // factorkit's rule (1 to 64 characters, no control characters), checked here to answer
    // with a message rather than its INVALID_ARGUMENT.
    if (name.length < 1 || name.length > 64 || /\p{Cc}/u.test(name)) {
      return sendSecurityPage(req, res, user, {
        kind: 'error',
        text: 'Names are 1 to 64 characters long, without line breaks or tabs.',
      });
    }
    const result = await twoFactor.renameFactor(user.id, factor.factorId, name);
    req.session.flash = result.ok
      ? `Renamed ${factor.name} to ${name}.`
      : 'That sign-in method is no longer on this account.';
    res.redirect('/security');
  });

  app.post('/security/devices/:deviceId/forget', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const deviceId = String(req.params.deviceId ?? '');
    const device = (await twoFactor.listRememberedDevices(user.id)).find((d) => d.deviceId === deviceId);
    const result = device ? await twoFactor.forgetDevice(user.id, device.deviceId) : undefined;
    req.session.flash = result?.ok
      ? `Forgot ${device?.label ?? 'that browser'}: signing in there needs a code again.`
      : 'That browser is not remembered (any more).';
    res.redirect('/security');
  });

  const backupCodesForm = {
    title: 'Generate backup codes',
    action: '/2fa/backup-codes',
    intro: 'New backup codes replace all your current ones, used or not. Confirm with a code.',
    button: 'Generate backup codes',
  };

  app.get('/2fa/backup-codes', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    res.send(views.codeConfirmPage(ctx(req, res, user), backupCodesForm, undefined, await deliveredMethods(user.id)));
  });

  app.post('/2fa/backup-codes', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const code = text(req.body, 'code');
    const result = await twoFactor.regenerateBackupCodes(user.id, code);
    if (!result.ok) {
      return res
        .status(400)
        .send(
          views.codeConfirmPage(
            ctx(req, res, user),
            backupCodesForm,
            await codeRefusal(req, user.id, result, code),
            await deliveredMethods(user.id),
          ),
        );
    }
    res.send(views.backupCodesPage(ctx(req, res, user), user.username, result.backupCodes, 'Your new backup codes'));
  });

  const disableForm = {
    title: 'Disable 2FA',
    action: '/2fa/disable',
    intro: 'Your account will be protected by your password only. Confirm with a code.',
    button: 'Disable 2FA',
  };

  app.get('/2fa/disable', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    res.send(views.codeConfirmPage(ctx(req, res, user), disableForm, undefined, await deliveredMethods(user.id)));
  });

  app.post('/2fa/disable', async (req, res) => {
    const user = await requireUser(req, res);
    if (!user) return;
    const code = text(req.body, 'code');
    const result = await twoFactor.disable(user.id, code);
    if (!result.ok) {
      return res
        .status(400)
        .send(
          views.codeConfirmPage(
            ctx(req, res, user),
            disableForm,
            await codeRefusal(req, user.id, result, code),
            await deliveredMethods(user.id),
          ),
        );
    }
    req.session.flash = '2FA is now off for your account.';
    res.redirect('/profile');
  });

  app.get('/users', async (req, res) => {
    const user = await requireAdmin(req, res);
    if (!user) return;
    const query = req.query.status;
    const filter: views.UserFilter = query === 'activated' || query === 'not-activated' ? query : 'all';
    // A filter the page does not know (a hand-edited or old link) is said, not silently ignored.
    const unknown: views.Notice | undefined =
      query === undefined || filter !== 'all'
        ? undefined
        : { kind: 'error', text: `There is no filter "${String(query)}": showing all users.` };
    // factorkit only knows users who ever enrolled; everyone else is "Not activated".
    const statusById = new Map<string, string>();
    let cursor: string | undefined;
    do {
      const page = await twoFactor.listUsers({ limit: 500, ...(cursor ? { cursor } : {}) });
      for (const entry of page.users) statusById.set(entry.userId, entry.status);
      cursor = page.nextCursor;
    } while (cursor);
    const rows = (await options.users.list())
      .map((u) => ({
        username: u.username,
        activated: statusById.get(u.id) === 'activated',
        setupStarted: statusById.get(u.id) === 'pending',
        createdAt: u.createdAt,
      }))
      .filter((row) => filter === 'all' || row.activated === (filter === 'activated'));
    res.status(unknown ? 400 : 200).send(views.usersPage(ctx(req, res, user), filter, rows, unknown));
  });

  // Support: what an admin sees and does for one user who lost their phone or locked
  // themselves out. The actions need no code of the user (that is their point), so they sit
  // behind requireAdmin and the CSRF check, name the admin as `actor`, and land in the audit log.
  async function supportTarget(req: Request, res: Response, admin: User): Promise<User | undefined> {
    const username = String(req.params.username ?? '');
    const target = isUsername(username) ? await options.users.findByUsername(username) : null;
    if (!target) {
      res.status(404).send(views.errorPage(ctx(req, res, admin), 'Not found', 'There is no such user.'));
      return undefined;
    }
    return target;
  }

  async function sendSupportPage(req: Request, res: Response, admin: User, target: User, notice?: views.Notice) {
    const [status, remainingBackupCodes, throttle, factors] = await Promise.all([
      twoFactor.status(target.id),
      twoFactor.remainingBackupCodes(target.id),
      twoFactor.throttleStatus(target.id),
      twoFactor.listFactors(target.id),
    ]);
    const view: views.SupportView = {
      username: target.username,
      status,
      remainingBackupCodes,
      throttle,
      authenticators: factors.filter((factor) => factor.status === 'active'),
      audit: audit.forUser(target.id),
    };
    res.status(notice?.kind === 'error' ? 400 : 200).send(views.supportPage(ctx(req, res, admin), view, notice));
  }

  const supportPath = (target: User) => `/support/${encodeURIComponent(target.username)}`;

  app.get('/support/:username', async (req, res) => {
    const admin = await requireAdmin(req, res);
    if (!admin) return;
    const target = await supportTarget(req, res, admin);
    if (!target) return;
    await sendSupportPage(req, res, admin, target);
  });

  app.post('/support/:username/unlock', async (req, res) => {
    const admin = await requireAdmin(req, res);
    if (!admin) return;
    const target = await supportTarget(req, res, admin);
    if (!target) return;
    const result = await twoFactor.unlock(target.id, { actor: admin.username });
    req.session.flash = result.ok
      ? `Unlocked ${target.username}: wrong codes cleared, sign-in works again.`
      : `${target.username} has never set up 2FA: there is nothing to unlock.`;
    res.redirect(supportPath(target));
  });

  app.post('/support/:username/reset', async (req, res) => {
    const admin = await requireAdmin(req, res);
    if (!admin) return;
    const target = await supportTarget(req, res, admin);
    if (!target) return;
    if (text(req.body, 'identityChecked') !== 'yes') {
      return sendSupportPage(req, res, admin, target, {
        kind: 'error',
        text: "Confirm that you verified the person's identity out of band before resetting their 2FA.",
      });
    }
    const result = await twoFactor.resetByAdmin(target.id, { actor: admin.username });
    req.session.flash = result.ok
      ? `2FA of ${target.username} is off and their sessions are ended: they sign in with their password and set it up again.`
      : `${target.username} has never set up 2FA: there is nothing to reset.`;
    res.redirect(supportPath(target));
  });

  // Delivered-code factors: e-mail, Telegram, SMS and voice. factorkit makes each code and hands
  // it to `deliver`; these pages ask for the destination, send, and take the code back. A new
  // destination is a new authenticator (NIST SP 800-63B 5.1.3.3, 6.1.2): with 2FA on, confirming
  // one needs a code of a current factor too, as adding an authenticator app does.

  /** Voice calls are a fallback only: factorkit refuses one unless another active factor is not voice. */
  function voiceAllowed(factors: FactorSummary[]): boolean {
    return factors.some((factor) => factor.status === 'active' && factor.channel !== 'voice');
  }

  /** The user's active delivered factors of the channels this app sends through. */
  async function deliveredMethods(userId: string): Promise<views.SignInMethod[]> {
    if (!deliveryAvailable) return [];
    return (await twoFactor.listFactors(userId)).flatMap((factor) => {
      const channel = factor.channel ?? '';
      return factor.status === 'active' && isChannel(channel) && factor.maskedDestination
        ? [{ factorId: factor.factorId, channel, maskedDestination: factor.maskedDestination }]
        : [];
    });
  }

  /**
   * The second step's buttons: a voice factor whose last code in this sign-in came by SMS (calls
   * unanswered) says it texts, because factorkit sends the next one by SMS too.
   */
  async function secondStepMethods(req: Request, userId: string): Promise<views.SignInMethod[]> {
    const last = req.session.signInCode;
    return (await deliveredMethods(userId)).map((method) =>
      last?.userId === userId && last.factorId === method.factorId && last.sentBy && last.sentBy !== method.channel
        ? { ...method, sendsBy: last.sentBy }
        : method,
    );
  }

  const resendInSeconds = (pending: PendingDelivered) => Math.max(0, Math.ceil((pending.resendAt - clock()) / 1000));
  const resendCooldownMs = options.delivery?.resendCooldownMs ?? DEFAULT_DELIVERY_RESEND_COOLDOWN_MS;

  /** A refused send; a long wait (the hour's or the day's cap) points to another way in meanwhile. */
  function sendRefusal(req: Request, result: RateLimited | TwoFactorFailure): views.Notice {
    const said = say(req, result);
    if (result.reason !== 'rate-limited' || result.retryAfterMs <= 120_000) return said;
    const other = 'Meanwhile, use another method: an authenticator app, another of your methods or a backup code.';
    return { ...said, extra: { kind: 'error', text: other, lang: 'en' } };
  }

  /**
   * Runs a send (beginEnrollment, sendCode, requestApproval); a provider that failed, or a
   * destination factorkit cannot use, becomes a notice instead of a 500.
   */
  async function sending<T>(send: () => Promise<T>): Promise<T | views.Notice> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof FactorkitError)) throw error;
      switch (error.code) {
        case 'DELIVERY_FAILED':
          return {
            kind: 'error',
            text: 'Sending failed: our provider did not take the message. Try again in a moment.',
          };
        case 'INVALID_DESTINATION':
          return {
            kind: 'error',
            text: 'That does not look right: an e-mail address, a phone number starting with + and the country code, or a Telegram chat id (digits).',
          };
        case 'VOICE_FALLBACK_ONLY':
          return {
            kind: 'error',
            text: 'Voice calls are a fallback only: add another way to sign in first (an app, e-mail, Telegram or SMS).',
          };
        case 'TOO_MANY_FACTORS':
          return { kind: 'error', text: 'You have as many of these as there can be: remove one first.' };
        default:
          throw error;
      }
    }
  }
  const isNotice = (value: unknown): value is views.Notice =>
    typeof value === 'object' && value !== null && 'kind' in value && 'text' in value;

  async function requireDeliveryUser(req: Request, res: Response): Promise<User | undefined> {
    const user = await requireUser(req, res);
    if (!user) return undefined;
    if (!deliveryAvailable) {
      res.status(404).send(views.errorPage(ctx(req, res, user), 'Not found', 'This app sends no codes.'));
      return undefined;
    }
    return user;
  }

  // "Send a code to ...": a code of a delivered factor, for a page that asks for a code of any
  // factor (remove, backup codes, disable). Back to that page, whose path is one of these.
  const SEND_CODE_BACK = /^\/2fa\/(?:backup-codes|disable|factors\/[^/]+\/remove)$/;

  app.post('/2fa/send-code', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const back = text(req.body, 'back');
    const method = (await deliveredMethods(user.id)).find((m) => m.factorId === text(req.body, 'factorId'));
    if (!SEND_CODE_BACK.test(back) || !method) return res.redirect('/profile');
    // A signed-in session of an account with a delivered factor has passed a second factor: its
    // codes come from their own allowance, which a password-only attacker cannot use up (E5).
    const sent = await sending(() => twoFactor.sendCode(user.id, { factorId: method.factorId, trustedSession: true }));
    req.session.flash = isNotice(sent)
      ? sent
      : sent.ok
        ? `We sent a code to ${method.maskedDestination}.`
        : sendRefusal(req, sent);
    res.redirect(back);
  });

  app.get('/2fa/delivered/add', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const channel = String(req.query.channel ?? '');
    if (!isChannel(channel)) return res.redirect('/profile');
    res.send(views.addDeliveredPage(ctx(req, res, user), { channel, destination: '' }));
  });

  app.post('/2fa/delivered/add', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const channel = text(req.body, 'channel');
    if (!isChannel(channel)) return res.redirect('/profile');
    const destination = text(req.body, 'destination').trim();
    const begun = await sending(() => twoFactor.beginEnrollment(user.id, { channel, destination }));
    if (isNotice(begun) || !begun.ok) {
      const notice = isNotice(begun) ? begun : sendRefusal(req, begun);
      return res.status(400).send(views.addDeliveredPage(ctx(req, res, user), { channel, destination }, notice));
    }
    req.session.deliveredEnrollment = {
      userId: user.id,
      factorId: begun.factorId,
      channel,
      sentBy: channel,
      maskedDestination: begun.maskedDestination,
      resendAt: clock() + resendCooldownMs,
    };
    res.redirect('/2fa/delivered/confirm');
  });

  function pendingDeliveredEnrollment(req: Request, user: User): PendingDelivered | undefined {
    const pending = req.session.deliveredEnrollment;
    return pending && pending.userId === user.id ? pending : undefined;
  }

  async function sendConfirmPage(
    req: Request,
    res: Response,
    user: User,
    pending: PendingDelivered,
    notice?: views.Notice,
  ) {
    const requiresCurrentCode = (await twoFactor.status(user.id)) === 'activated';
    const current = requiresCurrentCode
      ? (await deliveredMethods(user.id)).filter((method) => method.factorId !== pending.factorId)
      : [];
    res
      .status(notice?.kind === 'error' ? 400 : 200)
      .send(
        views.confirmDeliveredPage(
          ctx(req, res, user),
          { ...pending, resendInSeconds: resendInSeconds(pending), requiresCurrentCode, currentMethods: current },
          notice,
        ),
      );
  }

  app.get('/2fa/delivered/confirm', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const pending = pendingDeliveredEnrollment(req, user);
    if (!pending) return res.redirect('/profile');
    await sendConfirmPage(req, res, user, pending);
  });

  app.post('/2fa/delivered/resend', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const pending = pendingDeliveredEnrollment(req, user);
    if (!pending) return res.redirect('/profile');
    const sent = await sending(() => twoFactor.sendCode(user.id, { factorId: pending.factorId }));
    if (isNotice(sent) || !sent.ok)
      return sendConfirmPage(req, res, user, pending, isNotice(sent) ? sent : sendRefusal(req, sent));
    req.session.deliveredEnrollment = { ...pending, resendAt: clock() + resendCooldownMs };
    req.session.flash = 'We sent a new code.';
    res.redirect('/2fa/delivered/confirm');
  });

  // "A code from one of your current methods": sends one to an active delivered factor, for the
  // confirmation of a new one (its `currentCode`).
  app.post('/2fa/delivered/current-code', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const pending = pendingDeliveredEnrollment(req, user);
    if (!pending) return res.redirect('/profile');
    const method = (await deliveredMethods(user.id)).find((m) => m.factorId === text(req.body, 'factorId'));
    if (!method) return res.redirect('/2fa/delivered/confirm');
    // Signed in with a second factor already: the trusted sessions' allowance (E5).
    const sent = await sending(() => twoFactor.sendCode(user.id, { factorId: method.factorId, trustedSession: true }));
    if (isNotice(sent) || !sent.ok)
      return sendConfirmPage(req, res, user, pending, isNotice(sent) ? sent : sendRefusal(req, sent));
    req.session.flash = `We sent a code to ${method.maskedDestination}: enter it as the code from a current method.`;
    res.redirect('/2fa/delivered/confirm');
  });

  app.post('/2fa/delivered/confirm', async (req, res) => {
    const user = await requireDeliveryUser(req, res);
    if (!user) return;
    const pending = pendingDeliveredEnrollment(req, user);
    if (!pending) return res.redirect('/profile');
    const code = text(req.body, 'code');
    const currentCode = text(req.body, 'currentCode');
    const result = await twoFactor.confirmEnrollment(user.id, code, {
      factorId: pending.factorId,
      ...(currentCode.trim() === '' ? {} : { currentCode }),
    });
    if (!result.ok) {
      if (result.reason === 'not-enrolled' || result.reason === 'unknown-factor') {
        delete req.session.deliveredEnrollment;
        req.session.flash = 'That confirmation is no longer pending: add the address again.';
        return res.redirect('/profile');
      }
      const notice =
        currentCode.trim() === '' || result.reason === 'current-code-required'
          ? await refusal(req, user.id, result, pending.sentBy ?? pending.channel)
          : await twoCodesRefusal(req, user.id, result, `the code we sent to ${pending.maskedDestination}`);
      return sendConfirmPage(req, res, user, pending, notice);
    }
    delete req.session.deliveredEnrollment;
    // Backup codes come with the first factor only (2FA just went on).
    if (result.backupCodes.length > 0) {
      return res.send(
        views.backupCodesPage(ctx(req, res, user), user.username, result.backupCodes, '2FA is on: your backup codes'),
      );
    }
    req.session.flash = `Added ${pending.maskedDestination}: you can now sign in with it.`;
    res.redirect('/profile');
  });

  async function pendingSignIn(req: Request, res: Response): Promise<User | undefined> {
    const user = await pendingUser(req);
    if (!user || !deliveryAvailable) {
      delete req.session.pendingUserId;
      req.session.flash = 'Your log-in attempt timed out. Please log in again.';
      res.redirect('/login');
      return undefined;
    }
    return user;
  }

  async function sendDeliveredSignInPage(
    req: Request,
    res: Response,
    pending: PendingDelivered,
    notice?: views.Notice,
  ) {
    res
      .status(notice?.kind === 'error' ? 401 : 200)
      .send(
        views.deliveredSignInPage(ctx(req, res), { ...pending, resendInSeconds: resendInSeconds(pending) }, notice),
      );
  }

  app.post('/login/2fa/send', async (req, res) => {
    const user = await pendingSignIn(req, res);
    if (!user) return;
    const method = (await deliveredMethods(user.id)).find((m) => m.factorId === text(req.body, 'factorId'));
    if (!method || method.channel === 'telegram') return res.redirect('/login/2fa');
    const kept = req.session.signInCode;
    // A first ask in this sign-in has sent nothing yet (`sentBy` unset), whatever comes of it.
    const pending: PendingDelivered =
      kept && kept.userId === user.id && kept.factorId === method.factorId
        ? kept
        : { userId: user.id, ...method, resendAt: clock() };
    req.session.signInCode = pending;
    // A browser that signed this user in before draws on the trusted sessions' allowance, which
    // an attacker who has only the password cannot use up (E5).
    const trustedSession = isKnownBrowser(req, options.sessionSecret, user.id);
    const sent = await sending(() => twoFactor.sendCode(user.id, { factorId: method.factorId, trustedSession }));
    if (isNotice(sent) || !sent.ok)
      return sendDeliveredSignInPage(req, res, pending, isNotice(sent) ? sent : sendRefusal(req, sent));
    // A voice factor's code may come by SMS instead (unanswered calls): the page says which.
    req.session.signInCode = {
      ...pending,
      sentBy: isChannel(sent.channel) ? sent.channel : pending.channel,
      resendAt: clock() + resendCooldownMs,
    };
    res.redirect('/login/2fa/code');
  });

  app.get('/login/2fa/code', async (req, res) => {
    const user = await pendingSignIn(req, res);
    if (!user) return;
    const pending = req.session.signInCode;
    if (!pending || pending.userId !== user.id) return res.redirect('/login/2fa');
    await sendDeliveredSignInPage(req, res, pending);
  });

  app.post('/login/2fa/code', async (req, res) => {
    const user = await pendingSignIn(req, res);
    if (!user) return;
    const pending = req.session.signInCode;
    if (!pending || pending.userId !== user.id) return res.redirect('/login/2fa');
    const code = text(req.body, 'code');
    const result = await twoFactor.verify(user.id, code, { factorId: pending.factorId });
    if (!result.ok) {
      if (result.reason === 'not-enrolled' || result.reason === 'unknown-factor') {
        await regenerate(req);
        return res.redirect('/login');
      }
      return sendDeliveredSignInPage(
        req,
        res,
        pending,
        await refusal(req, user.id, result, pending.sentBy ?? pending.channel),
      );
    }
    await completeSignIn(req, res, user, `a code sent by ${pending.sentBy ?? pending.channel}`);
    res.redirect('/profile');
  });

  app.post('/login/2fa/approve', async (req, res) => {
    const user = await pendingSignIn(req, res);
    if (!user) return;
    const method = (await deliveredMethods(user.id)).find((m) => m.factorId === text(req.body, 'factorId'));
    if (method?.channel !== 'telegram') return res.redirect('/login/2fa');
    const requested = await sending(() => twoFactor.requestApproval(user.id, { factorId: method.factorId }));
    if (isNotice(requested) || !requested.ok) {
      return res
        .status(429)
        .send(
          views.secondFactorPage(
            ctx(req, res),
            user.username,
            isNotice(requested) ? requested : say(req, requested, 'approval'),
            await secondStepMethods(req, user.id),
          ),
        );
    }
    req.session.signInApproval = {
      userId: user.id,
      factorId: method.factorId,
      challengeId: requested.challengeId,
      maskedDestination: method.maskedDestination,
      matchNumber: requested.matchNumber,
    };
    res.redirect('/login/2fa/wait');
  });

  // The waiting page reloads itself (meta refresh: no script, so the strict CSP stays as it is)
  // and each load asks approvalStatus. An approved request reads as approved once only, so the
  // load that sees it signs this session in, and no other session can reuse the approval.
  app.get('/login/2fa/wait', async (req, res) => {
    const user = await pendingSignIn(req, res);
    if (!user) return;
    const waiting = req.session.signInApproval;
    if (!waiting || waiting.userId !== user.id) return res.redirect('/login/2fa');
    const { status } = await twoFactor.approvalStatus(user.id, waiting.challengeId);
    if (status === 'approved') {
      delete req.session.signInApproval;
      await completeSignIn(req, res, user, 'an approval in Telegram');
      return res.redirect('/profile');
    }
    if (status === 'pending') {
      return res.send(
        views.approvalWaitPage(ctx(req, res), {
          maskedDestination: waiting.maskedDestination,
          matchNumber: waiting.matchNumber,
        }),
      );
    }
    delete req.session.signInApproval;
    // Denied (also by a wrong number), locked or expired: said in the reader's language.
    req.session.flash = say(req, { status });
    res.redirect('/login/2fa');
  });

  app.post('/login/2fa/approve/cancel', (req, res) => {
    delete req.session.signInApproval;
    res.redirect('/login/2fa');
  });

  // The demo's outbox: what the stand-in providers "sent". Mounted only when the app is given
  // one (server.ts in its in-memory mode, the e2e tests); it shows every user's codes, so no
  // real app has it, and even here only this machine may open it (E10 of issue 25).
  if (options.outbox) {
    const { outbox, smtpPort } = options.outbox;

    app.use('/dev/outbox', (req, res, next) => {
      // The socket's address, not X-Forwarded-For: 'trust proxy' is off, so no header can claim it.
      if (isFromLocalhost(req.socket.remoteAddress)) return next();
      res.status(404).send(views.errorPage(ctx(req, res), 'Not found', 'There is no page here.'));
    });

    app.get('/dev/outbox', async (req, res) => {
      // Open to whoever is on this machine (it stands in for everyone's inbox and phone); the header still shows who is signed in.
      const user = req.session.userId ? await options.users.findById(req.session.userId) : null;
      res.send(
        views.outboxPage(ctx(req, res, user ?? undefined), {
          emails: outbox.emails(),
          phoneEntries: outbox.phoneEntries(),
          smtpPort,
        }),
      );
    });

    // What the Telegram bot's webhook does when a button of its message is pressed (a callback
    // query carrying the token): approve or deny, then answer the button.
    app.post('/dev/outbox/telegram/:entryId/:answer', async (req, res) => {
      const entry = outbox.approvalEntry(Number(req.params.entryId));
      const answer = req.params.answer;
      if (!entry || (answer !== 'approve' && answer !== 'deny')) {
        return res.status(404).send(views.errorPage(ctx(req, res), 'Not found', 'There is no such message.'));
      }
      // Like Telegram's buttons, a message's buttons are answered once; factorkit would refuse a
      // second press anyway (each token works once).
      if (!entry.answer) {
        // The number pressed: factorkit takes a wrong (or missing) one as a denial, and counts it.
        const result =
          answer === 'approve'
            ? await twoFactor.approve(entry.approveToken, { matchNumber: text(req.body, 'matchNumber') })
            : await twoFactor.deny(entry.denyToken);
        outbox.recordAnswer(
          entry.id,
          result.ok
            ? answer === 'approve'
              ? 'approved'
              : 'denied'
            : result.reason === 'wrong-number'
              ? 'wrong-number'
              : 'refused',
        );
      }
      res.redirect(303, '/dev/outbox');
    });
  }

  app.use((req, res) => {
    res.status(404).send(views.errorPage(ctx(req, res), 'Not found', 'There is no page here.'));
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Name and code only: messages of third-party errors might echo request data.
    const code = (error as { code?: unknown } | null)?.code;
    log(
      `Request failed: ${req.method} ${req.path}: ${error instanceof Error ? error.name : 'error'}${code ? ` (${String(code)})` : ''}`,
    );
    if (res.headersSent) return;
    if (!req.session) {
      res.status(500).type('text/plain').send('Something went wrong. Please try again.');
      return;
    }
    res.status(500).send(views.errorPage(ctx(req, res), 'Something went wrong', 'Please try again.'));
  });

  return { app, twoFactor, sessionStore, audit };
}

/** Whether a socket address is 127.0.0.1 (also as the IPv4-mapped IPv6 address a dual-stack socket reports). */
export function isFromLocalhost(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::ffff:127.0.0.1';
}

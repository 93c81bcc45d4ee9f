// Security keys and passkeys in the example: adding one on the security page, the second step
// with it, a passwordless sign-in with a passkey, and (on the existing pages) removing it with
// another factor. factorkit checks everything; these routes carry the browser's JSON to it.
import type { TwoFactor, TwoFactorFailure } from 'factorkit';
import type { WebAuthnEnrollmentResult, WebAuthnOperations } from 'factorkit/webauthn';
import type { Express, Request, Response } from 'express';
import type { User, UserStore } from './users.js';
import { say } from './i18n.js';
import * as views from './views.js';
import { addWebAuthnPage, webauthnForm, webauthnLinks } from './webauthn-views.js';

export interface WebAuthnRoutes {
  twoFactor: TwoFactor & WebAuthnOperations;
  users: UserStore;
  ctx(req: Request, res: Response, user?: User): views.PageContext;
  requireUser(req: Request, res: Response): Promise<User | undefined>;
  pendingUser(req: Request): Promise<User | null>;
  signIn(req: Request, user: User): Promise<void>;
  completeSignIn(req: Request, res: Response, user: User, how: string): Promise<void>;
  /** A refusal as the page shows it, in the reader's language (factorkit/messages). */
  refusal(req: Request, userId: string, failure: TwoFactorFailure): Promise<views.Notice>;
  log(line: string): void;
}

/** The browser's credential JSON from the form, or undefined when it is not JSON at all. */
function credentialOf(req: Request): Record<string, unknown> | undefined {
  const raw = (req.body as Record<string, unknown> | undefined)?.credential;
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const kindOf = (value: unknown) => (value === 'passkey' ? 'passkey' : 'security-key');

/**
 * Passwordless sign-in finds the user by the passkey's user handle. A real app keeps the handle
 * in an indexed column of its users table when the passkey is added; the example looks through
 * its few users' factors instead, so it needs no column of its own.
 */
export function findUserByHandle(twoFactorOf: () => TwoFactor, users: UserStore) {
  return async (handle: string): Promise<string | null> => {
    for (const user of await users.list()) {
      const factors = await twoFactorOf().listFactors(user.id);
      if (factors.some((factor) => factor.type === 'webauthn' && factor.userHandle === handle)) return user.id;
    }
    return null;
  };
}

export function mountWebAuthn(app: Express, r: WebAuthnRoutes): void {
  const { twoFactor } = r;

  app.get('/2fa/webauthn/add', async (req, res) => {
    const user = await r.requireUser(req, res);
    if (!user) return;
    const kind = kindOf(req.query.kind);
    const begun = (await twoFactor.beginEnrollment(user.id, {
      type: 'webauthn',
      kind,
      userName: user.username,
    })) as unknown as WebAuthnEnrollmentResult;
    req.session.webauthnEnrollment = { factorId: begun.factorId, kind };
    const needsCurrentCode = (await twoFactor.status(user.id)) === 'activated';
    res.send(addWebAuthnPage(r.ctx(req, res, user), { kind, options: begun.options, needsCurrentCode }));
  });

  app.post('/2fa/webauthn/add', async (req, res) => {
    const user = await r.requireUser(req, res);
    if (!user) return;
    const pending = req.session.webauthnEnrollment;
    const credential = credentialOf(req);
    const currentCode = String((req.body as Record<string, unknown>).currentCode ?? '');
    if (pending === undefined || credential === undefined) return res.redirect('/security');
    const result = await twoFactor.confirmEnrollment(
      user.id,
      { webauthn: credential },
      { factorId: pending.factorId, ...(currentCode.trim() === '' ? {} : { currentCode }) },
    );
    delete req.session.webauthnEnrollment;
    const what = pending.kind === 'passkey' ? 'Passkey' : 'Security key';
    if (!result.ok) {
      const why = await r.refusal(req, user.id, result);
      req.session.flash = { kind: 'error', text: `${what} not added.`, extra: why };
      return res.redirect('/security');
    }
    r.log(`User ${user.id} added a ${pending.kind}`);
    if (result.backupCodes.length > 0) {
      // The first factor turned 2FA on: its backup codes, once.
      return res.send(views.backupCodesPage(r.ctx(req, res, user), user.username, result.backupCodes, '2FA is on'));
    }
    req.session.flash = `${what} added.`;
    res.redirect('/security');
  });

  app.post('/login/2fa/webauthn', async (req, res) => {
    const user = await r.pendingUser(req);
    if (!user) return res.redirect('/login');
    const credential = credentialOf(req);
    const result = credential
      ? await twoFactor.verify(user.id, { webauthn: credential })
      : ({ ok: false, reason: 'malformed' } as const);
    if (!result.ok) {
      req.session.flash = await r.refusal(req, user.id, result);
      return res.redirect('/login/2fa');
    }
    await r.completeSignIn(req, res, user, 'a security key or passkey');
    res.redirect('/profile');
  });

  app.post('/login/passkey', async (req, res) => {
    const token = req.session.passkeyToken;
    delete req.session.passkeyToken;
    const credential = credentialOf(req);
    if (token === undefined || credential === undefined) return res.redirect('/login');
    const result = await twoFactor.finishPasskeySignIn(credential as never, { challengeToken: token });
    const user = result.ok ? await r.users.findById(result.userId) : null;
    if (!result.ok || user === null) {
      req.session.flash = result.ok
        ? 'That account no longer exists.'
        : { kind: 'error', text: 'Passkey sign-in refused.', extra: say(req, result) };
      return res.redirect('/login');
    }
    await r.signIn(req, user);
    r.log(`User ${user.id} logged in with a passkey, without a password`);
    res.redirect('/profile');
  });
}

/** The log-in page's passkey button: a fresh passwordless challenge, its token kept in the session. */
export async function passkeySignInPart(r: WebAuthnRoutes, req: Request, pageCtx: views.PageContext) {
  const start = await r.twoFactor.beginPasskeySignIn();
  req.session.passkeyToken = start.challengeToken;
  return webauthnForm(pageCtx, {
    action: '/login/passkey',
    mode: 'get',
    options: start.options,
    button: 'Sign in with a passkey',
    id: 'passkey-sign-in',
  });
}

/** The second step's security key button, when the user has one that is not suspended. */
export async function secondStepPart(r: WebAuthnRoutes, user: User, pageCtx: views.PageContext) {
  const asked = await r.twoFactor.requestAssertion(user.id);
  if (!asked.ok) return undefined;
  return webauthnForm(pageCtx, {
    action: '/login/2fa/webauthn',
    mode: 'get',
    options: asked.options,
    button: 'Use your security key or passkey',
    id: 'webauthn-second-step',
  });
}

export { webauthnLinks };

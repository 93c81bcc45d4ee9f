// What a minimal app keeps of its own, whatever its framework: users with a password, and
// sessions in memory (a random id in an HttpOnly cookie). factorkit/http never sees either: it
// asks through the session callbacks. Plus the app's clock, which the browser tests move to
// expire a pending ticket and to reach the next TOTP step.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createTwoFactor, type Keyring, MemoryStore, type TwoFactor } from 'factorkit';

/** The app's session cookie: HttpOnly, Secure (Chromium keeps Secure cookies of http://localhost), SameSite=Lax. */
export const SESSION_COOKIE = 'app-session';
const SESSION_ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax';

export interface Accounts {
  /** Adds a user; false when the name is taken or empty. */
  register(username: string, password: string): boolean;
  passwordIsRight(username: string, password: string): boolean;
  /** A new session for the user: its id, for the session cookie. */
  startSession(userId: string): string;
  userOf(sessionId: string | undefined): string | undefined;
  endSession(sessionId: string | undefined): void;
  endOtherSessions(userId: string, keep: string | undefined): void;
}

const hash = (password: string, salt: Buffer) => scryptSync(password, salt, 32, { N: 1024 });

export function createAccounts(): Accounts {
  const users = new Map<string, { salt: Buffer; hash: Buffer }>();
  const sessions = new Map<string, string>();
  return {
    register(username, password) {
      if (!/^[a-z0-9-]{1,40}$/.test(username) || users.has(username) || password === '') return false;
      const salt = randomBytes(16);
      users.set(username, { salt, hash: hash(password, salt) });
      return true;
    },
    passwordIsRight(username, password) {
      const user = users.get(username);
      return user !== undefined && timingSafeEqual(hash(password, user.salt), user.hash);
    },
    startSession(userId) {
      const sessionId = randomBytes(24).toString('base64url');
      sessions.set(sessionId, userId);
      return sessionId;
    },
    userOf: (sessionId) => (sessionId === undefined ? undefined : sessions.get(sessionId)),
    endSession(sessionId) {
      if (sessionId !== undefined) sessions.delete(sessionId);
    },
    endOtherSessions(userId, keep) {
      for (const [sessionId, owner] of sessions) if (owner === userId && sessionId !== keep) sessions.delete(sessionId);
    },
  };
}

/** The `Set-Cookie` of a session id, or the one that clears the cookie. */
export const sessionCookie = (sessionId: string | undefined): string =>
  sessionId === undefined
    ? `${SESSION_COOKIE}=; Max-Age=0; ${SESSION_ATTRIBUTES}`
    : `${SESSION_COOKIE}=${sessionId}; ${SESSION_ATTRIBUTES}`;

/** The session id in a `Cookie` header, if any. */
export function sessionIdOf(request: Request): string | undefined {
  for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, value] = pair.trim().split('=');
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}

/** A clock the tests move forward: the lifecycle's TOTP steps and the pending ticket's expiry both read it. */
export interface AppClock {
  now(): number;
  advance(ms: number): void;
}

export function createClock(): AppClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
  };
}

/** The lifecycle of a minimal app: in memory, with a throwaway keyring (secrets die with the process). */
export function createLifecycle(clock: AppClock): { twoFactor: TwoFactor; keyring: Keyring } {
  const keyring: Keyring = { currentKeyId: 'k1', keys: { k1: new Uint8Array(randomBytes(32)) } };
  const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Minimal app', keyring, clock: clock.now });
  return { twoFactor, keyring };
}

/** `{ username, password }` from a JSON body, or undefined. */
export function credentialsOf(body: unknown): { username: string; password: string } | undefined {
  const { username, password } = (body ?? {}) as Record<string, unknown>;
  return typeof username === 'string' && typeof password === 'string' ? { username, password } : undefined;
}

// A real createTwoFactor over a MemoryStore behind createSecondStep, with a tiny session table
// standing in for the app's, and helpers that build real Request objects as a browser would
// send them (Sec-Fetch-Site, Origin, cookies carried from one response to the next).
import { type FactorModule, MemoryStore, createTwoFactor, generateTotp, type TwoFactor } from 'factorkit';
import { createSecondStep, type SecondStep, type SecondStepOptions } from 'factorkit/http';

export const ORIGIN = 'https://app.example';
export const KEYRING = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
export const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 '.repeat(3);

export class Clock {
  nowMs = 1_767_225_600_000 + 10_000;
  readonly read = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** The app's own sessions: a session id per sign-in, ended per user on request. */
export class Sessions {
  readonly byId = new Map<string, string>();
  readonly established: string[] = [];
  readonly ended: string[] = [];
  private next = 0;
  userOf(request: Request): string | undefined {
    const sid = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
    return sid === undefined ? undefined : this.byId.get(sid);
  }
  create(userId: string): string {
    const sid = `s${++this.next}`;
    this.byId.set(sid, userId);
    this.established.push(userId);
    return sid;
  }
}

export interface App {
  clock: Clock;
  store: MemoryStore;
  twoFactor: TwoFactor;
  sessions: Sessions;
  secondStep: SecondStep<undefined>;
}

/** The lifecycle the apps here run on: over `store`, with the test keyring and clock and fast backup codes. */
export function testLifecycle(store: MemoryStore, clock: Clock, factors: FactorModule<any>[] = []): TwoFactor {
  return createTwoFactor({
    store,
    issuer: 'Example',
    keyring: KEYRING,
    clock: clock.read,
    backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
    warn: () => {},
    factors,
  });
}

export function makeApp(extra: Partial<SecondStepOptions<undefined>> = {}, factors: FactorModule<any>[] = []): App {
  const clock = new Clock();
  const store = new MemoryStore();
  const twoFactor = testLifecycle(store, clock, factors);
  const sessions = new Sessions();
  const secondStep = createSecondStep<undefined>({
    twoFactor,
    keyring: KEYRING,
    origins: [ORIGIN],
    now: clock.read,
    session: {
      currentUserId: (request) => sessions.userOf(request),
      establish: (userId) => ({
        'set-cookie': `sid=${sessions.create(userId)}; Path=/; HttpOnly; Secure; SameSite=Lax`,
      }),
      endOtherSessions: (userId) => void sessions.ended.push(userId),
    },
    ...extra,
  });
  return { clock, store, twoFactor, sessions, secondStep };
}

/** A browser: its cookie jar, fed by every Set-Cookie it is answered with. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly userAgent = UA) {}
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  take(headers: Headers): void {
    for (const cookie of headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const maxAge = /Max-Age=(\d+)/i.exec(cookie)?.[1];
      if (maxAge === '0') this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }
  /** A same-origin request as a current browser sends it. */
  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Request {
    const init: RequestInit = {
      method,
      headers: {
        cookie: this.cookieHeader(),
        'user-agent': this.userAgent,
        'sec-fetch-site': 'same-origin',
        ...(method === 'GET' ? {} : { origin: ORIGIN, 'content-type': 'application/json' }),
        ...headers,
      },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    return new Request(`${ORIGIN}${path}`, init);
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Sends a request through the handler, keeps its cookies, and reads the JSON answer. */
export async function send(app: App, browser: Browser, request: Request): Promise<Answer> {
  const response = await app.secondStep.handle(request, undefined);
  if (response === undefined) throw new Error(`no route for ${request.method} ${request.url}`);
  browser.take(response.headers);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Enrolls `userId` with an authenticator app: its secret and backup codes; the clock is a step later. */
export async function enrollTotp(app: App, userId: string): Promise<{ secret: string; backupCodes: string[] }> {
  const { secret } = await app.twoFactor.beginEnrollment(userId, { account: `${userId}@example.com` });
  const confirmed = await app.twoFactor.confirmEnrollment(userId, generateTotp(secret, { time: app.clock.nowMs }));
  if (!confirmed.ok) throw new Error(confirmed.reason);
  app.clock.advance(30_000);
  return { secret, backupCodes: confirmed.backupCodes };
}

export function totp(app: App, secret: string): string {
  return generateTotp(secret, { time: app.clock.nowMs });
}

/** The password step passed for `userId` in `browser`: the pending ticket cookie set. */
export async function passPassword(app: App, browser: Browser, userId: string) {
  const started = await app.secondStep.startSignIn(browser.request('POST', '/sign-in'), userId, undefined);
  browser.take(started.headers);
  return started;
}

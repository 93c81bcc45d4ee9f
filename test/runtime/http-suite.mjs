// factorkit/http's second step on the runtime at hand, through the built dist/: only Web
// standard Request / Response, Web Crypto (or node:crypto where there is one) and Intl. Plain
// JavaScript, shared verbatim by Node, Bun, Deno and workerd. Each case returns { name, ok, error? }.

export const RESULT_MARKER = 'FACTORKIT_RUNTIME_RESULTS ';
const ORIGIN = 'https://app.example';

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function app({ MemoryStore, createTwoFactor, createSecondStep }) {
  const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
  const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'runtime', keyring, warn: () => {} });
  const sessions = [];
  const secondStep = createSecondStep({
    twoFactor,
    keyring,
    origins: [ORIGIN],
    session: {
      currentUserId: (request) => (/sid=(\w+)/.exec(request.headers.get('cookie') ?? '') ?? [])[1],
      establish: (userId) => {
        sessions.push(userId);
        return { 'set-cookie': `sid=${userId}; Path=/; HttpOnly; Secure; SameSite=Lax` };
      },
      endOtherSessions: () => {},
    },
  });
  return { twoFactor, secondStep, sessions };
}

async function enrolled(lib, userId) {
  const made = app(lib);
  const { secret } = await made.twoFactor.beginEnrollment(userId, { account: `${userId}@example.com` });
  const confirmed = await made.twoFactor.confirmEnrollment(userId, lib.generateTotp(secret));
  assert(confirmed.ok, 'enrollment failed');
  return { ...made, secret, backupCodes: confirmed.backupCodes };
}

function post(path, body, cookie, headers = {}) {
  return new Request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const pendingOf = (headers) => headers.getSetCookie()[0].split(';')[0];

const cases = {
  async 'no 2FA: startSignIn establishes the session'(lib) {
    const { secondStep, sessions } = app(lib);
    const started = await secondStep.startSignIn(
      new Request(`${ORIGIN}/sign-in`, { method: 'POST' }),
      'ada',
      undefined,
    );
    assert(started.status === 'signed-in' && sessions.join() === 'ada', 'not signed in');
  },
  async 'the pending ticket: __Host- cookie, HttpOnly, Secure, SameSite=Lax, Max-Age'(lib) {
    const { secondStep } = await enrolled(lib, 'ada');
    const started = await secondStep.startSignIn(
      new Request(`${ORIGIN}/sign-in`, { method: 'POST' }),
      'ada',
      undefined,
    );
    const cookie = started.headers.getSetCookie()[0];
    assert(started.status === 'second-step', started.status);
    assert(
      /^__Host-factorkit-pending=[\w.-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/.test(cookie),
      cookie,
    );
  },
  async 'a backup code signs in once; the ticket replayed is refused as used'(lib) {
    const { secondStep, sessions, backupCodes } = await enrolled(lib, 'ada');
    const started = await secondStep.startSignIn(
      new Request(`${ORIGIN}/sign-in`, { method: 'POST' }),
      'ada',
      undefined,
    );
    const cookie = pendingOf(started.headers);
    const first = await secondStep.handle(post('/2fa/sign-in/verify', { code: backupCodes[0] }, cookie), undefined);
    assert(first.status === 200 && (await first.json()).method === 'backup', `first: ${first.status}`);
    const again = await secondStep.handle(post('/2fa/sign-in/verify', { code: backupCodes[1] }, cookie), undefined);
    const body = await again.json();
    assert(again.status === 401 && body.reason === 'ticket-used', `replay: ${again.status} ${body.reason}`);
    assert(sessions.join() === 'ada', `sessions: ${sessions.join()}`);
  },
  async 'a cross-site POST is refused before anything else'(lib) {
    const { secondStep, backupCodes } = await enrolled(lib, 'ada');
    const started = await secondStep.startSignIn(
      new Request(`${ORIGIN}/sign-in`, { method: 'POST' }),
      'ada',
      undefined,
    );
    const request = post('/2fa/sign-in/verify', { code: backupCodes[0] }, pendingOf(started.headers), {
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    const refused = await secondStep.handle(request, undefined);
    assert(refused.status === 403 && (await refused.json()).reason === 'cross-origin', String(refused.status));
  },
  async 'a wrong code answers in the asked language; a step-up grant holds for its user only'(lib) {
    const { secondStep, secret } = await enrolled(lib, 'ada');
    const wrong = await secondStep.handle(
      post('/2fa/step-up', { code: '000000' }, 'sid=ada', { 'accept-language': 'de' }),
      undefined,
    );
    const body = await wrong.json();
    assert(wrong.status === 401 && body.message.startsWith('Dieser Code ist nicht richtig'), body.message);
    const code = lib.generateTotp(secret, { time: Date.now() + 30_000 });
    const stepped = await secondStep.handle(post('/2fa/step-up', { code }, 'sid=ada'), undefined);
    assert(stepped.status === 200, `step-up: ${stepped.status}`);
    const page = new Request(`${ORIGIN}/settings`, { headers: { cookie: pendingOf(stepped.headers) } });
    assert((await secondStep.hasStepUp(page, 'ada')) && !(await secondStep.hasStepUp(page, 'bob')), 'grant');
  },
};

export async function run(lib) {
  const results = [];
  for (const [name, test] of Object.entries(cases)) {
    try {
      await test(lib);
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.stack ?? error) });
    }
  }
  return results;
}

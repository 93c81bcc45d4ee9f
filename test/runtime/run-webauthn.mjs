// The WebAuthn verification on a runtime that loads the ESM build from disk (Node, Bun, Deno):
// ceremonies recorded in Chromium (test/fixtures/webauthn.json) replayed through the built
// module. Its random source (the seam the unit tests use) is reached through the module's own
// file in dist/lib/, which the package does not export; the CommonJS build has no such file, so
// WebAuthn runs on the ESM build only. Prints the results line that test/runtime/matrix.ts reads.
import { MemoryStore, createTwoFactor } from '../../dist/index.js';
import { webauthnModule } from '../../dist/lib/lifecycle/factors/webauthn/module.js';
import fixtures from '../fixtures/webauthn.json' with { type: 'json' };

const RESULT_MARKER = 'FACTORKIT_RUNTIME_RESULTS ';

function decode(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function replay() {
  const queued = new Map();
  return {
    random: (purpose, length) => queued.get(purpose)?.shift() ?? crypto.getRandomValues(new Uint8Array(length)),
    next(ceremony) {
      for (const [purpose, value] of Object.entries(ceremony.drawn)) {
        queued.set(purpose, [...(queued.get(purpose) ?? []), decode(value)]);
      }
    },
  };
}

function lifecycle(user) {
  const r = replay();
  const module = webauthnModule(
    { rpID: fixtures.rpID, rpName: 'runtime', origins: [fixtures.origin], findUserByHandle: async () => user },
    r.random,
  );
  const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
  return { r, twoFactor: createTwoFactor({ store: new MemoryStore(), issuer: 'runtime', keyring, factors: [module] }) };
}

async function enroll(l, kind) {
  const recorded = fixtures.kinds[kind];
  l.r.next(recorded.registration);
  await l.twoFactor.beginEnrollment('u', { type: 'webauthn', kind, userName: 'ada' });
  return l.twoFactor.confirmEnrollment('u', { webauthn: recorded.registration.response });
}

async function signIn(l, ceremony) {
  l.r.next(ceremony);
  await l.twoFactor.requestAssertion('u');
  return l.twoFactor.verify('u', { webauthn: ceremony.response });
}

const CASES = {
  'WebAuthn security key: registration verified, assertion accepted once': async () => {
    const l = lifecycle('u');
    const key = fixtures.kinds['security-key'];
    if (!(await enroll(l, 'security-key')).ok) throw new Error('registration refused');
    const first = await signIn(l, key.assertions[0]);
    if (!first.ok || first.method !== 'webauthn') throw new Error(`assertion refused: ${first.reason}`);
    const again = await l.twoFactor.verify('u', { webauthn: key.assertions[0].response });
    if (again.ok || again.reason !== 'replayed') throw new Error('replay accepted');
  },
  'WebAuthn security key: a cloned credential (counter regression) is suspended': async () => {
    const l = lifecycle('u');
    const key = fixtures.kinds['security-key'];
    await enroll(l, 'security-key');
    await signIn(l, key.assertions[5]);
    const cloned = await signIn(l, key.cloned);
    if (cloned.ok || cloned.reason !== 'factor-suspended')
      throw new Error(`clone not caught: ${JSON.stringify(cloned)}`);
  },
  'WebAuthn passkey: passwordless sign-in with user verification': async () => {
    const l = lifecycle('u');
    const passkey = fixtures.kinds.passkey;
    if (!(await enroll(l, 'passkey')).ok) throw new Error('registration refused');
    l.r.next(passkey.passwordless[0]);
    const start = await l.twoFactor.beginPasskeySignIn();
    const done = await l.twoFactor.finishPasskeySignIn(passkey.passwordless[0].response, {
      challengeToken: start.challengeToken,
    });
    if (!done.ok || done.userId !== 'u') throw new Error(`passwordless refused: ${JSON.stringify(done)}`);
  },
};

const results = [];
for (const [name, run] of Object.entries(CASES)) {
  try {
    await run();
    results.push({ name, ok: true });
  } catch (error) {
    results.push({ name, ok: false, error: String(error?.stack ?? error) });
  }
}
console.log(RESULT_MARKER + JSON.stringify(results));

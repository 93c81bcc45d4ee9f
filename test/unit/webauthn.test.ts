// factorkit/webauthn without a browser: its options and misuse, the creation and request
// options it hands the browser, and every malformed answer mapped to a typed failure (never a
// throw, never a message quoting the challenge). The ceremonies are the recorded ones
// (test/fixtures/webauthn.json); the store cases are in test/support/webauthn-conformance.ts.
import { MemoryStore, type TwoFactorEvent, createTwoFactor } from 'factorkit';
import { type WebAuthnEnrollmentResult, webauthn } from 'factorkit/webauthn';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { TestClock } from '../../src/testing/harness.js';
import { askRecorded, enrollRecorded, makeLifecycle } from '../support/webauthn-conformance.js';
import { BAD_VALUES, OBJECT_LIKE, badValuesExcept } from '../support/bad-values.js';
import { FIXTURES, replayModule, replayRandom } from '../support/webauthn-fixtures.js';

const KEY = FIXTURES.kinds['security-key'];
const PASSKEY = FIXTURES.kinds.passkey;
const GOOD = { rpID: 'example.com', rpName: 'Example', origins: ['https://example.com'] };

function setup(overrides = {}) {
  const clock = new TestClock();
  const events: TwoFactorEvent[] = [];
  return { clock, ...makeLifecycle(new MemoryStore(), clock, overrides, events), user: 'user-1' };
}

describe('webauthn() options', () => {
  it('refuses a bad RP id, name, origin, an origin outside the RP id, and tuning out of bounds', () => {
    const bad = [
      undefined,
      { ...GOOD, rpID: 'https://example.com' },
      { ...GOOD, rpID: 'Example.COM' },
      { rpID: '127.0.0.1', rpName: 'Example', origins: ['https://127.0.0.1'] },
      { ...GOOD, rpName: '' },
      { ...GOOD, origins: [] },
      { ...GOOD, origins: ['http://example.com'] },
      { ...GOOD, origins: ['https://example.com/login'] },
      { ...GOOD, origins: ['https://evil.test'] },
      { ...GOOD, challengeTtlMs: 1000 },
      { ...GOOD, maxLiveChallenges: 0 },
      { ...GOOD, findUserByHandle: 'users' },
    ];
    for (const options of bad) {
      expect(() => webauthn(options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(webauthn({ ...GOOD, origins: ['https://example.com', 'https://login.example.com'] }).type).toBe('webauthn');
    expect(webauthn({ rpID: 'localhost', rpName: 'Dev', origins: ['http://localhost:3000'] }).type).toBe('webauthn');
  });

  it('is a phishing-resistant factor, and TwoFactor is typed with its operations', () => {
    const module = webauthn(GOOD);
    expect(module.strength({} as never)).toBe('phishing-resistant');
    const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example', factors: [module] });
    expectTypeOf(twoFactor.requestAssertion).toBeFunction();
    expectTypeOf(twoFactor.finishPasskeySignIn).toBeFunction();
    const plain = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
    expectTypeOf(plain).not.toHaveProperty('requestAssertion');
  });
});

describe('enrollment', () => {
  it('security key: attestation none, no resident key, UV discouraged; passkey: resident key and UV required; the user handle is not the user id', async () => {
    const s = setup();
    const key = await s.twoFactor.beginEnrollment(s.user, {
      type: 'webauthn',
      kind: 'security-key',
      userName: 'ada@example.com',
    });
    expect(key.options).toMatchObject({
      rp: { id: 'localhost' },
      user: { name: 'ada@example.com' },
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: {
        residentKey: 'discouraged',
        requireResidentKey: false,
        userVerification: 'discouraged',
      },
    });
    // Typed by webauthn()'s overload: no cast between beginEnrollment and the browser's options.
    expectTypeOf(key).toEqualTypeOf<WebAuthnEnrollmentResult>();
    expect(key.options.user.id).toBe(key.userHandle);
    expect(key.userHandle).not.toContain('user-1');
    expect(key.options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    const passkey = await s.twoFactor.beginEnrollment(s.user, {
      type: 'webauthn',
      kind: 'passkey',
      userName: 'ada@example.com',
    });
    expect(passkey.options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    });
    // Beginning again replaced the pending security key.
    expect((await s.twoFactor.listFactors(s.user)).map((f) => f.factorId)).toEqual([passkey.factorId]);
  });

  it("excludeCredentials lists the user's credentials with their transports; the second credential keeps the account's user handle", async () => {
    const s = setup();
    await enrollRecorded(s, s.user, 'security-key');
    const begun = await s.twoFactor.beginEnrollment(s.user, {
      type: 'webauthn',
      kind: 'passkey',
      userName: 'ada',
    });
    expect(begun.options.excludeCredentials).toEqual([
      { id: KEY.registration.response.id, type: 'public-key', transports: ['usb'] },
    ]);
    expect(begun.userHandle).toBe(FIXTURES.userHandle);
  });

  it('a passkey registered without user verification is refused (user-verification-required), uncounted', async () => {
    const s = setup();
    s.replay.next(KEY.registration);
    const begun = await s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', kind: 'passkey', userName: 'ada' });
    expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: KEY.registration.response })).toEqual({
      ok: false,
      reason: 'user-verification-required',
    });
    expect((await s.twoFactor.throttleStatus(s.user)).failures).toBe(0);
    expect(await s.twoFactor.listFactors(s.user)).toMatchObject([{ factorId: begun.factorId, status: 'pending' }]);
  });

  it('a registration for another challenge is invalid; after expiry it is expired', async () => {
    const s = setup();
    await s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', kind: 'security-key', userName: 'ada' });
    expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: KEY.registration.response })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    s.replay.next(KEY.registration);
    await s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', kind: 'security-key', userName: 'ada' });
    s.clock.advance(5 * 60_000);
    expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: KEY.registration.response })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('misuse throws FactorkitError INVALID_ARGUMENT: bad kind, userName or unknown option', async () => {
    const s = setup();
    for (const options of [
      { kind: 'usb', userName: 'ada' },
      { kind: 'passkey' },
      { kind: 'passkey', userName: 'a\u0000b' },
      { kind: 'passkey', userName: 'ada', residentKey: 'preferred' },
    ]) {
      await expect(s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', ...options })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
  });
});

describe('sign-in answers', () => {
  it('every malformed answer is a typed failure, never a throw; no event or result quotes the challenge', async () => {
    const s = setup();
    await enrollRecorded(s, s.user, 'security-key');
    const good = KEY.assertions[0]!.response as { id: string; rawId: string; response: Record<string, string> };
    await askRecorded(s, s.user, KEY.assertions[0]!);
    const broken: unknown[] = [
      { ...good, response: { ...good.response, clientDataJSON: 'not base64!' } },
      { ...good, response: { ...good.response, clientDataJSON: btoa('{"type":"webauthn.get"') } },
      { ...good, response: { ...good.response, authenticatorData: '' } },
      { ...good, response: { ...good.response, signature: 'AAAA' } },
      { ...good, rawId: 'different' },
      { ...good, type: 'password' },
      { ...good, response: { ...good.response, userHandle: 'c29tZW9uZS1lbHNl' } },
    ];
    for (const response of broken) {
      const result = await s.twoFactor.verify(s.user, { webauthn: response as never });
      expect(result, JSON.stringify(response).slice(0, 80)).toMatchObject({ ok: false, reason: 'invalid' });
      await s.twoFactor.unlock(s.user, { actor: 'test' });
    }
    for (const notOurs of [
      { webauthn: 'x' },
      { webauthn: { ...good, id: 'unknown-credential', rawId: 'unknown-credential' } },
    ]) {
      expect(await s.twoFactor.verify(s.user, notOurs)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await s.twoFactor.verify(s.user, { webauthn: good })).toMatchObject({ ok: true });
    const challenge = KEY.assertions[0]!.drawn.challenge!;
    expect(JSON.stringify(await s.twoFactor.listFactors(s.user))).not.toContain(challenge);
  });

  it('requestAssertion: allowCredentials with transports, UV discouraged; not-enrolled, unknown-factor, bounded live challenges', async () => {
    const s = setup({ maxLiveChallenges: 2 });
    expect(await s.twoFactor.requestAssertion(s.user)).toEqual({ ok: false, reason: 'not-enrolled' });
    const { factorId } = await enrollRecorded(s, s.user, 'security-key');
    expect(await s.twoFactor.requestAssertion(s.user, { factorId: 'f_nope' })).toEqual({
      ok: false,
      reason: 'unknown-factor',
    });
    const asked = await s.twoFactor.requestAssertion(s.user, { factorId });
    expect(asked).toMatchObject({
      ok: true,
      challengeId: expect.stringMatching(/^wc_/),
      expiresAt: s.clock.nowMs + 5 * 60_000,
      options: {
        rpId: 'localhost',
        userVerification: 'discouraged',
        allowCredentials: [{ id: KEY.registration.response.id, transports: ['usb'] }],
      },
    });
    // The recorded challenge, then two more: with at most 2 live, the recorded one is dropped.
    const proof = await askRecorded(s, s.user, KEY.assertions[0]!);
    await s.twoFactor.requestAssertion(s.user);
    await s.twoFactor.requestAssertion(s.user);
    expect(await s.twoFactor.verify(s.user, proof)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('passwordless: WEBAUTHN_NOT_CONFIGURED without findUserByHandle; INVALID_ARGUMENT without a token; an unknown handle or a forged token is invalid; an old token expired', async () => {
    const plain = setup({ findUserByHandle: undefined });
    await expect(plain.twoFactor.beginPasskeySignIn()).rejects.toMatchObject({ code: 'WEBAUTHN_NOT_CONFIGURED' });
    let owner: string | null = null;
    const s = setup({ findUserByHandle: async () => owner });
    await enrollRecorded(s, s.user, 'passkey');
    const response = PASSKEY.passwordless[0]!.response as never;
    await expect(s.twoFactor.finishPasskeySignIn(response, {} as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(s.twoFactor.finishPasskeySignIn('x' as never, { challengeToken: 't' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    s.replay.next(PASSKEY.passwordless[0]!);
    const start = await s.twoFactor.beginPasskeySignIn();
    expect(await s.twoFactor.finishPasskeySignIn(response, { challengeToken: start.challengeToken })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    owner = s.user;
    expect(await s.twoFactor.finishPasskeySignIn(response, { challengeToken: 'eyJlIjoxfQ' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    s.clock.advance(5 * 60_000);
    expect(await s.twoFactor.finishPasskeySignIn(response, { challengeToken: start.challengeToken })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('a security key cannot sign in without a password', async () => {
    const s = setup({ findUserByHandle: async () => 'user-1' });
    await enrollRecorded(s, s.user, 'security-key');
    s.replay.next(KEY.assertions[0]!);
    const start = await s.twoFactor.beginPasskeySignIn();
    // A security key's assertion carries no user handle: nothing names the user.
    expect(
      await s.twoFactor.finishPasskeySignIn(KEY.assertions[0]!.response as never, {
        challengeToken: start.challengeToken,
      }),
    ).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});

describe('key rotation', () => {
  it('the sealed credential moves to the new key with any write, and verifies once the old key is gone', async () => {
    const store = new MemoryStore();
    const k1 = crypto.getRandomValues(new Uint8Array(32));
    const k2 = crypto.getRandomValues(new Uint8Array(32));
    const under = (keyring: { currentKeyId: string; keys: Record<string, Uint8Array> }) => {
      const replay = replayRandom();
      const twoFactor = createTwoFactor({
        store,
        issuer: 'Example',
        keyring,
        backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
        factors: [replayModule(replay.random)],
      });
      return { twoFactor, replay };
    };
    const before = under({ currentKeyId: 'k1', keys: { k1 } });
    await enrollRecorded(before, 'user-1', 'security-key');
    const sealedUnder = async () => JSON.parse((await store.get('user-1'))!.data).factors[0].sealed.keyId;
    expect(await sealedUnder()).toBe('k1');
    // Rotation: k2 current, k1 kept. Asking for an assertion writes the record: it is re-sealed.
    const rotating = under({ currentKeyId: 'k2', keys: { k1, k2 } });
    const proof = await askRecorded(rotating, 'user-1', KEY.assertions[0]!);
    expect(await sealedUnder()).toBe('k2');
    const after = under({ currentKeyId: 'k2', keys: { k2 } });
    expect(await after.twoFactor.verify('user-1', proof)).toMatchObject({ ok: true, method: 'webauthn' });
  });
});

describe('the shared bad values', () => {
  it('every option of webauthn() refuses them with INVALID_ARGUMENT', () => {
    const options = {
      rpID: BAD_VALUES,
      rpName: badValuesExcept("'1'", "'SHA1 '"),
      origins: BAD_VALUES,
      challengeTtlMs: badValuesExcept('undefined'),
      maxLiveChallenges: badValuesExcept('undefined'),
      findUserByHandle: badValuesExcept('undefined', '() => 1'),
    };
    for (const [name, values] of Object.entries(options)) {
      for (const { label, value } of values) {
        expect(() => webauthn({ ...GOOD, [name]: value } as never), `${name}: ${label}`).toThrow(
          expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
        );
      }
    }
  });

  it('as a proof or a response they are refused as answers, never thrown; as arguments they are INVALID_ARGUMENT', async () => {
    const s = setup({ findUserByHandle: async () => 'user-1' });
    await enrollRecorded(s, s.user, 'security-key');
    for (const { label, value } of BAD_VALUES) {
      const asProof = await s.twoFactor.verify(s.user, { webauthn: value });
      expect(asProof.ok, label).toBe(false);
      await s.twoFactor.unlock(s.user, { actor: 'test' });
      // Absent options (undefined, null, as the other lifecycle calls take them) and object-like ones are valid.
      if (!['undefined', 'null', ...OBJECT_LIKE].includes(label)) {
        await expect(s.twoFactor.requestAssertion(s.user, value as never), label).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
      }
    }
    for (const { label, value } of badValuesExcept("'1'", "'SHA1 '")) {
      await expect(s.twoFactor.requestAssertion(value as never), label).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
    const start = await s.twoFactor.beginPasskeySignIn();
    for (const { label, value } of BAD_VALUES) {
      const answer = s.twoFactor.finishPasskeySignIn(value as never, { challengeToken: start.challengeToken });
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        expect(await answer, label).toMatchObject({ ok: false });
      } else {
        await expect(answer, label).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
    }
  });
});

// WebAuthn end to end in Chromium, with the CDP WebAuthn domain's virtual authenticators: a
// CTAP2 USB security key without user verification, and an internal platform authenticator
// with resident keys and user verification (a synced passkey). Each is enrolled and signs in
// through factorkit (the real module, the platform's random values); the passkey signs in
// without a password; a cloned security key (its credential exported with
// WebAuthn.getCredentials and planted again with a lower sign count) is caught. The page is
// served on 127.0.0.1 by the test itself (test/support/webauthn-browser.ts).
import { MemoryStore, type TwoFactorEvent, createTwoFactor } from 'factorkit';
import { webauthn } from 'factorkit/webauthn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebAuthnBrowser, openWebAuthnBrowser } from '../support/webauthn-browser.js';

describe('WebAuthn in Chromium with virtual authenticators', () => {
  let browser: WebAuthnBrowser;
  beforeAll(async () => {
    browser = await openWebAuthnBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('enrolls a security key and a passkey, signs in with each, passwordless with the passkey, and catches a cloned security key', async () => {
    const handles = new Map<string, string>();
    const events: TwoFactorEvent[] = [];
    const twoFactor = createTwoFactor({
      store: new MemoryStore(),
      issuer: 'Example',
      keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
      onEvent: (event) => void events.push(event),
      factors: [
        webauthn({
          rpID: 'localhost',
          rpName: 'Example',
          origins: [browser.origin],
          findUserByHandle: async (handle) => handles.get(handle) ?? null,
        }),
      ],
    });
    const user = 'ada';
    const signIn = async () => {
      const asked = await twoFactor.requestAssertion(user);
      if (!asked.ok) throw new Error(asked.reason);
      return twoFactor.verify(user, { webauthn: await browser.get(asked.options) });
    };

    await browser.use('security-key');
    const key = await twoFactor.beginEnrollment(user, {
      type: 'webauthn',
      kind: 'security-key',
      userName: 'ada@example.com',
    });
    const keyConfirmed = await twoFactor.confirmEnrollment(user, { webauthn: await browser.create(key.options) });
    expect(keyConfirmed).toMatchObject({ ok: true, factorId: key.factorId });
    const backupCodes = keyConfirmed.ok ? keyConfirmed.backupCodes : [];
    expect(await signIn()).toMatchObject({
      ok: true,
      method: 'webauthn',
      factorId: key.factorId,
      kind: 'security-key',
    });
    expect(await signIn()).toMatchObject({ ok: true, factorId: key.factorId });

    // The clone: a copy of the key's credential with a lower sign count signs next.
    await browser.cloneWithSignCount(1);
    expect(await signIn()).toEqual({ ok: false, reason: 'factor-suspended' });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'clone-suspected', factorId: key.factorId, suspended: true }),
    );

    await browser.use('passkey');
    const passkey = await twoFactor.beginEnrollment(user, {
      type: 'webauthn',
      kind: 'passkey',
      userName: 'ada@example.com',
    });
    handles.set(passkey.userHandle, user);
    const passkeyConfirmed = await twoFactor.confirmEnrollment(
      user,
      { webauthn: await browser.create(passkey.options) },
      { currentCode: backupCodes[0]! },
    );
    expect(passkeyConfirmed).toMatchObject({ ok: true, factorId: passkey.factorId });
    expect(await signIn()).toMatchObject({ ok: true, method: 'webauthn', factorId: passkey.factorId, kind: 'passkey' });

    const start = await twoFactor.beginPasskeySignIn();
    const answer = await browser.get(start.options);
    const finished = await twoFactor.finishPasskeySignIn(answer as never, { challengeToken: start.challengeToken });
    expect(finished).toEqual({ ok: true, userId: user, factorId: passkey.factorId });
    expect(await twoFactor.finishPasskeySignIn(answer as never, { challengeToken: start.challengeToken })).toEqual({
      ok: false,
      reason: 'replayed',
    });

    const listed = await twoFactor.listFactors(user);
    expect(listed).toMatchObject([
      { factorId: key.factorId, kind: 'security-key', transports: ['usb'], suspended: true, backupEligible: false },
      { factorId: passkey.factorId, kind: 'passkey', transports: ['internal'], suspended: false, userVerified: true },
    ]);
  });
});

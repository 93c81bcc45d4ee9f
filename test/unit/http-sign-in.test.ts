// The second step through factorkit/http with real Request objects over a real lifecycle: the
// pending ticket from the password step to the session, and an attacker replaying, forging,
// swapping or outliving it.
import { describe, expect, it } from 'vitest';
import { Browser, KEYRING, ORIGIN, enrollTotp, makeApp, passPassword, send, totp } from '../support/http-app.js';

const PENDING = '__Host-factorkit-pending';

describe('startSignIn', () => {
  it('signs a user without 2FA straight in: establish is called, no ticket is set', async () => {
    const app = makeApp();
    const browser = new Browser();
    const started = await passPassword(app, browser, 'no-2fa');
    expect(started.status).toBe('signed-in');
    expect(app.sessions.established).toEqual(['no-2fa']);
    expect(browser.cookies.has(PENDING)).toBe(false);
    expect(browser.cookies.get('sid')).toBeDefined();
  });

  it('with 2FA, sets a pending ticket and lists the active factors, and establishes nothing', async () => {
    const app = makeApp();
    await enrollTotp(app, 'ada');
    const browser = new Browser();
    const started = await passPassword(app, browser, 'ada');
    expect(started).toMatchObject({ status: 'second-step', expiresAt: app.clock.nowMs + 600_000 });
    expect(started.status === 'second-step' && started.factors.map((f) => f.type)).toEqual(['totp']);
    expect(app.sessions.established).toEqual([]);
    const [cookie] = started.headers.getSetCookie();
    expect(cookie).toMatch(
      /^__Host-factorkit-pending=[A-Za-z0-9_.-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
    // Nothing readable in the ticket: no user id, no factor type.
    expect(cookie).not.toContain('ada');
    expect(cookie).not.toContain('totp');
  });
});

describe('the sign-in routes', () => {
  it('GET /2fa/sign-in shows the factors of the pending sign-in', async () => {
    const app = makeApp();
    await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const shown = await send(app, browser, browser.request('GET', '/2fa/sign-in'));
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ ok: true, expiresAt: app.clock.nowMs + 600_000 });
    expect((shown.body.factors as { type: string }[]).map((f) => f.type)).toEqual(['totp']);
  });

  it('POST /2fa/sign-in/verify with the right code: a new session, the ticket cleared, the method named', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const verified = await send(
      app,
      browser,
      browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) }),
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ ok: true, method: 'totp', factorId: expect.stringMatching(/^f_/) });
    expect(app.sessions.established).toEqual(['ada']);
    expect(browser.cookies.has(PENDING)).toBe(false);
    expect(verified.headers.getSetCookie()).toContain(`${PENDING}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure`);
  });

  it('a backup code signs in too, and a wrong code is a 401 with the time-sync help in the browser language', async () => {
    const app = makeApp();
    const { backupCodes } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const wrong = await send(
      app,
      browser,
      browser.request(
        'POST',
        '/2fa/sign-in/verify',
        { code: '000000' },
        { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' },
      ),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ ok: false, reason: 'invalid' });
    expect(wrong.body.message).toContain('Uhr Ihres Telefons');
    const backup = await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', { code: backupCodes[0] }));
    expect(backup.body).toEqual({ ok: true, method: 'backup' });
  });

  it('"remember this browser": the device cookie skips the second step next time, for this user only', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    await enrollTotp(app, 'bob');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const body = { code: totp(app, secret), rememberDevice: true };
    const verified = await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', body));
    const device = verified.headers.getSetCookie().find((c) => c.startsWith('__Host-factorkit-device='));
    expect(device).toMatch(
      /^__Host-factorkit-device=d_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
    const devices = await app.twoFactor.listRememberedDevices('ada');
    // A real User-Agent is longer than the lifecycle's 128-character label: it is cut, not a 500.
    expect(devices).toHaveLength(1);
    expect(devices[0]!.label).toHaveLength(128);
    expect((await passPassword(app, browser, 'ada')).status).toBe('signed-in');
    // The same browser cookie says nothing about another account.
    expect((await passPassword(app, browser, 'bob')).status).toBe('second-step');
  });

  it('POST /2fa/sign-in/send-code and /approval without a delivered factor answer typed failures', async () => {
    const app = makeApp();
    await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const send1 = await send(app, browser, browser.request('POST', '/2fa/sign-in/send-code', { factorId: 'f_nope' }));
    expect(send1).toMatchObject({ status: 404, body: { ok: false, reason: 'not-configured' } });
    const approval = await send(app, browser, browser.request('POST', '/2fa/sign-in/approval', {}));
    expect(approval).toMatchObject({ status: 404, body: { ok: false, reason: 'not-configured' } });
    const options = await send(app, browser, browser.request('POST', '/2fa/sign-in/webauthn-options', {}));
    expect(options).toMatchObject({ status: 404, body: { ok: false, reason: 'not-configured' } });
    const status = await send(app, browser, browser.request('GET', '/2fa/sign-in/approval?challengeId=c_1'));
    expect(status).toMatchObject({ status: 400, body: { ok: false, reason: 'bad-request' } });
  });
});

describe('the pending ticket, as an attacker', () => {
  it('a ticket replayed after the second step passed is refused as used, even with a fresh code', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const stolen = browser.cookies.get(PENDING)!;
    await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) }));
    app.clock.advance(30_000);
    const attacker = new Browser();
    attacker.cookies.set(PENDING, stolen);
    const replay = await send(
      app,
      attacker,
      attacker.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) }),
    );
    expect(replay).toMatchObject({ status: 401, body: { ok: false, reason: 'ticket-used' } });
    expect(replay.body.message).toBe(
      'This sign-in was already completed. Sign in again with your password if you need to.',
    );
    expect((await send(app, attacker, attacker.request('GET', '/2fa/sign-in'))).body.reason).toBe('ticket-used');
    expect(app.sessions.established).toEqual(['ada']);
  });

  it('20 parallel verifications with one ticket and 20 different backup codes: one session', async () => {
    const app = makeApp();
    // Five different valid codes: several verifications may pass, the ticket is redeemed once.
    const valid = (await enrollTotp(app, 'ada')).backupCodes;
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const requests = Array.from({ length: 20 }, (_, i) =>
      browser.request('POST', '/2fa/sign-in/verify', { code: valid[i % 5] }),
    );
    const answers = await Promise.all(requests.map((request) => app.secondStep.handle(request, undefined)));
    expect(answers.filter((a) => a?.status === 200)).toHaveLength(1);
    expect(app.sessions.established).toEqual(['ada']);
  });

  it('an expired ticket is refused, whatever the code', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    app.clock.advance(600_000);
    const late = await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) }));
    expect(late).toMatchObject({ status: 401, body: { ok: false, reason: 'ticket-expired' } });
    expect(app.sessions.established).toEqual([]);
  });

  it('a tampered ticket, a missing one, and one sealed by another keyring are refused as invalid', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const sealed = browser.cookies.get(PENDING)!;
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    const other = makeApp({
      keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
    });
    const foreign = new Browser();
    await enrollTotp(other, 'ada');
    await passPassword(other, foreign, 'ada');
    for (const value of [flipped, foreign.cookies.get(PENDING)!, 'garbage', `${sealed}.extra`, undefined]) {
      const attacker = new Browser();
      if (value !== undefined) attacker.cookies.set(PENDING, value);
      const answer = await send(
        app,
        attacker,
        attacker.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) }),
      );
      expect(answer).toMatchObject({ status: 401, body: { ok: false, reason: 'ticket-invalid' } });
    }
    expect(app.sessions.established).toEqual([]);
  });

  it("a ticket of the attacker's own account with the victim's code signs nobody in; a step-up grant is no ticket", async () => {
    const app = makeApp();
    const victim = await enrollTotp(app, 'victim');
    const mallory = await enrollTotp(app, 'mallory');
    const browser = new Browser();
    await passPassword(app, browser, 'mallory');
    const swapped = await send(
      app,
      browser,
      browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, victim.secret) }),
    );
    expect(swapped).toMatchObject({ status: 401, body: { ok: false, reason: 'invalid' } });
    // Mallory signs in properly and steps up: the grant cookie, put where the ticket goes, opens nothing.
    await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, mallory.secret) }));
    app.clock.advance(30_000);
    await send(app, browser, browser.request('POST', '/2fa/step-up', { code: totp(app, mallory.secret) }));
    const grant = browser.cookies.get('__Host-factorkit-step-up')!;
    expect(grant).toBeDefined();
    browser.cookies.set(PENDING, grant);
    const forged = await send(app, browser, browser.request('GET', '/2fa/sign-in'));
    expect(forged.body.reason).toBe('ticket-invalid');
    expect(app.sessions.established).toEqual(['mallory']);
  });

  it('a ticket sealed under a key since rotated out is refused; one under a key still in the ring opens', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const rotated = makeApp({
      keyring: { currentKeyId: 'k2', keys: { ...KEYRING.keys, k2: crypto.getRandomValues(new Uint8Array(32)) } },
    });
    const dropped = makeApp({
      keyring: { currentKeyId: 'k2', keys: { k2: crypto.getRandomValues(new Uint8Array(32)) } },
    });
    // Same ticket, two handlers over the same lifecycle record shape: only the ring that still has k1 opens it.
    const request = () => browser.request('GET', '/2fa/sign-in');
    expect((await send(dropped, browser, request())).body.reason).toBe('ticket-invalid');
    await enrollTotp(rotated, 'ada');
    expect((await send(rotated, new Browser(), request())).status).toBe(200);
    expect(secret).toBeDefined();
  });
});

describe('CSRF on the sign-in routes', () => {
  it('a cross-site POST, a POST from an unlisted origin and a POST with neither header are refused with 403', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const cases: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://evil.app.example' },
      { 'sec-fetch-site': '', origin: 'https://evil.example' },
      { 'sec-fetch-site': '', origin: 'null' },
      { 'sec-fetch-site': '', origin: '' },
    ];
    for (const headers of cases) {
      const request = browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) });
      for (const [name, value] of Object.entries(headers)) {
        if (value === '') request.headers.delete(name);
        else request.headers.set(name, value);
      }
      const refused = await send(app, browser, request);
      expect(refused).toMatchObject({ status: 403, body: { ok: false, reason: 'cross-origin' } });
    }
    expect(app.sessions.established).toEqual([]);
    // An older browser without Fetch Metadata, on the app's own origin, passes.
    const legacy = browser.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) });
    legacy.headers.delete('sec-fetch-site');
    expect((await send(app, browser, legacy)).status).toBe(200);
    expect(ORIGIN).toBe('https://app.example');
  });

  it('the wrong code that reaches the hard lock is answered hard-locked at once', async () => {
    const app = makeApp();
    const { secret } = await enrollTotp(app, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const wrong = () => (totp(app, secret) === '000000' ? '111111' : '000000');
    let last: Awaited<ReturnType<typeof send>> | undefined;
    let lockedBefore = false;
    for (let i = 0; i < 40 && last?.body.reason !== 'hard-locked'; i++) {
      lockedBefore = (await app.twoFactor.throttleStatus('ada')).hardLocked;
      await passPassword(app, browser, 'ada'); // a new ticket each time: the pauses outlast one
      last = await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', { code: wrong() }));
      app.clock.advance(Number(last.body.retryAfterMs ?? 0));
    }
    // Said by the very code that locked it, not by the next one.
    expect(lockedBefore).toBe(false);
    expect(last).toMatchObject({ status: 403, body: { ok: false, reason: 'hard-locked' } });
    expect((await app.twoFactor.throttleStatus('ada')).failures).toBe(20);
  });
});

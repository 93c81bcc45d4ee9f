// The signed-in routes of factorkit/http with real Request objects over a real lifecycle:
// enable with a QR code, confirm, backup codes, step-up, factors, devices, disable; other
// sessions ended once per change; and an attacker's grant, bodies and headers.
import { generateTotp } from 'factorkit';
import { createSecondStep } from 'factorkit/http';
import { describe, expect, it } from 'vitest';
import { type App, Browser, enrollTotp, makeApp, passPassword, send, totp } from '../support/http-app.js';

const STEP_UP = '__Host-factorkit-step-up';

/** A browser with a full session of `userId` (no 2FA yet, so the password step signs in). */
async function signedIn(app: App, userId: string): Promise<Browser> {
  const browser = new Browser();
  expect((await passPassword(app, browser, userId)).status).toBe('signed-in');
  return browser;
}

/** Turns 2FA on through the routes: the secret from the manual key, and the five backup codes. */
async function enableThroughRoutes(app: App, browser: Browser) {
  const begun = await send(
    app,
    browser,
    browser.request('POST', '/2fa/enrollment/begin', { type: 'totp', name: 'Phone' }),
  );
  const secret = (begun.body.manualKey as string).replace(/ /g, '');
  const code = generateTotp(secret, { time: app.clock.nowMs });
  const factorId = begun.body.factorId as string;
  const confirmed = await send(app, browser, browser.request('POST', '/2fa/enrollment/confirm', { code, factorId }));
  app.clock.advance(30_000);
  return { begun, confirmed, secret, factorId };
}

describe('the account routes', () => {
  it('enable: begin answers the QR as SVG, the URI and the key; confirm answers five backup codes once and ends other sessions', async () => {
    const app = makeApp({ accountName: (userId) => `${userId}@example.com` });
    const browser = await signedIn(app, 'ada');
    const { begun, confirmed } = await enableThroughRoutes(app, browser);
    expect(begun.status).toBe(200);
    expect(begun.body).toMatchObject({
      ok: true,
      factorId: expect.stringMatching(/^f_/),
      expiresAt: expect.any(Number),
    });
    expect(begun.body.uri).toMatch(/^otpauth:\/\/totp\/Example:ada%40example\.com\?/);
    expect(begun.body.qrSvg).toMatch(/^<svg/);
    expect(begun.body).not.toHaveProperty('secret');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.backupCodes).toHaveLength(5);
    expect(app.sessions.ended).toEqual(['ada']);
    const status = await send(app, browser, browser.request('GET', '/2fa/status'));
    expect(status.body).toMatchObject({ ok: true, enabled: true, remainingBackupCodes: 5, rememberedDevices: [] });
    expect((status.body.factors as { name: string }[]).map((f) => f.name)).toEqual(['Phone']);
  });

  it('a wrong setup code is a 401 with the time-sync help; the same QR can then be confirmed', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    const begun = await send(app, browser, browser.request('POST', '/2fa/enrollment/begin', { type: 'totp' }));
    const factorId = begun.body.factorId as string;
    const wrong = await send(
      app,
      browser,
      browser.request('POST', '/2fa/enrollment/confirm', { code: '123456', factorId }),
    );
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, reason: 'invalid' } });
    expect(wrong.body.message).toContain("phone's clock");
    expect(app.sessions.ended).toEqual([]);
  });

  it('regenerate, step-up, rename, remove, devices and disable, each with its proof', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    const { secret, factorId } = await enableThroughRoutes(app, browser);
    const regenerated = await send(
      app,
      browser,
      browser.request('POST', '/2fa/backup-codes/regenerate', { code: totp(app, secret) }),
    );
    expect(regenerated.body.backupCodes).toHaveLength(5);
    app.clock.advance(30_000);
    expect(await app.secondStep.hasStepUp(browser.request('GET', '/settings'), 'ada')).toBe(false);
    const stepped = await send(app, browser, browser.request('POST', '/2fa/step-up', { code: totp(app, secret) }));
    expect(stepped.body).toMatchObject({ ok: true, method: 'totp', factorId, expiresAt: app.clock.nowMs + 600_000 });
    expect(await app.secondStep.hasStepUp(browser.request('GET', '/settings'), 'ada')).toBe(true);
    const renamed = await send(
      app,
      browser,
      browser.request('POST', '/2fa/factors/rename', { factorId, name: 'Work phone' }),
    );
    expect(renamed.body).toEqual({ ok: true });
    await app.twoFactor.rememberDevice('ada', { label: 'Laptop' });
    const devices = await send(app, browser, browser.request('GET', '/2fa/devices'));
    const [device] = devices.body.devices as { deviceId: string; label: string }[];
    expect(device?.label).toBe('Laptop');
    const forgotten = await send(
      app,
      browser,
      browser.request('POST', '/2fa/devices/forget', { deviceId: device!.deviceId }),
    );
    expect(forgotten.body).toEqual({ ok: true });
    app.clock.advance(30_000);
    const backup = (regenerated.body.backupCodes as string[])[0];
    const removed = await send(
      app,
      browser,
      browser.request('POST', '/2fa/factors/remove', { factorId, code: backup }),
    );
    expect(removed.body).toEqual({ ok: true, twoFactorOff: true });
    expect(app.sessions.ended).toEqual(['ada', 'ada', 'ada']);
    const status = await send(app, browser, browser.request('GET', '/2fa/status'));
    expect(status.body).toMatchObject({ enabled: false });
  });

  it('disable with a code ends other sessions; a wrong code leaves 2FA on', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    const { secret } = await enableThroughRoutes(app, browser);
    const wrong = await send(app, browser, browser.request('POST', '/2fa/disable', { code: '000000' }));
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, reason: 'invalid' } });
    const disabled = await send(app, browser, browser.request('POST', '/2fa/disable', { code: totp(app, secret) }));
    expect(disabled.body).toEqual({ ok: true });
    expect(app.sessions.ended).toEqual(['ada', 'ada']);
    expect(await app.twoFactor.status('ada')).toBe('not-activated');
  });

  it('send-code and webauthn-options without their modules answer not-configured; an unknown factor type is a 400', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    await enableThroughRoutes(app, browser);
    const sent = await send(app, browser, browser.request('POST', '/2fa/send-code', { factorId: 'f_x' }));
    expect(sent).toMatchObject({ status: 404, body: { reason: 'not-configured' } });
    const options = await send(app, browser, browser.request('POST', '/2fa/webauthn-options', {}));
    expect(options).toMatchObject({ status: 404, body: { reason: 'not-configured' } });
    const begun = await send(
      app,
      browser,
      browser.request('POST', '/2fa/enrollment/begin', { type: 'carrier-pigeon' }),
    );
    expect([400, 404]).toContain(begun.status);
    expect(begun.body.ok).toBe(false);
  });

  it('every account route answers 401 not-signed-in without a session, in the asked language', async () => {
    const app = makeApp();
    const browser = new Browser();
    const routes: [string, string][] = [
      ['GET', '/2fa/status'],
      ['POST', '/2fa/enrollment/begin'],
      ['POST', '/2fa/enrollment/confirm'],
      ['POST', '/2fa/backup-codes/regenerate'],
      ['POST', '/2fa/disable'],
      ['POST', '/2fa/step-up'],
      ['POST', '/2fa/factors/rename'],
      ['POST', '/2fa/factors/remove'],
      ['POST', '/2fa/send-code'],
      ['POST', '/2fa/webauthn-options'],
      ['GET', '/2fa/devices'],
      ['POST', '/2fa/devices/forget'],
    ];
    for (const [method, path] of routes) {
      const answer = await send(
        app,
        browser,
        browser.request(method, path, method === 'POST' ? {} : undefined, { 'accept-language': 'fr' }),
      );
      expect(answer, `${method} ${path}`).toMatchObject({ status: 401, body: { ok: false, reason: 'not-signed-in' } });
      expect(answer.body.message).toBe('Vous n’êtes pas connecté. Connectez-vous, puis réessayez.');
    }
  });

  it('paths outside the routes are not answered: the app handles them', async () => {
    const app = makeApp();
    const browser = new Browser();
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/2fa'],
      ['GET', '/2fa/unknown'],
      ['DELETE', '/2fa/status'],
      ['GET', '/2fa/disable'],
      ['GET', '/2faX/status'],
    ] as const) {
      expect(
        await app.secondStep.handle(browser.request(method, path), undefined),
        `${method} ${path}`,
      ).toBeUndefined();
    }
  });
});

describe('the step-up grant, as an attacker', () => {
  it('an expired grant and a grant of another user do not hold; a tampered one neither', async () => {
    const app = makeApp();
    const ada = await signedIn(app, 'ada');
    const { secret } = await enableThroughRoutes(app, ada);
    await send(app, ada, ada.request('POST', '/2fa/step-up', { code: totp(app, secret) }));
    const grant = ada.cookies.get(STEP_UP)!;
    const page = (value: string) =>
      new Request('https://app.example/settings', { headers: { cookie: `${STEP_UP}=${value}` } });
    expect(await app.secondStep.hasStepUp(page(grant), 'ada')).toBe(true);
    expect(await app.secondStep.hasStepUp(page(grant), 'bob')).toBe(false);
    expect(await app.secondStep.hasStepUp(page(`${grant.slice(0, -1)}${grant.endsWith('A') ? 'B' : 'A'}`), 'ada')).toBe(
      false,
    );
    app.clock.advance(600_000);
    expect(await app.secondStep.hasStepUp(page(grant), 'ada')).toBe(false);
  });

  it('a grant does not outlive its session: a new sign-in on the browser clears it, and signOut does', async () => {
    const app = makeApp();
    const ada = await signedIn(app, 'ada');
    const { secret } = await enableThroughRoutes(app, ada);
    await send(app, ada, ada.request('POST', '/2fa/step-up', { code: totp(app, secret) }));
    expect(await app.secondStep.hasStepUp(ada.request('GET', '/settings'), 'ada')).toBe(true);
    // Ada walks away signed out (the app drops its session only); whoever knows her password
    // signs in on the same browser: the grant is gone before the second step is even passed.
    ada.cookies.delete('sid');
    const started = await passPassword(app, ada, 'ada');
    expect(started.status).toBe('second-step');
    expect(started.headers.getSetCookie()).toContainEqual(
      expect.stringMatching(/^__Host-factorkit-step-up=; Max-Age=0;/),
    );
    expect(ada.cookies.has(STEP_UP)).toBe(false);
    expect(await app.secondStep.hasStepUp(ada.request('GET', '/settings'), 'ada')).toBe(false);
    // Signed in again with a code, she steps up again; signing out clears the new grant.
    app.clock.advance(30_000);
    await send(app, ada, ada.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret) }));
    app.clock.advance(30_000);
    await send(app, ada, ada.request('POST', '/2fa/step-up', { code: totp(app, secret) }));
    expect(ada.cookies.has(STEP_UP)).toBe(true);
    ada.take(app.secondStep.signOut(ada.request('POST', '/sign-out')));
    expect(ada.cookies.has(STEP_UP)).toBe(false);
    // Nothing to clear: no header at all.
    expect(app.secondStep.signOut(ada.request('POST', '/sign-out')).getSetCookie()).toEqual([]);
  });

  it('a grant does not survive a sign-in skipped by a remembered browser either', async () => {
    const app = makeApp();
    const ada = await signedIn(app, 'ada');
    const { secret } = await enableThroughRoutes(app, ada);
    app.clock.advance(30_000);
    ada.cookies.delete('sid');
    await passPassword(app, ada, 'ada');
    await send(app, ada, ada.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret), rememberDevice: true }));
    app.clock.advance(30_000);
    await send(app, ada, ada.request('POST', '/2fa/step-up', { code: totp(app, secret) }));
    expect(ada.cookies.has(STEP_UP)).toBe(true);
    ada.cookies.delete('sid');
    const started = await passPassword(app, ada, 'ada');
    expect(started.status).toBe('signed-in');
    expect(ada.cookies.has(STEP_UP)).toBe(false);
    expect(await app.secondStep.hasStepUp(ada.request('GET', '/settings'), 'ada')).toBe(false);
  });

  it('a wrong code sets no grant', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    await enableThroughRoutes(app, browser);
    const refused = await send(app, browser, browser.request('POST', '/2fa/step-up', { code: '000000' }));
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(browser.cookies.has(STEP_UP)).toBe(false);
  });
});

describe('bodies and headers, as an attacker', () => {
  it('bad JSON bodies give typed 400s, never a 500 or a throw', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    const { factorId } = await enableThroughRoutes(app, browser);
    const bodies: unknown[] = [
      '{',
      'null',
      '[]',
      '"code"',
      '42',
      { code: 123456 },
      { code: '' },
      { code: 'x'.repeat(300) },
      { code: { nested: true } },
      { factorId: 42, name: 'x' },
      { factorId, name: 'x'.repeat(65) },
      { factorId, name: '\u0000bad' },
      { factorId: 'x'.repeat(65), code: '123456' },
      { deviceId: ['d'] },
      { type: 42 },
      JSON.stringify({ code: 'a'.repeat(70_000) }),
    ];
    const paths = [
      '/2fa/disable',
      '/2fa/factors/rename',
      '/2fa/factors/remove',
      '/2fa/devices/forget',
      '/2fa/enrollment/begin',
      '/2fa/step-up',
    ];
    for (const body of bodies) {
      for (const path of paths) {
        const answer = await send(app, browser, browser.request('POST', path, body));
        expect(answer.status, `${path} ${JSON.stringify(body).slice(0, 40)}`).toBeLessThan(500);
        expect(answer.body.ok).toBe(false);
        expect(typeof answer.body.reason).toBe('string');
        expect(typeof answer.body.message).toBe('string');
      }
    }
    const garbled = await send(app, browser, browser.request('POST', '/2fa/disable', '{'));
    expect(garbled).toMatchObject({ status: 400, body: { reason: 'bad-request' } });
  });

  it('no code, secret or token appears in any response header or URL', async () => {
    const app = makeApp();
    const browser = await signedIn(app, 'ada');
    const { begun, confirmed, secret } = await enableThroughRoutes(app, browser);
    const sensitive = [secret, ...(confirmed.body.backupCodes as string[])];
    const code = totp(app, secret);
    const stepped = await send(app, browser, browser.request('POST', '/2fa/step-up', { code }));
    const signer = new Browser();
    await passPassword(app, signer, 'ada');
    app.clock.advance(30_000);
    const fresh = totp(app, secret);
    const verified = await send(
      app,
      signer,
      signer.request('POST', '/2fa/sign-in/verify', { code: fresh, rememberDevice: true }),
    );
    for (const answer of [begun, confirmed, stepped, verified]) {
      const pairs: string[] = [];
      answer.headers.forEach((value, name) => {
        pairs.push(`${name}: ${value}`);
      });
      const headerText = JSON.stringify([...pairs, ...answer.headers.getSetCookie()]);
      for (const value of [...sensitive, code, fresh]) expect(headerText).not.toContain(value);
      expect(answer.headers.get('location')).toBeNull();
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(JSON.stringify(verified.body)).not.toContain(fresh);
  });
});

describe('cookies', () => {
  it('step-up and device cookies carry __Host-, HttpOnly, Secure, SameSite=Lax, Path=/ and their Max-Age', async () => {
    const app = makeApp({ rememberDeviceDays: 7, stepUpTtlMs: 120_000 });
    const browser = await signedIn(app, 'ada');
    const { secret } = await enableThroughRoutes(app, browser);
    const stepped = await send(app, browser, browser.request('POST', '/2fa/step-up', { code: totp(app, secret) }));
    expect(stepped.headers.getSetCookie()).toEqual([
      expect.stringMatching(
        /^__Host-factorkit-step-up=[A-Za-z0-9_.-]+; Max-Age=120; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
      ),
    ]);
    const signer = new Browser();
    await passPassword(app, signer, 'ada');
    app.clock.advance(30_000);
    const verified = await send(
      app,
      signer,
      signer.request('POST', '/2fa/sign-in/verify', { code: totp(app, secret), rememberDevice: true }),
    );
    const device = verified.headers.getSetCookie().find((c) => c.startsWith('__Host-factorkit-device='));
    expect(device).toMatch(/; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('secure: false (http:// development) drops __Host- and Secure, and keeps HttpOnly and SameSite', async () => {
    const app = makeApp({ cookies: { secure: false } });
    await enrollTotp(app, 'ada');
    const browser = new Browser();
    const started = await passPassword(app, browser, 'ada');
    expect(started.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^factorkit-pending=[A-Za-z0-9_.-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/),
    ]);
    // The __Host- cookie of a secure deployment is not read by this one, nor the other way round.
    expect((await send(app, browser, browser.request('GET', '/2fa/sign-in'))).status).toBe(200);
  });
});

describe('options', () => {
  it('are checked where they are given', () => {
    const app = makeApp();
    const base = { twoFactor: app.twoFactor, keyring: { currentKeyId: 'k', keys: { k: new Uint8Array(32) } } };
    const session = { currentUserId: () => undefined, establish: () => {}, endOtherSessions: () => {} };
    const bad = [
      { ...base, session, origins: [] },
      { ...base, session, origins: ['https://app.example/'] },
      { ...base, session, origins: ['app.example'] },
      { ...base, session, origins: ['https://app.example'], basePath: '2fa' },
      { ...base, session, origins: ['https://app.example'], basePath: '/2fa/' },
      { ...base, session, origins: ['https://app.example'], ticketTtlMs: 5 },
      { ...base, session, origins: ['https://app.example'], rememberDeviceDays: 1000 },
      { ...base, session: {}, origins: ['https://app.example'] },
      { ...base, twoFactor: {}, session, origins: ['https://app.example'] },
      {
        ...base,
        session,
        origins: ['https://app.example'],
        keyring: { currentKeyId: 'k', keys: { k: new Uint8Array(8) } },
      },
    ];
    for (const options of bad) {
      expect(() => createWith(options)).toThrow(expect.objectContaining({ name: 'FactorkitError' }));
    }
  });
});

function createWith(options: unknown) {
  return createSecondStep(options as Parameters<typeof createSecondStep>[0]);
}

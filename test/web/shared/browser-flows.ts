// The browser tests every minimal app in test/web/ passes, through its own adapter: real
// Chromium (test/support/chromium.ts) on the app's pages, the QR read back from a screenshot by
// jsQR and codes computed by the independent otpauth package, at the app's clock. Security
// tests act as the attacker would: a page on another origin (same site, so the cookies go along;
// and another site) posting a valid code; a pending-ticket cookie copied after use, kept past its
// expiry, or used with another user's code.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import * as OTPAuth from 'otpauth';
import type { Browser, Cookie, Page, Response } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/chromium.js';

export interface RunningApp {
  /** Where the browser reaches the app, e.g. `http://localhost:41234`. */
  origin: string;
  /** Moves the app's clock forward (TOTP steps, the pending ticket's expiry). */
  advanceClock(ms: number): Promise<void>;
  close(): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';
const STEP_MS = 30_000;
const PENDING = '__Host-factorkit-pending';
const DEVICE = '__Host-factorkit-device';
let userCount = 0;
const newUsername = (who: string) => `${who}-${++userCount}`;

interface Enrolled {
  username: string;
  totp: OTPAuth.TOTP;
  backupCodes: string[];
}

export function secondStepInChromium(framework: string, start: () => Promise<RunningApp>, startTimeoutMs = 90_000) {
  let app: RunningApp;
  let browser: Browser;
  let attacker: Server;
  let attackerPort: number;
  /** How far the test moved the app's clock: codes are computed at the app's time. */
  let offsetMs = 0;

  beforeAll(async () => {
    [app, browser] = await Promise.all([start(), launchChromium()]);
    attacker = await serveAttackerPage();
    attackerPort = (attacker.address() as AddressInfo).port;
  }, startTimeoutMs);
  afterAll(async () => {
    await browser?.close();
    attacker?.closeAllConnections();
    attacker?.close();
    await app?.close();
  });

  const advance = async (ms: number) => {
    offsetMs += ms;
    await app.advanceClock(ms);
  };
  /** A code of the next TOTP step: a step is good once per user, and the clock only moves forward. */
  const nextCode = async (totp: OTPAuth.TOTP) => {
    await advance(STEP_MS);
    return totp.generate({ timestamp: Date.now() + offsetMs });
  };
  const newPage = async (): Promise<Page> => (await browser.newContext({ baseURL: app.origin })).newPage();

  /** The password step; on to the second-step page when the app says so. */
  async function enterPassword(page: Page, username: string, path: '/login' | '/register' = '/login') {
    await page.goto('/');
    await page.locator('#signed-out').waitFor();
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await page.click(path === '/login' ? '#sign-in' : '#register');
    await page.locator('#verify').or(page.locator('body[data-signed-in="true"]')).waitFor();
  }

  const waitForText = (page: Page, id: string, text: string) =>
    page.waitForFunction(([id, text]) => document.getElementById(id!)?.textContent === text, [id, text]);

  const expectSignedInAs = (page: Page, username: string) => waitForText(page, 'user', username);

  async function enable(page: Page, username: string): Promise<Enrolled> {
    await page.click('#enable');
    const qrPng = PNG.sync.read(await page.locator('#qr svg').screenshot());
    const qr = jsQR(new Uint8ClampedArray(qrPng.data), qrPng.width, qrPng.height);
    expect(qr, 'the QR code on the page decodes').not.toBeNull();
    const totp = OTPAuth.URI.parse(qr!.data) as OTPAuth.TOTP;
    expect(totp.label).toBe(username);
    expect((await page.textContent('#manual-key'))?.replace(/\s+/g, '')).toBe(totp.secret.base32);
    await page.fill('#setup-code', await nextCode(totp));
    await page.click('#confirm');
    await waitForText(page, 'two-factor', 'on');
    const backupCodes = await page.locator('#backup-codes li').allTextContents();
    expect(backupCodes).toHaveLength(5);
    return { username, totp, backupCodes };
  }

  async function registerWith2fa(who: string): Promise<{ page: Page; user: Enrolled }> {
    const page = await newPage();
    const username = newUsername(who);
    await enterPassword(page, username, '/register');
    await expectSignedInAs(page, username);
    return { page, user: await enable(page, username) };
  }

  async function signOut(page: Page) {
    await page.click('#sign-out');
    await page.locator('#signed-out').waitFor();
  }

  /** Types a code on the second-step page; the answer of POST /2fa/sign-in/verify. */
  async function secondStep(page: Page, code: string, remember = false): Promise<Response> {
    if (new URL(page.url()).pathname !== '/second-step') await page.goto('/second-step');
    await page.locator('body[data-ready="yes"]').waitFor();
    await page.fill('#code', code);
    await page.setChecked('#remember', remember);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/2fa/sign-in/verify')),
      page.click('#verify'),
    ]);
    return response;
  }

  async function expectRefused(response: Response, status: number, reason: string) {
    expect(response.status()).toBe(status);
    expect(((await response.json()) as { reason: string }).reason).toBe(reason);
  }

  async function expectSignedOut(page: Page) {
    expect((await page.request.get('/me')).status()).toBe(401);
  }

  const cookie = async (page: Page, name: string): Promise<Cookie | undefined> =>
    (await page.context().cookies()).find((c) => c.name === name);
  /** A cookie as another browser would hold it. */
  const copyOf = ({ name, value, domain, path, httpOnly, secure, sameSite }: Cookie): Cookie => ({
    name,
    value,
    domain,
    path,
    expires: -1,
    httpOnly,
    secure,
    sameSite,
  });

  describe(`the second step through ${framework} in Chromium`, () => {
    it('enables with the QR and a code (ending other sessions), signs in with a code, a backup code and a remembered browser, disables', async () => {
      const other = await newPage();
      const page = await newPage();
      const username = newUsername('ada');
      await enterPassword(page, username, '/register');
      await expectSignedInAs(page, username);
      await enterPassword(other, username);
      await expectSignedInAs(other, username);

      const { totp, backupCodes } = await enable(page, username);
      await expectSignedOut(other);
      await expectSignedInAs(page, username);

      // A code: the pending ticket is a __Host- cookie, gone once the second step passed.
      await signOut(page);
      await enterPassword(page, username);
      expect(new URL(page.url()).pathname).toBe('/second-step');
      expect(await cookie(page, PENDING)).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      await expectRefused(await secondStep(page, '000000'), 401, 'invalid');
      expect(await page.textContent('#error')).not.toBe('');
      expect((await secondStep(page, await nextCode(totp))).status()).toBe(200);
      await expectSignedInAs(page, username);
      expect(await cookie(page, PENDING)).toBeUndefined();

      // A backup code, good once.
      await signOut(page);
      await enterPassword(page, username);
      expect((await secondStep(page, backupCodes[0]!)).status()).toBe(200);
      await waitForText(page, 'remaining', '4');

      // Remember this browser: the next sign-in skips the second step.
      await signOut(page);
      await enterPassword(page, username);
      expect((await secondStep(page, await nextCode(totp), true)).status()).toBe(200);
      await expectSignedInAs(page, username);
      const device = await cookie(page, DEVICE);
      expect(device).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      expect(device!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
      await signOut(page);
      await enterPassword(page, username);
      await expectSignedInAs(page, username);
      expect(new URL(page.url()).pathname).toBe('/');

      // Disable with a code.
      await page.fill('#disable-code', await nextCode(totp));
      await page.click('#disable');
      await waitForText(page, 'two-factor', 'off');
      await page.context().close();
      await other.context().close();
    });

    it('refuses a page on another origin with 403, cookies or not, though it posts a valid code', async () => {
      const { page, user } = await registerWith2fa('victim');
      const code = await nextCode(user.totp);
      // The same site on another port sends the SameSite=Lax session cookie along; another site does not.
      for (const [site, host] of [
        ['same-site', 'localhost'],
        ['cross-site', '127.0.0.1'],
      ] as const) {
        for (const path of ['/2fa/disable', '/2fa/sign-in/verify', '/login']) {
          const attack = `http://${host}:${attackerPort}/?target=${encodeURIComponent(app.origin + path)}&code=${code}`;
          for (const how of ['form', 'fetch']) {
            const [response] = await Promise.all([
              page.waitForResponse((r) => r.url() === app.origin + path && r.request().method() === 'POST'),
              page.goto(`${attack}&how=${how}`),
            ]);
            expect(response.status(), `${how} from ${site} to ${path}`).toBe(403);
            // The page's fetch is opaque to it; the navigation's answer can be read, and Chromium
            // reports the navigation's request headers reliably (a fetch's may come too late).
            if (how === 'fetch') continue;
            expect(((await response.json()) as { reason: string }).reason).toBe('cross-origin');
            const cookies = (await response.request().allHeaders()).cookie ?? '';
            expect(cookies.includes('app-session='), `${site} sends the session cookie`).toBe(site === 'same-site');
          }
        }
      }
      // The code was good: from the app's own page it turns 2FA off.
      await page.goto('/');
      await waitForText(page, 'two-factor', 'on');
      await page.fill('#disable-code', code);
      await page.click('#disable');
      await waitForText(page, 'two-factor', 'off');
      await page.context().close();
    });

    it('refuses the pending ticket after use, even with a fresh code', async () => {
      const { page, user } = await registerWith2fa('bea');
      await signOut(page);
      await enterPassword(page, user.username);
      const ticket = (await cookie(page, PENDING))!;
      expect((await secondStep(page, await nextCode(user.totp))).status()).toBe(200);
      // An attacker who copied the cookie before it was used.
      const thief = await newPage();
      await thief.context().addCookies([copyOf(ticket)]);
      await expectRefused(await secondStep(thief, await nextCode(user.totp)), 401, 'ticket-used');
      expect(await thief.getAttribute('#error', 'data-reason')).toBe('ticket-used');
      await expectSignedOut(thief);
      await page.context().close();
      await thief.context().close();
    });

    it('refuses the pending ticket after it expired', async () => {
      const { page, user } = await registerWith2fa('cy');
      await signOut(page);
      await enterPassword(page, user.username);
      await advance(10 * 60_000 + 1_000);
      await page.goto('/second-step');
      await page.locator('#error[data-reason="ticket-expired"]').waitFor();
      await expectRefused(await secondStep(page, await nextCode(user.totp)), 401, 'ticket-expired');
      await expectSignedOut(page);
      await page.context().close();
    });

    it("refuses another user's code on a pending ticket, both ways", async () => {
      const alice = await registerWith2fa('alice');
      const mallory = await registerWith2fa('mallory');
      await signOut(alice.page);
      await signOut(mallory.page);
      // Mallory's own ticket with Alice's code.
      await enterPassword(mallory.page, mallory.user.username);
      await expectRefused(await secondStep(mallory.page, await nextCode(alice.user.totp)), 401, 'invalid');
      await expectSignedOut(mallory.page);
      // Alice's ticket, copied into Mallory's browser, with Mallory's code.
      await enterPassword(alice.page, alice.user.username);
      await mallory.page.context().addCookies([copyOf((await cookie(alice.page, PENDING))!)]);
      await expectRefused(await secondStep(mallory.page, await nextCode(mallory.user.totp)), 401, 'invalid');
      await expectSignedOut(mallory.page);
      // Alice's own code still completes Alice's sign-in.
      expect((await secondStep(alice.page, await nextCode(alice.user.totp))).status()).toBe(200);
      await expectSignedInAs(alice.page, alice.user.username);
      await alice.page.context().close();
      await mallory.page.context().close();
    });
  });
}

/**
 * The attacker's page: on load it POSTs `{"code": ...}` to `target`, by a form (text/plain, so
 * the body reads as JSON; a top-level navigation) or by `fetch` in `no-cors` mode with the
 * user's cookies, the two ways a page can send a POST without a CORS preflight.
 */
async function serveAttackerPage(): Promise<Server> {
  const server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://attacker').searchParams;
    const target = JSON.stringify(query.get('target'));
    const body = JSON.stringify(JSON.stringify({ code: query.get('code') }));
    const form = `<form id="f" method="post" enctype="text/plain" action=${target}>
<input type="hidden" name='{"code":"${query.get('code')}","x":"' value='"}'></form>
<script>document.getElementById('f').submit();</script>`;
    const fetchIt = `<script>fetch(${target}, { method: 'POST', mode: 'no-cors', credentials: 'include',
headers: { 'content-type': 'text/plain' }, body: ${body} });</script>`;
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><title>Win a prize</title>${query.get('how') === 'form' ? form : fetchIt}`);
  });
  return new Promise((resolve) => server.listen(0, '0.0.0.0', () => resolve(server)));
}

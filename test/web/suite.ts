// Every 2FA flow of the product documentation in real Chromium, through one framework's minimal
// app (Express: test/web/express/; Hono on PostgreSQL: examples/hono/), and the attacks the
// web half defends against: a page on another origin POSTing to the 2FA routes, and the pending
// sign-in ticket copied after use, kept past its expiry, or used for another user. Both apps
// serve the same pages (examples/hono/pages.ts), so one suite drives both.
//
// Codes come from the independent `otpauth` package; the QR code is read back from a screenshot
// by jsQR. The apps' clock (TOTP, tickets, e-mail codes) is this file's `nowMs`, stepped by hand.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryMessage } from 'factorkit/delivered';
import { messages } from 'factorkit/messages';
import jsQR from 'jsqr';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';

export const PASSWORD = 'correct horse battery staple';
const PERIOD_MS = 30_000;
const WAIT_MS = 15_000;
// A flow signs in a dozen times in Chromium: generous on a shared 2-core machine (a wait, not a timing assertion).
const FLOW_TIMEOUT_MS = 120_000;

export interface WebApp {
  /** `http://127.0.0.1:<port>`: the origin the app allows (CSRF). */
  baseUrl: string;
  /** Adds a user to the app's own user table, with {@link PASSWORD}. */
  addUser(name: string): Promise<void>;
  /** The e-mails the app "sent". */
  outbox: DeliveryMessage[];
  close(): Promise<void>;
}

/** Starts the app with this clock (Unix ms), listening on 127.0.0.1, port 0. */
export type StartWebApp = (clock: () => number) => Promise<WebApp>;

const authenticator = (base32: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) });

export function webFlowSuite(adapter: string, start: StartWebApp): void {
  let nowMs = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + 5_000;
  const nextStep = () => (nowMs += PERIOD_MS);
  const codeOf = (totp: OTPAuth.TOTP) => totp.generate({ timestamp: nowMs });
  let app: WebApp;
  let browser: Browser;
  let attacker: Server;
  let attackerPort: number;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: app.baseUrl, locale: 'en-US' });
    contexts.push(context);
    return context.newPage();
  }

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const text = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();
  const ready = (page: Page) => page.waitForSelector('body[data-ready]', { state: 'attached', timeout: WAIT_MS });

  /** Password step; answers where the app sent the browser (`/` or `/second-step`). */
  async function signIn(page: Page, name: string): Promise<string> {
    await page.goto('/login');
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
    if (pathOf(page) !== '/login') await ready(page);
    return pathOf(page);
  }

  /** Fills the fields, submits the form and waits for its calls; answers the page's message. */
  async function submit(page: Page, form: string, fields: Record<string, string | boolean> = {}): Promise<string> {
    for (const [id, value] of Object.entries(fields)) {
      if (typeof value === 'boolean') await page.locator(`#${id}`).setChecked(value);
      else await page.locator(`#${id}`).fill(value);
    }
    await page.locator(`#${form} button`).click();
    await page.waitForSelector('body:not([data-busy])', { state: 'attached', timeout: WAIT_MS });
    return (await text(page, '#message')) ?? '';
  }

  /** Types a code at the second step and expects to land on the account page. */
  async function passSecondStep(page: Page, code: string, remember = false): Promise<void> {
    const arrived = page.waitForURL((url) => url.pathname === '/', { timeout: WAIT_MS });
    expect(await submit(page, 'verify', { code, remember }), 'no failure message').toBe('');
    await arrived;
    await ready(page);
  }

  async function signOut(page: Page): Promise<void> {
    await page.goto('/');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/login'),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
  }

  /** Turns 2FA on by typing the manual key into the "app"; answers the app and the backup codes. */
  async function enableWithKey(page: Page): Promise<{ totp: OTPAuth.TOTP; backupCodes: string[] }> {
    await page.goto('/');
    await ready(page);
    await submit(page, 'begin');
    const totp = authenticator((await text(page, '#manual-key'))!.replace(/\s+/g, ''));
    nextStep();
    expect(await submit(page, 'confirm', { 'confirm-code': codeOf(totp) })).toBe('');
    return { totp, backupCodes: await page.locator('#backup-codes li').allTextContents() };
  }

  /** A six-digit code no step near now accepts. */
  function wrongCode(totp: OTPAuth.TOTP): string {
    const near = new Set([-2, -1, 0, 1, 2].map((k) => totp.generate({ timestamp: nowMs + k * PERIOD_MS })));
    return ['000000', '111111', '222222', '333333'].find((code) => !near.has(code))!;
  }

  /** POSTs JSON to a 2FA route from the app's own page (same origin): status and body. */
  async function post(page: Page, path: string, body: object): Promise<{ status: number; body: any }> {
    return page.evaluate(
      async ([path, body]) => {
        const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
        const response = await fetch(`/2fa${path}`, init);
        return { status: response.status, body: await response.json() };
      },
      [path, body] as const,
    );
  }

  async function usersListed(page: Page, filter: 'All' | 'Activated' | 'Not activated'): Promise<string[]> {
    await page.goto('/users');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: filter, exact: true }).click()]);
    expect(await text(page, '[aria-current="page"]')).toBe(filter);
    return page.locator('#users li').allTextContents();
  }

  beforeAll(async () => {
    app = await start(() => nowMs);
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'mallory']) await app.addUser(name);
    browser = await launchChromium();
    // The attacker's site: whatever page the test puts in `attackPage`, on another port.
    attacker = createServer((_req, res) => res.setHeader('content-type', 'text/html').end(attackPage));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
  }, 90_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    if (attacker !== undefined) {
      attacker.closeAllConnections();
      await new Promise((resolve) => attacker.close(resolve));
    }
    await app?.close();
  });

  let attackPage = '';

  describe(`every 2FA flow in Chromium through factorkit/${adapter}`, () => {
    it(
      'enables with the QR code: time-sync help, five backup codes shown once, other sessions ended, users filtered',
      async () => {
        const alice = await newPage();
        expect(await signIn(alice, 'alice')).toBe('/');
        expect(await text(alice, '#status')).toBe('Not activated');
        const aliceElsewhere = await newPage();
        expect(await signIn(aliceElsewhere, 'alice')).toBe('/');

        await submit(alice, 'begin');
        const png = PNG.sync.read(await alice.locator('#qr svg').screenshot());
        const qr = jsQR(
          new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
          png.width,
          png.height,
        );
        expect(qr, 'the QR code on the page decodes').not.toBeNull();
        const totp = OTPAuth.URI.parse(qr!.data) as OTPAuth.TOTP;
        expect([totp.issuer, totp.label]).toEqual([expect.stringContaining('demo'), 'alice']);
        expect((await text(alice, '#manual-key'))!.replace(/\s+/g, '')).toBe(totp.secret.base32);

        // A wrong code: the time-sync help of factorkit/messages.
        expect(await submit(alice, 'confirm', { 'confirm-code': wrongCode(totp) })).toBe(messages.en['invalid.totp']);
        nextStep();
        expect(await submit(alice, 'confirm', { 'confirm-code': codeOf(totp) })).toBe('');
        const codes = await alice.locator('#backup-codes li').allTextContents();
        expect(codes).toHaveLength(5);
        expect(new Set(codes).size).toBe(5);
        expect([await text(alice, '#status'), await text(alice, '#remaining')]).toEqual(['Activated', '5']);

        // Shown once: the page reloaded has them no more.
        await alice.reload();
        await ready(alice);
        expect(await alice.locator('#backup-codes li').count()).toBe(0);
        expect(await alice.locator('#codes-shown').isHidden()).toBe(true);
        expect(await text(alice, '#status')).toBe('Activated');

        // The other session of alice ended when 2FA went on.
        await aliceElsewhere.goto('/');
        expect(pathOf(aliceElsewhere)).toBe('/login');

        // The app's own user list, filtered by 2FA status.
        const activated = await usersListed(alice, 'Activated');
        const notActivated = await usersListed(alice, 'Not activated');
        expect(activated).toContain('alice');
        expect(activated).not.toContain('bob');
        expect(notActivated).toContain('bob');
        expect(notActivated).not.toContain('alice');
        expect((await usersListed(alice, 'All')).sort()).toEqual([...activated, ...notActivated].sort());
      },
      FLOW_TIMEOUT_MS,
    );

    it(
      'signs in with a code (time-sync help), remembers the browser, signs in with a backup code, regenerates, disables with a code',
      async () => {
        const carol = await newPage();
        expect(await signIn(carol, 'carol')).toBe('/');
        const { totp, backupCodes } = await enableWithKey(carol);
        expect(backupCodes).toHaveLength(5);
        await signOut(carol);

        expect(await signIn(carol, 'carol')).toBe('/second-step');
        const cookies = await carol.context().cookies();
        const pending = cookies.find((cookie) => cookie.name === '__Host-factorkit-pending');
        // Chromium keeps __Host- (Secure) cookies for http://127.0.0.1: a secure context.
        expect(pending).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
        nextStep();
        expect(await submit(carol, 'verify', { code: wrongCode(totp) })).toBe(messages.en['invalid.totp']);
        await passSecondStep(carol, codeOf(totp), true);
        expect(await text(carol, '#whoami')).toBe('carol');
        const after = await carol.context().cookies();
        expect(after.find((cookie) => cookie.name === '__Host-factorkit-pending')).toBeUndefined();
        const device = after.find((cookie) => cookie.name === '__Host-factorkit-device');
        expect(device).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
        expect(device!.expires * 1000 - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);

        // Remembered: the password alone signs this browser in.
        await signOut(carol);
        expect(await signIn(carol, 'carol')).toBe('/');

        // Another browser: a backup code, once.
        const laptop = await newPage();
        expect(await signIn(laptop, 'carol')).toBe('/second-step');
        await passSecondStep(laptop, backupCodes[0]!);
        const tablet = await newPage();
        expect(await signIn(tablet, 'carol')).toBe('/second-step');
        expect(await submit(tablet, 'verify', { code: backupCodes[0]! })).toBe(messages.en['replayed.backup']);

        // New backup codes replace the old ones.
        nextStep();
        await laptop.goto('/');
        await ready(laptop);
        expect(await submit(laptop, 'regenerate', { 'regenerate-code': codeOf(totp) })).toBe('');
        const fresh = await laptop.locator('#backup-codes li').allTextContents();
        expect(fresh).toHaveLength(5);
        expect(fresh.filter((code) => backupCodes.includes(code))).toEqual([]);
        expect(await submit(tablet, 'verify', { code: backupCodes[1]! })).toBe(messages.en['invalid.backup']);
        await passSecondStep(tablet, fresh[0]!);

        // Off with a code: the password alone signs in again.
        nextStep();
        await tablet.goto('/');
        await ready(tablet);
        expect(await submit(tablet, 'disable', { 'disable-code': codeOf(totp) })).toBe('2FA is off.');
        expect(await text(tablet, '#status')).toBe('Not activated');
        const later = await newPage();
        expect(await signIn(later, 'carol')).toBe('/');
      },
      FLOW_TIMEOUT_MS,
    );

    it(
      'adds an e-mail address with a mailed code, then signs in with a code sent by e-mail',
      async () => {
        const dave = await newPage();
        expect(await signIn(dave, 'dave')).toBe('/');
        const { totp } = await enableWithKey(dave);
        const other = await newPage();
        expect(await signIn(other, 'dave')).toBe('/second-step');
        nextStep();
        await passSecondStep(other, codeOf(totp));

        const sent = app.outbox.length;
        expect(await submit(dave, 'add-email', { email: 'dave@example.com' })).toBe('We sent a code to your address.');
        const setupMail = app.outbox.slice(sent).find((mail) => mail.destination === 'dave@example.com');
        expect(setupMail?.kind).toBe('code');
        nextStep();
        const confirmed = await submit(dave, 'confirm-email', {
          'email-code': (setupMail as { code: string }).code,
          'email-current': codeOf(totp),
        });
        expect(confirmed).toBe('Your e-mail address can now receive codes.');
        // A factor added: dave's other session ended.
        await other.goto('/');
        expect(pathOf(other)).toBe('/login');

        const phoneless = await newPage();
        expect(await signIn(phoneless, 'dave')).toBe('/second-step');
        const before = app.outbox.length;
        expect(await submit(phoneless, 'send-email')).toBe('We sent you a code.');
        const mail = app.outbox.slice(before).find((m) => m.destination === 'dave@example.com');
        expect(mail?.kind).toBe('code');
        await passSecondStep(phoneless, (mail as { code: string }).code);
        expect(await text(phoneless, '#whoami')).toBe('dave');
      },
      FLOW_TIMEOUT_MS,
    );

    it(
      'refuses a POST from a page on another origin with 403, cookies sent (same site) or not (cross site)',
      async () => {
        const erin = await newPage();
        expect(await signIn(erin, 'erin')).toBe('/');
        const { totp } = await enableWithKey(erin);
        nextStep();
        for (const host of ['127.0.0.1', 'localhost']) {
          // The attacker even knows a valid code: only the origin check stands in the way.
          attackPage = `<form method="post" action="${app.baseUrl}/2fa/disable" enctype="text/plain">
          <input name='{"code":"${codeOf(totp)}","x":"' value='"}'></form><script>document.forms[0].submit()</script>`;
          const [answer] = await Promise.all([
            erin.waitForResponse((response) => response.url() === `${app.baseUrl}/2fa/disable`),
            erin.goto(`http://${host}:${attackerPort}/`),
          ]);
          expect(answer.status()).toBe(403);
          expect((await answer.json()).reason).toBe('cross-origin');
          const cookieSent = (await answer.request().allHeaders()).cookie !== undefined;
          expect(cookieSent, `cookies sent from ${host}`).toBe(host === '127.0.0.1');
        }
        // The app's own form (sign out) is refused the same way.
        attackPage = `<form method="post" action="${app.baseUrl}/logout"></form><script>document.forms[0].submit()</script>`;
        const [logout] = await Promise.all([
          erin.waitForResponse((response) => response.url() === `${app.baseUrl}/logout`),
          erin.goto(`http://127.0.0.1:${attackerPort}/`),
        ]);
        expect(logout.status()).toBe(403);
        await erin.goto('/');
        await ready(erin);
        expect(await text(erin, '#status')).toBe('Activated');
        // The same request from the app's own page passes the check (and then needs a right code).
        expect((await post(erin, '/disable', { code: wrongCode(totp) })).body.reason).toBe('invalid');
      },
      FLOW_TIMEOUT_MS,
    );

    it(
      'refuses the pending ticket after use, after expiry, tampered with, and for another user',
      async () => {
        const setUp = await newPage();
        expect(await signIn(setUp, 'frank')).toBe('/');
        const frank = await enableWithKey(setUp);
        expect(await signIn(setUp, 'mallory')).toBe('/');
        const mallory = await enableWithKey(setUp);
        const pendingOf = async (page: Page) =>
          (await page.context().cookies()).find((cookie) => cookie.name === '__Host-factorkit-pending')!.value;
        /** Puts a pending-ticket cookie into a browser, as an attacker holding its value would. */
        const plant = (page: Page, value: string) =>
          page.context().addCookies([
            {
              name: '__Host-factorkit-pending',
              value,
              domain: new URL(app.baseUrl).hostname,
              path: '/',
              secure: true,
              httpOnly: true,
              sameSite: 'Lax',
            },
          ]);

        // After use: a copy of the cookie, taken before the second step passed, is worth nothing after.
        const victim = await newPage();
        expect(await signIn(victim, 'frank')).toBe('/second-step');
        const copied = await pendingOf(victim);
        nextStep();
        await passSecondStep(victim, codeOf(frank.totp));
        const thief = await newPage();
        await plant(thief, copied);
        await thief.goto('/second-step');
        await ready(thief);
        nextStep();
        const reused = await post(thief, '/sign-in/verify', { code: codeOf(frank.totp) });
        expect([reused.status, reused.body.reason]).toEqual([401, 'ticket-used']);
        await thief.goto('/');
        expect(pathOf(thief)).toBe('/login');

        // After expiry: ten minutes (the default ticketTtlMs) on the app's clock.
        const slow = await newPage();
        expect(await signIn(slow, 'frank')).toBe('/second-step');
        nowMs += 10 * 60_000 + PERIOD_MS;
        const late = await post(slow, '/sign-in/verify', { code: codeOf(frank.totp) });
        expect([late.status, late.body.reason]).toEqual([401, 'ticket-expired']);
        expect(await signIn(slow, 'frank')).toBe('/second-step'); // a new password step starts a new ticket
        await passSecondStep(slow, codeOf(frank.totp));

        // Tampered with: one character of the sealed value changed.
        const forger = await newPage();
        expect(await signIn(forger, 'frank')).toBe('/second-step');
        const real = await pendingOf(forger);
        const middle = Math.floor(real.length / 2);
        await plant(forger, real.slice(0, middle) + (real[middle] === 'A' ? 'B' : 'A') + real.slice(middle + 1));
        nextStep();
        const forged = await post(forger, '/sign-in/verify', { code: codeOf(frank.totp) });
        expect([forged.status, forged.body.reason]).toEqual([401, 'ticket-invalid']);

        // Another user: mallory's ticket never signs her in as frank, whatever she sends.
        const attacker = await newPage();
        expect(await signIn(attacker, 'mallory')).toBe('/second-step');
        nextStep();
        const asFrank = await post(attacker, '/sign-in/verify', { code: codeOf(frank.totp), userId: 'frank' });
        expect([asFrank.status, asFrank.body.reason]).toEqual([401, 'invalid']);
        await passSecondStep(attacker, codeOf(mallory.totp));
        expect(await text(attacker, '#whoami')).toBe('mallory');
        // And frank's ticket in mallory's browser is still frank's: mallory's code does not open it.
        expect(await signIn(forger, 'frank')).toBe('/second-step');
        await plant(attacker, await pendingOf(forger));
        await attacker.goto('/second-step');
        nextStep();
        const crossed = await post(attacker, '/sign-in/verify', { code: codeOf(mallory.totp) });
        expect([crossed.status, crossed.body.reason]).toEqual([401, 'invalid']);
      },
      FLOW_TIMEOUT_MS,
    );
  });
}

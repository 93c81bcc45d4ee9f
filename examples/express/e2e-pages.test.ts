// End to end in real Chromium: what a person reads and meets on the demo's pages (issue 29).
// Factors named by their kind, the voice-to-SMS fallback said as it happens, sessions ended
// from elsewhere landing on a page that says why (also when a form is sent again), the second
// step's header, refusals and waits from factorkit/messages in the language picked in the
// header, the hard lock reached in minutes with the demo's short limits (DEMO_SHORT_LIMITS=1),
// a filter the user list does not know, no sideways scrolling at 375 px on any page, alerts
// and live regions, the focus on the first field; and SIGTERM stopping `npm start`.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from 'factorkit';
import { message } from 'factorkit/messages';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/chromium.js';
import { SHORT_LIMITS, createExampleApp } from './app.js';
import { WAIT_MS, andWait, enterPassword, logOut, pathOf, signUp, submitCode, textOf } from './e2e-pages.js';
import { createMailSender, type MailSender, type MailServer, startMailServer } from './mail.js';
import { createOutbox, type Outbox } from './outbox.js';
import { MemoryUserStore } from './users.js';

const PERIOD_MS = 30_000;
const COOLDOWN_MS = SHORT_LIMITS.delivery.resendCooldownMs;
const ADMIN = 'grace';
let nowMs = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + 5_000;
const advance = (ms: number) => (nowMs += ms);

let mailServer: MailServer;
let mailSender: MailSender;
let outbox: Outbox;
let server: Server;
let baseUrl: string;
let browser: Browser;
let admin: Page;

const newContext = (width = 1000): Promise<BrowserContext> =>
  browser.newContext({ baseURL: baseUrl, viewport: { width, height: 800 } });

const authenticator = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });

/** Turns 2FA on with an authenticator app (the manual key typed into otpauth), from the profile. */
async function enableApp(page: Page): Promise<OTPAuth.TOTP> {
  await page.goto('/2fa/enable');
  const totp = authenticator((await textOf(page, '#manual-key'))!.replace(/\s+/g, ''));
  await submitCode(page, totp.generate({ timestamp: nowMs }), 'Check');
  expect(await textOf(page, 'h1')).toBe('2FA is on: your backup codes');
  return totp;
}

/** The code in the newest mail to `address`. */
function mailedCode(address: string): string {
  const mail = mailServer
    .received()
    .filter((m) => m.envelope.to.includes(address))
    .at(-1);
  const match = /code is (\d{3}) (\d{3})\./.exec(mail?.text ?? '');
  expect(match, `a mail with a code to ${address}`).not.toBeNull();
  return `${match![1]}${match![2]}`;
}

/** The newest outbox entry of a channel to `to`. */
const newestEntry = (channel: 'sms' | 'telegram' | 'voice', to: string) =>
  outbox
    .phoneEntries()
    .filter((entry) => entry.channel === channel && (entry.channel === 'telegram' ? entry.chatId : entry.to) === to)
    .at(-1);

/** The six-digit code in the newest SMS or Telegram message to `to`. */
function codeSentTo(channel: 'sms' | 'telegram', to: string): string {
  const entry = newestEntry(channel, to);
  const match = /(\d{3}) (\d{3})/.exec(entry && 'text' in entry ? entry.text : '');
  expect(match, `a ${channel} code to ${to}`).not.toBeNull();
  return `${match![1]}${match![2]}`;
}

/** On a confirmation page of a new factor: "Send a current code to" the e-mail, typed as the current code. */
async function currentCodeByMail(page: Page, address: string): Promise<void> {
  advance(COOLDOWN_MS);
  await andWait(
    page,
    page.getByRole('button', { name: `Send a current code to ${address[0]}***@example.test` }).click(),
  );
  expect(await textOf(page, '[role=status]')).toContain('We sent a code to');
  await page.locator('#currentCode').fill(mailedCode(address));
}

async function addDelivered(page: Page, channel: string, label: RegExp | string, destination: string) {
  advance(COOLDOWN_MS);
  await page.goto(`/2fa/delivered/add?channel=${channel}`);
  await page.getByLabel(label).fill(destination);
  await andWait(page, page.getByRole('button', { name: 'Send a code' }).click());
  expect(pathOf(page)).toBe('/2fa/delivered/confirm');
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id);

/** No sideways scrolling, every message speaking (alert or polite status), the language switch there. */
async function checkPage(page: Page, width: number, what: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: page width`).toBeLessThanOrEqual(
    width,
  );
  const notices = await page
    .locator('p.notice[role]')
    .evaluateAll((nodes) =>
      nodes.map((node) => [
        node.classList.contains('error'),
        node.getAttribute('role'),
        node.getAttribute('aria-live'),
      ]),
    );
  for (const [error, role, live] of notices) {
    expect([role, live], `${what}: a notice`).toEqual(error ? ['alert', 'assertive'] : ['status', 'polite']);
  }
  expect(await page.locator('#languages a[hreflang]').count(), `${what}: language switch`).toBe(4);
}

beforeAll(async () => {
  mailServer = await startMailServer();
  mailSender = createMailSender(mailServer.port);
  outbox = createOutbox({ mailSender, mailServer, appName: 'factorkit example', clock: () => nowMs });
  const { app } = createExampleApp({
    store: new MemoryStore(),
    users: new MemoryUserStore(),
    keyring: { currentKeyId: 'test', keys: { test: new Uint8Array(32).fill(3) } },
    sessionSecret: 'e2e-pages-session-secret',
    clock: () => nowMs,
    backupCodes: { kdf: { N: 2 ** 10, r: 8, p: 1 }, allowWeakKdf: true },
    adminUsernames: [ADMIN],
    outbox: { outbox, smtpPort: mailServer.port },
    // What DEMO_SHORT_LIMITS=1 gives `npm start`.
    ...SHORT_LIMITS,
    log: () => {},
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  admin = await (await newContext()).newPage();
  await signUp(admin, ADMIN);
  await enableApp(admin);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  mailSender?.close();
  await mailServer?.close();
});

describe('The Express demo as a person reads it', () => {
  it('names each factor by its kind, in the list, the audit log, the support page and refusals', async () => {
    const page = await (await newContext()).newPage();
    await signUp(page, 'quinn');
    await addDelivered(page, 'email', 'E-mail address', 'quinn@example.test');
    await submitCode(page, mailedCode('quinn@example.test'), 'Confirm');
    await page.goto('/profile');
    expect(await page.locator('#authenticators td.kind').allTextContents()).toEqual(['E-mail']);
    expect(await textOf(page, '#authenticators thead')).not.toContain('Authenticator app');

    // Support: the audit log and the reset paragraph name the e-mail, not an app.
    await admin.goto('/support/quinn');
    const details = await admin.locator('#audit td.detail').allTextContents();
    expect(details.find((detail) => detail.endsWith(' added'))).toMatch(/^E-mail \S+ added$/);
    expect(await textOf(admin, 'main')).toContain('removes their e-mail, the backup codes');
    expect(await textOf(admin, 'main')).not.toMatch(/authenticator app/i);

    // Telegram confirmed with a wrong current code: the refusal names "the code we sent", not an app.
    await addDelivered(page, 'telegram', 'Telegram chat id', '40012345');
    const telegramCode = codeSentTo('telegram', '40012345');
    await currentCodeByMail(page, 'quinn@example.test');
    const mailed = await page.locator('#currentCode').inputValue();
    await page.locator('#code').fill(telegramCode);
    await page.locator('#currentCode').fill(mailed === '000000' ? '111111' : '000000');
    await andWait(page, page.getByRole('button', { name: 'Confirm', exact: true }).click());
    const refusal = await textOf(page, '[role=alert]');
    expect(refusal).toContain('the code we sent to');
    expect(refusal).not.toMatch(/\bapp\b/);
    await currentCodeByMail(page, 'quinn@example.test');
    await submitCode(page, telegramCode, 'Confirm');
    expect(await page.locator('#authenticators td.kind').allTextContents()).toEqual(['E-mail', 'Telegram']);
    await page.goto('/security');
    expect(await textOf(page, 'main h2')).toBe('Sign-in methods');
    expect(await page.locator('#security-authenticators td.kind').allTextContents()).toEqual(['E-mail', 'Telegram']);
    await page.context().close();
  }, 180_000);

  it('says when voice calls fell back to SMS: the button texts, and a refused send never claims a call', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signUp(page, 'uma');
    await addDelivered(page, 'email', 'E-mail address', 'uma@example.test');
    await submitCode(page, mailedCode('uma@example.test'), 'Confirm');
    const number = '+15550104477';
    await addDelivered(page, 'voice', /^Phone number/, number);
    await currentCodeByMail(page, 'uma@example.test');
    const call = newestEntry('voice', number);
    await submitCode(page, call?.channel === 'voice' ? call.code : '', 'Confirm');
    expect(await page.locator('#authenticators td.kind').allTextContents()).toContain('Voice call');
    await logOut(page);

    // One unanswered call (the short limits' voiceCallsBeforeSms), then the next code is a text message.
    advance(COOLDOWN_MS);
    await enterPassword(page, 'uma');
    await andWait(page, page.getByRole('button', { name: /^Call me at / }).click());
    expect(await textOf(page, 'main')).toContain('by calling');
    advance(COOLDOWN_MS);
    await andWait(page, page.getByRole('button', { name: 'Send a new code' }).click());
    expect(await textOf(page, '#code-sent')).toContain('We sent a code by text message');
    const smsCode = codeSentTo('sms', number);
    await andWait(page, page.getByRole('link', { name: 'Use another method' }).click());
    expect(await page.getByRole('button', { name: /^Call me/ }).count()).toBe(0);
    expect(await textOf(page, '#sign-in-methods')).toContain('the calls went unanswered');
    await andWait(page, page.getByRole('button', { name: /^Text me a code at / }).click());
    // Asked again at once: refused with the wait, and the page does not say a code was sent.
    const refused = await textOf(page, '[role=alert]');
    expect(refused).toMatch(/^Too many codes asked for\. Wait \d+ (second|minute|hour)s? before asking/);
    expect(refused).not.toMatch(/\b1 seconds\b/);
    expect(await textOf(page, '#code-sent')).toContain('We sent a code by text message');
    expect(await textOf(page, 'main')).not.toContain('by calling');
    expect(pathOf(page)).toBe('/login/2fa');
    await andWait(page, page.getByRole('button', { name: 'Cancel' }).click());

    // A new sign-in while the text message is still the newest code: nothing new is sent, the
    // page says so, and the earlier text message's code signs in.
    await enterPassword(page, 'uma');
    await andWait(page, page.getByRole('button', { name: /^Call me at / }).click());
    expect(await textOf(page, '[role=alert]')).toContain('Too many codes asked for');
    expect(await textOf(page, '#nothing-sent')).toContain('still works');
    expect(await textOf(page, 'main')).not.toContain('by calling');
    await submitCode(page, smsCode, 'Verify');
    expect(pathOf(page)).toBe('/profile');
    await context.close();
  }, 180_000);

  it('lands a session ended elsewhere on a page that says why, also when a form is sent again; the second step offers no log-in links', async () => {
    const first = await (await newContext()).newPage();
    await signUp(first, 'rex');
    const other = await (await newContext()).newPage();
    await enterPassword(other, 'rex');
    await other.goto('/profile');

    const app = await enableApp(first);
    await other.reload();
    expect(pathOf(other)).toBe('/login');
    expect(await textOf(other, '[role=status]')).toContain(
      'You were signed out because two-factor authentication was turned on for your account in another session',
    );

    // The second step's header: neither "Log in" nor "Sign up".
    advance(PERIOD_MS);
    await enterPassword(other, 'rex');
    expect(pathOf(other)).toBe('/login/2fa');
    expect(await other.locator('#account a').allTextContents()).toEqual(['Outbox (demo)']);
    expect(await textOf(other, '#account')).toContain('Signing in');
    await submitCode(other, app.generate({ timestamp: nowMs }), 'Verify');
    await other.goto('/security');

    // Support resets rex; the security page's form, sent with its old token, lands on the reason.
    await admin.goto('/support/rex');
    await admin.getByLabel("I have verified this person's identity out of band").check();
    await andWait(admin, admin.getByRole('button', { name: 'Reset 2FA' }).click());
    await andWait(
      other,
      other
        .getByRole('button', { name: /^Rename / })
        .first()
        .click(),
    );
    expect(pathOf(other)).toBe('/login');
    expect(await textOf(other, '[role=status]')).toContain('support reset the two-factor authentication');

    // A form from a session that no longer exists at all: no token to expire, so it is handled
    // like any form (a wrong password here), on an HTML page with an alert, never a bare 403.
    const stale = await (await newContext()).newPage();
    await stale.goto('/login');
    await stale.context().clearCookies();
    await stale.getByLabel('User name').fill('rex');
    await stale.getByLabel('Password').fill('whatever-it-is');
    const [response] = await Promise.all([
      stale.waitForResponse((r) => r.request().method() === 'POST'),
      stale.getByRole('button', { name: 'Log in' }).click(),
    ]);
    expect(response.status()).toBe(401);
    expect(response.headers()['content-type']).toContain('text/html');
    await stale.waitForLoadState('load');
    expect(await textOf(stale, 'h1')).toBe('Log in');
    expect(await textOf(stale, '[role=alert]')).toBe('Wrong user name or password.');
    // The same form sent from another site is refused, also with an HTML page and an alert.
    const forged = await stale.context().request.post('/login', {
      form: { username: 'rex', password: 'whatever-it-is' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(forged.headers()['content-type']).toContain('text/html');
    await stale.setContent(await forged.text());
    expect(await textOf(stale, 'h1')).toBe('Request refused');
    expect(await textOf(stale, '[role=alert]')).toContain('Nothing was changed');
    await Promise.all([first.context().close(), other.context().close(), stale.context().close()]);
  }, 180_000);

  it('says refusals and waits through factorkit/messages in the language picked, and reaches the hard lock with the short limits', async () => {
    const page = await (await newContext()).newPage();
    await signUp(page, 'sam');
    // Before any backup code exists, a malformed setup code says nothing of backup codes.
    await page.goto('/2fa/enable');
    await submitCode(page, 'abc!', 'Check');
    expect(await textOf(page, '[role=alert]')).toBe(message({ ok: false, reason: 'malformed' }, { method: 'totp' }));
    expect(await textOf(page, '[role=alert]')).not.toMatch(/backup/i);
    const app = await enableApp(page);
    await logOut(page);

    advance(PERIOD_MS);
    await enterPassword(page, 'sam');
    await andWait(page, page.getByRole('link', { name: 'Deutsch' }).click());
    expect(pathOf(page)).toBe('/login/2fa');
    expect(await textOf(page, '#languages [aria-current]')).toBe('Deutsch');
    const wrong = () => (app.generate({ timestamp: nowMs }) === '000000' ? '111111' : '000000');
    const alert = page.locator('[role=alert]');
    await submitCode(page, wrong(), 'Verify');
    expect(await alert.getAttribute('lang')).toBe('de');
    expect(await alert.textContent()).toBe(message({ ok: false, reason: 'invalid' }, { locale: 'de', method: 'totp' }));
    await submitCode(page, wrong(), 'Verify');
    // The 3rd wrong code in a row pauses for 1 s: singular, in German.
    await submitCode(page, wrong(), 'Verify');
    expect(await alert.textContent()).toContain('Warten Sie 1 Sekunde,');
    await andWait(page, page.getByRole('link', { name: 'Русский' }).click());
    advance(1_000);
    await submitCode(page, wrong(), 'Verify');
    expect(await alert.getAttribute('lang')).toBe('ru');
    expect(await alert.textContent()).toContain('подождите 2 секунды');
    advance(2_000);
    await submitCode(page, wrong(), 'Verify');
    expect(await alert.textContent()).toContain('подождите 4 секунды');
    advance(4_000);
    // The 6th: locked until support unlocks it, said at once, and the right code is refused too.
    await submitCode(page, wrong(), 'Verify');
    expect(await alert.textContent()).toBe(message({ ok: false, reason: 'hard-locked' }, { locale: 'ru' }));
    await andWait(page, page.getByRole('link', { name: 'English' }).click());
    advance(PERIOD_MS);
    await submitCode(page, app.generate({ timestamp: nowMs }), 'Verify');
    expect(await alert.textContent()).toContain('Contact support');
    expect(await alert.getAttribute('lang')).toBe('en');

    // The admin's user list says when its filter is unknown.
    await admin.goto('/users?status=bogus');
    expect(await textOf(admin, '[role=alert]')).toBe('There is no filter "bogus": showing all users.');
    expect(await textOf(admin, '[aria-current="page"]')).toBe('All');
    await page.context().close();
  }, 180_000);

  it('never scrolls sideways at 375 px, on any page; messages speak; the first field has the focus', async () => {
    const narrow = await (await newContext(375)).newPage();
    for (const path of ['/signup', '/login']) {
      await narrow.goto(path);
      await checkPage(narrow, 375, path);
      expect(await focusedId(narrow), `${path}: focus`).toBe('username');
    }
    await narrow.getByLabel('User name').fill('quinn');
    await narrow.getByLabel('Password').fill('not the password');
    await andWait(narrow, narrow.getByRole('button', { name: 'Log in' }).click());
    expect(await textOf(narrow, '[role=alert]')).toBe('Wrong user name or password.');
    expect(await focusedId(narrow)).toBe('password');
    await checkPage(narrow, 375, 'wrong password');

    // The second step and its pages.
    advance(COOLDOWN_MS);
    await enterPassword(narrow, 'quinn');
    await checkPage(narrow, 375, '/login/2fa');
    expect(await focusedId(narrow)).toBe('code');
    await andWait(narrow, narrow.getByRole('button', { name: /^E-mail me a code/ }).click());
    await checkPage(narrow, 375, '/login/2fa/code');
    await andWait(narrow, narrow.getByRole('link', { name: 'Use another method' }).click());
    await andWait(narrow, narrow.getByRole('button', { name: /^Approve in Telegram/ }).click());
    expect(pathOf(narrow)).toBe('/login/2fa/wait');
    await checkPage(narrow, 375, '/login/2fa/wait');
    await andWait(narrow, narrow.getByRole('button', { name: 'Use another method' }).click());
    await submitCode(narrow, mailedCode('quinn@example.test'), 'Verify');
    expect(pathOf(narrow)).toBe('/profile');

    const factorId = await narrow
      .locator('#authenticators a[aria-label^="Remove"]')
      .first()
      .getAttribute('href')
      .then((href) => href!.split('/')[3]!);
    for (const path of [
      '/profile',
      '/security',
      '/2fa/add',
      '/2fa/backup-codes',
      '/2fa/disable',
      `/2fa/factors/${factorId}/remove`,
      '/2fa/delivered/add?channel=email',
      '/2fa/delivered/add?channel=voice',
      '/dev/outbox',
      '/no-such-page',
    ]) {
      await narrow.goto(path);
      await checkPage(narrow, 375, path);
    }
    await narrow.goto('/2fa/delivered/add?channel=sms');
    expect(await focusedId(narrow)).toBe('destination');
    await narrow.goto('/2fa/backup-codes');
    await submitCode(narrow, 'zzzz-zzzz', 'Generate backup codes');
    await checkPage(narrow, 375, 'a refused code');
    await narrow.goto('/2fa/add');
    expect(await focusedId(narrow)).toBe('code');
    await narrow.context().close();

    // A user with no factor: the QR code page and the backup codes page.
    const fresh = await (await newContext(375)).newPage();
    await signUp(fresh, 'tess');
    await fresh.goto('/2fa/enable');
    await checkPage(fresh, 375, '/2fa/enable');
    expect(await focusedId(fresh)).toBe('code');
    await enableApp(fresh);
    await checkPage(fresh, 375, 'backup codes');
    await fresh.context().close();

    // The admin's pages at 375 px, and the admin header on one line at 900 px.
    await admin.setViewportSize({ width: 375, height: 800 });
    for (const path of ['/users', '/users?status=bogus', '/support/quinn', '/support/sam']) {
      await admin.goto(path);
      await checkPage(admin, 375, path);
    }
    await admin.setViewportSize({ width: 900, height: 800 });
    await admin.goto('/users');
    await checkPage(admin, 900, 'admin at 900 px');
    // One line: every item of the account links overlaps every other one vertically.
    const boxes = await admin
      .locator('#account > *')
      .evaluateAll((nodes) => nodes.map((n) => [n.getBoundingClientRect().top, n.getBoundingClientRect().bottom]));
    expect(boxes.length).toBe(5);
    expect(Math.max(...boxes.map(([top]) => top!)), 'the account links on one line').toBeLessThan(
      Math.min(...boxes.map(([, bottom]) => bottom!)),
    );
  }, 180_000);
});

describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('stops on SIGTERM, and says when DEMO_SHORT_LIMITS=1 is on', async () => {
    child = spawn('npm', ['start'], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { ...process.env, PORT: '0', DEMO_SHORT_LIMITS: '1', ADMIN_USERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    while (!/Admins|No admins/.test(output) && Date.now() - started < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const url = /factorkit Express example: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
    expect(url, output).toBeDefined();
    expect(output).toContain('DEMO_SHORT_LIMITS=1: the 6th wrong code in a row locks the account');
    expect((await fetch(`${url}login`)).status).toBe(200);

    const exited = new Promise<string>((resolve) =>
      child!.once('close', (code, signal) => resolve(`exited ${code ?? signal}`)),
    );
    child.kill('SIGTERM');
    const stopped = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), WAIT_MS)),
    ]);
    expect(stopped).toMatch(/^exited /);
    expect(output).toContain('SIGTERM: stopping.');
    // The server itself is gone, not only npm: nothing answers on its port any more.
    await expect(fetch(`${url}login`)).rejects.toThrow();
  }, 90_000);
});

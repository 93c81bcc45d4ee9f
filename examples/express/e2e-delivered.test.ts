// End to end in real Chromium: delivered-code factors and approvals through the Express demo,
// with the demo's real mail path. E-mail codes go from factorkit's `deliver` through nodemailer
// over SMTP to the demo's smtp-server on 127.0.0.1, and the test reads each code out of the
// message that server received, parsed again here with mailparser. Telegram approvals are
// answered by pressing Approve / Deny on /dev/outbox in a second page, while the waiting page
// polls; voice calls carry the code in the calling number, and unanswered calls fall back to SMS.
import { mkdirSync } from 'node:fs';
import { IncomingMessage, type Server, ServerResponse } from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import { MemoryStore } from 'factorkit';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/chromium.js';
import { createExampleApp } from './app.js';
import { WAIT_MS, andWait, enterPassword, logOut, pathOf, signUp, submitCode, textOf } from './e2e-pages.js';
import { createMailSender, type MailSender, type MailServer, type ReceivedMail, startMailServer } from './mail.js';
import { createOutbox, type Outbox } from './outbox.js';
import { MemoryUserStore } from './users.js';

const ARTIFACTS = new URL('../../test-artifacts/e2e/', import.meta.url);
// Small numbers, so that the cooldown and the fallback take a few steps of the clock.
const DELIVERY = { resendCooldownMs: 30_000, voiceCallsBeforeSms: 2 };

// The app's clock, stepped by hand past cooldowns.
let nowMs = Date.now();
const advance = (ms: number) => (nowMs += ms);

const logLines: string[] = [];
let mailServer: MailServer;
let mailSender: MailSender;
let outbox: Outbox;
let twoFactor: ReturnType<typeof createExampleApp>['twoFactor'];
let exampleApp: ReturnType<typeof createExampleApp>['app'];
let server: Server;
let baseUrl: string;
let browser: Browser;
let shotNumber = 0;

async function shot(page: Page, name: string): Promise<void> {
  shotNumber += 1;
  const file = new URL(`delivered-${String(shotNumber).padStart(2, '0')}-${name}.png`, ARTIFACTS);
  await page.screenshot({ path: file.pathname, fullPage: true });
}

async function newContext(): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl, deviceScaleFactor: 1 });
}

/** The mails the SMTP server received for `address`, oldest first. */
const mailsTo = (address: string): ReceivedMail[] =>
  mailServer.received().filter((mail) => mail.envelope.to.includes(address));

/**
 * The code in the newest message the SMTP server received for `address`: the raw message is
 * parsed again here, as a mail client would, and the code read from its text body.
 */
async function codeFromLatestMail(address: string, countBefore: number): Promise<string> {
  const mails = mailsTo(address);
  expect(mails.length, `a new mail to ${address}`).toBe(countBefore + 1);
  const parsed = await simpleParser(mails.at(-1)!.raw);
  expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined).toBe(address);
  // The code is in the body only: subjects show on lock screens and in message lists.
  expect(parsed.subject).not.toMatch(/\d/);
  const match = /code is (\d{3}) (\d{3})\./.exec(parsed.text ?? '');
  expect(match, 'the mail body states the code').not.toBeNull();
  return `${match![1]}${match![2]}`;
}

/** The newest outbox entry (SMS / Telegram / voice) shown on /dev/outbox for `to`. */
async function newestOnOutbox(page: Page, channel: 'sms' | 'telegram' | 'voice', to: string) {
  await page.goto('/dev/outbox');
  expect(await textOf(page, '#stand-in')).toContain('stand-in for the real providers');
  return page.locator(`#phone li.entry[data-channel="${channel}"][data-to="${to}"]`).first();
}

/** Adds an e-mail factor from the profile page, with the code read from the real mail. */
async function addEmailFactor(page: Page, address: string): Promise<void> {
  await page.goto('/profile');
  await andWait(page, page.getByRole('link', { name: 'Add an e-mail address' }).first().click());
  await page.getByLabel('E-mail address').fill(address);
  const before = mailsTo(address).length;
  await andWait(page, page.getByRole('button', { name: 'Send a code' }).click());
  expect(pathOf(page)).toBe('/2fa/delivered/confirm');
  await submitCode(page, await codeFromLatestMail(address, before), 'Confirm');
}

/**
 * On the confirmation page of a new factor of an account with 2FA on: "Send a current code to"
 * the e-mail factor, and type the code from that mail as the current code.
 */
async function fillCurrentCodeFromMail(page: Page, address: string): Promise<void> {
  advance(DELIVERY.resendCooldownMs);
  const before = mailsTo(address).length;
  await andWait(page, page.getByRole('button', { name: /^Send a current code to / }).click());
  expect(await textOf(page, 'p[role=status]')).toContain('We sent a code to');
  await page.locator('#currentCode').fill(await codeFromLatestMail(address, before));
}

const codeIn = (text: string | null) => {
  const match = /(\d{3}) (\d{3})/.exec(text ?? '');
  expect(match, 'the message states a code').not.toBeNull();
  return `${match![1]}${match![2]}`;
};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  mailServer = await startMailServer();
  mailSender = createMailSender(mailServer.port);
  outbox = createOutbox({ mailSender, mailServer, appName: 'factorkit example', clock: () => nowMs });
  const example = createExampleApp({
    store: new MemoryStore(),
    users: new MemoryUserStore(),
    keyring: { currentKeyId: 'test', keys: { test: new Uint8Array(32).fill(9) } },
    sessionSecret: 'e2e-delivered-session-secret',
    clock: () => nowMs,
    backupCodes: { kdf: { N: 2 ** 10, r: 8, p: 1 }, allowWeakKdf: true },
    adminUsernames: [],
    outbox: { outbox, smtpPort: mailServer.port },
    delivery: DELIVERY,
    log: (line) => logLines.push(line),
  });
  twoFactor = example.twoFactor;
  exampleApp = example.app;
  const { app } = example;
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  mailSender?.close();
  await mailServer?.close();
});

/**
 * The status the app answers a GET from a socket at `address` (no network: the request is
 * handed to the app as the HTTP server would, so any address can be tried).
 */
async function statusFrom(address: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: address });
  const request = new IncomingMessage(socket);
  request.method = 'GET';
  request.url = path;
  request.headers = { host: '127.0.0.1', ...headers };
  request.push(null);
  const response = new ServerResponse(request);
  return new Promise((resolve) => {
    response.end = (() => {
      resolve(response.statusCode);
      return response;
    }) as typeof response.end;
    exampleApp(request, response);
  });
}

describe('Express demo: delivered codes and approvals in Chromium', () => {
  it('E10: /dev/outbox answers requests from 127.0.0.1 only, whatever a header claims', async () => {
    expect(await statusFrom('127.0.0.1', '/dev/outbox')).toBe(200);
    expect(await statusFrom('::ffff:127.0.0.1', '/dev/outbox')).toBe(200);
    for (const address of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '2001:db8::1']) {
      expect(await statusFrom(address, '/dev/outbox'), address).toBe(404);
      expect(await statusFrom(address, '/dev/outbox', { 'x-forwarded-for': '127.0.0.1' }), address).toBe(404);
    }
    // The rest of the app is not restricted.
    expect(await statusFrom('10.0.0.7', '/login')).toBe(200);
  });

  it('adds an e-mail factor with the code from the real mail, signs in with an e-mailed code, refuses a wrong one and an early resend', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const address = 'ivy@example.test';
    await signUp(page, 'ivy');

    // Start 2FA with an e-mail address: the code arrives over SMTP at the demo's server.
    await andWait(page, page.getByRole('link', { name: 'Add an e-mail address' }).first().click());
    await page.getByLabel('E-mail address').fill(address);
    await andWait(page, page.getByRole('button', { name: 'Send a code' }).click());
    expect(pathOf(page)).toBe('/2fa/delivered/confirm');
    expect(await textOf(page, '.masked-destination')).not.toContain('ivy@');
    await shot(page, 'email-confirm');
    const enrolmentCode = await codeFromLatestMail(address, 0);
    await submitCode(page, enrolmentCode, 'Confirm');
    // The first factor turns 2FA on, with backup codes.
    expect(await textOf(page, 'h1')).toBe('2FA is on: your backup codes');
    await page.goto('/profile');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');
    expect(await page.locator('#authenticators td.kind').allTextContents()).toEqual(['E-mail']);
    const masked = await textOf(page, '#authenticators td.destination');
    expect(masked).toMatch(/@example\.test$/);
    expect(masked).not.toContain('ivy');
    await shot(page, 'email-factor-listed');

    // The outbox page lists the same mail, from the SMTP server's received messages.
    await page.goto('/dev/outbox');
    expect(await textOf(page, '#stand-in')).toContain('stand-in for the real providers');
    expect(await page.locator(`#emails li.email[data-to="${address}"]`).count()).toBe(1);
    await logOut(page);

    // Sign in: the password, then "E-mail me a code".
    advance(DELIVERY.resendCooldownMs);
    await enterPassword(page, 'ivy');
    expect(pathOf(page)).toBe('/login/2fa');
    await shot(page, 'sign-in-methods');
    await andWait(page, page.getByRole('button', { name: /^E-mail me a code at / }).click());
    expect(pathOf(page)).toBe('/login/2fa/code');
    const signInCode = await codeFromLatestMail(address, 1);

    // A wrong code is refused; asking again at once meets the cooldown, and nothing is sent.
    const wrong = signInCode === '000000' ? '111111' : '000000';
    await submitCode(page, wrong, 'Verify');
    expect(await textOf(page, '[role=alert]')).toContain('not right');
    await andWait(page, page.getByRole('button', { name: 'Send a new code' }).click());
    expect(await textOf(page, '[role=alert]')).toMatch(/Wait \d+ seconds before asking for a new one/);
    expect(mailsTo(address)).toHaveLength(2);
    await shot(page, 'resend-cooldown');

    await submitCode(page, signInCode, 'Verify');
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, '#whoami')).toBe('ivy');
    await logOut(page);

    // The code was used: it does not sign in again; a new one, after the cooldown, does.
    advance(DELIVERY.resendCooldownMs);
    await enterPassword(page, 'ivy');
    await andWait(page, page.getByRole('button', { name: /^E-mail me a code at / }).click());
    const secondCode = await codeFromLatestMail(address, 2);
    if (secondCode !== signInCode) {
      await submitCode(page, signInCode, 'Verify');
      expect(pathOf(page)).toBe('/login/2fa/code');
    }
    await submitCode(page, secondCode, 'Verify');
    expect(pathOf(page)).toBe('/profile');

    // No code ever reaches the log.
    for (const code of [enrolmentCode, signInCode, secondCode]) expect(logLines.join('\n')).not.toContain(code);
    await context.close();
  }, 180_000);

  it("E5: an attacker with the password uses up the e-mail factor's codes of the day; the user's own browser still gets one and signs in", async () => {
    const address = 'lou@example.test';
    const victim = await newContext();
    const page = await victim.newPage();
    await signUp(page, 'lou');
    await addEmailFactor(page, address);
    await logOut(page);
    // A first sign-in from this browser: it is now known (a cookie of the demo's).
    advance(DELIVERY.resendCooldownMs);
    await enterPassword(page, 'lou');
    const before = mailsTo(address).length;
    await andWait(page, page.getByRole('button', { name: /^E-mail me a code at / }).click());
    await submitCode(page, await codeFromLatestMail(address, before), 'Verify');
    expect(pathOf(page)).toBe('/profile');
    await logOut(page);

    // The attacker, in a browser of their own: a new code every 31 s, and when refused for the
    // hour, again once the hour is over, until refused for the day.
    const attacker = await (await newContext()).newPage();
    let refusal: string | undefined;
    for (let i = 0; i < 30 && refusal === undefined; i++) {
      advance(DELIVERY.resendCooldownMs + 1000);
      await attacker.goto('/login/2fa');
      if (pathOf(attacker) !== '/login/2fa') await enterPassword(attacker, 'lou');
      await andWait(attacker, attacker.getByRole('button', { name: /^E-mail me a code at / }).click());
      // Sent: the code page. Refused: the second step's page again, with the alert.
      if (pathOf(attacker) === '/login/2fa/code') continue;
      const text = (await textOf(attacker, '[role=alert]')) ?? '';
      // The hour's cap: "Wait 55 minutes"; the day's: "Wait 23 hours".
      const minutes = /Wait (\d+) minutes/.exec(text)?.[1];
      if (minutes === undefined) refusal = text;
      else advance(Number(minutes) * 60_000);
    }
    expect(refusal).toMatch(/Wait \d+ hours before asking for a new one\. Meanwhile, use another method/);
    await shot(attacker, 'attacker-refused-for-the-day');
    // In German the whole alert is German: factorkit's wait, then the demo's hint after it.
    await attacker.goto('/lang/de?back=/login/2fa');
    await andWait(attacker, attacker.getByRole('button', { name: /^E-mail me a code at / }).click());
    expect(await textOf(attacker, '[role=alert]')).toMatch(/Nutzen Sie bis dahin eine andere Methode/);
    expect(await attacker.getAttribute('[role=alert]', 'lang')).toBe('de');
    await attacker.goto('/lang/en?back=/login/2fa');
    // Ten codes went to the address today (the enrolment's, the user's sign-in and the attacker's), no more.
    const sentToday = mailsTo(address).length;
    expect(sentToday).toBe(10);

    // The user, in their own browser: a code comes (from the trusted allowance) and signs in.
    advance(DELIVERY.resendCooldownMs);
    await enterPassword(page, 'lou');
    await andWait(page, page.getByRole('button', { name: /^E-mail me a code at / }).click());
    expect(pathOf(page)).toBe('/login/2fa/code');
    await submitCode(page, await codeFromLatestMail(address, sentToday), 'Verify');
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, '#whoami')).toBe('lou');
    await shot(page, 'known-browser-signed-in');
    // The attacker's browser is still refused.
    advance(DELIVERY.resendCooldownMs);
    await attacker.goto('/login/2fa');
    if (pathOf(attacker) !== '/login/2fa') await enterPassword(attacker, 'lou');
    await andWait(attacker, attacker.getByRole('button', { name: /^E-mail me a code at / }).click());
    expect(await textOf(attacker, '[role=alert]')).toContain('Too many codes asked for');
    expect(mailsTo(address)).toHaveLength(sentToday + 1);
    await victim.close();
    await attacker.context().close();
  }, 180_000);

  it('adds Telegram, signs in by approving in the outbox while the waiting page polls; a denied request signs nobody in', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const phone = await context.newPage(); // the "phone": /dev/outbox in another page
    const address = 'judy@example.test';
    const chatId = '7012345678';
    await signUp(page, 'judy');
    await addEmailFactor(page, address);

    // Telegram: the bot's code confirms the chat, and with 2FA on, a current code (e-mailed) too.
    await page.goto('/profile');
    await andWait(page, page.getByRole('link', { name: 'Add Telegram' }).click());
    await page.getByLabel('Telegram chat id').fill(chatId);
    await andWait(page, page.getByRole('button', { name: 'Send a code' }).click());
    const telegramCode = codeIn(
      await (await newestOnOutbox(phone, 'telegram', chatId)).locator('.message').textContent(),
    );
    await fillCurrentCodeFromMail(page, address);
    await submitCode(page, telegramCode, 'Confirm');
    expect(await textOf(page, 'p[role=status]')).toContain('Added');
    expect(await page.locator('#authenticators td.kind').allTextContents()).toEqual(['E-mail', 'Telegram']);
    await logOut(page);

    // Sign in: "Approve in Telegram", then the waiting page with a number to compare.
    await enterPassword(page, 'judy');
    await andWait(page, page.getByRole('button', { name: /^Approve in Telegram/ }).click());
    expect(pathOf(page)).toBe('/login/2fa/wait');
    const number = await textOf(page, '#match-number');
    expect(number).toMatch(/^\d{2}$/);
    await shot(page, 'approval-waiting');

    // It polls (reloads) and stays while the request is pending.
    await page.waitForEvent('load', { timeout: WAIT_MS });
    expect(pathOf(page)).toBe('/login/2fa/wait');

    // On the "phone": the request offers three numbers, the page's among them (number matching).
    const request = await newestOnOutbox(phone, 'telegram', chatId);
    expect(await request.getAttribute('data-kind')).toBe('approval');
    const choices = await request.locator('button.match-choice').allTextContents();
    expect(choices).toHaveLength(3);
    expect(choices).toContain(number);
    // The message itself does not tell which one it is.
    expect(await request.locator('.message').textContent()).not.toContain(number);
    await shot(phone, 'outbox-telegram-approval');
    // The buttons are POST forms behind the CSRF check, like every change.
    const approveAction = (await request.locator('form').first().getAttribute('action'))!;
    expect((await context.request.post(approveAction, { form: {}, maxRedirects: 0 })).status()).toBe(403);
    await page.waitForEvent('load', { timeout: WAIT_MS });
    expect(pathOf(page)).toBe('/login/2fa/wait');
    await andWait(phone, request.getByRole('button', { name: number, exact: true }).click());
    expect(await textOf(phone, '#phone li.entry .answer')).toBe('You approved this request.');

    // The waiting page proceeds on its own.
    await page.waitForURL(/\/profile$/, { timeout: WAIT_MS });
    expect(await textOf(page, '#whoami')).toBe('judy');
    await shot(page, 'approved-signed-in');

    // The answered request's tokens work no more, whoever presses.
    const answered = outbox.phoneEntries().at(-1);
    expect(answered?.channel === 'telegram' && answered.kind === 'approval').toBe(true);
    if (answered?.channel === 'telegram' && answered.kind === 'approval') {
      expect(await twoFactor.approve(answered.approveToken, { matchNumber: number })).toEqual({
        ok: false,
        reason: 'answered',
      });
      expect(await twoFactor.deny(answered.denyToken)).toEqual({ ok: false, reason: 'answered' });
    }
    await logOut(page);

    // A request the user denies: the waiting page says so and signs nobody in.
    advance(DELIVERY.resendCooldownMs);
    await enterPassword(page, 'judy');
    await andWait(page, page.getByRole('button', { name: /^Approve in Telegram/ }).click());
    expect(pathOf(page)).toBe('/login/2fa/wait');
    const denied = await newestOnOutbox(phone, 'telegram', chatId);
    await andWait(phone, denied.getByRole('button', { name: 'Deny' }).click());
    await page.waitForURL(/\/login\/2fa$/, { timeout: WAIT_MS });
    expect(await textOf(page, 'p[role=alert]')).toContain('denied');
    await page.goto('/profile');
    expect(pathOf(page)).toBe('/login/2fa');
    await shot(page, 'approval-denied');

    // A request answered with the wrong number: a denial, and it counts towards the pause.
    advance(DELIVERY.resendCooldownMs);
    await andWait(page, page.getByRole('button', { name: /^Approve in Telegram/ }).click());
    const shown = await textOf(page, '#match-number');
    const wrongOne = await newestOnOutbox(phone, 'telegram', chatId);
    const wrong = (await wrongOne.locator('button.match-choice').allTextContents()).find((c) => c !== shown)!;
    await andWait(phone, wrongOne.getByRole('button', { name: wrong, exact: true }).click());
    expect(await textOf(phone, '#phone li.entry .answer')).toBe(
      'Not the number on the sign-in page: the sign-in was denied.',
    );
    await page.waitForURL(/\/login\/2fa$/, { timeout: WAIT_MS });
    expect(await textOf(page, 'p[role=alert]')).toContain('denied');
    await shot(page, 'approval-wrong-number');
    // Denied, wrong number, and one left waiting: three in a row, so the next one is refused.
    advance(DELIVERY.resendCooldownMs);
    await andWait(page, page.getByRole('button', { name: /^Approve in Telegram/ }).click());
    expect(pathOf(page)).toBe('/login/2fa/wait');
    await andWait(page, page.getByRole('button', { name: 'Use another method' }).click());
    advance(DELIVERY.resendCooldownMs);
    await andWait(page, page.getByRole('button', { name: /^Approve in Telegram/ }).click());
    expect(await textOf(page, '.notice.error')).toContain('Too many approval requests');
    await shot(page, 'approval-paused');

    // The approve and deny tokens never reach the log or the audit trail.
    const log = logLines.join('\n');
    for (const entry of outbox.phoneEntries()) {
      if (entry.channel === 'telegram' && entry.kind === 'approval') {
        expect(log).not.toContain(entry.approveToken);
        expect(log).not.toContain(entry.denyToken);
      }
    }
    await context.close();
  }, 180_000);

  it('offers voice only beside another factor, reads the code from the calling number, and falls back to SMS after unanswered calls', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const phone = await context.newPage();
    const address = 'kim@example.test';
    const number = '+15550104477';
    await signUp(page, 'kim');

    // No factor yet: voice is not offered.
    expect(await page.getByRole('link', { name: 'Add a phone for voice calls' }).count()).toBe(0);
    expect(await textOf(page, 'main')).toContain('Voice calls: a fallback only');
    await addEmailFactor(page, address);

    // Beside the e-mail factor it is; the code is the end of the calling number.
    await page.goto('/profile');
    await andWait(page, page.getByRole('link', { name: 'Add a phone for voice calls' }).click());
    // A number without its country code is refused (factorkit's INVALID_DESTINATION), and nothing is sent.
    const entriesBefore = outbox.phoneEntries().length;
    await page.getByLabel(/^Phone number/).fill('555 010 4477');
    await andWait(page, page.getByRole('button', { name: 'Send a code' }).click());
    expect(await textOf(page, '[role=alert]')).toContain('starting with + and the country code');
    expect(outbox.phoneEntries()).toHaveLength(entriesBefore);
    await page.getByLabel(/^Phone number/).fill(number);
    await andWait(page, page.getByRole('button', { name: 'Send a code' }).click());
    const call = await newestOnOutbox(phone, 'voice', number);
    const callerId = (await call.locator('.caller-id').textContent())!;
    const digits = Number(/code = last (\d+) digits/.exec((await call.textContent()) ?? '')![1]);
    expect(callerId).toMatch(/^\+1 555 /);
    await shot(phone, 'outbox-voice-call');
    await fillCurrentCodeFromMail(page, address);
    await submitCode(page, callerId.replace(/\D/g, '').slice(-digits), 'Confirm');
    expect(await page.locator('#authenticators td.kind').allTextContents()).toEqual(['E-mail', 'Voice call']);
    await logOut(page);

    // Sign in with "Call me". Nobody answers (no code typed), and after voiceCallsBeforeSms
    // calls the next "Send a new code" goes by text message to the same number instead.
    const callsTo = () => outbox.phoneEntries().filter((entry) => entry.channel === 'voice' && entry.to === number);
    const smsTo = () => outbox.phoneEntries().filter((entry) => entry.channel === 'sms' && entry.to === number);
    advance(DELIVERY.resendCooldownMs);
    await enterPassword(page, 'kim');
    const callsBefore = callsTo().length;
    await andWait(page, page.getByRole('button', { name: /^Call me at / }).click());
    expect(await textOf(page, 'main')).toContain('the code is the last digits of the number calling you');
    for (let made = 1; made < DELIVERY.voiceCallsBeforeSms; made += 1) {
      advance(DELIVERY.resendCooldownMs);
      await andWait(page, page.getByRole('button', { name: 'Send a new code' }).click());
    }
    expect(callsTo().length - callsBefore).toBe(DELIVERY.voiceCallsBeforeSms);
    expect(smsTo()).toHaveLength(0);
    advance(DELIVERY.resendCooldownMs);
    await andWait(page, page.getByRole('button', { name: 'Send a new code' }).click());
    expect(await textOf(page, 'main')).toContain('by text message');
    expect(smsTo()).toHaveLength(1);
    expect(callsTo().length - callsBefore).toBe(DELIVERY.voiceCallsBeforeSms);
    const sms = await newestOnOutbox(phone, 'sms', number);
    await shot(phone, 'outbox-sms-fallback');
    await submitCode(page, codeIn(await sms.locator('.message').textContent()), 'Verify');
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, '#whoami')).toBe('kim');
    await context.close();
  }, 180_000);
});

// End to end in real Chromium (Debian's /usr/bin/chromium driven by playwright-core; no browser
// download): the whole 2FA life of a user through the Express example, with the QR code read
// back from a screenshot by an independent decoder (pngjs + jsQR) and codes computed by the
// independent `otpauth` package; then the support side: a user who locks themself out, an
// admin who unlocks them or resets a lost phone's 2FA, and non-admins refused; and a user with
// two authenticator apps and a remembered browser. Screenshots land in test-artifacts/e2e/.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium.js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from 'factorkit';
import { createExampleApp } from './app.js';
import { PASSWORD, WAIT_MS, andWait, enterPassword, logOut, pathOf, signUp, submitCode, textOf } from './e2e-pages.js';
import { MemoryUserStore } from './users.js';

const ARTIFACTS = new URL('../../test-artifacts/e2e/', import.meta.url);
const PERIOD_MS = 30_000;
const ADMIN = 'grace';
/** Listed in ADMIN_USERS but without 2FA on her own account: no admin page opens for her. */
const ADMIN_WITHOUT_2FA = 'heidi';
// Small numbers so a lockout takes five wrong codes, not twenty and hours of back-off: the
// 3rd wrong code pauses sign-in for 1 s, the 4th for 2 s, the 5th locks until an admin unlocks.
const THROTTLE = { maxFailures: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, maxConsecutiveFailures: 5 };

// The app's TOTP clock, stepped by hand so "same step" and "next step" are certain.
let nowMs = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + 5_000;
const nextStep = () => (nowMs += PERIOD_MS);

const logLines: string[] = [];
let server: Server;
let baseUrl: string;
let browser: Browser;
let shotNumber = 0;
/** The admin, signed in with 2FA for the whole file. */
let admin: { context: BrowserContext; page: Page };

async function shot(page: Page, name: string): Promise<void> {
  shotNumber += 1;
  const file = new URL(`${String(shotNumber).padStart(2, '0')}-${name}.png`, ARTIFACTS);
  await page.screenshot({ path: file.pathname, fullPage: true });
}

async function newContext(): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl, deviceScaleFactor: 2, acceptDownloads: true });
}

async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === 'factorkit.sid')?.value;
}

async function deviceCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === '__Host-factorkit-device');
}

async function listedUsers(page: Page, filter: 'All' | 'Activated' | 'Not activated'): Promise<string[]> {
  await page.goto('/users');
  if (filter !== 'All') await andWait(page, page.getByRole('link', { name: filter, exact: true }).click());
  expect(await textOf(page, '[aria-current="page"]')).toBe(filter);
  return page.locator('#users td.username').allTextContents();
}

async function backupCodesOnPage(page: Page): Promise<string[]> {
  return page.locator('#backup-codes code').allTextContents();
}

/** An authenticator app holding `secret`, played by the otpauth package (SHA-1, 6 digits, 30 s). */
function authenticator(secret: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
}

async function manualKey(page: Page): Promise<string> {
  return (await textOf(page, '#manual-key'))!.replace(/\s+/g, '');
}

/** Turns 2FA on from the profile, typing the manual key into the "app" as a user would. */
async function enableTwoFactor(page: Page): Promise<OTPAuth.TOTP> {
  await page.goto('/profile');
  await andWait(page, page.getByRole('link', { name: 'Enable 2FA' }).click());
  const totp = authenticator(await manualKey(page));
  await submitCode(page, totp.generate({ timestamp: nowMs }), 'Check');
  expect(await textOf(page, 'h1')).toBe('2FA is on: your backup codes');
  return totp;
}

/** A six-digit code that no step near now accepts. */
function wrongCode(totp: OTPAuth.TOTP): string {
  const near = new Set([-3, -2, -1, 0, 1, 2, 3].map((k) => totp.generate({ timestamp: nowMs + k * PERIOD_MS })));
  return ['000000', '111111', '222222', '333333', '444444', '555555'].find((code) => !near.has(code))!;
}

/** What a browser sends with a form of the app's own page (factorkit/http's CSRF check passes it). */
const FROM_OWN_PAGE = { 'sec-fetch-site': 'same-origin' };

/** The audit log on the support page, newest first. */
async function auditOn(page: Page): Promise<{ events: string[]; details: string[] }> {
  return {
    events: await page.locator('#audit td.event').allTextContents(),
    details: await page.locator('#audit td.detail').allTextContents(),
  };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { app } = createExampleApp({
    store: new MemoryStore(),
    users: new MemoryUserStore(),
    keyring: { currentKeyId: 'test', keys: { test: new Uint8Array(32).fill(7) } },
    sessionSecret: 'e2e-session-secret',
    clock: () => nowMs,
    // Cheap scrypt for backup codes, to keep the test fast on a busy CI machine; the app's
    // default (what `npm start` runs) is factorkit's OWASP setting.
    backupCodes: { kdf: { N: 2 ** 10, r: 8, p: 1 }, allowWeakKdf: true },
    throttle: THROTTLE,
    // What ADMIN_USERS=grace,heidi gives `npm start`.
    adminUsernames: [ADMIN, ADMIN_WITHOUT_2FA],
    log: (line) => logLines.push(line),
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  const adminContext = await newContext();
  admin = { context: adminContext, page: await adminContext.newPage() };
  await signUp(admin.page, ADMIN);
  await enableTwoFactor(admin.page);
}, 60_000);

afterAll(async () => {
  await admin?.context.close();
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('Express example in Chromium', () => {
  it('enrols from the QR screenshot, logs in with TOTP and backup codes, regenerates, refuses replays, disables, filters users', async () => {
    const alice = await newContext();
    await alice.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = await alice.newPage();

    // Sign up: signed in straight away, 2FA off.
    await signUp(page, 'alice');
    expect(await textOf(page, '#two-factor-status')).toBe('Not activated');
    await shot(page, 'signed-up');

    // A second session of alice's (another browser), opened before 2FA is enabled.
    const otherDevice = await newContext();
    const otherPage = await otherDevice.newPage();
    await enterPassword(otherPage, 'alice');
    expect(await textOf(otherPage, '#two-factor-status')).toBe('Not activated');

    // Enable 2FA: read the QR code from pixels, as a phone would.
    await andWait(page, page.getByRole('link', { name: 'Enable 2FA' }).click());
    const qrPng = PNG.sync.read(await page.locator('#qr').screenshot());
    const qr = jsQR(
      new Uint8ClampedArray(qrPng.data.buffer, qrPng.data.byteOffset, qrPng.data.length),
      qrPng.width,
      qrPng.height,
    );
    expect(qr, 'the QR code in the screenshot decodes').not.toBeNull();
    const uri = qr!.data;
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const parsed = OTPAuth.URI.parse(uri);
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    const totp = parsed as OTPAuth.TOTP;
    expect(totp.issuer).toBe('factorkit example');
    expect(totp.label).toBe('alice');
    const secret = totp.secret.base32;
    // The manual key is the same secret, grouped for typing.
    expect((await page.locator('#manual-key').textContent())?.replace(/\s+/g, '')).toBe(secret);
    await shot(page, 'enable-2fa-qr');
    const codeAt = (ms: number) => totp.generate({ timestamp: ms });

    // A wrong code: the first is taken for a typo; the second one gets the phone-clock hint.
    const valid = new Set([codeAt(nowMs - PERIOD_MS), codeAt(nowMs), codeAt(nowMs + PERIOD_MS)]);
    const wrong = ['000000', '111111', '222222', '333333'].find((code) => !valid.has(code))!;
    await submitCode(page, wrong, 'Check');
    expect(await textOf(page, '[role=alert]')).toBe('That code is not right. Check it and try again.');
    await submitCode(page, wrong, 'Check');
    expect(await textOf(page, '[role=alert]')).toContain('automatic date and time');
    await shot(page, 'enable-2fa-wrong-code');

    await submitCode(page, codeAt(nowMs), 'Check');
    expect(await textOf(page, 'h1')).toBe('2FA is on: your backup codes');
    const backupCodes = await backupCodesOnPage(page);
    expect(backupCodes.length).toBeGreaterThanOrEqual(5);
    expect(new Set(backupCodes).size).toBe(backupCodes.length);
    // Groups of letters and digits in a plain list: nothing on the page reads as a number to type.
    for (const code of backupCodes) expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(await page.locator('ul#backup-codes').count()).toBe(1);
    await shot(page, 'backup-codes');

    // Copy puts exactly the codes on the clipboard; Download saves them as a text file.
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.locator('#copy-status', { hasText: 'Copied.' }).waitFor({ timeout: WAIT_MS });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${backupCodes.join('\n')}\n`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-codes').click()]);
    expect(download.suggestedFilename()).toBe('backup-codes.txt');
    const downloaded = readFileSync((await download.path())!, 'utf8');
    for (const code of backupCodes) expect(downloaded).toContain(code);

    // Enabling 2FA ended the other session; this one lives on.
    await otherPage.goto('/profile');
    expect(pathOf(otherPage)).toBe('/login');
    await page.goto('/profile');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');
    expect(await textOf(page, '#backup-codes-left')).toBe(String(backupCodes.length));
    await logOut(page);

    // Log in with a TOTP code. The password alone signs nobody in.
    nextStep();
    const beforeLogin = await sessionCookie(alice);
    await enterPassword(page, 'alice');
    expect(pathOf(page)).toBe('/login/2fa');
    const pendingCookie = await sessionCookie(alice);
    expect(pendingCookie).not.toBe(beforeLogin);
    await page.goto('/profile');
    expect(pathOf(page)).toBe('/login/2fa');
    await page.goto('/users');
    expect(pathOf(page)).toBe('/login/2fa');
    await shot(page, 'second-step');
    const firstLoginCode = codeAt(nowMs);
    await submitCode(page, firstLoginCode, 'Verify');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');
    expect(await sessionCookie(alice), 'session id rotated after the second factor').not.toBe(pendingCookie);
    await logOut(page);

    // Same step, same code: a replay, refused.
    await enterPassword(page, 'alice');
    await submitCode(page, firstLoginCode, 'Verify');
    expect(await textOf(page, '[role=alert]')).toContain('already used');
    expect(pathOf(page)).toBe('/login/2fa');
    await shot(page, 'replayed-totp-refused');

    // A backup code works once, typed as people type it (lower case, spaces), and the count drops.
    await submitCode(page, backupCodes[0]!.toLowerCase().replace(/-/g, ' '), 'Verify');
    expect(await textOf(page, 'p[role=status]')).toContain(`${backupCodes.length - 1} backup codes left`);
    expect(await textOf(page, '#backup-codes-left')).toBe(String(backupCodes.length - 1));
    await shot(page, 'backup-code-login');

    // New backup codes replace the old set.
    nextStep();
    await andWait(page, page.getByRole('link', { name: 'Generate backup codes' }).click());
    await submitCode(page, codeAt(nowMs), 'Generate backup codes');
    expect(await textOf(page, 'h1')).toBe('Your new backup codes');
    const newBackupCodes = await backupCodesOnPage(page);
    expect(newBackupCodes.length).toBe(backupCodes.length);
    for (const code of newBackupCodes) expect(backupCodes).not.toContain(code);
    await shot(page, 'regenerated-backup-codes');
    await page.goto('/profile');
    expect(await textOf(page, '#backup-codes-left')).toBe(String(newBackupCodes.length));
    await logOut(page);

    // An old, unused backup code is refused now; a new one works.
    await enterPassword(page, 'alice');
    await submitCode(page, backupCodes[1]!, 'Verify');
    expect(await textOf(page, '[role=alert]')).toContain('backup code is not valid');
    await shot(page, 'old-backup-code-refused');
    await submitCode(page, newBackupCodes[0]!, 'Verify');
    expect(await textOf(page, '#backup-codes-left')).toBe(String(newBackupCodes.length - 1));

    // A second user who never enrols; the admin's filter joins app users with factorkit's list.
    const bobContext = await newContext();
    await signUp(await bobContext.newPage(), 'bob');
    expect(await listedUsers(admin.page, 'Activated')).toEqual(['alice', ADMIN]);
    expect(await listedUsers(admin.page, 'Not activated')).toEqual(['bob']);
    await shot(admin.page, 'users-not-activated');
    expect(await listedUsers(admin.page, 'All')).toEqual(['alice', 'bob', ADMIN]);

    // factorkit/http's routes refuse a POST that does not come from the app's own pages (CSRF):
    // one with neither Sec-Fetch-Site nor Origin, and one from another site.
    nextStep();
    const forged = await alice.request.post('/2fa/disable', { data: { code: codeAt(nowMs) }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const forgedWithWrongToken = await alice.request.post('/2fa/disable', {
      data: { code: codeAt(nowMs) },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      maxRedirects: 0,
    });
    expect((await forgedWithWrongToken.json()).reason).toBe('cross-origin');
    expect(forgedWithWrongToken.status()).toBe(403);

    // Disable 2FA with a code.
    await page.goto('/profile');
    await andWait(page, page.getByRole('link', { name: 'Disable 2FA' }).click());
    await submitCode(page, codeAt(nowMs), 'Disable 2FA');
    expect(await textOf(page, '#two-factor-status')).toBe('Not activated');
    await shot(page, 'disabled');
    expect(await listedUsers(admin.page, 'Activated')).toEqual([ADMIN]);
    expect(await listedUsers(admin.page, 'Not activated')).toEqual(['alice', 'bob']);
    await shot(admin.page, 'users-after-disable');

    // Password alone signs alice in again.
    await logOut(page);
    await enterPassword(page, 'alice');
    expect(await textOf(page, '#two-factor-status')).toBe('Not activated');

    // The admin's support page shows alice's whole 2FA history, newest first.
    await admin.page.goto('/support/alice');
    const { events } = await auditOn(admin.page);
    expect(events[0]).toBe('disabled');
    for (const type of ['enabled', 'verify-succeeded', 'verify-failed', 'replay-refused', 'backup-code-used']) {
      expect(events).toContain(type);
    }
    expect(events.at(-1)).toBe('verify-failed'); // the wrong code at enrolment came first
    await shot(admin.page, 'support-audit-log');

    // Neither the log nor the audit page ever carries the secret, a code or the password.
    const log = logLines.join('\n');
    expect(log).toContain('2FA event enabled');
    const auditPage = await admin.page.content();
    for (const needle of [secret, PASSWORD, ...backupCodes, ...newBackupCodes, firstLoginCode]) {
      expect(log).not.toContain(needle);
      expect(auditPage).not.toContain(needle);
    }

    await Promise.all([alice.close(), otherDevice.close(), bobContext.close()]);
  }, 180_000);

  it('locks a user out after wrong codes until an admin unlocks them; the user then moves 2FA to a new phone with a current code', async () => {
    const carol = await newContext();
    const page = await carol.newPage();
    await signUp(page, 'carol');
    const oldApp = await enableTwoFactor(page);
    await logOut(page);

    nextStep();
    await enterPassword(page, 'carol');
    expect(pathOf(page)).toBe('/login/2fa');
    const alert = () => textOf(page, '[role=alert]');
    // Two wrong codes are free; the third pauses sign-in.
    for (let i = 0; i < 2; i++) {
      await submitCode(page, wrongCode(oldApp), 'Verify');
      expect(await alert()).toContain('automatic date and time');
      expect(await alert()).not.toContain('Too many');
    }
    await submitCode(page, wrongCode(oldApp), 'Verify');
    expect(await alert()).toContain('Too many wrong codes: wait 1 second before you try again.');
    // During the pause even the right code is refused, unseen and uncounted.
    await submitCode(page, oldApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await alert()).toContain('Too many wrong codes. Wait 1 second, then try again.');
    nowMs += 1_000;
    await submitCode(page, wrongCode(oldApp), 'Verify');
    expect(await alert()).toContain('wait 2 seconds');
    nowMs += 2_000;
    // The 5th wrong code in a row locks the account until support unlocks it: said at once.
    await submitCode(page, wrongCode(oldApp), 'Verify');
    expect(await alert()).toContain('Contact support');
    await shot(page, 'hard-locked');
    // Past every pause, the right code is refused all the same.
    nextStep();
    await submitCode(page, oldApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await alert()).toContain('this account is locked. Contact support');
    expect(pathOf(page)).toBe('/login/2fa');

    // The admin finds carol in the user list and opens her support page: hard-locked.
    await admin.page.goto('/users');
    expect(await textOf(admin.page, 'header nav')).toContain('All users');
    await andWait(admin.page, admin.page.getByRole('link', { name: 'carol', exact: true }).click());
    expect(pathOf(admin.page)).toBe('/support/carol');
    expect(await textOf(admin.page, '#support-2fa')).toBe('Activated');
    expect(await textOf(admin.page, '#support-failures')).toBe('5');
    expect(await textOf(admin.page, '#support-lock')).toContain('Locked');
    const locked = await auditOn(admin.page);
    expect(locked.events.slice(0, 3)).toEqual(['verify-failed', 'hard-locked', 'verify-failed']);
    expect(locked.details[0]).toBe('Code (not looked at) refused: hard-locked (sign-in)');
    expect(locked.details[1]).toBe('Locked until support unlocks it, after 5 wrong codes in a row');
    expect(locked.events.filter((type) => type === 'locked-out')).toHaveLength(2);
    expect(locked.details).toContain('Authenticator code refused: invalid (sign-in)');
    expect(locked.details).toContain('Code (not looked at) refused: locked (sign-in)');
    await shot(admin.page, 'support-hard-locked');

    await andWait(admin.page, admin.page.getByRole('button', { name: 'Unlock' }).click());
    expect(await textOf(admin.page, 'p[role=status]')).toContain('Unlocked carol');
    expect(await textOf(admin.page, '#support-lock')).toBe('Not locked');
    expect(await textOf(admin.page, '#support-failures')).toBe('0');
    const unlocked = await auditOn(admin.page);
    expect(unlocked.events[0]).toBe('unlocked');
    expect(unlocked.details[0]).toBe(`Unlocked by ${ADMIN}`);
    await shot(admin.page, 'support-unlocked');

    // carol, still at the second step, signs in with her app.
    await submitCode(page, oldApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');

    // A new phone: add its app, which takes a code of the new app and one of a current app
    // (or a backup code), then remove the old app with a code.
    await andWait(page, page.getByRole('link', { name: 'Add an authenticator app' }).click());
    const newApp = authenticator(await manualKey(page));
    await shot(page, 'add-authenticator');
    nextStep();
    // The page's form goes to factorkit/http's confirm route; without a current code it is refused.
    const factorId = await page.locator('input[name="factorId"]').getAttribute('value');
    const withoutCurrent = await carol.request.post('/2fa/enrollment/confirm', {
      data: { factorId, code: newApp.generate({ timestamp: nowMs }) },
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(withoutCurrent.status()).toBe(403);
    expect((await withoutCurrent.json()).message).toContain('also enter a code from a sign-in method you already have');
    const currentCodeField = page.getByLabel('A code from your current app or a backup code');
    await page.locator('#code').fill(newApp.generate({ timestamp: nowMs }));
    await currentCodeField.fill(wrongCode(oldApp));
    await andWait(page, page.getByRole('button', { name: 'Add this app' }).click());
    expect(await alert()).toContain('One of the two codes was not accepted');
    await page.locator('#code').fill(newApp.generate({ timestamp: nowMs }));
    await currentCodeField.fill(oldApp.generate({ timestamp: nowMs }));
    await andWait(page, page.getByRole('button', { name: 'Add this app' }).click());
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, 'p[role=status]')).toContain('Authenticator app added');
    const authenticatorNames = () => page.locator('#authenticators td.name').allTextContents();
    expect(await authenticatorNames()).toEqual(['Authenticator app', 'Authenticator app 2']);
    await shot(page, 'two-authenticators');
    nextStep();
    await andWait(page, page.getByRole('link', { name: 'Remove Authenticator app', exact: true }).click());
    await submitCode(page, newApp.generate({ timestamp: nowMs }), 'Remove');
    expect(await textOf(page, 'p[role=status]')).toContain('Removed Authenticator app:');
    expect(await authenticatorNames()).toEqual(['Authenticator app 2']);
    await logOut(page);

    // From now on the old app's codes are refused and the new app's accepted.
    nextStep();
    await enterPassword(page, 'carol');
    await submitCode(page, oldApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await alert()).toContain('automatic date and time');
    await submitCode(page, newApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');

    await admin.page.goto('/support/carol');
    const { events } = await auditOn(admin.page);
    expect(events.indexOf('factor-removed')).toBeLessThan(events.indexOf('factor-added'));
    expect(events.filter((type) => type === 'factor-added')).toHaveLength(2); // first app, then the new one
    await carol.close();
  }, 180_000);

  it("lets an admin reset a lost phone's 2FA, which ends the user's sessions; refuses non-admins with 403", async () => {
    const dave = await newContext();
    const page = await dave.newPage();
    await signUp(page, 'dave');
    await enableTwoFactor(page);
    await page.goto('/profile');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');

    // "I lost my phone and my backup codes." The reset needs the identity check ticked.
    await admin.page.goto('/support/dave');
    expect(await textOf(admin.page, '#support-2fa')).toBe('Activated');
    const unticked = await admin.context.request.post('/support/dave/reset', { form: {}, headers: FROM_OWN_PAGE });
    expect(unticked.status()).toBe(400);
    expect(await unticked.text()).toContain('Confirm that you verified');
    await admin.page.getByLabel("I have verified this person's identity out of band").check();
    await andWait(admin.page, admin.page.getByRole('button', { name: 'Reset 2FA' }).click());
    expect(await textOf(admin.page, 'p[role=status]')).toContain('2FA of dave is off');
    expect(await textOf(admin.page, '#support-2fa')).toBe('Not activated');
    expect(await textOf(admin.page, '#support-backup-codes')).toBe('0');
    const { events, details } = await auditOn(admin.page);
    expect(events[0]).toBe('reset-by-admin');
    expect(details[0]).toBe(`2FA reset by ${ADMIN}`);
    await shot(admin.page, 'support-reset');

    // The reset ended dave's session; his password alone signs him in now.
    await page.goto('/profile');
    expect(pathOf(page)).toBe('/login');
    await enterPassword(page, 'dave');
    expect(await textOf(page, '#two-factor-status')).toBe('Not activated');

    // dave is no admin: no link, and 403 on every admin page and action.
    expect(await page.getByRole('link', { name: 'All users' }).count()).toBe(0);
    const users = await page.goto('/users');
    expect(users?.status()).toBe(403);
    expect(await textOf(page, 'h1')).toBe('Admins only');
    await shot(page, 'non-admin-403');
    expect((await page.goto('/support/carol'))?.status()).toBe(403);
    // Sent as from the app's own page, so that it is the admin check that refuses them.
    const unlock = await dave.request.post('/support/carol/unlock', { form: {}, headers: FROM_OWN_PAGE });
    expect(unlock.status()).toBe(403);
    expect(await unlock.text()).toContain('Admins only');
    const reset = await dave.request.post('/support/carol/reset', {
      form: { identityChecked: 'yes' },
      headers: FROM_OWN_PAGE,
      maxRedirects: 0,
    });
    expect(reset.status()).toBe(403);
    expect(await reset.text()).toContain('Admins only');
    await admin.page.goto('/support/carol');
    expect(await textOf(admin.page, '#support-2fa')).toBe('Activated');

    // An admin name without 2FA on its own account opens nothing either.
    const heidi = await newContext();
    const heidiPage = await heidi.newPage();
    await signUp(heidiPage, ADMIN_WITHOUT_2FA);
    expect((await heidiPage.goto('/users'))?.status()).toBe(403);
    expect(await textOf(heidiPage, 'main')).toContain('Turn on 2FA for your own account');

    // The admin's own actions refuse a request from another site too; unknown users are 404.
    const forged = await admin.context.request.post('/support/carol/reset', {
      form: { identityChecked: 'yes' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('Request refused');
    expect((await admin.page.goto('/support/nobody'))?.status()).toBe(404);

    await Promise.all([dave.close(), heidi.close()]);
  }, 180_000);

  it('keeps the pending QR code across reloads and wrong codes, signs in with either of two apps, remembers the browser until it is forgotten', async () => {
    const erin = await newContext();
    const page = await erin.newPage();
    await signUp(page, 'erin');

    // The enrollment page shows the same secret on reload, and after a wrong code.
    await andWait(page, page.getByRole('link', { name: 'Enable 2FA' }).click());
    const firstKey = await manualKey(page);
    await page.reload();
    expect(await manualKey(page)).toBe(firstKey);
    const firstApp = authenticator(firstKey);
    await submitCode(page, wrongCode(firstApp), 'Check');
    expect(await textOf(page, '[role=alert]')).toContain('Check it and try again');
    expect(await textOf(page, '[role=alert]')).not.toContain('clock');
    expect(await page.locator('#qr svg').count()).toBe(1);
    expect(await manualKey(page)).toBe(firstKey);
    await shot(page, 'enable-wrong-code-keeps-qr');
    await submitCode(page, firstApp.generate({ timestamp: nowMs }), 'Check');
    expect(await textOf(page, 'h1')).toBe('2FA is on: your backup codes');

    // A second app, confirmed with a code of each; its page, too, keeps its secret on reload.
    await page.goto('/profile');
    await andWait(page, page.getByRole('link', { name: 'Add an authenticator app' }).click());
    const secondKey = await manualKey(page);
    expect(secondKey).not.toBe(firstKey);
    await page.reload();
    expect(await manualKey(page)).toBe(secondKey);
    const secondApp = authenticator(secondKey);
    nextStep();
    await page.locator('#code').fill(secondApp.generate({ timestamp: nowMs }));
    await page
      .getByLabel('A code from your current app or a backup code')
      .fill(firstApp.generate({ timestamp: nowMs }));
    await andWait(page, page.getByRole('button', { name: 'Add this app' }).click());
    expect(await textOf(page, 'p[role=status]')).toContain('Authenticator app added');

    // Rename the second app on the security page.
    await andWait(page, page.getByRole('link', { name: 'Security', exact: true }).click());
    const names = () => page.locator('#security-authenticators td.name').allTextContents();
    expect(await names()).toEqual(['Authenticator app', 'Authenticator app 2']);
    await page.getByLabel('New name for Authenticator app 2').fill('Work phone');
    await andWait(page, page.getByRole('button', { name: 'Rename Authenticator app 2' }).click());
    expect(await textOf(page, 'p[role=status]')).toContain('Renamed Authenticator app 2 to Work phone');
    expect(await names()).toEqual(['Authenticator app', 'Work phone']);
    expect(await textOf(page, '#no-devices')).toBe('No remembered browsers.');
    await shot(page, 'security-two-apps');
    await logOut(page);

    // Either app signs in.
    for (const app of [firstApp, secondApp]) {
      nextStep();
      await enterPassword(page, 'erin');
      expect(pathOf(page)).toBe('/login/2fa');
      await submitCode(page, app.generate({ timestamp: nowMs }), 'Verify');
      expect(await textOf(page, '#two-factor-status')).toBe('Activated');
      await logOut(page);
    }

    // Remove the first app with a code of the second.
    nextStep();
    await enterPassword(page, 'erin');
    await submitCode(page, secondApp.generate({ timestamp: nowMs }), 'Verify');
    await page.goto('/security');
    await andWait(page, page.getByRole('link', { name: 'Remove Authenticator app', exact: true }).click());
    nextStep();
    await submitCode(page, secondApp.generate({ timestamp: nowMs }), 'Remove');
    expect(await textOf(page, 'p[role=status]')).toContain('Removed Authenticator app:');
    await page.goto('/security');
    expect(await names()).toEqual(['Work phone']);
    await logOut(page);
    nextStep();
    await enterPassword(page, 'erin');
    await submitCode(page, firstApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await textOf(page, '[role=alert]')).toContain('automatic date and time');

    // Remember this browser at the second step: an HttpOnly, SameSite=Lax cookie for 30 days.
    expect(await deviceCookie(erin)).toBeUndefined();
    await page.getByLabel('Remember this browser for 30 days').check();
    await shot(page, 'second-step-remember');
    await submitCode(page, secondApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');
    const cookie = await deviceCookie(erin);
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Lax');
    // factorkit/http's __Host- cookie: Secure, which Chromium keeps on http://127.0.0.1 (a secure context).
    expect(cookie!.secure).toBe(true);
    const days = (cookie!.expires * 1000 - nowMs) / (24 * 60 * 60 * 1000);
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    await logOut(page);

    // The password alone signs in now, and the page says why.
    nextStep();
    await enterPassword(page, 'erin');
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, 'p[role=status]')).toContain('Signed in without a code');
    await shot(page, 'remembered-sign-in');

    // The cookie is good for erin only: another user in the same browser still owes a code.
    await logOut(page);
    const frank = await newContext();
    const frankPage = await frank.newPage();
    await signUp(frankPage, 'frank');
    await enableTwoFactor(frankPage);
    await frank.close();
    await enterPassword(page, 'frank');
    expect(pathOf(page)).toBe('/login/2fa');
    await andWait(page, page.getByRole('button', { name: 'Cancel' }).click());
    await enterPassword(page, 'erin');
    expect(pathOf(page)).toBe('/profile');

    // Forget it on the security page (a POST from the app's own page, like every change).
    await andWait(page, page.getByRole('link', { name: 'Security', exact: true }).click());
    expect(await page.locator('#devices td.label').allTextContents()).toEqual(['Chrome on Linux']);
    await shot(page, 'security-remembered-browser');
    const deviceId = await page.locator('#devices input[name="deviceId"]').getAttribute('value');
    const forged = await erin.request.post(`${(await page.locator('#devices form').getAttribute('action'))!}`, {
      data: { deviceId },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await andWait(page, page.getByRole('button', { name: 'Forget' }).click());
    expect(await textOf(page, 'p[role=status]')).toContain('Forgot Chrome on Linux');
    expect(await textOf(page, '#no-devices')).toBe('No remembered browsers.');
    await shot(page, 'security-forgotten');
    await logOut(page);

    // A code is needed again. factorkit/http dropped this browser's cookie with it; planted
    // again, the forgotten token skips nothing.
    expect(await deviceCookie(erin)).toBeUndefined();
    await erin.addCookies([cookie!]);
    expect(await deviceCookie(erin)).toBeDefined();
    await enterPassword(page, 'erin');
    expect(pathOf(page)).toBe('/login/2fa');
    nextStep();
    await submitCode(page, secondApp.generate({ timestamp: nowMs }), 'Verify');
    expect(await textOf(page, '#two-factor-status')).toBe('Activated');

    // The remembered token never shows in the log or the audit page.
    await admin.page.goto('/support/erin');
    const { events } = await auditOn(admin.page);
    expect(events).toContain('device-remembered');
    expect(events).toContain('device-forgotten');
    const auditPage = await admin.page.content();
    for (const needle of [cookie!.value, firstKey, secondKey]) {
      expect(logLines.join('\n')).not.toContain(needle);
      expect(auditPage).not.toContain(needle);
    }
    await erin.close();
  }, 180_000);
});

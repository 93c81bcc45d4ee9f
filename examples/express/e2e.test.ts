// End to end in real Chromium (Debian's /usr/bin/chromium driven by playwright-core; no browser
// download): the whole 2FA life of a user through the Express example, with the QR code read
// back from a screenshot by an independent decoder (pngjs + jsQR) and codes computed by the
// independent `otpauth` package. Screenshots land in test-artifacts/e2e/.
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
import { MemoryUserStore } from './users.js';

const ARTIFACTS = new URL('../../test-artifacts/e2e/', import.meta.url);
const PERIOD_MS = 30_000;
const PASSWORD = 'correct horse battery staple';

// The app's TOTP clock, stepped by hand so "same step" and "next step" are certain.
let nowMs = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + 5_000;
const nextStep = () => (nowMs += PERIOD_MS);

const logLines: string[] = [];
let server: Server;
let baseUrl: string;
let browser: Browser;
let shotNumber = 0;

async function shot(page: Page, name: string): Promise<void> {
  shotNumber += 1;
  const file = new URL(`${String(shotNumber).padStart(2, '0')}-${name}.png`, ARTIFACTS);
  await page.screenshot({ path: file.pathname, fullPage: true });
}

async function newContext(): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl, deviceScaleFactor: 2, acceptDownloads: true });
}

/** Runs a click that loads a new page (link or form) and waits for that page. */
async function andWait(page: Page, click: Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('load'), click]);
}

async function textOf(page: Page, selector: string): Promise<string | undefined> {
  return (await page.locator(selector).first().textContent({ timeout: 5_000 }))?.trim();
}

const pathOf = (page: Page) => new URL(page.url()).pathname;

async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === 'factorkit.sid')?.value;
}

async function signUp(page: Page, username: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await andWait(page, page.getByRole('button', { name: 'Sign up' }).click());
  expect(await textOf(page, '#whoami')).toBe(username);
}

async function enterPassword(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await andWait(page, page.getByRole('button', { name: 'Log in' }).click());
}

async function submitCode(page: Page, code: string, button: string): Promise<void> {
  await page.locator('#code').fill(code);
  await andWait(page, page.getByRole('button', { name: button, exact: true }).click());
}

async function logOut(page: Page): Promise<void> {
  await andWait(page, page.getByRole('button', { name: 'Log out' }).click());
  expect(pathOf(page)).toBe('/login');
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
    log: (line) => logLines.push(line),
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
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

    // A wrong code: refused with the phone-clock hint.
    const valid = new Set([codeAt(nowMs - PERIOD_MS), codeAt(nowMs), codeAt(nowMs + PERIOD_MS)]);
    const wrong = ['000000', '111111', '222222', '333333'].find((code) => !valid.has(code))!;
    await submitCode(page, wrong, 'Check');
    expect(await textOf(page, '[role=alert]')).toContain('automatic date and time');
    await shot(page, 'enable-2fa-wrong-code');

    await submitCode(page, codeAt(nowMs), 'Check');
    expect(await textOf(page, 'h1')).toBe('2FA is on: your backup codes');
    const backupCodes = await backupCodesOnPage(page);
    expect(backupCodes.length).toBeGreaterThanOrEqual(5);
    expect(new Set(backupCodes).size).toBe(backupCodes.length);
    await shot(page, 'backup-codes');

    // Copy puts exactly the codes on the clipboard; Download saves them as a text file.
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.locator('#copy-status', { hasText: 'Copied.' }).waitFor({ timeout: 5_000 });
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

    // A backup code works once, and the count drops.
    await submitCode(page, backupCodes[0]!, 'Verify');
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

    // A second user who never enrols; the admin filter joins app users with factorkit's list.
    const bobContext = await newContext();
    await signUp(await bobContext.newPage(), 'bob');
    expect(await listedUsers(page, 'Activated')).toEqual(['alice']);
    expect(await listedUsers(page, 'Not activated')).toEqual(['bob']);
    await shot(page, 'users-not-activated');
    expect(await listedUsers(page, 'All')).toEqual(['alice', 'bob']);

    // Every form needs the session's CSRF token.
    nextStep();
    const forged = await alice.request.post('/2fa/disable', { form: { code: codeAt(nowMs) }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const forgedWithWrongToken = await alice.request.post('/2fa/disable', {
      form: { code: codeAt(nowMs), _csrf: 'x'.repeat(43) },
      maxRedirects: 0,
    });
    expect(forgedWithWrongToken.status()).toBe(403);

    // Disable 2FA with a code.
    await page.goto('/profile');
    await andWait(page, page.getByRole('link', { name: 'Disable 2FA' }).click());
    await submitCode(page, codeAt(nowMs), 'Disable 2FA');
    expect(await textOf(page, '#two-factor-status')).toBe('Not activated');
    await shot(page, 'disabled');
    expect(await listedUsers(page, 'Activated')).toEqual([]);
    expect(await listedUsers(page, 'Not activated')).toEqual(['alice', 'bob']);
    await shot(page, 'users-after-disable');

    // Password alone signs alice in again.
    await logOut(page);
    await enterPassword(page, 'alice');
    expect(await textOf(page, '#two-factor-status')).toBe('Not activated');

    // The audit log never carries the secret, a TOTP code, a backup code or the password.
    const log = logLines.join('\n');
    expect(log).toContain('2FA event enabled');
    for (const needle of [secret, PASSWORD, ...backupCodes, ...newBackupCodes, firstLoginCode]) {
      expect(log).not.toContain(needle);
    }

    await Promise.all([alice.close(), otherDevice.close(), bobContext.close()]);
  }, 90_000);
});

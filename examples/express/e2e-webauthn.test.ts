// Security keys and passkeys through the Express example in real Chromium, with the CDP WebAuthn
// domain's virtual authenticators (test/support/webauthn-browser.ts): a CTAP2 USB security key
// without user verification is added on the security page (turning 2FA on) and signs in as the
// second step; a platform passkey with resident keys and user verification is added with a
// backup code and signs in without a password; a copy of the security key (its credential
// exported with WebAuthn.getCredentials and planted again with sign count 0) is caught
// and suspended; the key is then removed with another factor. The app is served on
// http://localhost, as WebAuthn needs a host name.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from 'factorkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/chromium.js';
import { virtualAuthenticators } from '../../test/support/webauthn-browser.js';
import { createExampleApp } from './app.js';
import { andWait, enterPassword, logOut, pathOf, signUp, textOf } from './e2e-pages.js';
import { MemoryUserStore } from './users.js';

let server: Server;
let browser: Browser;
let baseUrl: string;
const logLines: string[] = [];

beforeAll(async () => {
  // The origin (with its port) is part of the app's WebAuthn settings: listen first, then mount.
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  const { app } = createExampleApp({
    store: new MemoryStore(),
    users: new MemoryUserStore(),
    keyring: { currentKeyId: 'test', keys: { test: new Uint8Array(32).fill(9) } },
    sessionSecret: 'e2e-webauthn-session-secret',
    backupCodes: { kdf: { N: 2 ** 10, r: 8, p: 1 }, allowWeakKdf: true },
    adminUsernames: [],
    log: (line) => logLines.push(line),
    webauthn: { origin: baseUrl },
  });
  server.on('request', app);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function press(page: Page, button: string): Promise<void> {
  await andWait(page, page.getByRole('button', { name: button, exact: true }).click());
}

describe('Express example: security keys and passkeys in Chromium', () => {
  it('adds a security key and a passkey, signs in with each (the passkey without a password), catches a cloned key and removes it with a backup code', async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    await page.goto('/login');
    const authenticator = await virtualAuthenticators(page);

    await signUp(page, 'ada');
    await authenticator.use('security-key');
    await page.goto('/security');
    await andWait(page, page.locator('#add-security-key').click());
    await press(page, 'Add a security key');
    // The first factor turned 2FA on: the backup codes, once.
    const backupCodes = await page.locator('#backup-codes code').allTextContents();
    expect(backupCodes).toHaveLength(5);

    await logOut(page);
    await enterPassword(page, 'ada');
    expect(pathOf(page)).toBe('/login/2fa');
    await press(page, 'Use your security key or passkey');
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, '#whoami')).toBe('ada');

    // The key's credential, private key and all, before its authenticator is unplugged.
    const keyCopy = await authenticator.exportCredentials();
    await authenticator.use('passkey');
    await page.goto('/security');
    await andWait(page, page.locator('#add-passkey').click());
    await page.locator('#currentCode').fill(backupCodes[0]!);
    await press(page, 'Add a passkey');
    expect(await textOf(page, '.notice')).toBe('Passkey added.');

    await logOut(page);
    await press(page, 'Sign in with a passkey');
    expect(pathOf(page)).toBe('/profile');
    expect(await textOf(page, '#whoami')).toBe('ada');
    expect(logLines.some((line) => line.endsWith('logged in with a passkey, without a password'))).toBe(true);

    // A copy of the security key, planted in another authenticator with a lower sign count.
    await logOut(page);
    await authenticator.use('security-key');
    // Sign count 0: below any count the key signed with. (Not 1: with two credentials allowed,
    // Chromium first probes silently for the right one, and the probe counts too.)
    await authenticator.importCredentials(keyCopy, 0);
    await enterPassword(page, 'ada');
    await press(page, 'Use your security key or passkey');
    expect(pathOf(page)).toBe('/login/2fa');
    expect(await textOf(page, '.notice')).toContain('suspended');
    await page.locator('#code').fill(backupCodes[1]!);
    await press(page, 'Verify');
    expect(pathOf(page)).toBe('/profile');

    // Removed with another factor (a backup code).
    await page.goto('/security');
    await andWait(page, page.getByRole('link', { name: 'Remove Security key' }).click());
    await page.locator('#code').fill(backupCodes[2]!);
    await press(page, 'Remove');
    await page.goto('/security');
    expect(await page.locator('#security-authenticators td.name').allTextContents()).toEqual(['Passkey']);
    await context.close();
  });
});

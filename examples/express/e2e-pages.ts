// Page steps the Chromium end-to-end tests of the Express example share (e2e.test.ts,
// e2e-delivered.test.ts): signing up, entering the password, typing a code, logging out.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const PASSWORD = 'correct horse battery staple';

// How long to wait for an element: a wait, not a timing assertion, and generous because the
// machines running this are shared and sometimes very busy.
export const WAIT_MS = 15_000;

/**
 * Runs a click that sends a form or follows a link, and waits for what it leads to: a new page,
 * or (a form that client.js sent as JSON) the answer shown on this one.
 */
export async function andWait(page: Page, click: Promise<void>): Promise<void> {
  await page.evaluate(() => delete document.body.dataset.answered);
  const loaded = page.waitForEvent('load', { timeout: WAIT_MS * 2 });
  loaded.catch(() => {});
  const answered = page
    .waitForFunction(() => document.body.dataset.answered !== undefined, undefined, { timeout: WAIT_MS * 2 })
    // A new page destroys this one's context: then the load is what counts.
    .catch(() => new Promise<never>(() => {}));
  await Promise.all([Promise.race([loaded, answered]), click]);
}

export async function textOf(page: Page, selector: string): Promise<string | undefined> {
  return (await page.locator(selector).first().textContent({ timeout: WAIT_MS }))?.trim();
}

export const pathOf = (page: Page) => new URL(page.url()).pathname;

export async function signUp(page: Page, username: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await andWait(page, page.getByRole('button', { name: 'Sign up' }).click());
  expect(await textOf(page, '#whoami')).toBe(username);
}

export async function enterPassword(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await andWait(page, page.getByRole('button', { name: 'Log in' }).click());
}

export async function submitCode(page: Page, code: string, button: string): Promise<void> {
  await page.locator('#code').fill(code);
  await andWait(page, page.getByRole('button', { name: button, exact: true }).click());
}

export async function logOut(page: Page): Promise<void> {
  await andWait(page, page.getByRole('button', { name: 'Log out' }).click());
  expect(pathOf(page)).toBe('/login');
}

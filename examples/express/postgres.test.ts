// The example's PostgreSQL wiring (DATABASE_URL): users and 2FA state survive a restart of the
// app, and the TOTP secret is stored encrypted. Plain HTTP, no browser; the full browser flow is
// e2e.test.ts. Runs in its own schema of the test database, dropped afterwards. Also npm start itself
// (server.ts in a child process): the outbox only in memory (E10).
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPostgres, PG_URL, uniqueSuffix } from '../../test/support/services.js';
import { createExampleApp } from './app.js';
import { openStorage, type Storage } from './storage.js';

const PERIOD_MS = 30_000;
const PASSWORD = 'correct horse battery staple';
const keyring = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(9) } };
const schema = `example_${uniqueSuffix()}`;
let nowMs = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS + 5_000;

function databaseUrl(): string {
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** A minimal cookie-keeping HTTP client that does not follow redirects. */
class Client {
  readonly #cookies = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  /** A GET, a form POST from the page (Sec-Fetch-Site: same-origin, as a browser sends it), or (`json`) a POST to factorkit/http's routes as a page's script sends it. */
  async request(path: string, form?: Record<string, string>, json?: Record<string, string>) {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers: Record<string, string> = { cookie };
    if (form || json) headers['sec-fetch-site'] = 'same-origin';
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (json) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, {
      method: form || json ? 'POST' : 'GET',
      redirect: 'manual',
      headers,
      ...(form && { body: new URLSearchParams(form).toString() }),
      ...(json && { body: JSON.stringify(json) }),
    });
    for (const set of response.headers.getSetCookie()) {
      const [name = '', value = ''] = set.split(';')[0]!.split('=');
      if (/Max-Age=0/i.test(set)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const body = await response.text();
    return { status: response.status, location: response.headers.get('location'), body };
  }
}

async function start(storage: Storage): Promise<{ server: Server; client: Client }> {
  const { app } = createExampleApp({
    store: storage.store,
    users: storage.users,
    keyring,
    sessionSecret: 'postgres-test',
    clock: () => nowMs,
    backupCodes: { kdf: { N: 2 ** 10, r: 8, p: 1 }, allowWeakKdf: true },
    adminUsernames: [],
    log: () => {},
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { server, client: new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

async function stop(server: Server, storage: Storage): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await storage.close();
}

beforeAll(async () => {
  const pool = await connectPostgres(1);
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.end();
});

afterAll(async () => {
  const pool = await connectPostgres(1);
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

it('keeps users and 2FA across a restart, with the TOTP secret encrypted at rest', async () => {
  // First run: sign up and enable 2FA, reading the manual key as a user would type it.
  const first = await openStorage(databaseUrl());
  expect(first.kind).toBe('postgres');
  const run1 = await start(first);
  await run1.client.request('/signup');
  expect((await run1.client.request('/signup', { username: 'pat', password: PASSWORD })).location).toBe('/profile');
  const enablePage = (await run1.client.request('/2fa/enable')).body;
  const secret = /<code id="manual-key">([A-Z2-7 ]+)<\/code>/.exec(enablePage)![1]!.replace(/ /g, '');
  const factorId = /name="factorId" value="([^"]+)"/.exec(enablePage)![1]!;
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
  const code = totp.generate({ timestamp: nowMs });
  const confirmed = await run1.client.request('/2fa/enrollment/confirm', undefined, { factorId, code });
  expect(confirmed.status).toBe(200);
  expect(JSON.parse(confirmed.body).backupCodes.length).toBeGreaterThanOrEqual(5);
  await stop(run1.server, first);

  // Second run on the same database: the password alone is not enough any more.
  nowMs += PERIOD_MS;
  const second = await openStorage(databaseUrl());
  const run2 = await start(second);
  try {
    await run2.client.request('/login');
    expect((await run2.client.request('/login', { username: 'pat', password: PASSWORD })).location).toBe('/login/2fa');
    expect((await run2.client.request('/profile')).location).toBe('/login/2fa');
    expect((await run2.client.request('/login/2fa')).body).toContain('One more step');
    const signedIn = await run2.client.request('/2fa/sign-in/verify', undefined, {
      code: totp.generate({ timestamp: nowMs }),
    });
    expect(JSON.parse(signedIn.body)).toMatchObject({ ok: true, method: 'totp' });
    expect((await run2.client.request('/profile')).body).toContain('<b id="two-factor-status">Activated</b>');
  } finally {
    await stop(run2.server, second);
  }

  const pool = await connectPostgres(1);
  try {
    const rows = (await pool.query(`SELECT status, data FROM ${schema}.factorkit_two_factor`)).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('activated');
    expect(String(rows[0].data)).not.toContain(secret);
    const users = (await pool.query(`SELECT username FROM ${schema}.example_users`)).rows;
    expect(users).toEqual([{ username: 'pat' }]);
  } finally {
    await pool.end();
  }
}, 60_000);

/**
 * Starts `npm start`'s server.ts in a child process (PORT=0) and returns its URL and stdout,
 * with a stop function that ends that child only.
 */
async function startServer(
  env: Record<string, string>,
): Promise<{ url: string; stdout: () => string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./server.ts', import.meta.url))], {
    env: { ...process.env, PORT: '0', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  child.stderr.on('data', () => {});
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server.ts did not start: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /factorkit Express example: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`server.ts exited with ${code}: ${out}`)));
  });
  return { url, stdout: () => out, stop: () => void child.kill('SIGTERM') };
}

it('E10: npm start mounts /dev/outbox in its in-memory mode only (never with DATABASE_URL), for 127.0.0.1', async () => {
  const inMemory = await startServer({});
  try {
    expect((await fetch(`${inMemory.url}/dev/outbox`)).status).toBe(200);
    expect(inMemory.stdout()).toContain('for requests from 127.0.0.1 only');
  } finally {
    inMemory.stop();
  }
  const persistent = await startServer({
    DATABASE_URL: databaseUrl(),
    FACTORKIT_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  });
  try {
    expect((await fetch(`${persistent.url}/dev/outbox`)).status).toBe(404);
    expect(persistent.stdout()).toContain('No outbox with DATABASE_URL');
    // Without a sender, the e-mail, Telegram, SMS and voice factors are not offered.
    const signup = await fetch(`${persistent.url}/signup`);
    expect(signup.status).toBe(200);
  } finally {
    persistent.stop();
  }
}, 90_000);

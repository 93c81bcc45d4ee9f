import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoFactor, isFactorkitError } from 'factorkit';
import { DEFAULT_SQLITE_TABLE, SqliteStore, sqliteSchemaSql } from 'factorkit/sqlite';
import { runStoreConformance } from 'factorkit/testing';
import { UNICODE_SAMPLES } from '../support/services.js';
import { PIN_FACTOR } from '../support/pin-factor.js';
import { webauthnConformance } from '../support/webauthn-conformance.js';

// A real file (WAL needs one: an in-memory database has no WAL), one table per store.
let directory: string;
let file: string;
let database: Database.Database;
let tables = 0;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'factorkit-sqlite-'));
  file = join(directory, 'two-factor.db');
  database = new Database(file);
});

afterAll(() => {
  database?.close();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

async function makeStore(): Promise<SqliteStore> {
  const store = new SqliteStore({ client: database, table: `t${++tables}` });
  await store.migrate();
  return store;
}

runStoreConformance(makeStore, { name: 'SqliteStore conformance (better-sqlite3, WAL file)', factors: [PIN_FACTOR] });
webauthnConformance(makeStore, 'SqliteStore (better-sqlite3)');

/** Runs the writer fixture in a second Node process; resolves with its exit code and output. */
function spawnWriter(table: string, userId: string, increments: number) {
  const fixture = new URL('./fixtures/sqlite-writer.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, file, table, userId, String(increments)], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
  // An early exit (a crash before 'ready') releases the wait too.
  void exited.then(() => markReady());
  return { ready, exited };
}

describe('SqliteStore specifics', () => {
  it('migrate() switches the file to WAL and creates the documented schema', async () => {
    await makeStore();
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    const docs = readFileSync(new URL('../../docs/stores.md', import.meta.url), 'utf8');
    expect(docs).toContain(sqliteSchemaSql().trim());
    expect(sqliteSchemaSql()).toContain(`CREATE TABLE IF NOT EXISTS "${DEFAULT_SQLITE_TABLE}"`);
  });

  it('two processes writing one counter in the file: no lost update, no SQLITE_BUSY leaking', async () => {
    const table = `t${++tables}`;
    const userId = 'shared-counter';
    // This side waits for the lock only through the store's own retries (busy timeout 0).
    const impatient = new Database(file, { timeout: 0 });
    try {
      const store = new SqliteStore({ client: impatient, table });
      await store.migrate();
      await store.create(userId, { status: 'activated', data: '0', updatedAt: 0 });
      const child = spawnWriter(table, userId, 1000);
      await child.ready;
      const mine: number[] = [];
      while (mine.length < 1000) {
        const current = (await store.get(userId))!;
        const next = await store.compareAndSet(userId, current.version, {
          status: 'activated',
          data: String(Number(current.data) + 1),
          updatedAt: current.updatedAt + 1,
        });
        if (next !== null) mine.push(next.version);
        // Paced like the other process, so the two loops overlap even on a loaded machine.
        if (mine.length % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const { code, output } = await child.exited;
      expect(code, output).toBe(0);
      const report = JSON.parse(output.trim().split('\n').at(-1)!) as { done: number; locksHeld: number };
      expect(report.done).toBe(1000);
      expect(report.locksHeld).toBeGreaterThan(0);
      expect(await store.get(userId)).toMatchObject({ data: '2000', version: 2001 });
      // The versions this side wrote are not one block: the other process wrote in between.
      expect(Math.max(...mine) - Math.min(...mine) + 1).toBeGreaterThan(mine.length);
    } finally {
      impatient.close();
    }
  }, 120_000);

  it('two connections in one process share the data and race correctly', async () => {
    const table = `t${++tables}`;
    const second = new Database(file);
    try {
      const first = new SqliteStore({ client: database, table });
      const other = new SqliteStore({ client: second, table });
      await first.migrate();
      const creates = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? first : other).create('both', { status: 'pending', data: `${i}`, updatedAt: i }),
        ),
      );
      expect(creates.filter((created) => created !== null)).toHaveLength(1);
      const updates = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? other : first).compareAndSet('both', 1, { status: 'activated', data: `w${i}`, updatedAt: i }),
        ),
      );
      const winners = updates.filter((updated) => updated !== null);
      expect(winners).toHaveLength(1);
      expect(await other.get('both')).toEqual(winners[0]);
      expect(await first.list({ limit: 5, status: 'activated' })).toEqual({ records: winners });
    } finally {
      second.close();
    }
  });

  it('keeps state across a restart: connection closed, a new one reads it back unchanged', async () => {
    const table = `t${++tables}`;
    const before = new Database(file);
    const writer = new SqliteStore({ client: before, table });
    await writer.migrate();
    const written = [];
    for (const [index, data] of UNICODE_SAMPLES.entries()) {
      await writer.create(`restart-${index}`, { status: 'pending', data, updatedAt: 1_700_000_000_000 + index });
      written.push(
        await writer.compareAndSet(`restart-${index}`, 1, { status: 'activated', data, updatedAt: 1_700_000_000.25 }),
      );
    }
    before.close();
    const after = new Database(file, { readonly: true });
    try {
      const reader = new SqliteStore({ client: after, table });
      for (const [index, record] of written.entries()) expect(await reader.get(`restart-${index}`)).toEqual(record);
      expect((await reader.list({ limit: 100, status: 'activated' })).records).toHaveLength(written.length);
    } finally {
      after.close();
    }
  });

  it('a connection with safeIntegers on returns the same numbers', async () => {
    const store = await makeStore();
    database.defaultSafeIntegers(true);
    try {
      await store.create('big', { status: 'pending', data: 'x', updatedAt: 1_700_000_000_000 });
      expect(await store.get('big')).toEqual({
        userId: 'big',
        version: 1,
        status: 'pending',
        data: 'x',
        updatedAt: 1_700_000_000_000,
      });
    } finally {
      database.defaultSafeIntegers(false);
    }
  });

  it('driver errors leave redacted, as a copy with name, message and code only (issue 14, item 5)', async () => {
    const table = `t${++tables}`;
    const store = new SqliteStore({ client: database, table });
    // No migrate(): the table is missing.
    const missing = await store.get('x').catch((caught: unknown) => caught);
    expect(isFactorkitError(missing)).toBe(false);
    expect(missing).toMatchObject({ code: 'SQLITE_ERROR' });
    expect(String((missing as Error).message)).toContain('no such table');
    // A trigger that fails every write, like a constraint added by someone else.
    await store.migrate();
    database.exec(
      `CREATE TRIGGER "${table}_refuse" BEFORE INSERT ON "${table}" BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    const secretData = JSON.stringify({ planted: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP-record-data' });
    const direct = await store
      .create('y', { status: 'pending', data: secretData, updatedAt: 0 })
      .catch((caught: unknown) => caught);
    const viaLifecycle = await createTwoFactor({ store, issuer: 'X', warn: () => {} })
      .beginEnrollment('z', { account: 'a' })
      .catch((caught: unknown) => caught);
    expect(isFactorkitError(viaLifecycle, 'STORE_ERROR')).toBe(true);
    for (const error of [direct, (viaLifecycle as Error).cause]) {
      expect(error).toMatchObject({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'refused' });
      const everything = inspect(error, { depth: 10, showHidden: true });
      expect(everything).not.toContain('planted');
      expect(everything).not.toContain('"v":');
    }
  });

  it('refuses bad clients, table names and busyRetryMs', () => {
    for (const client of [undefined, null, {}, { prepare: () => null }, 'app.db']) {
      expect(() => new SqliteStore({ client: client as unknown as Database.Database })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    for (const table of ['', 'a.b', 'x; DROP TABLE users', 'x"', '1table', 'é', 't'.repeat(49), 42]) {
      expect(() => new SqliteStore({ client: database, table: table as string }), String(table)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    for (const busyRetryMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(() => new SqliteStore({ client: database, busyRetryMs: busyRetryMs as number })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});

import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import mysql from 'mysql2/promise';
import mysqlCallback from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoFactor, isFactorkitError } from 'factorkit';
import { MysqlStore, mysqlSchemaSql } from 'factorkit/mysql';
import { runStoreConformance } from 'factorkit/testing';
import { MYSQL_URL, UNICODE_SAMPLES, connectMysql, runName, sweepStaleTables } from '../support/services.js';
import { PIN_FACTOR } from '../support/pin-factor.js';
import { webauthnConformance } from '../support/webauthn-conformance.js';

// Every store gets its own table named after this run, all dropped at the end.
const TABLE_PREFIX = 'fk_';
const run = runName();
let pool: mysql.Pool;
let tables = 0;
const created: string[] = [];

beforeAll(async () => {
  pool = await connectMysql(8);
  await sweepStaleTables(pool, TABLE_PREFIX);
});

afterAll(async () => {
  for (const table of created) await pool?.query(`DROP TABLE IF EXISTS \`${table}\``);
  await pool?.end();
});

function nextTable(): string {
  const table = `${TABLE_PREFIX}${run}_t${++tables}`;
  created.push(table);
  return table;
}

async function makeStore(): Promise<MysqlStore> {
  const store = new MysqlStore({ client: pool, table: nextTable() });
  await store.migrate();
  return store;
}

runStoreConformance(makeStore, { name: 'MysqlStore conformance (MariaDB, mysql2 pool of 8)', factors: [PIN_FACTOR] });
webauthnConformance(makeStore, 'MysqlStore (MariaDB)');

describe('MysqlStore specifics', () => {
  it('runs on the server the tests were pointed at', async () => {
    const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
    expect(String(rows[0]?.version)).toMatch(/^\d+\.\d+/);
  });

  it('user ids differing only in trailing spaces or case are different users', async () => {
    const store = await makeStore();
    for (const [index, id] of ['a', 'a ', 'A', 'a  ', 'ä', 'a\u0308'].entries()) {
      expect(await store.create(id, { status: 'pending', data: `${index}`, updatedAt: index }), id).not.toBeNull();
    }
    expect(await store.get('a ')).toMatchObject({ userId: 'a ', data: '1' });
    expect((await store.list({ limit: 10 })).records.map((record) => record.userId)).toEqual(
      ['a', 'a ', 'A', 'a  ', 'ä', 'a\u0308'].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
    );
  });

  it('really runs writers on several connections at once: a CAS waits for a row lock, then loses', async () => {
    const store = await makeStore();
    const table = created.at(-1)!;
    await store.create('parallel', { status: 'pending', data: '', updatedAt: 0 });
    const holder = await pool.getConnection();
    try {
      await holder.beginTransaction();
      await holder.query(`UPDATE \`${table}\` SET version = version + 1 WHERE user_id = 'parallel'`);
      const waiting = store.compareAndSet('parallel', 1, { status: 'activated', data: 'late', updatedAt: 1 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await holder.commit();
      expect(await waiting).toBeNull();
    } finally {
      holder.release();
    }
    expect(await store.get('parallel')).toMatchObject({ version: 2, data: '' });
  });

  it('creates the schema idempotently, also from concurrent migrations; docs/stores.md shows it', async () => {
    const table = nextTable();
    await Promise.all(Array.from({ length: 5 }, () => new MysqlStore({ client: pool, table }).migrate()));
    await new MysqlStore({ client: pool, table }).migrate();
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ?',
      [table],
    );
    expect(rows.map((row) => String(row.name)).sort()).toEqual(['PRIMARY', `${table}_status_idx`]);
    const docs = readFileSync(new URL('../../docs/stores.md', import.meta.url), 'utf8');
    expect(docs).toContain(mysqlSchemaSql().trim());
    expect(mysqlSchemaSql('auth.two_factor')).toContain('CREATE TABLE IF NOT EXISTS `auth`.`two_factor`');
  });

  it('keeps state across a restart: pool closed, a new pool reads it back unchanged', async () => {
    const table = nextTable();
    const firstPool = await connectMysql(2);
    const first = new MysqlStore({ client: firstPool, table });
    await first.migrate();
    const written = [];
    for (const [index, data] of UNICODE_SAMPLES.entries()) {
      await first.create(`restart-${index}`, { status: 'pending', data, updatedAt: 1_700_000_000_000 + index });
      written.push(
        await first.compareAndSet(`restart-${index}`, 1, { status: 'activated', data, updatedAt: 1_700_000_000.25 }),
      );
    }
    await firstPool.end();
    // A callback-style pool this time: the store uses its promise() wrapper.
    const secondPool = mysqlCallback.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
    try {
      const second = new MysqlStore({ client: secondPool, table });
      for (const [index, record] of written.entries()) expect(await second.get(`restart-${index}`)).toEqual(record);
      expect((await second.list({ limit: 100, status: 'activated' })).records).toHaveLength(written.length);
    } finally {
      await secondPool.promise().end();
    }
  });

  it('works with a single connection too', async () => {
    const connection = await mysql.createConnection({ uri: MYSQL_URL });
    try {
      const store = new MysqlStore({ client: connection, table: nextTable() });
      await store.migrate();
      expect(await store.create('solo', { status: 'pending', data: 'd', updatedAt: 5 })).toMatchObject({ version: 1 });
      expect(await store.get('solo')).toMatchObject({ data: 'd', updatedAt: 5 });
    } finally {
      await connection.end();
    }
  });

  it('driver errors leave redacted: no statement, no values (issue 14, item 5)', async () => {
    const missing = new MysqlStore({ client: pool, table: nextTable() });
    const error = await missing.get('user').catch((caught: unknown) => caught);
    expect(isFactorkitError(error)).toBe(false);
    expect(error).toMatchObject({ code: 'ER_NO_SUCH_TABLE' });
    const store = await makeStore();
    const table = created.at(-1)!;
    // A trigger that refuses every write, quoting nothing but its own text.
    await pool.query(
      `CREATE TRIGGER \`${table}_refuse\` BEFORE INSERT ON \`${table}\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'`,
    );
    const secretData = JSON.stringify({ planted: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP-record-data' });
    const direct = await store
      .create('y', { status: 'pending', data: secretData, updatedAt: 0 })
      .catch((caught: unknown) => caught);
    const viaLifecycle = await createTwoFactor({ store, issuer: 'X', warn: () => {} })
      .beginEnrollment('z', { account: 'a' })
      .catch((caught: unknown) => caught);
    expect(isFactorkitError(viaLifecycle, 'STORE_ERROR')).toBe(true);
    for (const caught of [direct, (viaLifecycle as Error).cause]) {
      expect(caught).toMatchObject({ message: 'refused', code: 'ER_SIGNAL_EXCEPTION' });
      const everything = inspect(caught, { depth: 10, showHidden: true });
      expect(everything).not.toContain('planted');
      expect(everything).not.toContain('INSERT');
      expect(Object.keys(caught as object)).not.toContain('sql');
    }
  });

  it('refuses bad clients and table names', () => {
    for (const client of [undefined, null, {}, { execute: 'nope' }, 'mysql://']) {
      expect(() => new MysqlStore({ client: client as unknown as mysql.Pool })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    for (const table of ['', 'a.b.c', 'x; DROP TABLE users', 'x`', '1table', 'é', 't'.repeat(65), 42]) {
      expect(() => new MysqlStore({ client: pool, table: table as string }), String(table)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});

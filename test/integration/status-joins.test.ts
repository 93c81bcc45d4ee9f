// The SQL joins docs/stores.md gives for "Activated / Not activated" over the app's own users
// table (issue 27), run on each SQL store's real table: integer user ids, a user with 2FA on,
// one with an enrollment begun only, one with no record. The SQL below is the docs' text with
// the two table names as parameters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type TwoFactorStore, createTwoFactor, generateTotp } from 'factorkit';
import { MysqlStore } from 'factorkit/mysql';
import { PostgresStore } from 'factorkit/postgres';
import { SqliteStore } from 'factorkit/sqlite';
import { connectMysql, connectPostgres, uniqueSuffix } from '../support/services.js';

const POSTGRES_JOIN = (users: string, table: string) => `
SELECT u.id, CASE WHEN t.status = 'activated' THEN 'activated' ELSE 'not-activated' END AS two_factor
FROM ${users} u
LEFT JOIN ${table} t ON t.user_id = u.id::text
ORDER BY u.id`;

const SQLITE_JOIN = (users: string, table: string) => `
SELECT u.id, CASE WHEN t.status = 'activated' THEN 'activated' ELSE 'not-activated' END AS two_factor
FROM ${users} u
LEFT JOIN ${table} t ON t.user_id = CAST(u.id AS TEXT)
ORDER BY u.id`;

// The key is sort_key, the id as UTF-16 big-endian bytes: joining on it uses the primary key.
const MYSQL_JOIN = (users: string, table: string) => `
SELECT u.id, CASE WHEN t.status = 'activated' THEN 'activated' ELSE 'not-activated' END AS two_factor
FROM ${users} u
LEFT JOIN ${table} t ON t.sort_key = CAST(CONVERT(CAST(u.id AS CHAR) USING utf16) AS BINARY)
ORDER BY u.id`;

const EXPECTED = [
  [1, 'activated'],
  [2, 'not-activated'],
  [3, 'not-activated'],
];

/** User 1 with 2FA on, user 2 with an enrollment begun, user 3 without a record. */
async function fill(store: TwoFactorStore): Promise<void> {
  const twoFactor = createTwoFactor({ store, issuer: 'Joins', warn: () => {} });
  const { secret } = await twoFactor.beginEnrollment('1', { account: 'one' });
  expect((await twoFactor.confirmEnrollment('1', generateTotp(secret))).ok).toBe(true);
  await twoFactor.beginEnrollment('2', { account: 'two' });
  expect([...(await twoFactor.statusOf(['1', '2', '3'])).values()]).toEqual(EXPECTED.map(([, status]) => status));
}

describe('the documented joins of your users with the 2FA table', () => {
  it('PostgreSQL', async () => {
    const pool = await connectPostgres(2);
    const suffix = uniqueSuffix();
    const [users, table] = [`app_users_${suffix}`, `two_factor_${suffix}`];
    try {
      await pool.query(`CREATE TABLE ${users} (id integer PRIMARY KEY)`);
      await pool.query(`INSERT INTO ${users} VALUES (1), (2), (3)`);
      const store = new PostgresStore({ client: pool, table });
      await store.migrate();
      await fill(store);
      const { rows } = await pool.query(POSTGRES_JOIN(users, table));
      expect(rows.map((r) => [r.id, r.two_factor])).toEqual(EXPECTED);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${users}, ${table}`);
      await pool.end();
    }
  });

  it('SQLite', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'factorkit-joins-'));
    const database = new Database(join(directory, 'app.db'));
    try {
      database.exec('CREATE TABLE app_users (id INTEGER PRIMARY KEY)');
      database.exec('INSERT INTO app_users VALUES (1), (2), (3)');
      const store = new SqliteStore({ client: database, table: 'two_factor' });
      await store.migrate();
      await fill(store);
      const rows = database.prepare(SQLITE_JOIN('app_users', 'two_factor')).all() as Record<string, unknown>[];
      expect(rows.map((r) => [r.id, r.two_factor])).toEqual(EXPECTED);
    } finally {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('MySQL and MariaDB', async () => {
    const pool = await connectMysql(2);
    const suffix = uniqueSuffix();
    const [users, table] = [`app_users_${suffix}`, `two_factor_${suffix}`];
    try {
      await pool.query(`CREATE TABLE ${users} (id INT PRIMARY KEY)`);
      await pool.query(`INSERT INTO ${users} VALUES (1), (2), (3)`);
      const store = new MysqlStore({ client: pool, table });
      await store.migrate();
      await fill(store);
      const [rows] = await pool.query(MYSQL_JOIN(users, table));
      expect((rows as Record<string, unknown>[]).map((r) => [r.id, r.two_factor])).toEqual(EXPECTED);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${users}, ${table}`);
      await pool.end();
    }
  });
});

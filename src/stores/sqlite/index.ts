// SQLite store over better-sqlite3. Every write is one statement (INSERT ... ON CONFLICT DO
// NOTHING, UPDATE/DELETE ... WHERE version = ?), and SQLite runs each statement atomically
// under its database write lock, so writers in one process and in several processes sharing
// the file serialise and exactly one of them wins. Two things make that hold under load:
// WAL (readers never wait for the writer) and busy handling (a writer that finds the lock
// taken waits for it instead of failing with SQLITE_BUSY).
/**
 * `factorkit/sqlite`: a TwoFactorStore on a SQLite table, for `better-sqlite3` or any database with its `prepare(sql)` shape.
 *
 * @module factorkit/sqlite
 */
import { FactorkitError } from '../../errors/index.js';
import { checkExpectedVersion, checkListOptions, checkUserId, checkWrite, sortKeyHex } from '../args.js';
import { redactedDriverError } from '../driver-error.js';
import { tableNameParts, recordFromRow } from '../sql-table.js';
import type { ListRecordsOptions, ListRecordsPage, RecordWrite, StoredRecord, TwoFactorStore } from '../types.js';

/**
 * A prepared statement as `better-sqlite3` returns it: run with positional parameters.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import type { SqliteStatement } from 'factorkit/sqlite';
 *
 * const statement: SqliteStatement = new Database(':memory:').prepare('SELECT 1 AS one');
 * ```
 */
export interface SqliteStatement {
  run(...parameters: unknown[]): unknown;
  get(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown[];
}

/**
 * The part of a `better-sqlite3` `Database` the store uses. Anything with the same shape
 * works (a wrapper that adds tracing, the connection of an ORM that runs on better-sqlite3).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import type { SqliteDatabaseLike } from 'factorkit/sqlite';
 *
 * const database: SqliteDatabaseLike = new Database('app.db');
 * ```
 */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
}

/**
 * Options for {@link SqliteStore}.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import type { SqliteStoreOptions } from 'factorkit/sqlite';
 *
 * const options: SqliteStoreOptions = { client: new Database('app.db'), table: 'two_factor' };
 * ```
 */
export interface SqliteStoreOptions {
  /** A `better-sqlite3` `Database` (the app's own connection is fine) or anything {@link SqliteDatabaseLike}. */
  client: SqliteDatabaseLike;
  /**
   * Table name: a letter or `_`, then letters, digits or `_`, at most 48 characters. It is
   * quoted, so case is kept. Default `factorkit_two_factor`.
   */
  table?: string;
  /**
   * How long a statement waits in all for another connection's write lock, in milliseconds,
   * on top of the connection's own `busy_timeout` (better-sqlite3's `timeout` option,
   * default 5000). Then the driver's `SQLITE_BUSY` error is thrown. Default 10000.
   */
  busyRetryMs?: number;
}

/**
 * The default table name of {@link SqliteStore}.
 *
 * @example
 * ```ts
 * import { DEFAULT_SQLITE_TABLE } from 'factorkit/sqlite';
 *
 * console.log(DEFAULT_SQLITE_TABLE); // 'factorkit_two_factor'
 * ```
 */
export const DEFAULT_SQLITE_TABLE = 'factorkit_two_factor';

const MAX_TABLE_LENGTH = 48;
const DEFAULT_BUSY_RETRY_MS = 10_000;
const COLUMNS = 'user_id, version, status, data, updated_at_ms';

function schemaSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS "${table}" (
  user_id       TEXT PRIMARY KEY NOT NULL,
  -- user_id as UTF-16 code units, 4 hex digits each: orders like JavaScript strings, for list().
  sort_key      TEXT NOT NULL,
  version       INTEGER NOT NULL CHECK (version >= 1),
  status        TEXT NOT NULL CHECK (status IN ('activated', 'not-activated', 'pending')),
  -- Opaque lifecycle state (JSON, secrets encrypted when a keyring is configured).
  data          TEXT NOT NULL,
  -- Unix milliseconds, as written by the lifecycle.
  updated_at_ms REAL NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS "${table}_sort_idx" ON "${table}" (sort_key);
CREATE INDEX IF NOT EXISTS "${table}_status_idx" ON "${table}" (status, sort_key);
`;
}

function resolveTable(table: unknown): string {
  return tableNameParts(table, DEFAULT_SQLITE_TABLE, { maxTableLength: MAX_TABLE_LENGTH, allowSchema: false })[0]!;
}

/**
 * The SQL that creates a {@link SqliteStore}'s table and indexes, for applications that run
 * their own migrations instead of calling {@link SqliteStore.migrate}. Idempotent. It does
 * not switch the database to WAL: `migrate()` does, or run `PRAGMA journal_mode = WAL` once.
 *
 * @param table - the table name, as in {@link SqliteStoreOptions.table}; default `factorkit_two_factor`
 * @returns `CREATE TABLE IF NOT EXISTS ...` (a STRICT table) and its two `CREATE INDEX IF NOT EXISTS` statements
 * @throws `FactorkitError` `INVALID_ARGUMENT` for a table name that is not a plain identifier
 * @example
 * ```ts
 * import { sqliteSchemaSql } from 'factorkit/sqlite';
 *
 * console.log(sqliteSchemaSql('two_factor')); // paste into a migration file
 * ```
 */
export function sqliteSchemaSql(table?: string): string {
  return schemaSql(resolveTable(table));
}

function toRecord(row: unknown): StoredRecord | null {
  if (typeof row !== 'object' || row === null) return null;
  return recordFromRow(row as Record<string, unknown>);
}

function isBusy(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A {@link TwoFactorStore} on a SQLite table, one row per user, through `better-sqlite3`
 * (an optional peer dependency, version 12; this module never imports it: pass your
 * `Database`). Call {@link SqliteStore.migrate} once (or run {@link sqliteSchemaSql} in your
 * migrations) before use.
 *
 * Safe with many writers, in one process or several sharing the file: each write is one
 * statement, atomic in SQLite; `migrate()` switches the database to WAL, so reads never
 * wait for a writer; and a statement that finds another connection's write lock taken waits
 * for it (the connection's `busy_timeout`, then retries with back-off up to `busyRetryMs`)
 * instead of failing with `SQLITE_BUSY`. better-sqlite3 is synchronous: a statement waiting
 * for the lock blocks its thread, so keep write transactions of your own short.
 *
 * User ids, data and cursors must be well-formed Unicode without U+0000; anything else is
 * refused with `INVALID_ARGUMENT`. Driver errors are thrown as a copy with the error's name,
 * message and code only, never the statement's parameters.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { createTwoFactor } from 'factorkit';
 * import { SqliteStore } from 'factorkit/sqlite';
 *
 * const store = new SqliteStore({ client: new Database('app.db') });
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'Example' });
 * ```
 */
export class SqliteStore implements TwoFactorStore {
  readonly #client: SqliteDatabaseLike;
  readonly #table: string;
  readonly #busyRetryMs: number;
  readonly #statements = new Map<string, SqliteStatement>();

  /**
   * @param options - the client and, optionally, the table name and busy retry time
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a missing client, a bad table name or a bad `busyRetryMs`
   */
  constructor(options: SqliteStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
    }
    const client = options.client as Partial<SqliteDatabaseLike> | null | undefined;
    if (
      typeof client !== 'object' ||
      client === null ||
      typeof client.prepare !== 'function' ||
      typeof client.exec !== 'function'
    ) {
      throw new FactorkitError(
        'INVALID_ARGUMENT',
        'client must have prepare(sql) and exec(sql), like a better-sqlite3 Database',
      );
    }
    const busyRetryMs = options.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS;
    if (typeof busyRetryMs !== 'number' || !Number.isFinite(busyRetryMs) || busyRetryMs < 0) {
      throw new FactorkitError('INVALID_ARGUMENT', 'busyRetryMs must be a finite, non-negative number');
    }
    this.#client = options.client;
    this.#table = resolveTable(options.table);
    this.#busyRetryMs = busyRetryMs;
  }

  /**
   * Switches the database to WAL (kept in the file, so once is enough) and creates the table
   * and its indexes if they do not exist, in one immediate transaction, so several processes
   * may call it at once.
   *
   * @returns when the schema exists
   * @throws the driver's error (redacted) if the statements fail, for example on a read-only file
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   * import { SqliteStore } from 'factorkit/sqlite';
   *
   * const store = new SqliteStore({ client: new Database('app.db') });
   * await store.migrate();
   * ```
   */
  async migrate(): Promise<void> {
    // Not inside the transaction: SQLite cannot change the journal mode in one. An in-memory
    // database answers 'memory' and stays as it is.
    await this.#retryBusy(() => this.#client.prepare('PRAGMA journal_mode = WAL').get());
    await this.#retryBusy(() => {
      this.#client.exec('BEGIN IMMEDIATE');
      try {
        this.#client.exec(schemaSql(this.#table));
        this.#client.exec('COMMIT');
      } catch (error) {
        this.#client.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Runs `work`, again after a back-off while it fails with SQLITE_BUSY, until `busyRetryMs` ran out. */
  async #retryBusy<T>(work: () => T): Promise<T> {
    const deadline = Date.now() + this.#busyRetryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return work();
      } catch (error) {
        // A statement that failed with SQLITE_BUSY wrote nothing, so it can simply run again.
        if (!isBusy(error) || Date.now() >= deadline) throw redactedDriverError(error);
        await pause(Math.min(100, 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  /** Runs `work` with a cached prepared statement, waiting out another connection's write lock. */
  #run<T>(sql: string, work: (statement: SqliteStatement) => T): Promise<T> {
    return this.#retryBusy(() => {
      let statement = this.#statements.get(sql);
      if (statement === undefined) {
        statement = this.#client.prepare(sql);
        this.#statements.set(sql, statement);
      }
      return work(statement);
    });
  }

  /**
   * @param userId - the application's user id
   * @returns the user's record, or `null` if there is none
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a bad user id; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   * import { SqliteStore } from 'factorkit/sqlite';
   *
   * const store = new SqliteStore({ client: new Database('app.db') });
   * const record = await store.get('user-1');
   * ```
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    return this.#run(`SELECT ${COLUMNS} FROM "${this.#table}" WHERE user_id = ?`, (statement) =>
      toRecord(statement.get(id)),
    );
  }

  /**
   * Inserts the user's record with version 1.
   *
   * @param userId - the application's user id
   * @param write - status, data and updatedAt
   * @returns the new record, or `null` if the user already has one (nothing written)
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   * import { SqliteStore } from 'factorkit/sqlite';
   *
   * const store = new SqliteStore({ client: new Database('app.db') });
   * const created = await store.create('user-1', { status: 'pending', data: '{}', updatedAt: Date.now() });
   * ```
   */
  async create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const { status, data, updatedAt } = checkWrite(write);
    // No conflict target: sort_key is unique too, derived from user_id.
    return this.#run(
      `INSERT INTO "${this.#table}" (user_id, sort_key, version, status, data, updated_at_ms)
       VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      (statement) => toRecord(statement.get(id, sortKeyHex(id), status, data, updatedAt)),
    );
  }

  /**
   * Replaces the user's record if its version is still `expectedVersion`.
   *
   * @param userId - the application's user id
   * @param expectedVersion - the version the caller read
   * @param write - status, data and updatedAt
   * @returns the new record (version + 1), or `null` if the version changed or the record is gone
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   * import { SqliteStore } from 'factorkit/sqlite';
   *
   * const store = new SqliteStore({ client: new Database('app.db') });
   * const current = await store.get('user-1');
   * if (current) {
   *   const next = await store.compareAndSet('user-1', current.version, { ...current, status: 'activated' });
   * }
   * ```
   */
  async compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    const { status, data, updatedAt } = checkWrite(write);
    return this.#run(
      `UPDATE "${this.#table}" SET version = version + 1, status = ?, data = ?, updated_at_ms = ?
       WHERE user_id = ? AND version = ? RETURNING ${COLUMNS}`,
      (statement) => toRecord(statement.get(status, data, updatedAt, id, version)),
    );
  }

  /**
   * Deletes the user's record if its version is still `expectedVersion`.
   *
   * @param userId - the application's user id
   * @param expectedVersion - the version the caller read
   * @returns whether a record was deleted
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   * import { SqliteStore } from 'factorkit/sqlite';
   *
   * const store = new SqliteStore({ client: new Database('app.db') });
   * const current = await store.get('user-1');
   * if (current) await store.delete('user-1', current.version);
   * ```
   */
  async delete(userId: string, expectedVersion: number): Promise<boolean> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    return this.#run(
      `DELETE FROM "${this.#table}" WHERE user_id = ? AND version = ? RETURNING user_id`,
      (statement) => statement.get(id, version) !== undefined,
    );
  }

  /**
   * One page of records ordered by user id (JavaScript string order), optionally filtered by status.
   *
   * @param options - `limit` (1..1000), optional `status` and the previous page's `nextCursor`
   * @returns the records and, when more follow, `nextCursor`
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad options; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   * import { SqliteStore } from 'factorkit/sqlite';
   *
   * const store = new SqliteStore({ client: new Database('app.db') });
   * let page = await store.list({ status: 'activated', limit: 100 });
   * while (page.nextCursor !== undefined) {
   *   page = await store.list({ status: 'activated', limit: 100, cursor: page.nextCursor });
   * }
   * ```
   */
  async list(options: ListRecordsOptions): Promise<ListRecordsPage> {
    const { status, limit, cursor } = checkListOptions(options);
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (status !== undefined) {
      conditions.push('status = ?');
      values.push(status);
    }
    if (cursor !== undefined) {
      conditions.push('sort_key > ?');
      values.push(sortKeyHex(cursor));
    }
    // One extra row tells whether another page follows.
    values.push(limit + 1);
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = await this.#run(
      `SELECT ${COLUMNS} FROM "${this.#table}" ${where} ORDER BY sort_key LIMIT ?`,
      (statement) => statement.all(...values),
    );
    const records = rows.slice(0, limit).map((row) => toRecord(row) as StoredRecord);
    const last = records[records.length - 1];
    return rows.length > limit && last !== undefined ? { records, nextCursor: last.userId } : { records };
  }
}

// MySQL / MariaDB store over mysql2. Every write is one statement (INSERT, UPDATE/DELETE ...
// WHERE version = ?), atomic in InnoDB, so writers on any number of pooled connections
// serialise on the row lock and exactly one wins. Neither server returns rows from an UPDATE,
// so a write reports the rows it affected and the store builds the record it wrote.
/**
 * `factorkit/mysql`: a TwoFactorStore on a MySQL 8 or MariaDB table, for `mysql2` or any client with its `execute(sql, values)` shape.
 *
 * @module factorkit/mysql
 */
import { FactorkitError } from '../../errors/index.js';
import { checkExpectedVersion, checkListOptions, checkUserId, checkWrite, sortKeyHex } from '../args.js';
import { redactedDriverError } from '../driver-error.js';
import { tableNameParts, recordFromRow } from '../sql-table.js';
import type { ListRecordsOptions, ListRecordsPage, RecordWrite, StoredRecord, TwoFactorStore } from '../types.js';

/**
 * The part of a `mysql2/promise` `Pool` or `Connection` the store uses: a prepared statement
 * with positional values, resolving to `[rows or result header, fields]`.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import type { MysqlExecutable } from 'factorkit/mysql';
 *
 * const client: MysqlExecutable = mysql.createPool({ uri: 'mysql://root@127.0.0.1:3306/app' });
 * ```
 */
export interface MysqlExecutable {
  execute(sql: string, values: Array<string | number>): Promise<[unknown, unknown?]>;
}

/**
 * A `mysql2` callback-style `Pool` or `Connection`: the store uses its `promise()` wrapper.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2';
 * import type { MysqlCallbackClient } from 'factorkit/mysql';
 *
 * const client: MysqlCallbackClient = mysql.createPool({ uri: 'mysql://root@127.0.0.1:3306/app' });
 * ```
 */
export interface MysqlCallbackClient {
  promise(): MysqlExecutable;
}

/**
 * Options for {@link MysqlStore}.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import type { MysqlStoreOptions } from 'factorkit/mysql';
 *
 * const options: MysqlStoreOptions = { client: mysql.createPool({ uri: 'mysql://127.0.0.1/app' }), table: 'two_factor' };
 * ```
 */
export interface MysqlStoreOptions {
  /** A `mysql2` Pool (recommended) or Connection, promise or callback style, or anything {@link MysqlExecutable}. */
  client: MysqlExecutable | MysqlCallbackClient;
  /**
   * Table name, optionally database-qualified (`database.table`). Each part is a plain
   * identifier (a letter or `_`, then letters, digits or `_`, at most 64 characters); it is
   * quoted with backticks. Default `factorkit_two_factor`.
   */
  table?: string;
}

/**
 * The default table name of {@link MysqlStore}.
 *
 * @example
 * ```ts
 * import { DEFAULT_MYSQL_TABLE } from 'factorkit/mysql';
 *
 * console.log(DEFAULT_MYSQL_TABLE); // 'factorkit_two_factor'
 * ```
 */
export const DEFAULT_MYSQL_TABLE = 'factorkit_two_factor';

const MAX_TABLE_LENGTH = 64;
const COLUMNS = 'user_id, version, status, data, updated_at_ms';
// A deadlock or a lock wait timeout rolls the statement back, so it can simply run again.
const RETRIED_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 5;

interface ResolvedTable {
  qualified: string;
  name: string;
}

function resolveTable(table: unknown): ResolvedTable {
  const parts = tableNameParts(table, DEFAULT_MYSQL_TABLE, { maxTableLength: MAX_TABLE_LENGTH, allowSchema: true });
  return { qualified: parts.map((part) => `\`${part}\``).join('.'), name: parts[parts.length - 1]! };
}

function schemaSql({ qualified, name }: ResolvedTable): string {
  // The key is sort_key, bytes compared as bytes: utf8mb4_bin would ignore trailing spaces
  // (PAD SPACE) and make 'a' and 'a ' one user, and no binary text collation has the same name
  // on MySQL 8 and MariaDB.
  return `CREATE TABLE IF NOT EXISTS ${qualified} (
  user_id       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  -- user_id as UTF-16 code units (big-endian): orders like JavaScript strings, for list().
  sort_key      VARBINARY(510) NOT NULL,
  version       BIGINT NOT NULL,
  status        VARCHAR(13) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- Opaque lifecycle state (JSON, secrets encrypted when a keyring is configured).
  data          LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  -- Unix milliseconds, as written by the lifecycle.
  updated_at_ms DOUBLE NOT NULL,
  PRIMARY KEY (sort_key),
  KEY \`${name}_status_idx\` (status, sort_key),
  CONSTRAINT \`${name}_version_check\` CHECK (version >= 1),
  CONSTRAINT \`${name}_status_check\` CHECK (status IN ('activated', 'not-activated', 'pending'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
`;
}

/**
 * The SQL that creates a {@link MysqlStore}'s table (one statement, its indexes inline), for
 * applications that run their own migrations instead of calling {@link MysqlStore.migrate}.
 * Idempotent. Runs on MySQL 8.0.16 and later and on MariaDB 10.5 and later.
 *
 * @param table - the table name, as in {@link MysqlStoreOptions.table}; default `factorkit_two_factor`
 * @returns one `CREATE TABLE IF NOT EXISTS ...` statement
 * @throws `FactorkitError` `INVALID_ARGUMENT` for a table name that is not a plain identifier
 * @example
 * ```ts
 * import { mysqlSchemaSql } from 'factorkit/mysql';
 *
 * console.log(mysqlSchemaSql('auth.two_factor')); // paste into a migration file
 * ```
 */
export function mysqlSchemaSql(table?: string): string {
  return schemaSql(resolveTable(table));
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function affectedRows(result: unknown): number {
  const affected =
    typeof result === 'object' && result !== null ? (result as { affectedRows?: unknown }).affectedRows : 0;
  return Number(affected ?? 0);
}

function toExecutable(client: unknown): MysqlExecutable {
  if (typeof client === 'object' && client !== null) {
    const candidate = client as Record<string, unknown>;
    // A callback-style mysql2 client has execute() too, but answers through a callback.
    if (typeof candidate.promise === 'function') return (client as MysqlCallbackClient).promise();
    if (typeof candidate.execute === 'function') return client as MysqlExecutable;
  }
  throw new FactorkitError('INVALID_ARGUMENT', 'client must have an execute(sql, values) method, like a mysql2 Pool');
}

/**
 * A {@link TwoFactorStore} on a MySQL 8 or MariaDB (10.5 and later) table, one row per
 * user, through `mysql2` (an optional peer dependency that this module never imports: pass
 * your pool). Statements go through `execute` (server-side prepared statements), so numbers
 * travel in binary and `updatedAt` comes back to the bit. Call {@link MysqlStore.migrate}
 * once (or run {@link mysqlSchemaSql} in your migrations) before use.
 *
 * User ids, data and cursors must be well-formed Unicode without U+0000; anything else is
 * refused with `INVALID_ARGUMENT`. Driver errors are thrown as a copy with the error's name,
 * message and code only (mysql2 attaches the statement to its errors).
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { createTwoFactor } from 'factorkit';
 * import { MysqlStore } from 'factorkit/mysql';
 *
 * const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 10 });
 * const store = new MysqlStore({ client: pool });
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'Example' });
 * ```
 */
export class MysqlStore implements TwoFactorStore {
  readonly #client: MysqlExecutable;
  readonly #table: ResolvedTable;

  /**
   * @param options - the client and, optionally, the table name
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a missing client or a bad table name
   */
  constructor(options: MysqlStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
    }
    this.#client = toExecutable(options.client);
    this.#table = resolveTable(options.table);
  }

  /** Runs one statement, again after a deadlock or lock timeout; driver errors leave redacted. */
  async #execute(sql: string, values: Array<string | number>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        const [result] = await this.#client.execute(sql, values);
        return result;
      } catch (error) {
        if (!RETRIED_ERRORS.has(errorCode(error) as string) || attempt >= MAX_ATTEMPTS) {
          throw redactedDriverError(error);
        }
      }
    }
  }

  /**
   * Creates the table and its indexes if they do not exist: one `CREATE TABLE IF NOT EXISTS`,
   * so safe to call on every start and from several processes at once.
   *
   * @returns when the table exists
   * @throws the driver's error (redacted) if the statement fails (for example, no CREATE permission)
   * @example
   * ```ts
   * import mysql from 'mysql2/promise';
   * import { MysqlStore } from 'factorkit/mysql';
   *
   * const store = new MysqlStore({ client: mysql.createPool({ uri: 'mysql://root@127.0.0.1/app' }) });
   * await store.migrate();
   * ```
   */
  async migrate(): Promise<void> {
    // DDL cannot be a server-side prepared statement on every server version: query() it.
    const client = this.#client as MysqlExecutable & { query?: (sql: string) => Promise<unknown> };
    try {
      if (typeof client.query === 'function') await client.query(schemaSql(this.#table));
      else await client.execute(schemaSql(this.#table), []);
    } catch (error) {
      throw redactedDriverError(error);
    }
  }

  /**
   * @param userId - the application's user id
   * @returns the user's record, or `null` if there is none
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a bad user id; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import mysql from 'mysql2/promise';
   * import { MysqlStore } from 'factorkit/mysql';
   *
   * const store = new MysqlStore({ client: mysql.createPool({ uri: 'mysql://root@127.0.0.1/app' }) });
   * const record = await store.get('user-1');
   * ```
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const rows = (await this.#execute(`SELECT ${COLUMNS} FROM ${this.#table.qualified} WHERE sort_key = UNHEX(?)`, [
      sortKeyHex(id),
    ])) as Array<Record<string, unknown>>;
    const row = rows[0];
    return row === undefined ? null : recordFromRow(row);
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
   * import mysql from 'mysql2/promise';
   * import { MysqlStore } from 'factorkit/mysql';
   *
   * const store = new MysqlStore({ client: mysql.createPool({ uri: 'mysql://root@127.0.0.1/app' }) });
   * const created = await store.create('user-1', { status: 'pending', data: '{}', updatedAt: Date.now() });
   * ```
   */
  async create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const { status, data, updatedAt } = checkWrite(write);
    // Not INSERT IGNORE, which would also turn a truncation or a failed CHECK into a warning;
    // not ON DUPLICATE KEY UPDATE, whose affected-rows count depends on the client's FOUND_ROWS flag.
    try {
      await this.#execute(
        `INSERT INTO ${this.#table.qualified} (user_id, sort_key, version, status, data, updated_at_ms)
         VALUES (?, UNHEX(?), 1, ?, ?, ?)`,
        [id, sortKeyHex(id), status, data, updatedAt],
      );
    } catch (error) {
      if (errorCode(error) === 'ER_DUP_ENTRY') return null;
      throw error;
    }
    return { userId: id, version: 1, status, data, updatedAt };
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
   * import mysql from 'mysql2/promise';
   * import { MysqlStore } from 'factorkit/mysql';
   *
   * const store = new MysqlStore({ client: mysql.createPool({ uri: 'mysql://root@127.0.0.1/app' }) });
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
    // The version always changes, so matched and changed rows are the same count, FOUND_ROWS or not.
    const result = await this.#execute(
      `UPDATE ${this.#table.qualified} SET version = version + 1, status = ?, data = ?, updated_at_ms = ?
       WHERE sort_key = UNHEX(?) AND version = ?`,
      [status, data, updatedAt, sortKeyHex(id), version],
    );
    return affectedRows(result) === 1 ? { userId: id, version: version + 1, status, data, updatedAt } : null;
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
   * import mysql from 'mysql2/promise';
   * import { MysqlStore } from 'factorkit/mysql';
   *
   * const store = new MysqlStore({ client: mysql.createPool({ uri: 'mysql://root@127.0.0.1/app' }) });
   * const current = await store.get('user-1');
   * if (current) await store.delete('user-1', current.version);
   * ```
   */
  async delete(userId: string, expectedVersion: number): Promise<boolean> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    const result = await this.#execute(
      `DELETE FROM ${this.#table.qualified} WHERE sort_key = UNHEX(?) AND version = ?`,
      [sortKeyHex(id), version],
    );
    return affectedRows(result) === 1;
  }

  /**
   * One page of records ordered by user id (JavaScript string order), optionally filtered by status.
   *
   * @param options - `limit` (1..1000), optional `status` and the previous page's `nextCursor`
   * @returns the records and, when more follow, `nextCursor`
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad options; the driver's error (redacted) on failure
   * @example
   * ```ts
   * import mysql from 'mysql2/promise';
   * import { MysqlStore } from 'factorkit/mysql';
   *
   * const store = new MysqlStore({ client: mysql.createPool({ uri: 'mysql://root@127.0.0.1/app' }) });
   * let page = await store.list({ status: 'activated', limit: 100 });
   * while (page.nextCursor !== undefined) {
   *   page = await store.list({ status: 'activated', limit: 100, cursor: page.nextCursor });
   * }
   * ```
   */
  async list(options: ListRecordsOptions): Promise<ListRecordsPage> {
    const { status, limit, cursor } = checkListOptions(options);
    const conditions: string[] = [];
    const values: Array<string | number> = [];
    if (status !== undefined) {
      conditions.push('status = ?');
      values.push(status);
    }
    if (cursor !== undefined) {
      conditions.push('sort_key > UNHEX(?)');
      values.push(sortKeyHex(cursor));
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    // The limit is a checked integer, written into the SQL: a LIMIT placeholder is refused by
    // some MySQL 8 versions in prepared statements. One extra row tells whether a page follows.
    const rows = (await this.#execute(
      `SELECT ${COLUMNS} FROM ${this.#table.qualified} ${where} ORDER BY sort_key LIMIT ${limit + 1}`,
      values,
    )) as Array<Record<string, unknown>>;
    const records = rows.slice(0, limit).map(recordFromRow);
    const last = records[records.length - 1];
    return rows.length > limit && last !== undefined ? { records, nextCursor: last.userId } : { records };
  }
}

// PostgreSQL store. Every write is one conditional statement (INSERT ... ON CONFLICT DO
// NOTHING, UPDATE/DELETE ... WHERE version = $n), so concurrent writers on any number of
// pooled connections serialise on the row lock and exactly one of them wins; no app-side locks.
/**
 * `factorkit/postgres`: a TwoFactorStore on a PostgreSQL table, for `pg`, `postgres` (postgres.js), PGlite or any client with the `query(text, values)` shape.
 *
 * @module factorkit/postgres
 */
import { FactorkitError } from '../../errors/index.js';
import { redactedDriverError } from '../driver-error.js';
import type { ListRecordsOptions, ListRecordsPage, RecordWrite, StoredRecord, TwoFactorStore } from '../types.js';
import { recordFromRow } from '../sql-table.js';
import { checkExpectedVersion, checkListOptions, checkUserId, checkWrite, sortKeyHex } from '../args.js';

/**
 * The part of a `pg` `Pool` or `Client` the store uses: a parameterised query returning rows.
 * Anything with the same shape works (a `PoolClient`, a PGlite instance, a wrapper that adds tracing, ...).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import type { PostgresQueryable } from 'factorkit/postgres';
 *
 * const client: PostgresQueryable = new pg.Pool({ connectionString: 'postgres://localhost/app' });
 * ```
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * The part of a postgres.js client (`postgres(url)`, also what Drizzle's `postgres-js` driver
 * runs on) the store uses: `unsafe(text, values)`, a parameterised query resolving to its rows.
 * Values are still sent as parameters, never spliced into the text.
 *
 * @example
 * ```ts
 * import postgres from 'postgres';
 * import type { PostgresJsLike } from 'factorkit/postgres';
 *
 * const sql: PostgresJsLike = postgres('postgres://localhost/app');
 * ```
 */
export interface PostgresJsLike {
  unsafe(text: string, values?: never[]): PromiseLike<ArrayLike<unknown>>;
}

/**
 * Options for {@link PostgresStore}.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import type { PostgresStoreOptions } from 'factorkit/postgres';
 *
 * const options: PostgresStoreOptions = { client: new pg.Pool(), table: 'auth.two_factor' };
 * ```
 */
export interface PostgresStoreOptions {
  /**
   * A `pg` Pool (recommended: the store issues independent statements), a postgres.js client
   * ({@link PostgresJsLike}), a PGlite instance, or anything {@link PostgresQueryable}.
   */
  client: PostgresQueryable | PostgresJsLike;
  /**
   * Table name, optionally schema-qualified (`schema.table`). Each part is a plain identifier:
   * a letter or `_`, then letters, digits or `_`; the table part at most 48 characters so the
   * derived index names fit PostgreSQL's 63-byte limit. It is quoted, so case is kept.
   * Default `factorkit_two_factor`.
   */
  table?: string;
}

/**
 * The default table name of {@link PostgresStore}.
 *
 * @example
 * ```ts
 * import { DEFAULT_POSTGRES_TABLE, postgresSchemaSql } from 'factorkit/postgres';
 *
 * const sql = postgresSchemaSql(`app.${DEFAULT_POSTGRES_TABLE}`); // same name, in schema "app"
 * ```
 */
export const DEFAULT_POSTGRES_TABLE = 'factorkit_two_factor';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SCHEMA_LENGTH = 63;
const MAX_TABLE_LENGTH = 48;

interface TableNames {
  qualified: string;
  sortIndex: string;
  statusIndex: string;
}

function resolveTable(table: unknown): TableNames {
  if (table === undefined) table = DEFAULT_POSTGRES_TABLE;
  const parts = typeof table === 'string' ? table.split('.') : [];
  const tableName = parts[parts.length - 1];
  const valid =
    (parts.length === 1 || parts.length === 2) &&
    parts.every((part) => IDENTIFIER.test(part)) &&
    tableName !== undefined &&
    tableName.length <= MAX_TABLE_LENGTH &&
    (parts.length === 1 || (parts[0] as string).length <= MAX_SCHEMA_LENGTH);
  if (!valid || tableName === undefined) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `table must be an identifier (letters, digits, _; table part at most ${MAX_TABLE_LENGTH} characters), optionally schema-qualified`,
    );
  }
  return {
    qualified: parts.map((part) => `"${part}"`).join('.'),
    // Index names are unqualified: PostgreSQL creates them in the table's schema.
    sortIndex: `"${tableName}_sort_idx"`,
    statusIndex: `"${tableName}_status_idx"`,
  };
}

function schemaSql(names: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.qualified} (
  user_id       text PRIMARY KEY,
  -- user_id as UTF-16 code units (big-endian): orders like JavaScript strings, for list().
  sort_key      bytea NOT NULL,
  version       bigint NOT NULL CHECK (version >= 1),
  status        text NOT NULL CHECK (status IN ('activated', 'not-activated', 'pending')),
  -- Opaque lifecycle state (JSON, secrets encrypted when a keyring is configured).
  data          text NOT NULL,
  -- Unix milliseconds, as written by the lifecycle.
  updated_at_ms double precision NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ${names.sortIndex} ON ${names.qualified} (sort_key);
CREATE INDEX IF NOT EXISTS ${names.statusIndex} ON ${names.qualified} (status, sort_key);
`;
}

/**
 * The SQL that creates a store's table and indexes, for applications that run their own
 * migrations instead of calling {@link PostgresStore.migrate}. Idempotent.
 *
 * @param table - the table name, as in {@link PostgresStoreOptions.table}; default `factorkit_two_factor`
 * @returns `CREATE TABLE IF NOT EXISTS ...` and its two `CREATE INDEX IF NOT EXISTS` statements
 * @throws `FactorkitError` `INVALID_ARGUMENT` for a table name that is not a plain identifier
 * @example
 * ```ts
 * import { postgresSchemaSql } from 'factorkit/postgres';
 *
 * console.log(postgresSchemaSql('auth.two_factor')); // paste into a migration file
 * ```
 */
export function postgresSchemaSql(table?: string): string {
  return schemaSql(resolveTable(table));
}

/**
 * The schema for the default table `factorkit_two_factor` (see {@link postgresSchemaSql}).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { POSTGRES_SCHEMA_SQL } from 'factorkit/postgres';
 *
 * const pool = new pg.Pool();
 * await pool.query(POSTGRES_SCHEMA_SQL);
 * ```
 */
export const POSTGRES_SCHEMA_SQL: string = postgresSchemaSql();

const COLUMNS = 'user_id, version, status, data, updated_at_ms';

function toQueryable(client: unknown): PostgresQueryable {
  if ((typeof client === 'object' || typeof client === 'function') && client !== null) {
    const candidate = client as Record<string, unknown>;
    if (typeof candidate.query === 'function') return client as PostgresQueryable;
    // postgres.js: the client is a tagged-template function; unsafe() takes text and parameters.
    if (typeof candidate.unsafe === 'function') {
      const sql = client as { unsafe(text: string, values: unknown[]): PromiseLike<ArrayLike<unknown>> };
      return {
        query: async (text, values) => ({
          rows: Array.from(await sql.unsafe(text, values ?? [])) as Array<Record<string, unknown>>,
        }),
      };
    }
  }
  throw new FactorkitError(
    'INVALID_ARGUMENT',
    'client must have a query(text, values) method (a pg Pool, PGlite) or be a postgres.js client',
  );
}

/**
 * A {@link TwoFactorStore} on a PostgreSQL table, one row per user. Works with a `pg` Pool,
 * a postgres.js client (so Drizzle's node-postgres and postgres-js drivers, Kysely and PGlite
 * can share their connection with it) and any client with the `query(text, values)` shape;
 * `pg` and `postgres` are optional peer dependencies that this module never imports. Call {@link PostgresStore.migrate} once
 * (or run {@link postgresSchemaSql} in your migrations) before use.
 *
 * User ids, data and cursors must be well-formed Unicode without U+0000 (PostgreSQL text
 * cannot hold it); anything else is refused with `INVALID_ARGUMENT`. Driver errors
 * (connection refused, missing table, ...) are thrown as a copy with the error's name, message
 * and code only: PostgreSQL's `detail` can quote the failing row, postgres.js attaches the
 * statement's parameters.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createTwoFactor } from 'factorkit';
 * import { PostgresStore } from 'factorkit/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
 * const store = new PostgresStore({ client: pool });
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'Example' });
 * ```
 */
export class PostgresStore implements TwoFactorStore {
  readonly #client: PostgresQueryable;
  readonly #names: TableNames;

  /** One statement; a driver error leaves as a redacted copy. */
  async #query(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>> {
    try {
      return (await this.#client.query(text, values)).rows;
    } catch (error) {
      throw redactedDriverError(error);
    }
  }

  /**
   * @param options - the client and, optionally, the table name
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a missing client or a bad table name
   */
  constructor(options: PostgresStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
    }
    this.#client = toQueryable(options.client);
    this.#names = resolveTable(options.table);
  }

  /**
   * Creates the table and its indexes if they do not exist. Safe to call on every start and
   * from several processes at once: the statements run as one transaction holding a
   * transaction-level advisory lock.
   *
   * @returns when the schema exists
   * @throws the driver's error if the statements fail (for example, no CREATE permission)
   * @example
   * ```ts
   * import pg from 'pg';
   * import { PostgresStore } from 'factorkit/postgres';
   *
   * const store = new PostgresStore({ client: new pg.Pool() });
   * await store.migrate();
   * ```
   */
  async migrate(): Promise<void> {
    // One DO statement is one transaction on every client (pg's simple protocol, extended
    // protocol, PGlite), so the advisory lock covers all of it: CREATE ... IF NOT EXISTS
    // alone still races on the catalog when two processes start together.
    await this.#query(
      `DO $factorkit$ BEGIN\nPERFORM pg_advisory_xact_lock(hashtext('factorkit:migrate'));\n${schemaSql(this.#names)}END $factorkit$`,
    );
  }

  /**
   * @param userId - the application's user id
   * @returns the user's record, or `null` if there is none
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a bad user id; the driver's error on failure
   * @example
   * ```ts
   * import pg from 'pg';
   * import { PostgresStore } from 'factorkit/postgres';
   *
   * const store = new PostgresStore({ client: new pg.Pool() });
   * const record = await store.get('user-1');
   * ```
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const rows = await this.#query(`SELECT ${COLUMNS} FROM ${this.#names.qualified} WHERE user_id = $1`, [id]);
    const row = rows[0];
    return row === undefined ? null : recordFromRow(row);
  }

  /**
   * Inserts the user's record with version 1.
   *
   * @param userId - the application's user id
   * @param write - status, data and updatedAt
   * @returns the new record, or `null` if the user already has one (nothing written)
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the driver's error on failure
   * @example
   * ```ts
   * import pg from 'pg';
   * import { PostgresStore } from 'factorkit/postgres';
   *
   * const store = new PostgresStore({ client: new pg.Pool() });
   * const created = await store.create('user-1', { status: 'pending', data: '{}', updatedAt: Date.now() });
   * ```
   */
  async create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const checked = checkWrite(write);
    // No conflict target: sort_key is unique too (it is derived from user_id), and two racing
    // inserts of one user may collide on either index first. `ON CONFLICT (user_id)` would turn
    // a collision on sort_key into a unique-violation error instead of "already exists".
    const rows = await this.#query(
      `INSERT INTO ${this.#names.qualified} (user_id, sort_key, version, status, data, updated_at_ms)
       VALUES ($1, decode($2, 'hex'), 1, $3, $4, $5)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [id, sortKeyHex(id), checked.status, checked.data, checked.updatedAt],
    );
    const row = rows[0];
    return row === undefined ? null : recordFromRow(row);
  }

  /**
   * Replaces the user's record if its version is still `expectedVersion`.
   *
   * @param userId - the application's user id
   * @param expectedVersion - the version the caller read
   * @param write - status, data and updatedAt
   * @returns the new record (version + 1), or `null` if the version changed or the record is gone
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the driver's error on failure
   * @example
   * ```ts
   * import pg from 'pg';
   * import { PostgresStore } from 'factorkit/postgres';
   *
   * const store = new PostgresStore({ client: new pg.Pool() });
   * const current = await store.get('user-1');
   * if (current) {
   *   const next = await store.compareAndSet('user-1', current.version, { ...current, status: 'activated' });
   * }
   * ```
   */
  async compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    const checked = checkWrite(write);
    const rows = await this.#query(
      `UPDATE ${this.#names.qualified}
       SET version = version + 1, status = $3, data = $4, updated_at_ms = $5
       WHERE user_id = $1 AND version = $2
       RETURNING ${COLUMNS}`,
      [id, version, checked.status, checked.data, checked.updatedAt],
    );
    const row = rows[0];
    return row === undefined ? null : recordFromRow(row);
  }

  /**
   * Deletes the user's record if its version is still `expectedVersion`.
   *
   * @param userId - the application's user id
   * @param expectedVersion - the version the caller read
   * @returns whether a record was deleted
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the driver's error on failure
   * @example
   * ```ts
   * import pg from 'pg';
   * import { PostgresStore } from 'factorkit/postgres';
   *
   * const store = new PostgresStore({ client: new pg.Pool() });
   * const current = await store.get('user-1');
   * if (current) await store.delete('user-1', current.version);
   * ```
   */
  async delete(userId: string, expectedVersion: number): Promise<boolean> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    // RETURNING rather than rowCount: not every pg-shaped client reports rowCount.
    const rows = await this.#query(
      `DELETE FROM ${this.#names.qualified} WHERE user_id = $1 AND version = $2 RETURNING user_id`,
      [id, version],
    );
    return rows.length > 0;
  }

  /**
   * One page of records ordered by user id (JavaScript string order), optionally filtered by status.
   *
   * @param options - `limit` (1..1000), optional `status` and the previous page's `nextCursor`
   * @returns the records and, when more follow, `nextCursor`
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad options; the driver's error on failure
   * @example
   * ```ts
   * import pg from 'pg';
   * import { PostgresStore } from 'factorkit/postgres';
   *
   * const store = new PostgresStore({ client: new pg.Pool() });
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
      values.push(status);
      conditions.push(`status = $${values.length}`);
    }
    if (cursor !== undefined) {
      values.push(sortKeyHex(cursor));
      conditions.push(`sort_key > decode($${values.length}, 'hex')`);
    }
    // One extra row tells whether another page follows.
    values.push(limit + 1);
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM ${this.#names.qualified} ${where} ORDER BY sort_key LIMIT $${values.length}`,
      values,
    );
    const records = rows.slice(0, limit).map(recordFromRow);
    const last = records[records.length - 1];
    return rows.length > limit && last !== undefined ? { records, nextCursor: last.userId } : { records };
  }
}

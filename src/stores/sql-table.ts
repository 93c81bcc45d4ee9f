// What the SQL stores (PostgreSQL, SQLite, MySQL) share: table names, checked once where the
// store is made (they are interpolated into SQL, so only plain identifiers pass: no quoting
// rules to get wrong), and the one row shape their tables have.
import { FactorkitError } from '../errors/index.js';
import type { StoredRecord, TwoFactorStatus } from './types.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The parts of a `table` or `schema.table` name, each a plain identifier. */
export function tableNameParts(
  table: unknown,
  defaultTable: string,
  options: { maxTableLength: number; allowSchema: boolean },
): string[] {
  const name = table === undefined ? defaultTable : table;
  const parts = typeof name === 'string' ? name.split('.') : [];
  const valid =
    (parts.length === 1 || (options.allowSchema && parts.length === 2)) &&
    parts.every((part) => IDENTIFIER.test(part) && part.length <= 64) &&
    (parts[parts.length - 1] as string).length <= options.maxTableLength;
  if (!valid) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `table must be an identifier (letters, digits, _; at most ${options.maxTableLength} characters)${
        options.allowSchema ? ', optionally schema-qualified' : ''
      }`,
    );
  }
  return parts;
}

/**
 * A row of the 2FA table (`user_id`, `version`, `status`, `data`, `updated_at_ms`) as a
 * record. Number() because drivers differ: pg returns bigint as a string, mysql2 as a number
 * or (supportBigNumbers) a string, better-sqlite3 with safeIntegers as a bigint.
 */
export function recordFromRow(row: Record<string, unknown>): StoredRecord {
  return {
    userId: String(row.user_id),
    version: Number(row.version),
    status: row.status as TwoFactorStatus,
    data: String(row.data),
    updatedAt: Number(row.updated_at_ms),
  };
}

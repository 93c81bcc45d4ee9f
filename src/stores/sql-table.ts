// Table names of the SQL stores (SQLite, MySQL), checked once where the store is made. They
// are interpolated into SQL, so only plain identifiers pass: no quoting rules to get wrong.
import { FactorkitError } from '../errors/index.js';

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

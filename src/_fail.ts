import { FactorkitError, type FactorkitErrorCode } from './errors.js';

/**
 * Throws a {@link FactorkitError}. One call site instead of `throw new FactorkitError(...)` at
 * each of the core's checks keeps the bundle small. Messages name the argument that is wrong
 * but never echo its value: it may be a secret, a code or a URI carrying one.
 */
export function fail(code: FactorkitErrorCode, message: string, cause?: unknown): never {
  // No `cause` key at all when there is none, rather than an own `cause: undefined`.
  throw new FactorkitError(code, message, cause === undefined ? undefined : { cause });
}

// Database drivers attach what they sent to their errors: ioredis keeps the command and its
// arguments (for a write, the whole 2FA record, a plaintext secret when no keyring is set),
// PostgreSQL's `detail` can quote a row. Errors end up in logs, so what leaves factorkit is a
// copy with the driver error's name, message and code only.

/**
 * A copy of a driver's error with nothing but its name, message and (string or number) code.
 * Error messages of the Redis and PostgreSQL servers name the problem, not the data.
 */
export function redactedDriverError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('the store driver threw a non-Error value');
  const redacted = new Error(error.message);
  // Like Error's own `name`, not enumerable, so the copy logs and compares like the original.
  if (error.name !== 'Error') {
    Object.defineProperty(redacted, 'name', { value: error.name, configurable: true, writable: true });
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(redacted, { code });
  return redacted;
}

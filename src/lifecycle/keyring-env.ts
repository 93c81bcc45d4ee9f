// The keyring from one environment variable, so that apps keep their keys out of the code and
// out of the repository. The value is passed in (not read from `process.env` here): the core
// runs on Node, Bun, Deno, browsers and workers, and each reads its environment differently.
import { FactorkitError } from '../errors/index.js';
import { type Keyring, SecretSealer } from './kernel/crypto.js';

/** Options of {@link keyringFromEnv}. */
export interface KeyringFromEnvOptions {
  /** The variable's name, used in error messages only. Default `'FACTORKIT_KEYS'`. */
  name?: string;
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Standard or URL-safe base64, padded or not; undefined for anything else. */
function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  let binary: string;
  try {
    const standard = unpadded.replace(/-/g, '+').replace(/_/g, '/');
    binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  } catch {
    return undefined;
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * Reads a {@link Keyring} from the text of an environment variable, and fails loudly when the
 * text is missing or wrong, before any secret is sealed with a bad key.
 *
 * The format is a comma-separated list of `keyId:key` entries, where each key is 32 random bytes
 * in base64 (standard or URL-safe, padding optional: `openssl rand -base64 32` makes one). The
 * **first** entry is the current key, which seals new secrets; the others only open secrets
 * sealed under them. To rotate, put a new entry first and keep the old ones until every record
 * has been written again. Spaces and line breaks around entries are ignored.
 *
 * ```sh
 * FACTORKIT_KEYS="2026-07:<base64 of 32 random bytes>,2026-01:<the previous key>"
 * ```
 *
 * The result is checked exactly as `createTwoFactor` checks a keyring (key ids of 1 to 64
 * characters, keys of exactly 32 bytes). Error messages name the variable and the key id, never
 * the key.
 *
 * @param value - the variable's text, e.g. `process.env.FACTORKIT_KEYS` (Node, Bun),
 * `Deno.env.get('FACTORKIT_KEYS')`, or a Worker's `env.FACTORKIT_KEYS`
 * @param options - `name`: the variable's name for error messages
 * @returns the keyring, its first entry current
 * @throws FactorkitError `INVALID_KEYRING` when the value is missing or empty, an entry is not
 * `keyId:key`, a key id appears twice, or a key is not base64 of exactly 32 bytes
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor, keyringFromEnv } from 'factorkit';
 *
 * // FACTORKIT_KEYS="2026-01:<32 random bytes, base64>" (openssl rand -base64 32)
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: keyringFromEnv(process.env.FACTORKIT_KEYS),
 * });
 * ```
 */
export function keyringFromEnv(value: string | undefined, options: KeyringFromEnvOptions = {}): Keyring {
  if (typeof options !== 'object' || options === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
  }
  const name = options.name ?? 'FACTORKIT_KEYS';
  if (typeof name !== 'string' || name.length === 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'options.name must be a non-empty string');
  }
  if (value !== undefined && typeof value !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'value must be a string or undefined');
  }
  if (value === undefined || value.trim() === '') {
    throw new FactorkitError(
      'INVALID_KEYRING',
      `${name} is not set: give it keyId:key entries, each key 32 random bytes in base64 (openssl rand -base64 32)`,
    );
  }
  const keys = new Map<string, Uint8Array>();
  value.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    // Never quote the entry: without a colon it may be a bare key.
    if (colon === -1) throw new FactorkitError('INVALID_KEYRING', `${name}: entry ${index + 1} is not keyId:key`);
    const keyId = entry.slice(0, colon).trim();
    if (keys.has(keyId)) throw new FactorkitError('INVALID_KEYRING', `${name}: key id '${keyId}' appears twice`);
    const key = decodeBase64(entry.slice(colon + 1).trim());
    if (key === undefined) throw new FactorkitError('INVALID_KEYRING', `${name}: key '${keyId}' is not base64`);
    keys.set(keyId, key);
  });
  const keyring: Keyring = { currentKeyId: keys.keys().next().value!, keys: Object.fromEntries(keys) };
  // The key ids and lengths are checked by the sealer createTwoFactor uses, so the two can never
  // disagree about a keyring.
  try {
    new SecretSealer(keyring);
  } catch (error) {
    throw new FactorkitError('INVALID_KEYRING', `${name}: ${(error as Error).message}`, { cause: error });
  }
  return keyring;
}

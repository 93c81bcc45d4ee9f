import { FactorkitError } from '../errors/index.js';
import { encodeBase32 } from '../base32/index.js';
import { MAX_SECRET_BYTES, MIN_SECRET_BYTES } from './options.js';
import { checkOptionsObject, isIntegerIn } from '../validation/index.js';

/** Options for {@link generateSecret}. */
export interface GenerateSecretOptions {
  /** Secret length in bytes, 16 to 64. Default 20 (160 bits, RFC 4226 §4 R6's recommendation). */
  bytes?: number;
}

/**
 * Generates a new shared secret from the platform CSPRNG (`globalThis.crypto.getRandomValues`).
 *
 * @param options - `bytes`: length in bytes (16..64, default 20)
 * @returns the secret as unpadded upper-case base32, ready for a Key URI or manual entry
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for a length outside 16..64
 * @example
 * ```ts
 * import { generateSecret } from 'factorkit';
 *
 * const secret = generateSecret(); // 32 base32 characters, 160 bits
 * const longer = generateSecret({ bytes: 32 }); // for SHA256 tokens
 * ```
 */
export function generateSecret(options?: GenerateSecretOptions): string {
  return encodeBase32(generateSecretBytes(options));
}

/**
 * Like {@link generateSecret} but returns the raw bytes, for apps that store secrets as binary.
 *
 * @param options - `bytes`: length in bytes (16..64, default 20)
 * @returns fresh random bytes
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for a length outside 16..64
 * @example
 * ```ts
 * import { generateSecretBytes, encodeBase32 } from 'factorkit';
 *
 * const bytes = generateSecretBytes({ bytes: 20 });
 * console.log(encodeBase32(bytes).length); // 32
 * ```
 */
export function generateSecretBytes(options?: GenerateSecretOptions): Uint8Array {
  const { bytes = 20 } = checkOptionsObject(options) as GenerateSecretOptions;
  if (!isIntegerIn(bytes, MIN_SECRET_BYTES, MAX_SECRET_BYTES)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'bytes must be an integer from 16 to 64');
  }
  return randomBytes(bytes);
}

/** Random bytes from the Web Crypto CSPRNG; available on Node 20+, Bun, Deno, browsers and workers. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

import { FactorkitError } from '../errors/index.js';
import base32Decode from 'base32-decode';
import base32Encode from 'base32-encode';

// RFC 4648 §6: each 8-character block carries 5 bytes; a final partial block can only hold
// 2, 4, 5 or 7 data characters (1, 2, 3 or 4 bytes). A remainder of 1, 3 or 6 cannot be
// produced by an encoder, so we refuse it instead of silently dropping bits.
const IMPOSSIBLE_REMAINDERS = [1, 3, 6];
// Checked before upper-casing: toUpperCase maps some non-ASCII letters into the alphabet
// ('ſ' -> 'S', 'ı' -> 'I'), which would silently accept a mistyped key.
const ALPHABET = /^[A-Za-z2-7]*$/;
// ASCII whitespace and dashes only; Unicode spaces (NBSP, U+3000) are refused like any other character.
const GROUPING = /[ \t\r\n-]/g;

/**
 * Encodes bytes as RFC 4648 base32 without padding, the form authenticator apps expect in
 * `otpauth://` URIs and manual entry.
 *
 * @param bytes - the bytes to encode
 * @returns upper-case base32 text with no `=` padding
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` when `bytes` is not a `Uint8Array`
 * @example
 * ```ts
 * import { encodeBase32 } from 'factorkit';
 *
 * encodeBase32(new TextEncoder().encode('12345678901234567890'));
 * // 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
 * ```
 */
export function encodeBase32(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'bytes must be a Uint8Array');
  }
  return base32Encode(bytes, 'RFC4648', { padding: false });
}

/**
 * Decodes RFC 4648 base32 as people type it: lower case, spaces (ASCII whitespace) and
 * dashes used for grouping, and missing or complete `=` padding are all accepted. Anything
 * else is refused, including non-ASCII look-alikes and Unicode spaces.
 *
 * @param text - base32 text, e.g. a secret typed in from a manual entry key
 * @returns the decoded bytes
 * @throws {@link FactorkitError} `INVALID_BASE32` for an empty input, a character outside the
 * alphabet, a length no encoder produces (`M`, `MZX`), or padding that is misplaced or too long
 * @example
 * ```ts
 * import { decodeBase32 } from 'factorkit';
 *
 * decodeBase32('gezd gnbv-gy3t qojq'); // Uint8Array of '1234567890'
 * ```
 */
export function decodeBase32(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'text must be a string');
  }
  const compact = text.replace(GROUPING, '');
  // indexOf, not split('=', 1): the array split allocates cost as much as the alphabet check.
  const paddingAt = compact.indexOf('=');
  const data = paddingAt === -1 ? compact : compact.slice(0, paddingAt);
  const padding = paddingAt === -1 ? '' : compact.slice(paddingAt);
  const remainder = data.length % 8;
  if (data.length === 0) throw new FactorkitError('INVALID_BASE32', 'text is empty');
  if (!ALPHABET.test(data)) throw new FactorkitError('INVALID_BASE32', 'text has a character outside A-Z, 2-7');
  if (IMPOSSIBLE_REMAINDERS.includes(remainder))
    throw new FactorkitError('INVALID_BASE32', 'text has an impossible length');
  // Padding, when present, is exactly what an encoder writes: all '=', to a multiple of 8.
  if (padding && padding !== '='.repeat((8 - remainder) % 8)) {
    throw new FactorkitError('INVALID_BASE32', 'text has wrong padding');
  }
  return new Uint8Array(base32Decode(data.toUpperCase(), 'RFC4648'));
}

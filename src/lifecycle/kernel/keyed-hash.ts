// Keyed hashes (HMAC-SHA256: node:crypto's where the runtime has it, else @noble/hashes', see
// platform/hmac-sha256.ts) of what is delivered: the codes sent by e-mail,
// SMS, Telegram or voice, and the approve / deny tokens. A 6-digit code has a million values,
// so a plain hash in the database would fall to a million guesses in a millisecond; keyed with
// a key derived from the keyring (which never sits in the database), the stored value tells
// someone who can read the database nothing about the code, and someone who can write to it
// cannot plant a hash of a code of their own.
//
// Without a keyring there is no key to use: the hash is keyed with a public constant (stored
// with key id null) and protects nothing, just as TOTP secrets are then stored in clear. With a
// keyring, a hash stored without a key id never matches: that is what someone writing to the
// database would leave.
import { equalBytes } from '@noble/ciphers/utils.js';
import { decodeBase64url, encodeBase64url } from '../../backup-codes/base64url.js';
import { type HmacSha256, platformHmacSha256 } from '../../platform/hmac-sha256.js';
import type { SecretSealer } from './crypto.js';

/**
 * What a keyed hash is for (`'delivered-code'`, `'approval-token'`, a factor module's own):
 * each purpose has its own key, derived from the keyring.
 *
 * @example
 * ```ts
 * import type { HashPurpose } from 'factorkit';
 *
 * const purpose: HashPurpose = 'pin';
 * ```
 */
export type HashPurpose = string;

/**
 * A keyed hash as stored: the key it was made with (null: no keyring) and the HMAC, base64url.
 *
 * @example
 * ```ts
 * import type { StoredHash } from 'factorkit';
 *
 * const stored: StoredHash = { keyId: 'k1', hash: 'q9mJ2m1oJ3s0V8n7w6Xc5b4a3Z2y1x0W9v8u7t6s5r4' };
 * ```
 */
export interface StoredHash {
  keyId: string | null;
  hash: string;
}

/**
 * Keyed hashes (HMAC-SHA256 under a key derived from the keyring, per purpose) of short
 * secrets a factor keeps: a database reader cannot brute-force them without the keyring, and
 * a database writer cannot plant one of their own. A factor module gets one in its
 * {@link FactorContext}.
 *
 * @example
 * ```ts
 * import type { FactorContext } from 'factorkit';
 *
 * function pinMatches(ctx: FactorContext, stored: { keyId: string | null; hash: string }, typed: string): boolean {
 *   return ctx.hasher.matches('pin', [ctx.userId, typed], stored);
 * }
 * ```
 */
export interface KeyedHasher {
  /** HMAC-SHA256 of `parts` under the current key. */
  hash(purpose: HashPurpose, parts: readonly (string | number)[]): StoredHash;
  /** Whether `parts` hash to `stored`, compared in constant time; false for a key no longer in the keyring. */
  matches(purpose: HashPurpose, parts: readonly (string | number)[], stored: StoredHash): boolean;
}

/** The length of a stored hash: 32 bytes in unpadded base64url. */
export const STORED_HASH_LENGTH = 43;

const encoder = new TextEncoder();
const UNKEYED = encoder.encode('factorkit:unkeyed:v1');

/**
 * The message is the JSON array of its parts: unambiguous whatever the parts contain (a user id
 * may hold any character), so two different part lists never hash alike.
 */
function message(purpose: HashPurpose, parts: readonly (string | number)[]): Uint8Array {
  return encoder.encode(JSON.stringify([`factorkit/${purpose}/v1`, ...parts]));
}

/**
 * @param sealer - the keyring's sealer, which derives a key per purpose
 * @param hmacSha256 - which HMAC-SHA256 (the tests compare them); default the runtime's own
 */
export function keyedHasher(sealer: SecretSealer, hmacSha256: HmacSha256 = platformHmacSha256()): KeyedHasher {
  const keyFor = (purpose: HashPurpose, keyId: string | null): Uint8Array | undefined => {
    if (keyId === null) return sealer.encrypts ? undefined : UNKEYED;
    return sealer.macKey(purpose, keyId);
  };
  return {
    hash(purpose, parts) {
      const keyId = sealer.currentKeyId ?? null;
      const key = keyFor(purpose, keyId)!;
      return { keyId, hash: encodeBase64url(hmacSha256.mac(key, message(purpose, parts))) };
    },
    matches(purpose, parts, stored) {
      const key = keyFor(purpose, stored.keyId);
      const expected = decodeBase64url(stored.hash);
      if (key === undefined || expected === undefined || expected.length !== 32) return false;
      return equalBytes(hmacSha256.mac(key, message(purpose, parts)), expected);
    },
  };
}

// HMAC-SHA256 for the lifecycle's keyed hashes (delivered codes, approval tokens, WebAuthn
// challenges, a factor module's own), chosen at run time as platform/aes-gcm.ts chooses its
// cipher: node:crypto where the runtime has it (Node, Bun, Deno), @noble/hashes elsewhere. A
// native HMAC of a short message takes under half the time of the portable one, and a sign-in
// with a delivered code or a security key computes one or more. Both give the RFC 2104 bytes
// (test/unit/hmac-sha256.test.ts checks them against RFC 4231's vectors and each other).
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { loadBuiltin } from './builtin.js';

/** One HMAC-SHA256 implementation: the 32-byte MAC of `message` under `key`. */
export interface HmacSha256 {
  readonly name: 'node:crypto' | 'noble';
  mac(key: Uint8Array, message: Uint8Array): Uint8Array;
}

// Only the slice of node:crypto used here, so that the core needs no Node type definitions.
interface NodeHmac {
  createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: Uint8Array): { digest(): Uint8Array } };
}

const noble: HmacSha256 = { name: 'noble', mac: (key, message) => hmac(sha256, key, message) };

function nodeHmacSha256(crypto: NodeHmac): HmacSha256 {
  return {
    name: 'node:crypto',
    mac(key, message) {
      const digest = crypto.createHmac('sha256', key).update(message).digest();
      // A plain Uint8Array over the Buffer's bytes: the core never hands out a Buffer.
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
    },
  };
}

/**
 * The HMAC-SHA256 of this runtime: `'auto'` takes node:crypto where there is one, else
 * @noble/hashes; the two names force one (the tests use them to compare). node:crypto forced
 * where the runtime has none gives @noble/hashes' all the same: the bytes are the same.
 */
export function platformHmacSha256(choice: 'auto' | HmacSha256['name'] = 'auto'): HmacSha256 {
  if (choice === 'noble') return noble;
  const node = loadBuiltin('node:crypto') as Partial<NodeHmac> | undefined;
  return typeof node?.createHmac === 'function' ? nodeHmacSha256(node as NodeHmac) : noble;
}

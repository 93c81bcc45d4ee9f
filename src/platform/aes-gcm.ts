// AES-256-GCM through the platform's own implementation, chosen at run time: node:crypto where
// the runtime has it (Node, Bun, Deno: synchronous, and a fifth of the time of a portable
// JavaScript AES-GCM per call, which matters because a sign-in opens one secret per
// authenticator), Web Crypto elsewhere (browsers in secure contexts, Cloudflare Workers). Both
// produce exactly the bytes of every other AES-GCM: ciphertext followed by the 16-byte tag, so a
// record sealed in one runtime opens in any other (test/unit/aes-gcm.test.ts checks both
// against @noble/ciphers). No portable JavaScript cipher is bundled: every runtime factorkit
// supports has one of the two, and the one that has neither is refused when the keyring is given.
import { FactorkitError } from '../errors/index.js';
import { loadBuiltin } from './builtin.js';

const TAG_BYTES = 16;

/** One AES-256-GCM implementation; `decrypt` rejects a ciphertext that fails authentication. */
export interface AesGcm {
  readonly name: 'node:crypto' | 'web-crypto';
  encrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  decrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array>;
}

// Only the slice of node:crypto used here, so that the core needs no Node type definitions.
interface NodeGcm {
  setAAD(aad: Uint8Array): void;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}
interface NodeCrypto {
  createCipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array): NodeGcm & { getAuthTag(): Uint8Array };
  createDecipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array): NodeGcm & { setAuthTag(tag: Uint8Array): void };
}

/** Copies Node Buffers into one plain Uint8Array (the core never hands out a Buffer) and zeroes them. */
function concatAndWipe(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
    part.fill(0);
  }
  return out;
}

function nodeAesGcm(crypto: NodeCrypto): AesGcm {
  return {
    name: 'node:crypto',
    async encrypt(key, iv, aad, plaintext) {
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const body = concatAndWipe(cipher.update(plaintext), cipher.final());
      return concatAndWipe(body, cipher.getAuthTag());
    },
    async decrypt(key, iv, aad, sealed) {
      if (sealed.length < TAG_BYTES) throw new Error('ciphertext shorter than its tag');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(aad);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      // final() throws when the tag does not authenticate: nothing of `body` is returned then.
      try {
        return concatAndWipe(body, decipher.final());
      } finally {
        body.fill(0);
      }
    },
  };
}

function webAesGcm(subtle: SubtleCrypto): AesGcm {
  // One imported key per key's bytes: importKey costs more than a 32-byte decrypt.
  const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();
  const keyFor = (key: Uint8Array) => {
    let cryptoKey = imported.get(key);
    if (cryptoKey === undefined) {
      cryptoKey = subtle.importKey('raw', bytes(key), 'AES-GCM', false, ['encrypt', 'decrypt']);
      imported.set(key, cryptoKey);
    }
    return cryptoKey;
  };
  // Web Crypto's types want ArrayBuffer-backed views; the core's are, but typed ArrayBufferLike.
  const bytes = (view: Uint8Array) => view as Uint8Array<ArrayBuffer>;
  const params = (iv: Uint8Array, aad: Uint8Array) => ({
    name: 'AES-GCM',
    iv: bytes(iv),
    additionalData: bytes(aad),
    tagLength: 128,
  });
  return {
    name: 'web-crypto',
    async encrypt(key, iv, aad, plaintext) {
      return new Uint8Array(await subtle.encrypt(params(iv, aad), await keyFor(key), bytes(plaintext)));
    },
    async decrypt(key, iv, aad, sealed) {
      return new Uint8Array(await subtle.decrypt(params(iv, aad), await keyFor(key), bytes(sealed)));
    },
  };
}

/**
 * The AES-256-GCM of this runtime: `'auto'` takes node:crypto where there is one, else Web
 * Crypto; the two names force one (the tests use them to compare).
 * @throws FactorkitError `CIPHER_UNAVAILABLE` when the runtime has neither (a browser page
 * outside a secure context, where `crypto.subtle` is missing)
 */
export function platformAesGcm(choice: 'auto' | AesGcm['name'] = 'auto'): AesGcm {
  const node = choice === 'web-crypto' ? undefined : (loadBuiltin('node:crypto') as Partial<NodeCrypto> | undefined);
  if (typeof node?.createDecipheriv === 'function' && typeof node.createCipheriv === 'function') {
    return nodeAesGcm(node as NodeCrypto);
  }
  const subtle = choice === 'node:crypto' ? undefined : globalThis.crypto?.subtle;
  if (subtle !== undefined) return webAesGcm(subtle);
  throw new FactorkitError(
    'CIPHER_UNAVAILABLE',
    choice === 'auto'
      ? 'this runtime has neither node:crypto nor Web Crypto (crypto.subtle, only in secure contexts) for AES-256-GCM'
      : `AES-256-GCM through ${choice} is not available in this runtime`,
  );
}

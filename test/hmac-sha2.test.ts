// The HMAC path for 8-byte counters (src/_hmac-counter.ts) with SHA-256 and SHA-512
// (src/_sha256.ts, src/_sha512.ts) must equal a general HMAC bit for bit: checked against
// @noble/hashes for keys of every length from 0 to 300 bytes (keys longer than the block are
// hashed first, RFC 2104 §2), every padding boundary of that key hash, and random 64-bit
// counters. RFC 4231's vectors use messages other than 8 bytes, which this path does not take;
// the RFC 6238 SHA256/SHA512 vectors (test/rfc-vectors.test.ts) cover it end to end, and the
// plain hashes are checked on the FIPS 180-4 example "abc" below.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacCounter, digest, type CounterHash } from '../src/_hmac-counter.js';
import { SHA256 } from '../src/_sha256.js';
import { SHA512 } from '../src/_sha512.js';
import { sha2Constants } from '../src/_sha2-constants.js';
import { HotpKey } from '../src/_hotp.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const hexWords = (words: Int32Array) => Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');

const cases = [
  { name: 'SHA256', ours: SHA256, noble: sha256, blockBytes: 64, lengthBytes: 8 },
  { name: 'SHA512', ours: SHA512, noble: sha512, blockBytes: 128, lengthBytes: 16 },
] as const;

function referenceTruncated(noble: (typeof cases)[number]['noble'], key: Uint8Array, counter: bigint): number {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, counter);
  const mac = hmac(noble, key, message);
  const offset = mac[mac.length - 1]! & 0x0f;
  return new DataView(mac.buffer, mac.byteOffset).getUint32(offset) & 0x7fffffff;
}

function ours(hash: CounterHash, key: Uint8Array, counter: bigint): number {
  return new HmacCounter(hash, key).truncated(Number(counter >> 32n), Number(counter & 0xffffffffn));
}

const counter = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const EDGE_COUNTERS = [0n, 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 63n, 2n ** 64n - 1n];

describe('SHA-2 constants', () => {
  it('are the FIPS 180-4 §4.2.3 and §5.3.5 values', () => {
    const { k, iv } = sha2Constants();
    const word = (a: Int32Array, i: number) =>
      ((BigInt(a[2 * i]! >>> 0) << 32n) | BigInt(a[2 * i + 1]! >>> 0)).toString(16).padStart(16, '0');
    expect(word(k, 0)).toBe('428a2f98d728ae22');
    expect(word(k, 1)).toBe('7137449123ef65cd');
    expect(word(k, 79)).toBe('6c44198c4a475817');
    expect(word(iv, 0)).toBe('6a09e667f3bcc908');
    expect(word(iv, 7)).toBe('5be0cd19137e2179');
  });
});

describe.each(cases)('HMAC-$name for 8-byte counters', ({ ours: hash, noble, blockBytes, lengthBytes }) => {
  it('hashes "abc" to the FIPS 180-4 example digest', () => {
    const abc = new TextEncoder().encode('abc');
    const expected =
      blockBytes === 64
        ? 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
        : 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
    expect(hexWords(digest(hash, abc))).toBe(expected);
  });

  it('hashes messages of every length from 0 to 300 bytes like @noble/hashes', () => {
    for (let length = 0; length <= 300; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 151 + length * 7) & 0xff);
      expect(hexWords(digest(hash, data)), `${length} bytes`).toBe(hex(noble(data)));
    }
  });

  it('equals @noble/hashes HMAC for every key length from 0 to 300 bytes', () => {
    for (let length = 0; length <= 300; length++) {
      const key = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      const c = EDGE_COUNTERS[length % EDGE_COUNTERS.length]!;
      expect(ours(hash, key, c), `key of ${length} bytes`).toBe(referenceTruncated(noble, key, c));
    }
  });

  it('hashes long keys correctly at every padding boundary', () => {
    // A key of blockBytes - lengthBytes - 1 bytes pads to one block; one more byte needs two.
    const edge = blockBytes - lengthBytes - 1;
    for (const length of [blockBytes, blockBytes + 1, edge + blockBytes, edge + blockBytes + 1, 2 * blockBytes, 2 * blockBytes + 1, edge + 2 * blockBytes, edge + 2 * blockBytes + 1, 1000]) {
      const key = Uint8Array.from({ length }, (_, i) => (i * 17 + 3) & 0xff);
      for (const c of EDGE_COUNTERS) {
        expect(ours(hash, key, c), `key of ${length} bytes, counter ${c}`).toBe(referenceTruncated(noble, key, c));
      }
    }
  });

  it('equals @noble/hashes HMAC for random keys of 0 to 300 bytes and random 64-bit counters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), counter, (key, c) => {
        expect(ours(hash, key, c)).toBe(referenceTruncated(noble, key, c));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same results when one key is reused for many counters, through HotpKey too', () => {
    const algorithm = blockBytes === 64 ? 'SHA256' : 'SHA512';
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 200 }), fc.array(counter, { minLength: 2, maxLength: 25 }), (key, counters) => {
        const mac = new HmacCounter(hash, key);
        const hotp = new HotpKey(key, algorithm);
        for (const c of counters) {
          const expected = referenceTruncated(noble, key, c);
          expect(mac.truncated(Number(c >> 32n), Number(c & 0xffffffffn))).toBe(expected);
          expect(hotp.truncated(c)).toBe(expected);
          if (c <= BigInt(Number.MAX_SAFE_INTEGER)) expect(hotp.truncated(Number(c))).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});

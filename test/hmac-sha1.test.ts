// The dedicated HMAC path (src/_hmac-counter.ts) with SHA-1 (src/_sha1.ts) must equal a general HMAC-SHA1 bit for bit:
// checked against @noble/hashes for random keys (every length, including keys longer than the
// 64-byte block, which RFC 2104 §2 hashes first) and random 64-bit counters.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacCounter } from '../src/_hmac-counter.js';
import { SHA1 } from '../src/_sha1.js';
import { HotpKey } from '../src/_hotp.js';

function referenceTruncated(key: Uint8Array, counter: bigint): number {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, counter);
  const mac = hmac(sha1, key, message);
  const offset = mac[19]! & 0x0f;
  return new DataView(mac.buffer, mac.byteOffset).getUint32(offset) & 0x7fffffff;
}

const counter = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

describe('HMAC-SHA1 for 8-byte counters', () => {
  it('equals @noble/hashes HMAC-SHA1 for keys of 0 to 64 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), counter, (key, c) => {
        const mac = new HmacCounter(SHA1, key);
        expect(mac.truncated(Number(c >> 32n), Number(c & 0xffffffffn))).toBe(referenceTruncated(key, c));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same result when one key is reused for many counters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), fc.array(counter, { minLength: 2, maxLength: 25 }), (key, counters) => {
        const mac = new HmacCounter(SHA1, key);
        for (const c of counters) {
          expect(mac.truncated(Number(c >> 32n), Number(c & 0xffffffffn))).toBe(referenceTruncated(key, c));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('HotpKey hashes keys longer than 64 bytes first (RFC 2104 §2), for number and bigint counters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 65, maxLength: 200 }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (key, c) => {
        const key1 = new HotpKey(key, 'SHA1');
        expect(key1.truncated(c)).toBe(referenceTruncated(key, BigInt(c)));
        expect(key1.truncated(BigInt(c))).toBe(referenceTruncated(key, BigInt(c)));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes long keys correctly at every SHA-1 padding boundary', () => {
    // 119 bytes + 9 of padding fill two blocks exactly; 120 needs a third.
    for (const length of [65, 100, 119, 120, 128, 183, 184, 1000]) {
      const key = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(new HmacCounter(SHA1, key).truncated(0, 1), `key of ${length} bytes`).toBe(referenceTruncated(key, 1n));
    }
  });
});

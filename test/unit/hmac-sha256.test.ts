// The platform HMAC-SHA256 behind the lifecycle's keyed hashes (node:crypto where there is one,
// else @noble/hashes): RFC 4231's SHA-256 vectors for both, the same bytes as each other for
// random keys and messages around the block size, and the keyed hasher giving the same stored
// hashes whichever it runs on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretSealer } from '../../src/lifecycle/kernel/crypto.js';
import { keyedHasher } from '../../src/lifecycle/kernel/keyed-hash.js';
import { platformHmacSha256 } from '../../src/platform/hmac-sha256.js';

const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (byte) => Number.parseInt(byte, 16));
const ascii = (text: string) => new TextEncoder().encode(text);
const filled = (length: number, byte: number) => new Uint8Array(length).fill(byte);

/** RFC 4231 §4.2-4.8, HMAC-SHA-256 (test case 5, a truncated output, is left out). */
const RFC_4231 = [
  [filled(20, 0x0b), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
  [
    ascii('Jefe'),
    ascii('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  ],
  [filled(20, 0xaa), filled(50, 0xdd), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
  [
    Uint8Array.from({ length: 25 }, (_, i) => i + 1),
    filled(50, 0xcd),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  ],
  [
    filled(131, 0xaa),
    ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  ],
  [
    filled(131, 0xaa),
    ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  ],
] as const;

const implementations = [platformHmacSha256('node:crypto'), platformHmacSha256('noble')];

describe('platform HMAC-SHA256', () => {
  it('auto picks node:crypto under Node, and the two are what they say', () => {
    expect(platformHmacSha256().name).toBe('node:crypto');
    expect(implementations.map((implementation) => implementation.name)).toEqual(['node:crypto', 'noble']);
  });

  it.each(implementations)('$name gives the RFC 4231 MACs, as plain Uint8Arrays', ({ mac }) => {
    for (const [key, message, expected] of RFC_4231) {
      const result = mac(key, message);
      expect(result.constructor).toBe(Uint8Array);
      expect(result).toEqual(hex(expected));
    }
  });

  it('node:crypto and @noble/hashes agree on random keys and messages around the 64-byte block (fast-check)', () => {
    const [native, portable] = implementations;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), fc.uint8Array({ maxLength: 200 }), (key, message) => {
        expect(native!.mac(key, message)).toEqual(portable!.mac(key, message));
      }),
    );
  });

  it('the keyed hasher stores and matches the same hashes on either', () => {
    const sealer = new SecretSealer({ currentKeyId: 'k', keys: { k: filled(32, 7) } });
    const [native, portable] = implementations.map((implementation) => keyedHasher(sealer, implementation));
    const parts = ['user-1', '123456'];
    const stored = native!.hash('delivered-code', parts);
    expect(portable!.hash('delivered-code', parts)).toEqual(stored);
    expect(portable!.matches('delivered-code', parts, stored)).toBe(true);
    expect(native!.matches('delivered-code', ['user-1', '123457'], stored)).toBe(false);
    expect(native!.matches('approval-token', parts, stored)).toBe(false);
  });
});

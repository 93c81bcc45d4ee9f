// The HOTP computation itself (RFC 4226 §5.3), kept apart from validation so that TOTP and
// HOTP verification can key the HMAC once and reuse it for every candidate counter.
import { HmacCounter } from './_hmac-counter.js';
import { SHA1 } from './_sha1.js';
import { SHA256 } from './_sha256.js';
import { SHA512 } from './_sha512.js';
import type { HashAlgorithm } from './_options.js';

const HASHES = { SHA1, SHA256, SHA512 };
const TWO_POW_32 = 2 ** 32;

/**
 * An HMAC keyed once (the inner and outer pads hashed once), then two compressions per
 * counter (src/_hmac-counter.ts). Keying is most of the cost of a short HMAC, so a window of
 * 3 or 21 candidates pays for it once.
 */
export class HotpKey {
  private declare readonly mac: HmacCounter;

  constructor(secret: Uint8Array, algorithm: HashAlgorithm) {
    this.mac = new HmacCounter(HASHES[algorithm], secret);
  }

  /** The RFC 4226 §5.3 truncated value (31 bits) for an 8-byte big-endian counter. */
  truncated(counter: number | bigint): number {
    return typeof counter === 'bigint'
      ? this.mac.truncated(Number(counter >> 32n), Number(counter & 0xffffffffn))
      : this.mac.truncated(Math.floor(counter / TWO_POW_32), counter % TWO_POW_32);
  }

  /** The code as a number below 10^digits. */
  value(counter: number | bigint, digits: number): number {
    return this.truncated(counter) % 10 ** digits;
  }
}

export function formatCode(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}

/**
 * Parses a user-typed code: spaces removed, then exactly `digits` ASCII digits. Returns the
 * numeric value split into two halves below 10^5 (so every half fits a 32-bit XOR), or
 * undefined when malformed. Digits are checked first: Number alone accepts '1e6', ' 12', '0x1f'.
 */
export function parseCode(code: unknown, digits: number): [number, number] | undefined {
  if (typeof code !== 'string') return undefined;
  const compact = code.replace(/ /g, '');
  if (compact.length !== digits || !/^\d+$/.test(compact)) return undefined;
  const value = Number(compact);
  return [Math.floor(value / 1e5), value % 1e5];
}

/** Zero when equal; computed without data-dependent branches. */
export function differs(expected: [number, number], value: number): number {
  return (expected[0] ^ Math.floor(value / 1e5)) | (expected[1] ^ value % 1e5);
}

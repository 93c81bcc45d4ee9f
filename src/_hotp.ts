// The HOTP computation itself (RFC 4226 §5.3), kept apart from validation so that TOTP and
// HOTP verification can key the HMAC once and reuse it for every candidate counter.
import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { HmacSha1Counter } from './_hmac-sha1.js';
import type { HashAlgorithm } from './_options.js';

const HASHES = { SHA256: sha256, SHA512: sha512 } as const;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
const TWO_POW_32 = 2 ** 32;

type KeyedHmac = _HMAC<any>;

/** The @noble/hashes HMAC state for SHA-256/512: keyed once, cloned into `scratch` per counter. */
interface NobleHmac {
  keyed: KeyedHmac;
  scratch: KeyedHmac | undefined;
  message: Uint8Array;
  view: DataView;
  digest: Uint8Array;
}

/**
 * An HMAC keyed once (the inner and outer pads hashed once), cloned per counter. Keying is
 * most of the cost of a short HMAC, so a window of 3 or 21 candidates pays for it once.
 * SHA1 takes a dedicated path (src/_hmac-sha1.ts): two bare compressions per counter.
 */
export class HotpKey {
  private readonly sha1: HmacSha1Counter | undefined;
  private readonly noble: NobleHmac | undefined;

  constructor(secret: Uint8Array, algorithm: HashAlgorithm) {
    if (algorithm === 'SHA1') {
      this.sha1 = new HmacSha1Counter(secret);
    } else {
      const hash = HASHES[algorithm];
      const message = new Uint8Array(8);
      this.noble = {
        keyed: hmac.create(hash, secret) as KeyedHmac,
        scratch: undefined,
        message,
        view: new DataView(message.buffer),
        digest: new Uint8Array(hash.outputLen),
      };
    }
  }

  /** The RFC 4226 §5.3 truncated value (31 bits) for an 8-byte big-endian counter. */
  truncated(counter: number | bigint): number {
    if (this.sha1 !== undefined) {
      return typeof counter === 'bigint'
        ? this.sha1.truncated(Number(counter >> 32n), Number(counter & 0xffffffffn))
        : this.sha1.truncated(Math.floor(counter / TWO_POW_32), counter % TWO_POW_32);
    }
    const noble = this.noble!;
    if (typeof counter === 'bigint') {
      noble.view.setBigUint64(0, counter);
    } else {
      noble.view.setUint32(0, Math.floor(counter / TWO_POW_32));
      noble.view.setUint32(4, counter % TWO_POW_32);
    }
    const mac = noble.keyed._cloneInto(noble.scratch);
    noble.scratch = mac;
    mac.update(noble.message).digestInto(noble.digest);
    const d = noble.digest;
    const offset = d[d.length - 1]! & 0x0f;
    return (
      ((d[offset]! & 0x7f) << 24) | (d[offset + 1]! << 16) | (d[offset + 2]! << 8) | d[offset + 3]!
    );
  }

  /** The code as a number below 10^digits. */
  value(counter: number | bigint, digits: number): number {
    return this.truncated(counter) % POWERS_OF_TEN[digits]!;
  }
}

export function formatCode(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}

/**
 * Parses a user-typed code: spaces removed, then exactly `digits` ASCII digits. Returns the
 * numeric value split into two halves below 10^5 (so every half fits a 32-bit XOR), or
 * undefined when malformed. Deliberately not parseInt/Number: they accept '1e6', ' 12', '0x1f'.
 */
export function parseCode(code: unknown, digits: number): [number, number] | undefined {
  if (typeof code !== 'string') return undefined;
  const compact = code.replace(/ /g, '');
  if (compact.length !== digits) return undefined;
  let value = 0;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  return splitValue(value);
}

export function splitValue(value: number): [number, number] {
  return [Math.floor(value / 1e5), value % 1e5];
}

/** Zero when equal; computed without data-dependent branches. */
export function differs(expected: [number, number], value: number): number {
  return (expected[0] ^ Math.floor(value / 1e5)) | (expected[1] ^ value % 1e5);
}

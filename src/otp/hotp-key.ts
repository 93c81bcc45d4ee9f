// The HOTP computation itself (RFC 4226 §5.3), kept apart from validation so that TOTP and
// HOTP verification can key the HMAC once and reuse it for every candidate counter. The HMAC
// and the hashes are @noble/hashes' (audited); nothing here is a hash or an HMAC of our own.
import { type _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from './options.js';

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };
const TWO_POW_32 = 2 ** 32;

// biome-ignore lint/suspicious/noExplicitAny: noble types an HMAC by its hash's own class, which differs per algorithm.
type KeyedHmac = _HMAC<any>;

/**
 * An HMAC keyed once, then cloned per counter. Keying hashes the two padded key blocks, half
 * the work of a short HMAC; noble's `_cloneInto` copies that keyed state into one reused
 * instance (the way noble's own PBKDF2 reuses it), so a window of 3 or 21 candidates pays
 * for keying once and allocates nothing per candidate.
 */
export class HotpKey {
  private readonly keyed: KeyedHmac;
  private readonly working: KeyedHmac;
  private readonly counter = new Uint8Array(8);
  private readonly counterView = new DataView(this.counter.buffer);
  private readonly mac: Uint8Array;

  constructor(secret: Uint8Array, algorithm: HashAlgorithm) {
    this.keyed = hmac.create(HASHES[algorithm], secret) as KeyedHmac;
    this.working = this.keyed.clone();
    this.mac = new Uint8Array(this.keyed.outputLen);
  }

  /** The RFC 4226 §5.3 truncated value (31 bits) for an 8-byte big-endian counter. */
  truncated(counter: number | bigint): number {
    const high = typeof counter === 'bigint' ? Number(counter >> 32n) : Math.floor(counter / TWO_POW_32);
    const low = typeof counter === 'bigint' ? Number(counter & 0xffffffffn) : counter % TWO_POW_32;
    this.counterView.setUint32(0, high);
    this.counterView.setUint32(4, low);
    const mac = this.mac;
    this.keyed._cloneInto(this.working).update(this.counter).digestInto(mac);
    // Dynamic truncation: the low 4 bits of the last byte pick 4 bytes, top bit cleared.
    const offset = mac[mac.length - 1]! & 0x0f;
    return ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  }

  /** The code as a number below 10^digits. */
  value(counter: number | bigint, digits: number): number {
    return this.truncated(counter) % 10 ** digits;
  }
}

/** Generous room for grouping spaces around the 10 digits of the longest code. */
const MAX_CODE_INPUT_LENGTH = 64;

export function formatCode(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}

/**
 * Parses a user-typed code: spaces removed, then exactly `digits` ASCII digits. Returns the
 * numeric value split into two halves below 10^5 (so every half fits a 32-bit XOR), or
 * undefined when malformed. Digits are checked first: Number alone accepts '1e6', ' 12', '0x1f'.
 */
export function parseCode(code: unknown, digits: number): [number, number] | undefined {
  // Longer input is no code, however many spaces it holds: refused before any work on it.
  if (typeof code !== 'string' || code.length > MAX_CODE_INPUT_LENGTH) return undefined;
  const compact = code.replace(/ /g, '');
  if (compact.length !== digits || !/^\d+$/.test(compact)) return undefined;
  const value = Number(compact);
  return [Math.floor(value / 1e5), value % 1e5];
}

/** Zero when equal; computed without data-dependent branches. */
export function differs(expected: [number, number], value: number): number {
  return (expected[0] ^ Math.floor(value / 1e5)) | (expected[1] ^ (value % 1e5));
}

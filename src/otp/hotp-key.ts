// The HOTP computation itself (RFC 4226 §5.3), kept apart from validation so that TOTP and
// HOTP verification can key the HMAC once and reuse it for every candidate counter. The HMAC
// keying and the hashes are @noble/hashes' (audited); nothing here is a hash or HMAC padding of
// our own.
import { type _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { MAX_CODE_INPUT_LENGTH } from '../validation/index.js';
import type { HashAlgorithm } from './options.js';

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };
const TWO_POW_32 = 2 ** 32;

// biome-ignore lint/suspicious/noExplicitAny: noble types an HMAC by its hash's own class, which differs per algorithm.
type KeyedHmac = _HMAC<any>;
type HashState = KeyedHmac['iHash'];

// The scratch every computation shares: one pair of working hash states per algorithm and the
// counter block. Fresh ones per call cost more than the candidates of a window-1 verification
// (every noble hash object allocates a block buffer and a DataView over it). Sharing is safe
// because `truncated` is synchronous and leaves nothing in them: noble's digest() zeroes a
// state once it has produced its digest.
const WORKING: Partial<Record<HashAlgorithm, { inner: HashState; outer: HashState }>> = {};
const COUNTER = new Uint8Array(8);
const COUNTER_VIEW = new DataView(COUNTER.buffer);

/**
 * An HMAC keyed once, then cloned per counter. Keying (noble's `hmac.create`: the key hashed
 * when longer than a block, padded, XORed with ipad and opad, RFC 2104 §2) hashes two blocks,
 * half the work of a short HMAC. Each candidate clones the two keyed states with noble's
 * `_cloneInto` into the working pair and finishes them as noble's own HMAC digest does
 * (inner digest of the counter, then the outer state over it), so a window of 3 or 21
 * candidates pays for keying once. Call {@link HotpKey.destroy} when done.
 */
export class HotpKey {
  private readonly keyed: KeyedHmac;
  private readonly working: { inner: HashState; outer: HashState };

  constructor(secret: Uint8Array, algorithm: HashAlgorithm) {
    const hash = HASHES[algorithm];
    this.keyed = hmac.create(hash, secret) as KeyedHmac;
    this.working = WORKING[algorithm] ??= { inner: hash.create(), outer: hash.create() };
  }

  /** The RFC 4226 §5.3 truncated value (31 bits) for an 8-byte big-endian counter. */
  truncated(counter: number | bigint): number {
    const high = typeof counter === 'bigint' ? Number(counter >> 32n) : Math.floor(counter / TWO_POW_32);
    const low = typeof counter === 'bigint' ? Number(counter & 0xffffffffn) : counter % TWO_POW_32;
    COUNTER_VIEW.setUint32(0, high);
    COUNTER_VIEW.setUint32(4, low);
    // The HMAC class's own digestInto(out) makes two DataViews over `out` per call, a fifth of a
    // candidate's time for SHA-1; digest() writes into the state's own block and copies out.
    const inner = this.keyed.iHash._cloneInto(this.working.inner).update(COUNTER).digest();
    const mac = this.keyed.oHash._cloneInto(this.working.outer).update(inner).digest();
    inner.fill(0);
    // Dynamic truncation: the low 4 bits of the last byte pick 4 bytes, top bit cleared.
    const offset = mac[mac.length - 1]! & 0x0f;
    const value = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
    mac.fill(0);
    return value;
  }

  /** The code as a number below 10^digits. */
  value(counter: number | bigint, digits: number): number {
    return this.truncated(counter) % 10 ** digits;
  }

  /** Zeroes the keyed states: they are as good as the key for computing codes. */
  destroy(): void {
    this.keyed.destroy();
  }
}

/** The code value for one counter, with the keyed states destroyed before it returns. */
export function hotpValue(
  secret: Uint8Array,
  algorithm: HashAlgorithm,
  counter: number | bigint,
  digits: number,
): number {
  const hotp = new HotpKey(secret, algorithm);
  const value = hotp.value(counter, digits);
  hotp.destroy();
  return value;
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
  // Longer input is no code, however many spaces it holds: refused before any work on it.
  if (typeof code !== 'string' || code.length > MAX_CODE_INPUT_LENGTH) return undefined;
  const compact = code.replace(/ /g, '');
  if (compact.length !== digits || !/^\d+$/.test(compact)) return undefined;
  const value = Number(compact);
  return [Math.floor(value / 1e5), value % 1e5];
}

/**
 * Whether `code` is a code of `digits` digits as {@link parseCode} reads it (spaces for
 * grouping, at most MAX_CODE_INPUT_LENGTH characters in all): the one shape check of TOTP and
 * delivered codes alike, so a code the lifecycle takes for one is one the check can read.
 */
export function isCodeShaped(code: unknown, digits: number): code is string {
  return parseCode(code, digits) !== undefined;
}

/** Zero when equal; computed without data-dependent branches. */
export function differs(expected: [number, number], value: number): number {
  return (expected[0] ^ Math.floor(value / 1e5)) | (expected[1] ^ (value % 1e5));
}

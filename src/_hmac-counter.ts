// HMAC (RFC 2104) specialised for HOTP, where the message is always one 8-byte counter, over
// any of the three hashes RFC 6238 §1.2 allows (src/_sha1.ts, src/_sha256.ts, src/_sha512.ts).
// After keying, a code costs exactly two compressions on preallocated words: the inner block
// (counter + padding) and the outer block (inner digest + padding), both of fixed layout. A
// general-purpose hash object spends more time on buffering, padding, cloning and allocation
// than on those two compressions. Checked bit for bit against @noble/hashes' HMAC for random
// keys and counters in test/hmac-counter.test.ts, and by the RFC 4226/6238 vectors.

/** One hash function of FIPS 180-4 as the HMAC needs it: sizes in 32-bit words, IV, compression. */
export interface CounterHash {
  /** 16 (512-bit blocks: SHA-1, SHA-256) or 32 (SHA-512). */
  blockWords: number;
  digestWords: number;
  iv(): Int32Array;
  /** The message schedule scratch words `compress` uses, zeroed here after every use. */
  schedule: Int32Array;
  /** One block into `out` from `state` (which may be `out`); big-endian words, 64-bit ones as high/low pairs. */
  compress(state: Int32Array, block: Int32Array, out: Int32Array): void;
}

// Scratch words shared by every key and hash (JS runs one computation at a time per realm, and
// none of them awaits), zeroed after every use like each hash's message schedule: the block
// and the digest. BLOCK is all zeros between uses, so a counter block only writes its
// non-zero words.
const BLOCK = new Int32Array(32);
const DIGEST = new Int32Array(16);

/** Bytes into big-endian words that are zero beforehand. */
function load(words: Int32Array, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) words[i >> 2]! |= bytes[i]! << (24 - 8 * (i & 3));
}

/** The plain hash of any input as words, for the rare key longer than one block (RFC 2104 §2). */
export function digest(hash: CounterHash, data: Uint8Array): Int32Array {
  const n = hash.blockWords;
  // Message, 0x80, zeros, then the bit length in the last 8 (SHA-512: 16) bytes, a whole
  // number of blocks (FIPS 180-4 §5.1).
  const words = new Int32Array(Math.ceil((data.length + 1 + n / 2) / (4 * n)) * n);
  load(words, data);
  words[data.length >> 2]! |= 0x80 << (24 - 8 * (data.length & 3));
  words[words.length - 2] = data.length / 0x20000000;
  words[words.length - 1] = data.length * 8;
  const state = hash.iv().slice();
  for (let i = 0; i < words.length; i += n) hash.compress(state, words.subarray(i, i + n), state);
  words.fill(0);
  hash.schedule.fill(0);
  return state;
}

/** An HMAC key prepared once; {@link HmacCounter.truncated} per counter. */
export class HmacCounter {
  /** Hash state after the (key XOR ipad) and (key XOR opad) blocks (RFC 2104 §2). */
  // `declare`: assigned in the constructor, so no class-field initialiser is emitted (bundle size).
  private declare readonly inner: Int32Array;
  private declare readonly outer: Int32Array;

  /** @param secret - any length; RFC 2104 §2: a key longer than the block is hashed first. */
  constructor(
    private readonly hash: CounterHash,
    secret: Uint8Array,
  ) {
    const words = hash.blockWords;
    const block = BLOCK;
    block.fill(0);
    if (secret.length > words * 4) {
      const key = digest(hash, secret);
      block.set(key);
      key.fill(0);
    } else {
      load(block, secret);
    }
    for (let i = 0; i < words; i++) block[i] = block[i]! ^ 0x36363636;
    hash.compress(hash.iv(), block, (this.inner = new Int32Array(hash.digestWords)));
    for (let i = 0; i < words; i++) block[i] = block[i]! ^ 0x36363636 ^ 0x5c5c5c5c;
    hash.compress(hash.iv(), block, (this.outer = new Int32Array(hash.digestWords)));
    block.fill(0);
    this.hash.schedule.fill(0);
  }

  /**
   * The RFC 4226 §5.3 dynamic truncation (31 bits) of HMAC(key, counter), the counter given as
   * its high and low 32-bit halves (big-endian on the wire).
   */
  truncated(counterHigh: number, counterLow: number): number {
    const { blockWords, digestWords, compress } = this.hash;
    const block = BLOCK;
    const digest = DIGEST;
    // Inner: the 8-byte counter, 0x80, zeros, and the bit length of (key block + 8-byte
    // message) in the last word (FIPS 180-4 §5.1).
    block[0] = counterHigh;
    block[1] = counterLow;
    block[2] = 0x80000000 | 0;
    block[blockWords - 1] = (blockWords * 4 + 8) * 8;
    compress(this.inner, block, digest);
    // Outer: the inner digest (over words 0..2), 0x80, zeros, bit length of (key block + digest).
    for (let i = 0; i < digestWords; i++) block[i] = digest[i]!;
    block[digestWords] = 0x80000000 | 0;
    block[blockWords - 1] = (blockWords + digestWords) * 32;
    compress(this.outer, block, digest);
    // The offset is the low 4 bits of the last byte; the 4 bytes from it straddle at most two words.
    const offset = digest[digestWords - 1]! & 0x0f;
    const word = offset >> 2;
    const shift = (offset & 3) * 8;
    const value = shift === 0 ? digest[word]! : (digest[word]! << shift) | (digest[word + 1]! >>> (32 - shift));
    block.fill(0);
    digest.fill(0);
    this.hash.schedule.fill(0);
    return value & 0x7fffffff;
  }
}

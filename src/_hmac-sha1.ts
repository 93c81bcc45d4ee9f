// HMAC-SHA1 (RFC 2104 over FIPS 180-4 §6.1 SHA-1) specialised for HOTP, where the message is
// always one 8-byte counter. After keying, a code costs exactly two compressions on
// preallocated words: the inner block (counter + padding) and the outer block (inner digest +
// padding), both of fixed layout. A general-purpose hash object spends more time on buffering,
// padding, cloning and allocation than on those two compressions; SHA1 is what nearly every
// authenticator uses, so it gets this path. SHA-256/512 stay on @noble/hashes.
// Correctness is checked against @noble/hashes' HMAC for random keys and counters in
// test/hmac-sha1.test.ts, and by the RFC 4226/6238 vectors.

const BLOCK_BYTES = 64;
const IV = Int32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
// Scratch words shared by every key (JS runs one computation at a time per realm, and none of
// them awaits), zeroed after every use: the message schedule, the block, the digest.
const W = new Int32Array(80);
const BLOCK = new Int32Array(16);
const DIGEST = new Int32Array(5);

function compress(state: Int32Array, block: Int32Array, out: Int32Array): void {
  for (let i = 0; i < 16; i++) W[i] = block[i]!;
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  // Four loops of 20 rounds rather than one with branches: each keeps its function and constant.
  for (let i = 0; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  out[0] = (a + state[0]!) | 0;
  out[1] = (b + state[1]!) | 0;
  out[2] = (c + state[2]!) | 0;
  out[3] = (d + state[3]!) | 0;
  out[4] = (e + state[4]!) | 0;
}

/** Plain SHA-1 of any input, for the rare key longer than one block (RFC 2104 §2). */
function sha1(data: Uint8Array): Uint8Array {
  // Message, 0x80, zeros, then the 64-bit bit length: a whole number of 64-byte blocks.
  const blocks = Math.ceil((data.length + 9) / BLOCK_BYTES);
  const padded = new Uint8Array(blocks * BLOCK_BYTES);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(data.length / 0x20000000));
  view.setUint32(padded.length - 4, (data.length * 8) >>> 0);
  const state = Int32Array.from(IV);
  const block = new Int32Array(16);
  for (let offset = 0; offset < padded.length; offset += BLOCK_BYTES) {
    for (let i = 0; i < 16; i++) block[i] = view.getInt32(offset + 4 * i);
    compress(state, block, state);
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 5; i++) outView.setInt32(4 * i, state[i]!);
  padded.fill(0);
  block.fill(0);
  W.fill(0);
  return out;
}

/** An HMAC-SHA1 key prepared once; {@link HmacSha1Counter.truncated} per counter. */
export class HmacSha1Counter {
  /** SHA-1 state after the (key XOR ipad) and (key XOR opad) blocks (RFC 2104 §2). */
  private readonly inner = new Int32Array(5);
  private readonly outer = new Int32Array(5);

  /** @param key - any length; RFC 2104 §2: a key longer than the 64-byte block is hashed first. */
  constructor(secret: Uint8Array) {
    const key = secret.length > BLOCK_BYTES ? sha1(secret) : secret;
    const block = BLOCK;
    block.fill(0);
    for (let i = 0; i < key.length; i++) block[i >> 2]! |= key[i]! << (24 - 8 * (i & 3));
    for (let i = 0; i < 16; i++) block[i] = block[i]! ^ 0x36363636;
    compress(IV, block, this.inner);
    for (let i = 0; i < 16; i++) block[i] = block[i]! ^ 0x36363636 ^ 0x5c5c5c5c;
    compress(IV, block, this.outer);
    block.fill(0);
    W.fill(0);
  }

  /**
   * The RFC 4226 §5.3 dynamic truncation (31 bits) of HMAC-SHA1(key, counter), the counter given
   * as its high and low 32-bit halves (big-endian on the wire).
   */
  truncated(counterHigh: number, counterLow: number): number {
    const block = BLOCK;
    const digest = DIGEST;
    // Inner: one block holding the 8-byte counter, then 0x80, zeros, and the bit length of
    // (64-byte key block + 8-byte message) = 576 (FIPS 180-4 §5.1.1).
    block[0] = counterHigh;
    block[1] = counterLow;
    block[2] = 0x80000000 | 0;
    for (let i = 3; i < 15; i++) block[i] = 0;
    block[15] = 576;
    compress(this.inner, block, digest);
    // Outer: the 20-byte inner digest, 0x80, zeros, bit length of (64 + 20) bytes = 672.
    for (let i = 0; i < 5; i++) block[i] = digest[i]!;
    block[5] = 0x80000000 | 0;
    for (let i = 6; i < 15; i++) block[i] = 0;
    block[15] = 672;
    compress(this.outer, block, digest);
    // The offset is the low 4 bits of byte 19, the last byte of word 4; the 4 bytes from it
    // straddle at most two words.
    const offset = digest[4]! & 0x0f;
    const word = offset >> 2;
    const shift = (offset & 3) * 8;
    const value =
      shift === 0 ? digest[word]! : (digest[word]! << shift) | (digest[word + 1]! >>> (32 - shift));
    block.fill(0);
    digest.fill(0);
    W.fill(0);
    return value & 0x7fffffff;
  }
}

// The SHA-256 compression function (FIPS 180-4 §6.2.2) for src/_hmac-counter.ts.
import type { CounterHash } from './_hmac-counter.js';
import { rotr, sha2Constants } from './_sha2-constants.js';

const W = new Int32Array(64);

let IV: Int32Array | undefined;

function compress(state: Int32Array, block: Int32Array, out: Int32Array): void {
  // SHA-256's constants are the high halves of SHA-512's (even indices).
  const k = sha2Constants().k;
  const w = W;
  for (let i = 0; i < 16; i++) w[i] = block[i]!;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    w[i] =
      ((rotr(y, y, 17) ^ rotr(y, y, 19) ^ (y >>> 10)) + w[i - 7]! + (rotr(x, x, 7) ^ rotr(x, x, 18) ^ (x >>> 3)) + w[i - 16]!) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (rotr(e, e, 6) ^ rotr(e, e, 11) ^ rotr(e, e, 25)) + ((e & f) ^ (~e & g)) + k[2 * i]! + w[i]!) | 0;
    const t2 = ((rotr(a, a, 2) ^ rotr(a, a, 13) ^ rotr(a, a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (a + state[0]!) | 0;
  out[1] = (b + state[1]!) | 0;
  out[2] = (c + state[2]!) | 0;
  out[3] = (d + state[3]!) | 0;
  out[4] = (e + state[4]!) | 0;
  out[5] = (f + state[5]!) | 0;
  out[6] = (g + state[6]!) | 0;
  out[7] = (h + state[7]!) | 0;
}

export const SHA256: CounterHash = {
  blockWords: 16,
  digestWords: 8,
  iv: () => (IV ??= sha2Constants().iv.filter((_, i) => i % 2 === 0)),
  schedule: W,
  compress,
};

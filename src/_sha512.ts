// The SHA-512 compression function (FIPS 180-4 §6.4.2) for src/_hmac-counter.ts. JS has no
// fast 64-bit integers, so every word is a pair of 32-bit halves, high first (big-endian
// order, as in the block). A 64-bit rotation right by n >= 32 is one by n - 32 with the
// halves swapped; sums add the low halves as unsigned doubles (exact below 2^53) and carry
// their overflow into the high half.
import type { CounterHash } from './_hmac-counter.js';
import { rotr, sha2Constants } from './_sha2-constants.js';

const W = new Int32Array(160);

const CARRY = 2 ** 32;

function compress(state: Int32Array, block: Int32Array, out: Int32Array): void {
  const k = sha2Constants().k;
  const w = W;
  for (let i = 0; i < 32; i++) w[i] = block[i]!;
  for (let i = 32; i < 160; i += 2) {
    // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]
    let h = w[i - 4]!;
    let l = w[i - 3]!;
    const s1h = rotr(h, l, 19) ^ rotr(l, h, 29) ^ (h >>> 6);
    const s1l = rotr(l, h, 19) ^ rotr(h, l, 29) ^ rotr(l, h, 6);
    h = w[i - 30]!;
    l = w[i - 29]!;
    const s0h = rotr(h, l, 1) ^ rotr(h, l, 8) ^ (h >>> 7);
    const s0l = rotr(l, h, 1) ^ rotr(l, h, 8) ^ rotr(l, h, 7);
    const low = (s1l >>> 0) + (w[i - 13]! >>> 0) + (s0l >>> 0) + (w[i - 31]! >>> 0);
    w[i] = (s1h + w[i - 14]! + s0h + w[i - 32]! + ((low / CARRY) | 0)) | 0;
    w[i + 1] = low | 0;
  }
  let ah = state[0]!, al = state[1]!, bh = state[2]!, bl = state[3]!;
  let ch = state[4]!, cl = state[5]!, dh = state[6]!, dl = state[7]!;
  let eh = state[8]!, el = state[9]!, fh = state[10]!, fl = state[11]!;
  let gh = state[12]!, gl = state[13]!, hh = state[14]!, hl = state[15]!;
  for (let i = 0; i < 160; i += 2) {
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; T2 = Σ0(a) + Maj(a, b, c)
    const s1h = rotr(eh, el, 14) ^ rotr(eh, el, 18) ^ rotr(el, eh, 9);
    const s1l = rotr(el, eh, 14) ^ rotr(el, eh, 18) ^ rotr(eh, el, 9);
    const t1l = (hl >>> 0) + (s1l >>> 0) + (((el & fl) ^ (~el & gl)) >>> 0) + (k[i + 1]! >>> 0) + (w[i + 1]! >>> 0);
    const t1h = hh + s1h + ((eh & fh) ^ (~eh & gh)) + k[i]! + w[i]! + ((t1l / CARRY) | 0);
    const s0h = rotr(ah, al, 28) ^ rotr(al, ah, 2) ^ rotr(al, ah, 7);
    const s0l = rotr(al, ah, 28) ^ rotr(ah, al, 2) ^ rotr(ah, al, 7);
    const t2l = (s0l >>> 0) + (((al & bl) ^ (al & cl) ^ (bl & cl)) >>> 0);
    const t2h = s0h + ((ah & bh) ^ (ah & ch) ^ (bh & ch));
    hh = gh;
    hl = gl;
    gh = fh;
    gl = fl;
    fh = eh;
    fl = el;
    // e = d + T1, a = T1 + T2; the low sums stay below 2^36, the high ones are cut by | 0.
    let low = (dl >>> 0) + (t1l >>> 0);
    eh = (dh + t1h + ((low / CARRY) | 0)) | 0;
    el = low | 0;
    dh = ch;
    dl = cl;
    ch = bh;
    cl = bl;
    bh = ah;
    bl = al;
    low = (t1l >>> 0) + t2l;
    ah = (t1h + t2h + ((low / CARRY) | 0)) | 0;
    al = low | 0;
  }
  add(state, out, 0, ah, al);
  add(state, out, 2, bh, bl);
  add(state, out, 4, ch, cl);
  add(state, out, 6, dh, dl);
  add(state, out, 8, eh, el);
  add(state, out, 10, fh, fl);
  add(state, out, 12, gh, gl);
  add(state, out, 14, hh, hl);
}

/** out[i..i+1] = state[i..i+1] + (high, low), as 64-bit words. */
function add(state: Int32Array, out: Int32Array, i: number, high: number, low: number): void {
  const sum = (state[i + 1]! >>> 0) + (low >>> 0);
  out[i] = (state[i]! + high + ((sum / CARRY) | 0)) | 0;
  out[i + 1] = sum | 0;
}

export const SHA512: CounterHash = { blockWords: 32, digestWords: 16, iv: () => sha2Constants().iv, schedule: W, compress };

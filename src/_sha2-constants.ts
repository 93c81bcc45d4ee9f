// FIPS 180-4 §4.2.3 and §5.3.5: SHA-512's round constants are the first 64 bits of the
// fractional parts of the cube roots of the first 80 primes, its IV those of the square roots
// of the first 8; SHA-256's (§4.2.2, §5.3.3) are the first 32 bits of the same numbers, i.e.
// the high halves. Computed exactly with integer roots on first use instead of stored: as
// literals they are 704 bytes that no compressor can shrink.

/** 64-bit values as high/low 32-bit pairs: `k` has 80 of them, `iv` 8. */
export interface Sha2Constants {
  k: Int32Array;
  iv: Int32Array;
}

let constants: Sha2Constants | undefined;

/** floor(value^(1/degree)): Newton's method from above stops exactly there. */
function root(value: bigint, degree: bigint): bigint {
  let x = 1n << 70n;
  for (let next; (next = ((degree - 1n) * x + value / x ** (degree - 1n)) / degree) < x; ) x = next;
  return x;
}

/** words[2n], words[2n + 1] = the high and low 32 bits of the 64-bit fraction `value`. */
function store(words: Int32Array, n: number, value: bigint): void {
  words[2 * n] = Number(BigInt.asIntN(32, value >> 32n));
  words[2 * n + 1] = Number(BigInt.asIntN(32, value));
}

export function sha2Constants(): Sha2Constants {
  if (constants === undefined) {
    const k = new Int32Array(160);
    const iv = new Int32Array(16);
    for (let prime = 2, n = 0; n < 80; prime++) {
      let composite = false;
      for (let d = 2; d * d <= prime; d++) composite ||= prime % d === 0;
      if (composite) continue;
      // x * 2^64 = fractional part in the low 64 bits, integer part above (cut off by asIntN).
      store(k, n, root(BigInt(prime) << 192n, 3n));
      if (n < 8) store(iv, n, root(BigInt(prime) << 128n, 2n));
      n++;
    }
    constants = { k, iv };
  }
  return constants;
}

/** The high word of a 64-bit (x, y) rotated right by n (1..31); rotr(x, x, n) rotates 32-bit x. */
export function rotr(x: number, y: number, n: number): number {
  return (x >>> n) | (y << (32 - n));
}

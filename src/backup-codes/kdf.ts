// The slow KDF behind backup codes: which scrypt runs (the runtime's native one off the main
// thread, or @noble/hashes' portable one), the policy on its parameters, and the salts that
// bind a digest to its use, its set, (version 2) its position and (versions 2 and 3) its context.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { FactorkitError } from '../errors/index.js';
import { loadBuiltin } from '../platform/builtin.js';
import { SEARCH_BITS } from './code.js';

/**
 * scrypt cost parameters (RFC 7914 §2) for backup codes. Memory per derivation is
 * 128·N·r bytes; the derived length is fixed at 32 bytes.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type ScryptParams } from 'factorkit';
 *
 * // Twice the default's memory and work (16 MiB).
 * const kdf: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
 * const { set } = await generateBackupCodes({ kdf, context: 'user-42' });
 * ```
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * An scrypt implementation supplied by the app: scrypt(password, salt, N, r, p, dkLen) as RFC
 * 7914 defines it, resolving to `dkLen` bytes. It receives only parameters within
 * factorkit's bounds (at most 256 MiB of memory).
 *
 * @example
 * ```ts
 * import { scryptAsync } from '@noble/hashes/scrypt.js';
 * import { verifyBackupCode, type BackupCodeSet, type ScryptFunction } from 'factorkit';
 *
 * // Counts derivations, e.g. for a metric; any RFC 7914 scrypt will do.
 * let derivations = 0;
 * const counting: ScryptFunction = (password, salt, params) => {
 *   derivations++;
 *   return scryptAsync(password, salt, params);
 * };
 * declare const set: BackupCodeSet;
 * await verifyBackupCode('7KQ4-MXR2-TF9H-C3WN', set, { context: 'user-42', scrypt: counting });
 * ```
 */
export type ScryptFunction = (
  password: Uint8Array,
  salt: Uint8Array,
  params: { N: number; r: number; p: number; dkLen: number },
) => Promise<Uint8Array>;

/**
 * Which scrypt derives backup-code digests. `'auto'` (the default): the runtime's native
 * `node:crypto.scrypt` where there is one (Node 20.16 and later, Bun, Deno), which runs on a
 * worker thread so the event loop stays free, else `'portable'`. `'native'`: that one, or
 * `INVALID_ARGUMENT` where the runtime has none. `'portable'`: `@noble/hashes`' pure
 * JavaScript scrypt, which runs on the calling thread (yielding to the event loop every
 * 10 ms). Or an {@link ScryptFunction} of the app's own. All of them give the same digests,
 * so a set made with one verifies with any other.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type ScryptImplementation } from 'factorkit';
 *
 * // A server that must never run scrypt on its main thread: fail loudly instead.
 * const scrypt: ScryptImplementation = 'native';
 * const { codes, set } = await generateBackupCodes({ context: 'user-42', scrypt });
 * ```
 */
export type ScryptImplementation = 'auto' | 'native' | 'portable' | ScryptFunction;

export const DIGEST_BYTES = 32;

/**
 * Version-2 sets: 8 MiB and ~20 ms natively per derivation here. The argument for these
 * numbers is in docs/backup-codes.md: they are the cheapest power-of-two parameters (r = 8,
 * p = 1) that meet {@link meetsCodeMinimum}.
 */
export const DEFAULT_KDF: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 13, r: 8, p: 1 });

/**
 * OWASP Password Storage Cheat Sheet, "scrypt": equally strong minimum configurations for
 * passwords (memory traded for passes). Always accepted.
 */
export const OWASP_SCRYPT_MINIMUMS: readonly Readonly<ScryptParams>[] = Object.freeze([
  { N: 2 ** 17, r: 8, p: 1 },
  { N: 2 ** 16, r: 8, p: 2 },
  { N: 2 ** 15, r: 8, p: 3 },
  { N: 2 ** 14, r: 8, p: 5 },
  { N: 2 ** 13, r: 8, p: 10 },
]);

/** OWASP's first row, the password-hashing baseline the minimum is measured against. */
const BASELINE: Readonly<ScryptParams> = OWASP_SCRYPT_MINIMUMS[0]!;
/**
 * The secret a code must be at least as costly to find as, when that secret is stored under
 * the baseline: 64 random bits (this project's floor for code entropy, and SP 800-63B rev. 3's
 * threshold above which look-up secrets need no rate limiting).
 */
export const REFERENCE_SECRET_BITS = 64;

// Upper bounds, applied to stored sets too: a tampered set must not be able to make one
// verification allocate gigabytes or run for minutes (N = 2^30 would be 128 GiB).
export const MAX_N = 2 ** 20;
export const MAX_R = 32;
export const MAX_P = 16;
/** 128·N·r bytes of scrypt memory at most: 256 MiB. */
export const MAX_N_TIMES_R = 2 ** 21;
/** N·r·p at most: 8× OWASP's strongest row, 128× the default's work. */
export const MAX_WORK = 2 ** 23;

/** Why parameters are out of bounds, or undefined when they are usable (strong or not). */
export function kdfParamsProblem(params: { N: unknown; r: unknown; p: unknown }): string | undefined {
  const { N, r, p } = params;
  if (typeof N !== 'number' || !Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) {
    return `N must be a power of two from 2 to 2^${Math.log2(MAX_N)}`;
  }
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > MAX_R) {
    return `r must be an integer from 1 to ${MAX_R}`;
  }
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > MAX_P) {
    return `p must be an integer from 1 to ${MAX_P}`;
  }
  if (N * r > MAX_N_TIMES_R) return 'N·r is too large (scrypt would need more than 256 MiB)';
  if (N * r * p > MAX_WORK) return 'N·r·p is too large (one derivation would take too long)';
  return undefined;
}

/**
 * log2 of one derivation's memory × time, in units of scrypt's 128-byte blocks: memory is
 * N·r blocks held for a run of N·r·p block mixes. Memory-hard functions cost an attacker in
 * proportion to this product (the chip area times the time it is held).
 */
export function log2MemoryTime(params: ScryptParams): number {
  return Math.log2(params.N * params.r) + Math.log2(params.N * params.r * params.p);
}

/**
 * log2 of the memory × time one code's KDF must cost at least: finding a code from its
 * digest (2^(bits−1) guesses on average, `bits` being {@link SEARCH_BITS}: 73.6 for a
 * version-2 code, 74.2 for one of 20 version-3 codes under their shared salt) must cost at
 * least as much as finding a random {@link REFERENCE_SECRET_BITS}-bit secret stored under
 * OWASP's baseline. 30.40.
 */
export const MIN_LOG2_MEMORY_TIME = REFERENCE_SECRET_BITS - 1 + log2MemoryTime(BASELINE) - (SEARCH_BITS - 1);

/** True when `params` meet one of the OWASP minimum configurations in every component. */
export function meetsOwaspMinimum(params: ScryptParams): boolean {
  return OWASP_SCRYPT_MINIMUMS.some((min) => params.N >= min.N && params.r >= min.r && params.p >= min.p);
}

/** The WEAK_KDF policy: the attacker-cost minimum above, or any OWASP row. */
export function meetsCodeMinimum(params: ScryptParams): boolean {
  return log2MemoryTime(params) >= MIN_LOG2_MEMORY_TIME || meetsOwaspMinimum(params);
}

const encoder = new TextEncoder();

/**
 * Version-1 salt: a domain-separation label carrying the generation id, then the set's
 * random salt. Kept byte for byte so that stored version-1 sets keep verifying.
 */
export function kdfSaltV1(generationId: string, salt: Uint8Array): Uint8Array {
  const label = encoder.encode(`factorkit/backup-code/v1/${generationId}/`);
  const out = new Uint8Array(label.length + salt.length);
  out.set(label);
  out.set(salt, label.length);
  return out;
}

const V2_LABEL = encoder.encode('factorkit/backup-code/v2');
const V3_LABEL = encoder.encode('factorkit/backup-code/v3');

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Version-2 salt, one per code: every field but the last length-prefixed (4 bytes, big
 * endian), so no two different (context, generation, index, salt) tuples give the same
 * bytes. The context (the user id) is part of the salt and nowhere in the stored set: a
 * digest only matches when verified under the context it was made for.
 */
export function kdfSaltV2(context: string, generationId: string, index: number, salt: Uint8Array): Uint8Array {
  const position = new Uint8Array(4);
  new DataView(position.buffer).setUint32(0, index);
  return concat([
    lengthPrefixed(V2_LABEL),
    lengthPrefixed(encoder.encode(context)),
    lengthPrefixed(encoder.encode(generationId)),
    position,
    salt,
  ]);
}

/**
 * Version-3 salt, one per set: the version-2 layout without the position. Every field but
 * the last length-prefixed (4 bytes, big endian), so no two different (context, generation,
 * salt) triples give the same bytes, and bound to the context (the user id) as version 2 is.
 */
export function kdfSaltV3(context: string, generationId: string, salt: Uint8Array): Uint8Array {
  return concat([
    lengthPrefixed(V3_LABEL),
    lengthPrefixed(encoder.encode(context)),
    lengthPrefixed(encoder.encode(generationId)),
    salt,
  ]);
}

// Only the slice of node:crypto used here, so that the core needs no Node type definitions.
type NodeScrypt = (
  password: Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
  callback: (error: Error | null | undefined, key: Uint8Array) => void,
) => void;

let nativeScrypt: NodeScrypt | null | undefined;

/** `node:crypto.scrypt` where the runtime has it (see platform/builtin.ts), else null. */
function loadNativeScrypt(): NodeScrypt | null {
  if (nativeScrypt !== undefined) return nativeScrypt;
  const crypto = loadBuiltin('node:crypto') as { scrypt?: unknown } | undefined;
  nativeScrypt = typeof crypto?.scrypt === 'function' ? (crypto.scrypt as NodeScrypt) : null;
  return nativeScrypt;
}

/**
 * Which scrypt `'auto'` uses in this runtime: `'native'` (`node:crypto.scrypt`, off the main
 * thread) on Node 20.16 and later, Bun and Deno; `'portable'` (`@noble/hashes`) elsewhere,
 * e.g. in browsers and Cloudflare Workers.
 *
 * @returns `'native'` or `'portable'`
 * @example
 * ```ts
 * import { defaultScryptImplementation } from 'factorkit';
 *
 * if (defaultScryptImplementation() === 'portable') {
 *   console.warn('backup-code checks will run scrypt on the main thread');
 * }
 * ```
 */
export function defaultScryptImplementation(): 'native' | 'portable' {
  return loadNativeScrypt() === null ? 'portable' : 'native';
}

function deriveNative(scrypt: NodeScrypt, password: Uint8Array, salt: Uint8Array, params: ScryptParams) {
  const { N, r, p } = params;
  // OpenSSL's own accounting (V plus B) with room to spare; the bounds above keep it under 257 MiB.
  const maxmem = 128 * r * (N + p + 2) + 2 ** 20;
  return new Promise<Uint8Array>((resolve, reject) => {
    scrypt(password, salt, DIGEST_BYTES, { N, r, p, maxmem }, (error, key) => {
      if (error) return reject(error);
      // A plain Uint8Array: the key arrives as a Node Buffer, which the core never hands out.
      const digest = new Uint8Array(key);
      key.fill(0);
      resolve(digest);
    });
  });
}

/** A derivation function for a checked choice (see {@link checkScryptOption}). */
export function resolveScrypt(choice: ScryptImplementation): ScryptFunction {
  if (typeof choice === 'function') return choice;
  const native = choice === 'portable' ? null : loadNativeScrypt();
  if (native !== null) return (password, salt, params) => deriveNative(native, password, salt, params);
  return (password, salt, params) => scryptAsync(password, salt, params);
}

/**
 * The `scrypt` option, checked where it is given: one of the three names or a function, and
 * `'native'` only where the runtime has it.
 */
export function checkScryptOption(value: unknown): ScryptImplementation {
  if (value === undefined) return 'auto';
  if (value !== 'auto' && value !== 'native' && value !== 'portable' && typeof value !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', "scrypt must be 'auto', 'native', 'portable' or a function");
  }
  if (value === 'native' && loadNativeScrypt() === null) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      "scrypt: 'native' needs node:crypto through process.getBuiltinModule (Node 20.16+, Bun, Deno)",
    );
  }
  return value as ScryptImplementation;
}

/** One derivation: scrypt(code, salt) with `dkLen` 32, through the chosen implementation. */
export async function derive(
  scrypt: ScryptFunction,
  code: string,
  salt: Uint8Array,
  params: ScryptParams,
): Promise<Uint8Array> {
  const digest: unknown = await scrypt(encoder.encode(code), salt, {
    N: params.N,
    r: params.r,
    p: params.p,
    dkLen: DIGEST_BYTES,
  });
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_BYTES) {
    throw new FactorkitError('INVALID_ARGUMENT', `scrypt must resolve to a Uint8Array of ${DIGEST_BYTES} bytes`);
  }
  return digest;
}

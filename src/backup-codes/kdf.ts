// The slow KDF behind backup codes and the policy on its parameters. Every derivation goes
// through `backupKdf.derive` so a test can count derivations per verification (issue 4: one,
// whatever the number of codes) without a test-only option on the public API.
import { scryptAsync } from '@noble/hashes/scrypt.js';

/**
 * scrypt cost parameters (RFC 7914 §2) for backup codes. Memory per derivation is
 * 128·N·r bytes; the derived length is fixed at 32 bytes.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type ScryptParams } from 'factorkit';
 *
 * // OWASP's 64 MiB row: less parallel work, more memory than the default.
 * const kdf: ScryptParams = { N: 2 ** 16, r: 8, p: 2 };
 * const { set } = await generateBackupCodes({ kdf });
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

export const DIGEST_BYTES = 32;
/** 16 MiB and ~0.3 s per derivation on a 2020s server core; OWASP's N=2^14, r=8, p=5 row. */
export const DEFAULT_KDF: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 14, r: 8, p: 5 });

/**
 * OWASP Password Storage Cheat Sheet, "scrypt": equally strong minimum configurations
 * (memory traded for passes). Parameters are strong enough when they are at least one of
 * these rows in every component.
 */
export const OWASP_SCRYPT_MINIMUMS: readonly Readonly<ScryptParams>[] = Object.freeze([
  { N: 2 ** 17, r: 8, p: 1 },
  { N: 2 ** 16, r: 8, p: 2 },
  { N: 2 ** 15, r: 8, p: 3 },
  { N: 2 ** 14, r: 8, p: 5 },
  { N: 2 ** 13, r: 8, p: 10 },
]);

// Upper bounds, applied to stored sets too: a tampered set must not be able to make one
// verification allocate gigabytes or run for minutes (N = 2^30 would be 128 GiB).
export const MAX_N = 2 ** 20;
export const MAX_R = 32;
export const MAX_P = 16;
/** 128·N·r bytes of scrypt memory at most: 256 MiB. */
export const MAX_N_TIMES_R = 2 ** 21;
/** N·r·p at most: 8× OWASP's strongest row, ~12× the default's running time. */
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

/** True when `params` meet one of the OWASP minimum configurations in every component. */
export function meetsOwaspMinimum(params: ScryptParams): boolean {
  return OWASP_SCRYPT_MINIMUMS.some((min) => params.N >= min.N && params.r >= min.r && params.p >= min.p);
}

const encoder = new TextEncoder();

/**
 * The scrypt salt for a set: a domain-separation label carrying the generation id, then the
 * set's random salt. The label ties every digest to its own generation and to this use.
 */
export function kdfSalt(generationId: string, salt: Uint8Array): Uint8Array {
  const label = encoder.encode(`factorkit/backup-code/v1/${generationId}/`);
  const out = new Uint8Array(label.length + salt.length);
  out.set(label);
  out.set(salt, label.length);
  return out;
}

/** The derivation seam. Not public API: exported only so tests can observe it. */
export const backupKdf = {
  /** scrypt(normalised code, salt) with `dkLen` 32, yielding the event loop while it runs. */
  derive(code: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
    return scryptAsync(encoder.encode(code), salt, { N: params.N, r: params.r, p: params.p, dkLen: DIGEST_BYTES });
  },
};

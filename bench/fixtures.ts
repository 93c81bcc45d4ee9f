// Shared inputs: one secret per algorithm, one fixed moment, and the codes around it, computed
// by factorkit and cross-checked against every peer before anything is timed
// (see harness.checkOutcomes).
import { encodeBase32, generateTotp, type HashAlgorithm } from 'factorkit';

export const PERIOD_SECONDS = 30;
/** Halfway through a step, so a window in seconds (otplib, oslo) covers exactly ±N steps. */
export const TIME_MS = Math.floor(1_750_000_000_000 / 30_000) * 30_000 + 15_000;
export const TIME_SECONDS = TIME_MS / 1000;

/** One secret and the codes the cases need, for one algorithm. */
export interface Fixture {
  algorithm: HashAlgorithm;
  bytes: Uint8Array;
  /** What every subject is given on every call: the secret as stored, base32 text. */
  base32: string;
  now: string;
  /** The valid code one step ahead: a verifier with window 1 has to try all three candidates. */
  next: string;
  /** A well-formed code that matches no step within ±10, so window 10 computes all 21 candidates. */
  invalid: string;
}

function fixture(algorithm: HashAlgorithm, length: number): Fixture {
  // Fixed bytes, not all ASCII.
  const bytes = Uint8Array.from({ length }, (_, i) => (i * 73 + 41) & 0xff);
  const base32 = encodeBase32(bytes);
  const at = (delta: number) => generateTotp(base32, { algorithm, time: TIME_MS + delta * PERIOD_SECONDS * 1000 });
  const near = new Set<string>();
  for (let delta = -10; delta <= 10; delta++) near.add(at(delta));
  let invalid = 123456;
  while (near.has(invalid.toString().padStart(6, '0'))) invalid = (invalid + 1) % 1_000_000;
  return { algorithm, bytes, base32, now: at(0), next: at(1), invalid: invalid.toString().padStart(6, '0') };
}

/** 20 bytes, 160 bits: RFC 4226 §4's recommendation and what authenticator apps are given. */
export const SHA1 = fixture('SHA1', 20);
/** 64 bytes, the SHA-512 key length of RFC 6238 Appendix B (one SHA-512 block holds up to 128). */
export const SHA512 = fixture('SHA512', 64);

export const ISSUER = 'Example Co';
export const ACCOUNT = 'alice@example.com';

// Shared inputs: one secret, one fixed moment, and the codes around it, computed by factorkit
// and cross-checked against every peer before anything is timed (see harness.checkOutcomes).
import { encodeBase32, generateTotp } from 'factorkit';

/** 160 fixed bytes-worth of secret (20 bytes, the RFC 4226 §4 recommendation), not all-ASCII. */
export const SECRET_BYTES = Uint8Array.from({ length: 20 }, (_, i) => (i * 73 + 41) & 0xff);
export const SECRET_BASE32 = encodeBase32(SECRET_BYTES);

export const PERIOD_SECONDS = 30;
/** Halfway through a step, so a window in seconds (otplib, oslo) covers exactly ±N steps. */
export const TIME_MS = Math.floor(1_750_000_000_000 / 30_000) * 30_000 + 15_000;
export const TIME_SECONDS = TIME_MS / 1000;

export const CODE_NOW = generateTotp(SECRET_BASE32, { time: TIME_MS });
/** The valid code one step ahead: a verifier with window 1 has to try all three candidates. */
export const CODE_NEXT = generateTotp(SECRET_BASE32, { time: TIME_MS + PERIOD_SECONDS * 1000 });

/** A well-formed code that matches no step within ±10, so window 10 computes all 21 candidates. */
export const CODE_INVALID = ((): string => {
  const near = new Set<string>();
  for (let delta = -10; delta <= 10; delta++) {
    near.add(generateTotp(SECRET_BASE32, { time: TIME_MS + delta * PERIOD_SECONDS * 1000 }));
  }
  for (let n = 123456; ; n = (n + 1) % 1_000_000) {
    const code = n.toString().padStart(6, '0');
    if (!near.has(code)) return code;
  }
})();

export const ISSUER = 'Example Co';
export const ACCOUNT = 'alice@example.com';

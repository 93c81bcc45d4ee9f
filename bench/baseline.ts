// The per-step baseline: the most direct TOTP one can write on @noble/hashes, with the HMAC
// keyed afresh for every candidate step (hmac(hash, key, counter) each time), which is what
// most libraries do (otpauth's browser build among them). It runs the same noble hash code as
// factorkit, so the gap between the two is what keying once per verification buys.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha512 } from '@noble/hashes/sha2.js';

const HASHES = { SHA1: sha1, SHA512: sha512 };
export type BaselineAlgorithm = keyof typeof HASHES;

const TWO_POW_32 = 2 ** 32;

function hotpValue(hash: (typeof HASHES)[BaselineAlgorithm], key: Uint8Array, counter: number): number {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / TWO_POW_32));
  view.setUint32(4, counter % TWO_POW_32);
  const mac = hmac(hash, key, message);
  const offset = mac[mac.length - 1]! & 0x0f;
  const truncated =
    ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return truncated % 1_000_000;
}

function stepAt(timeMs: number, periodSeconds: number): number {
  return Math.floor(timeMs / (periodSeconds * 1000));
}

export function baselineGenerate(
  algorithm: BaselineAlgorithm,
  secretBase32: string,
  timeMs: number,
  periodSeconds: number,
): string {
  const key = decodeBase32IgnorePadding(secretBase32);
  return hotpValue(HASHES[algorithm], key, stepAt(timeMs, periodSeconds)).toString().padStart(6, '0');
}

/** Every candidate is computed (no early exit), like factorkit; returns the delta or null. */
export function baselineVerify(
  algorithm: BaselineAlgorithm,
  code: string,
  secretBase32: string,
  timeMs: number,
  periodSeconds: number,
  window: number,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const expected = Number(code);
  const key = decodeBase32IgnorePadding(secretBase32);
  const step = stepAt(timeMs, periodSeconds);
  let found: number | null = null;
  for (let delta = -window; delta <= window; delta++) {
    if (hotpValue(HASHES[algorithm], key, step + delta) === expected && found === null) found = delta;
  }
  return found;
}

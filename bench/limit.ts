// The "limit" baseline: the most direct TOTP one can write on @noble/hashes, with the HMAC
// keyed afresh for every candidate step (hmac(sha1, key, counter) each time), which is what
// most libraries do. factorkit keys once per verification, so it should beat this.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';

const TWO_POW_32 = 2 ** 32;

function hotpValue(key: Uint8Array, counter: number): number {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / TWO_POW_32));
  view.setUint32(4, counter % TWO_POW_32);
  const mac = hmac(sha1, key, message);
  const offset = mac[mac.length - 1]! & 0x0f;
  const truncated =
    ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return truncated % 1_000_000;
}

function stepAt(timeMs: number, periodSeconds: number): number {
  return Math.floor(timeMs / (periodSeconds * 1000));
}

export function limitGenerate(secretBase32: string, timeMs: number, periodSeconds: number): string {
  const key = decodeBase32IgnorePadding(secretBase32);
  return hotpValue(key, stepAt(timeMs, periodSeconds)).toString().padStart(6, '0');
}

/** Every candidate is computed (no early exit), like factorkit; returns the delta or null. */
export function limitVerify(
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
    if (hotpValue(key, step + delta) === expected && found === null) found = delta;
  }
  return found;
}

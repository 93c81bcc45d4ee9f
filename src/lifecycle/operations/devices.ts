// Remembered devices ("trust this browser for 30 days"): an opaque token for a cookie, of
// which only the SHA-256 is stored. The token carries 256 random bits, so a fast hash is
// enough (no password hashing: there is nothing to brute-force), and comparing hashes in
// constant time keeps a timing attacker from learning the stored one.
import { equalBytes } from '@noble/ciphers/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../../backup-codes/base64url.js';
import { randomBytes } from '../../otp/secret.js';
import type { RememberedDevice } from '../kernel/record.js';

const TOKEN_SECRET_BYTES = 32;
const DEVICE_ID_BYTES = 9;
export const DEFAULT_DEVICE_TTL_MS = 30 * 24 * 3600_000;
export const MIN_DEVICE_TTL_MS = 60_000;
export const MAX_DEVICE_TTL_MS = 400 * 24 * 3600_000;
/** A user signing in from more browsers than this loses the oldest remembered one. */
export const MAX_REMEMBERED_DEVICES = 20;
const encoder = new TextEncoder();

function tokenHash(token: string): string {
  return encodeBase64url(sha256(encoder.encode(`factorkit/remembered-device/v1/${token}`)));
}

/** A new device with its token: `<deviceId>.<secret>`, both base64url. */
export function newDevice(
  label: string | null,
  nowMs: number,
  ttlMs: number,
): { device: RememberedDevice; token: string } {
  const id = `d_${encodeBase64url(randomBytes(DEVICE_ID_BYTES))}`;
  const token = `${id}.${encodeBase64url(randomBytes(TOKEN_SECRET_BYTES))}`;
  return { device: { id, label, tokenHash: tokenHash(token), createdAt: nowMs, expiresAt: nowMs + ttlMs }, token };
}

/** The device a token names, when its hash matches (compared in constant time), or why not. */
export function matchDevice(
  devices: readonly RememberedDevice[],
  token: string,
  nowMs: number,
): { ok: true; device: RememberedDevice } | { ok: false; reason: 'invalid' | 'expired' } {
  const dot = token.indexOf('.');
  const device = dot > 0 && token.length <= 128 ? devices.find((d) => d.id === token.slice(0, dot)) : undefined;
  if (device === undefined) return { ok: false, reason: 'invalid' };
  const expected = decodeBase64url(device.tokenHash);
  const actual = decodeBase64url(tokenHash(token));
  // noble's comparison takes the same time whatever bytes differ, once lengths match.
  if (expected === undefined || actual === undefined || !equalBytes(expected, actual)) {
    return { ok: false, reason: 'invalid' };
  }
  if (nowMs >= device.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, device };
}

/** The devices still valid at `nowMs`, newest last, at most `MAX_REMEMBERED_DEVICES - room`. */
export function liveDevices(devices: readonly RememberedDevice[], nowMs: number, room = 0): RememberedDevice[] {
  const live = devices.filter((device) => device.expiresAt > nowMs);
  return live.slice(Math.max(0, live.length - (MAX_REMEMBERED_DEVICES - room)));
}

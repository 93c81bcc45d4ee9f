// Remembered devices ("trust this browser for 30 days"): an opaque token for a cookie, of
// which only a keyed hash is stored: HMAC-SHA256 under a key derived from the keyring
// (kernel/keyed-hash.ts), over the user id, the device id and the token. The token carries 256
// random bits, so a fast hash is enough (there is nothing to brute-force); keying it means
// someone who can write to the database cannot plant a token of their own, and binding it to
// the user means an entry copied from one user's record into another's matches nothing (E6).
//
// Entries made before (a plain SHA-256 of the token, no key id) are still accepted until they
// expire, and are re-keyed by the first check that accepts them (remembered-devices.ts).
import { equalBytes } from '@noble/ciphers/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../../backup-codes/base64url.js';
import { randomBytes } from '../../otp/secret.js';
import type { KeyedHasher } from '../kernel/keyed-hash.js';
import type { RememberedDevice } from '../kernel/record.js';

const TOKEN_SECRET_BYTES = 32;
const DEVICE_ID_BYTES = 9;
const PURPOSE = 'remembered-device';
export const DEFAULT_DEVICE_TTL_MS = 30 * 24 * 3600_000;
export const MIN_DEVICE_TTL_MS = 60_000;
export const MAX_DEVICE_TTL_MS = 400 * 24 * 3600_000;
/** A user signing in from more browsers than this loses the oldest remembered one. */
export const MAX_REMEMBERED_DEVICES = 20;
const encoder = new TextEncoder();

/** The hash of entries made before tokens were keyed: SHA-256 of the whole token. */
function legacyTokenHash(token: string): string {
  return encodeBase64url(sha256(encoder.encode(`factorkit/remembered-device/v1/${token}`)));
}

/** The stored fields of a token: its keyed hash, bound to the user and the device. */
export function keyedToken(
  hasher: KeyedHasher,
  userId: string,
  deviceId: string,
  token: string,
): Pick<RememberedDevice, 'tokenHash' | 'tokenKeyId'> {
  const { keyId, hash } = hasher.hash(PURPOSE, [userId, deviceId, token]);
  return { tokenHash: hash, tokenKeyId: keyId };
}

/** A new device of `userId` with its token: `<deviceId>.<secret>`, both base64url. */
export function newDevice(
  hasher: KeyedHasher,
  userId: string,
  label: string | null,
  nowMs: number,
  ttlMs: number,
): { device: RememberedDevice; token: string } {
  const id = `d_${encodeBase64url(randomBytes(DEVICE_ID_BYTES))}`;
  const token = `${id}.${encodeBase64url(randomBytes(TOKEN_SECRET_BYTES))}`;
  const device = { id, label, ...keyedToken(hasher, userId, id, token), createdAt: nowMs, expiresAt: nowMs + ttlMs };
  return { device, token };
}

/** Whether `token` is the one `device` stores the hash of, compared in constant time. */
function tokenMatches(hasher: KeyedHasher, userId: string, device: RememberedDevice, token: string): boolean {
  if (device.tokenKeyId !== undefined) {
    return hasher.matches(PURPOSE, [userId, device.id, token], { keyId: device.tokenKeyId, hash: device.tokenHash });
  }
  const expected = decodeBase64url(device.tokenHash);
  const actual = decodeBase64url(legacyTokenHash(token));
  // noble's comparison takes the same time whatever bytes differ, once lengths match.
  return expected !== undefined && actual !== undefined && equalBytes(expected, actual);
}

/** The device a token of `userId` names, when its hash matches, or why not. */
export function matchDevice(
  hasher: KeyedHasher,
  userId: string,
  devices: readonly RememberedDevice[],
  token: string,
  nowMs: number,
): { ok: true; device: RememberedDevice } | { ok: false; reason: 'invalid' | 'expired' } {
  const dot = token.indexOf('.');
  const device = dot > 0 && token.length <= 128 ? devices.find((d) => d.id === token.slice(0, dot)) : undefined;
  if (device === undefined || !tokenMatches(hasher, userId, device, token)) return { ok: false, reason: 'invalid' };
  if (nowMs >= device.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, device };
}

/** The devices still valid at `nowMs`, newest last, at most `MAX_REMEMBERED_DEVICES - room`. */
export function liveDevices(devices: readonly RememberedDevice[], nowMs: number, room = 0): RememberedDevice[] {
  const live = devices.filter((device) => device.expiresAt > nowMs);
  return live.slice(Math.max(0, live.length - (MAX_REMEMBERED_DEVICES - room)));
}

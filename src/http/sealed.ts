// Sealed cookies: a small JSON payload encrypted and authenticated with AES-256-GCM (the
// platform's, src/platform/aes-gcm.ts) under an HKDF subkey of the keyring, one per purpose
// (the lifecycle's SecretSealer derives them), with the purpose also in the additional data.
// So a step-up grant cannot be replayed as a pending ticket, a cookie sealed by another app's
// keyring opens nowhere, and any change to the bytes fails authentication. The key id travels
// with the cookie so a rotated keyring still opens what it sealed before.
import { decodeBase64url, encodeBase64url } from '../backup-codes/base64url.js';
import { SecretSealer } from '../lifecycle/kernel/crypto.js';
import type { Keyring } from '../lifecycle/index.js';
import { randomBytes } from '../otp/secret.js';
import { type AesGcm, platformAesGcm } from '../platform/aes-gcm.js';

const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export type SealPurpose = 'pending-sign-in' | 'step-up';

export interface CookieSealer {
  seal(purpose: SealPurpose, payload: object): Promise<string>;
  /** The payload, or undefined for anything that does not open: tampered, foreign, garbled. */
  open(purpose: SealPurpose, sealed: string): Promise<Record<string, unknown> | undefined>;
}

const aad = (purpose: SealPurpose) => encoder.encode(`factorkit:http:${purpose}:v1`);

export function cookieSealer(keyring: Keyring): CookieSealer {
  // Validates the keyring as createTwoFactor does (INVALID_KEYRING) and derives the subkeys.
  const keys = new SecretSealer(keyring);
  const cipher: AesGcm = platformAesGcm();
  const subkey = (purpose: SealPurpose, keyId?: string) => keys.macKey(`http-cookie:${purpose}`, keyId);
  return {
    async seal(purpose, payload) {
      const keyId = keys.currentKeyId!;
      const iv = randomBytes(IV_BYTES);
      const sealed = await cipher.encrypt(subkey(purpose)!, iv, aad(purpose), encoder.encode(JSON.stringify(payload)));
      return [encodeBase64url(encoder.encode(keyId)), encodeBase64url(iv), encodeBase64url(sealed)].join('.');
    },
    async open(purpose, text) {
      const [keyIdPart, ivPart, sealedPart, extra] = text.split('.');
      if (keyIdPart === undefined || ivPart === undefined || sealedPart === undefined || extra !== undefined) return;
      const keyIdBytes = decodeBase64url(keyIdPart);
      const iv = decodeBase64url(ivPart);
      const sealed = decodeBase64url(sealedPart);
      if (keyIdBytes === undefined || iv?.length !== IV_BYTES || sealed === undefined) return;
      try {
        const key = subkey(purpose, decoder.decode(keyIdBytes));
        if (key === undefined) return;
        const payload: unknown = JSON.parse(decoder.decode(await cipher.decrypt(key, iv, aad(purpose), sealed)));
        return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
      } catch {
        return undefined; // failed authentication, or not UTF-8 / JSON (cannot happen once authenticated)
      }
    },
  };
}

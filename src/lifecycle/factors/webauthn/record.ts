// The stored shape of a WebAuthn factor, validated field by field, and the two things that keep
// it honest in a database others can write: the credential's fields sealed with the keyring
// (AES-256-GCM bound to the user, so a credential planted or edited in the record is refused,
// and re-sealed under the current key on each write, as TOTP secrets are), and the challenges
// it was given, as keyed hashes that are used once.
import type { SealedSecret } from '../../kernel/crypto.js';
import type { ActiveFactorRecord, FactorContext, PendingFactorRecord } from '../../kernel/factor.js';
import type { KeyedHasher, StoredHash } from '../../kernel/keyed-hash.js';
import { isCount, isObject, isShortText, isStoredHash, isTime, parseSealed } from '../../kernel/parse.js';
import type { WebAuthnKind } from './types.js';

/** What is kept of a registered credential: what verifying its assertions needs, and what a security page shows. */
export interface StoredCredential {
  /** The credential id, base64url. */
  id: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** Its COSE algorithm: -7 (ES256), -8 (EdDSA), -257 (RS256). */
  algorithm: number;
  /** The highest signature counter accepted; 0 for authenticators that keep none (synced passkeys). */
  counter: number;
  transports: string[];
  aaguid: string;
  /** Backup eligible (BE): a synced passkey; false for a device-bound credential. */
  backupEligible: boolean;
  /** Backed up (BS), as last reported. */
  backupState: boolean;
  /** Whether the user was verified when it was registered. */
  userVerified: boolean;
}

/** A challenge handed out: its keyed hash (never the challenge), its expiry, and when it was used. */
export interface StoredChallenge {
  hash: StoredHash;
  expiresAt: number;
  usedAt: number | null;
  /** Handed out for a passwordless sign-in: answered only by a passkey that verified the user. */
  passwordless?: true;
}

interface WebAuthnFields {
  type: 'webauthn';
  kind: WebAuthnKind;
  /** The WebAuthn user handle of the account, base64url: random, the same for each of its credentials. */
  userHandle: string;
  challenges: StoredChallenge[];
}

export type PendingWebAuthnFactor = PendingFactorRecord &
  WebAuthnFields & {
    credential: null;
    /** The user handle it was begun with, sealed: the credential will be bound to it. */
    sealed: SealedSecret;
  };
export type ActiveWebAuthnFactor = ActiveFactorRecord &
  WebAuthnFields & {
    credential: StoredCredential;
    /** When a counter regression suspended it; null: usable. */
    suspendedAt: number | null;
    /** The user, the factor id, the kind, the user handle, the credential and the suspension, sealed. */
    sealed: SealedSecret;
  };
export type WebAuthnFactor = PendingWebAuthnFactor | ActiveWebAuthnFactor;

export const CHALLENGE_PURPOSE = 'webauthn-challenge';
/** Challenges a stored factor may hold, used and expired ones included: above it the record is corrupt. */
export const MAX_STORED_CHALLENGES = 64;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The transports a stored credential may list: WebAuthn's AuthenticatorTransport values. */
export const TRANSPORTS: ReadonlySet<unknown> = new Set([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);
/** Transports a stored credential lists at most. */
export const MAX_TRANSPORTS = 8;

const isBase64url = (value: unknown, max: number): value is string => isShortText(value, max) && BASE64URL.test(value);
/** A WebAuthn user handle as stored: base64url of at most 64 bytes (WebAuthn's limit on user.id). */
export const isUserHandle = (value: unknown): value is string => isBase64url(value, 86);

function parseCredential(raw: unknown): StoredCredential {
  if (!isObject(raw)) throw new Error('bad credential');
  const { id, publicKey, algorithm, counter, transports, aaguid, backupEligible, backupState, userVerified } = raw;
  if (!isBase64url(id, 1366) || !isBase64url(publicKey, 2048) || !Number.isSafeInteger(algorithm)) {
    throw new Error('bad credential key');
  }
  if (!isCount(counter) || counter > 0xffffffff || typeof aaguid !== 'string' || !AAGUID.test(aaguid)) {
    throw new Error('bad credential counter or AAGUID');
  }
  if (!Array.isArray(transports) || transports.length > MAX_TRANSPORTS || !transports.every((t) => TRANSPORTS.has(t))) {
    throw new Error('bad credential transports');
  }
  if (typeof backupEligible !== 'boolean' || typeof backupState !== 'boolean' || typeof userVerified !== 'boolean') {
    throw new Error('bad credential flags');
  }
  return {
    id,
    publicKey,
    algorithm: algorithm as number,
    counter,
    transports: [...transports],
    aaguid,
    backupEligible,
    backupState,
    userVerified,
  };
}

/**
 * Whether a newly registered credential is one this parser reads back. Attestation 'none' signs
 * nothing, so a client can register any credential id or key; one the parser refuses would make
 * every later read of the account CORRUPT_RECORD.
 */
export function isStorableCredential(credential: StoredCredential): boolean {
  try {
    parseCredential(credential);
    return true;
  } catch {
    return false;
  }
}

function parseChallenges(raw: unknown): StoredChallenge[] {
  if (!Array.isArray(raw) || raw.length > MAX_STORED_CHALLENGES) throw new Error('bad challenges');
  return raw.map((entry) => {
    if (!isObject(entry) || !isStoredHash(entry.hash) || !isTime(entry.expiresAt)) throw new Error('bad challenge');
    if (entry.usedAt !== null && !isTime(entry.usedAt)) throw new Error('bad challenge use');
    if (entry.passwordless !== undefined && entry.passwordless !== true) throw new Error('bad challenge purpose');
    const hash = { keyId: entry.hash.keyId, hash: entry.hash.hash };
    const stored: StoredChallenge = { hash, expiresAt: entry.expiresAt, usedAt: entry.usedAt };
    return entry.passwordless ? { ...stored, passwordless: true } : stored;
  });
}

/** The stored factor, validated field by field (the registry has checked the common fields). */
export function parseWebAuthnFactor(raw: Record<string, unknown>, userId: string): WebAuthnFactor {
  const { kind, userHandle } = raw;
  if (kind !== 'security-key' && kind !== 'passkey') throw new Error('bad kind');
  if (!isUserHandle(userHandle)) throw new Error('bad user handle');
  const fields = { kind: kind as WebAuthnKind, userHandle, challenges: parseChallenges(raw.challenges) };
  if (raw.state === 'pending') {
    if (raw.credential !== null) throw new Error('a pending factor has no credential yet');
    const sealed = parseSealed(userId, raw.sealed);
    return { ...(raw as unknown as PendingWebAuthnFactor), ...fields, credential: null, sealed };
  }
  if (raw.suspendedAt !== null && !isTime(raw.suspendedAt)) throw new Error('bad suspension');
  return {
    ...(raw as unknown as ActiveWebAuthnFactor),
    ...fields,
    credential: parseCredential(raw.credential),
    suspendedAt: raw.suspendedAt,
    sealed: parseSealed(userId, raw.sealed),
  };
}

/** What the seal covers: everything that decides whether an assertion is accepted, in a fixed order. */
function sealedText(userId: string, factor: Omit<ActiveWebAuthnFactor, 'sealed'>): string {
  const c = factor.credential;
  const flags = `${c.backupEligible}/${c.backupState}/${c.userVerified}`;
  const credential = [c.id, c.publicKey, c.algorithm, c.counter, c.transports.join(','), c.aaguid, flags];
  return JSON.stringify([userId, factor.id, factor.kind, factor.userHandle, ...credential, factor.suspendedAt]);
}

type Sealing = Pick<FactorContext, 'seal' | 'open'>;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The factor with its credential sealed again (after its counter, flags or suspension moved). */
export async function sealCredential(
  sealing: Sealing,
  userId: string,
  factor: Omit<ActiveWebAuthnFactor, 'sealed'>,
): Promise<ActiveWebAuthnFactor> {
  return { ...factor, sealed: await sealing.seal(encoder.encode(sealedText(userId, factor))) };
}

/**
 * Whether the stored credential is the one factorkit sealed for this user: not planted (a
 * ciphertext made for another user does not open for this one), not edited (the fields must be
 * what was sealed).
 */
export async function credentialIntact(
  sealing: Sealing,
  userId: string,
  factor: ActiveWebAuthnFactor,
): Promise<boolean> {
  try {
    return decoder.decode(await sealing.open(factor.sealed)) === sealedText(userId, factor);
  } catch {
    return false;
  }
}

/** Whether a pending factor's user handle is the one it was begun with. */
export async function handleIntact(sealing: Sealing, factor: PendingWebAuthnFactor): Promise<boolean> {
  try {
    return decoder.decode(await sealing.open(factor.sealed)) === factor.userHandle;
  } catch {
    return false;
  }
}

export const sealHandle = (sealing: Pick<FactorContext, 'seal'>, userHandle: string) =>
  sealing.seal(encoder.encode(userHandle));

/** The keyed hash of a challenge handed to `userId` (so one user's challenge never matches another's record). */
export function hashChallenge(hasher: KeyedHasher, userId: string, challenge: string): StoredHash {
  return hasher.hash(CHALLENGE_PURPOSE, [userId, challenge]);
}

/** The stored entry `challenge` hashes to, if any. */
export function findChallenge(ctx: FactorContext, factor: WebAuthnFactor, challenge: string) {
  return factor.challenges.find((entry) => ctx.hasher.matches(CHALLENGE_PURPOSE, [ctx.userId, challenge], entry.hash));
}

/**
 * The challenges after one more was handed out: expired and used ones are kept one more
 * lifetime (to answer `replayed` or `expired` rather than `invalid`), and at most `maxLive`
 * are live at once, the oldest dropped first.
 */
export function withChallenge(
  challenges: StoredChallenge[],
  added: StoredChallenge,
  nowMs: number,
  ttlMs: number,
  maxLive: number,
): StoredChallenge[] {
  const recent = challenges.filter((entry) => entry.expiresAt + ttlMs > nowMs);
  const live = recent.filter((entry) => entry.usedAt === null && entry.expiresAt > nowMs);
  const dropped = new Set(live.slice(0, Math.max(0, live.length - maxLive + 1)));
  const kept = recent.filter((entry) => !dropped.has(entry));
  return [...kept, added].slice(-MAX_STORED_CHALLENGES);
}

/** The challenges with `used` marked used at `nowMs`. */
export function withChallengeUsed(challenges: StoredChallenge[], used: StoredChallenge, nowMs: number) {
  return challenges.map((entry) => (entry === used ? { ...entry, usedAt: nowMs } : entry));
}

// Encryption at rest for TOTP secrets (and every other sealed field): AES-256-GCM, the
// platform's own (platform/aes-gcm.ts: node:crypto where there is one, else Web Crypto), with a
// keyring so keys can rotate. The additional authenticated data binds each ciphertext to its
// user, so a secret copied into another user's record fails to decrypt instead of being accepted.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../../backup-codes/base64url.js';
import { FactorkitError } from '../../errors/index.js';
import { randomBytes } from '../../otp/secret.js';
import { type AesGcm, platformAesGcm } from '../../platform/aes-gcm.js';

/**
 * AES-256-GCM keys for TOTP secrets at rest. New secrets are encrypted under `currentKeyId`;
 * every key in `keys` still decrypts, so rotating is: add a new key, make it current, and keep
 * the old one until every record has been written again (each write re-encrypts under the
 * current key).
 *
 * @example
 * ```ts
 * import type { Keyring } from 'factorkit';
 *
 * const keyring: Keyring = {
 *   currentKeyId: '2026-01',
 *   keys: { '2026-01': crypto.getRandomValues(new Uint8Array(32)) },
 * };
 * ```
 */
export interface Keyring {
  /** The id of the key new secrets are encrypted under; must be a key of `keys`. */
  currentKeyId: string;
  /** Key id (1..64 characters) to 32 random bytes. */
  keys: Record<string, Uint8Array>;
}

/** A TOTP secret as kept in a record: AES-256-GCM ciphertext, or (no keyring) plain base32. */
export type SealedSecret = { enc: 'A256GCM'; keyId: string; iv: string; ct: string } | { enc: 'none'; secret: string };

/** An opened secret in the cache, with what factors prepared from it (see openPrepared). */
interface OpenedSecret {
  /** What was opened: the rest of the stored text and the user, all compared on a hit. */
  readonly keyId: string;
  readonly iv: string;
  readonly userId: string;
  readonly plain: Uint8Array;
  prepared: Map<unknown, unknown> | undefined;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const AAD_PREFIX = 'factorkit:totp-secret:v1:';
/** Opened secrets kept per sealer, at most (the oldest goes first)... */
const OPENED_CACHE_SIZE = 10_000;
/**
 * ...and at most this many bytes of them, as {@link entryBytes} counts them (issue 28): bounded only
 * by entries, the cache would grow with the length of user ids and secrets (21 MB for 10,000
 * users with 255-character ids and 64-byte secrets). A typical entry (a 20-byte secret, an id of
 * 30 characters, its keyed HMAC) counts about 1.5 kB, a little over the 1.2 kB measured on Node's
 * heap, so 16 MiB keeps the 10,000 of them.
 */
const OPENED_CACHE_BYTES = 16 * 1024 * 1024;
/**
 * What one preparation (a keyed HMAC: the inner and outer hash states, cloned per check) is
 * counted as: SHA-512's two states with their buffers and object headers, rounded up.
 */
const PREPARED_BYTES = 1024;
/** A Map entry, the OpenedSecret object and the Uint8Array header, rounded up. */
const ENTRY_OVERHEAD_BYTES = 256;

/** The memory an opened secret holds, counted the same way on every runtime (strings as UTF-16). */
function entryBytes(ct: string, entry: OpenedSecret): number {
  const text = ct.length + entry.keyId.length + entry.iv.length + entry.userId.length;
  return ENTRY_OVERHEAD_BYTES + 2 * text + entry.plain.length + (entry.prepared?.size ?? 0) * PREPARED_BYTES;
}

/** Encrypts and decrypts secrets for one keyring (or none: then secrets are stored in clear). */
export class SecretSealer {
  private readonly keyBytes = new Map<string, Uint8Array>();
  /**
   * Secrets opened recently, by their stored ciphertext text (random per seal, so unique), each
   * entry holding the rest of what must match: key id, IV and user. Keyed by the ciphertext
   * string itself rather than a string built per lookup: the record's string is the same object
   * from one sign-in to the next, so its hash is computed once, and a lookup allocates nothing.
   * Opening costs more than the whole TOTP check (AES-GCM sets up its GHASH tables per call),
   * and a sign-in opens one secret per active factor. A cached entry can only be hit by the
   * same key id, IV, ciphertext and tag that authenticated before, so a tampered or moved
   * secret still goes through (and fails) real decryption. The plaintext kept here is no more
   * exposure than the keyring itself, which sits in the same memory and opens every record.
   */
  private readonly opened = new Map<string, OpenedSecret>();
  /** The bytes {@link entryBytes} counts for the entries of `opened`. */
  private openedBytes = 0;
  /** Derived keyed-hash keys, by key id and purpose: a handful at most. */
  private readonly macKeys = new Map<string, Uint8Array>();
  readonly currentKeyId: string | undefined;
  /**
   * Whether parts of a record the keyring does not protect yet are accepted, to be protected on
   * their next write: a secret stored in clear, a backup-code set without its keyed binding.
   * Always true without a keyring; with one, only while the app migrates (migratePlaintextSecrets).
   */
  readonly acceptsPlaintext: boolean;
  /** The runtime's AES-256-GCM, looked up once a keyring is given. */
  private readonly cipher: AesGcm | undefined;

  /**
   * @param keyring - the app's keyring, or undefined to store secrets in clear
   * @param acceptsPlaintext - with a keyring, open secrets stored in clear instead of refusing
   * them (a migration of records written before the keyring); without one, always true
   * @param cipher - which AES-256-GCM (the tests compare them); default the runtime's own
   */
  constructor(keyring: unknown, acceptsPlaintext = false, cipher: 'auto' | AesGcm['name'] = 'auto') {
    this.acceptsPlaintext = keyring === undefined || acceptsPlaintext;
    if (keyring === undefined) return;
    if (typeof keyring !== 'object' || keyring === null) {
      throw new FactorkitError('INVALID_KEYRING', 'keyring must be { currentKeyId, keys }');
    }
    const { currentKeyId, keys } = keyring as Partial<Keyring>;
    if (typeof keys !== 'object' || keys === null) {
      throw new FactorkitError('INVALID_KEYRING', 'keyring.keys must be an object of key id to 32-byte Uint8Array');
    }
    for (const [keyId, key] of Object.entries(keys)) {
      if (keyId.length === 0 || keyId.length > 64) {
        throw new FactorkitError('INVALID_KEYRING', 'keyring key ids must be 1 to 64 characters');
      }
      if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
        throw new FactorkitError('INVALID_KEYRING', `keyring key '${keyId}' must be a Uint8Array of exactly 32 bytes`);
      }
      // A copy, so later changes to the caller's array cannot change the key in use.
      this.keyBytes.set(keyId, new Uint8Array(key));
    }
    if (typeof currentKeyId !== 'string' || !this.keyBytes.has(currentKeyId)) {
      throw new FactorkitError('INVALID_KEYRING', 'keyring.currentKeyId must name one of keyring.keys');
    }
    this.currentKeyId = currentKeyId;
    this.cipher = platformAesGcm(cipher);
  }

  get encrypts(): boolean {
    return this.currentKeyId !== undefined;
  }

  /** Seals raw secret bytes for `userId` under the current key (or in clear without a keyring). */
  async seal(userId: string, secret: Uint8Array): Promise<SealedSecret> {
    const keyId = this.currentKeyId;
    if (keyId === undefined) return { enc: 'none', secret: encodeBase64url(secret) };
    const iv = randomBytes(IV_BYTES);
    const ciphertext = await this.cipher!.encrypt(this.keyBytes.get(keyId)!, iv, aad(userId), secret);
    const sealed = { enc: 'A256GCM', keyId, iv: encodeBase64url(iv), ct: encodeBase64url(ciphertext) } as const;
    // What this sealer has just sealed it knows the plaintext of: kept as if opened, so the next
    // read (the confirmation of a new secret, the sign-in after a security key's credential was
    // re-sealed with its new counter) takes it without decrypting. A copy: callers zero theirs.
    this.keep(userId, sealed, secret.slice());
    return sealed;
  }

  /**
   * Opens a sealed secret of `userId`.
   * @throws FactorkitError `DECRYPTION_FAILED` for an unknown key id or a tampered, swapped or
   * garbled ciphertext; `UNENCRYPTED_SECRET` for a secret in clear under a keyring
   */
  async open(userId: string, sealed: SealedSecret): Promise<Uint8Array> {
    if (sealed.enc === 'none') return this.openPlain(sealed);
    // A copy: callers zero what they are given once they are done with it.
    const opened = this.cachedSecret(userId, sealed) ?? (await this.openEncrypted(userId, sealed));
    return opened.plain.slice();
  }

  /**
   * What `prepare` makes of the secret `sealed` holds (an HMAC keyed with it), kept with the
   * opened secret: a factor checked on every sign-in prepares it once, not per check. `prepare`
   * must be one function per kind of preparation (it is the cache key) and must not keep the
   * bytes it is given: they are zeroed after it returns.
   * @throws as {@link SecretSealer.open}
   */
  async openPrepared<T>(userId: string, sealed: SealedSecret, prepare: (secret: Uint8Array) => T): Promise<T> {
    if (sealed.enc === 'none') {
      const bytes = this.openPlain(sealed);
      try {
        return prepare(bytes);
      } finally {
        bytes.fill(0);
      }
    }
    // A cached secret is taken without a turn of the event loop: this is every sign-in's path.
    const opened = this.cachedSecret(userId, sealed) ?? (await this.openEncrypted(userId, sealed));
    opened.prepared ??= new Map();
    let prepared = opened.prepared.get(prepare) as T | undefined;
    if (prepared === undefined) {
      const bytes = opened.plain.slice();
      try {
        prepared = prepare(bytes);
      } finally {
        bytes.fill(0);
      }
      opened.prepared.set(prepare, prepared);
      if (this.opened.get(sealed.ct) === opened) {
        this.openedBytes += PREPARED_BYTES;
        this.evictOverBudget();
      }
    }
    return prepared;
  }

  private openPlain(sealed: Extract<SealedSecret, { enc: 'none' }>): Uint8Array {
    // With a keyring, a secret in clear is what someone who can write to the database would
    // leave to plant a secret of their own (or to downgrade one): refused unless the app is
    // migrating records written before it had a keyring.
    if (!this.acceptsPlaintext) {
      throw new FactorkitError(
        'UNENCRYPTED_SECRET',
        'stored secret is not encrypted although a keyring is configured (see migratePlaintextSecrets)',
      );
    }
    const bytes = decodeBase64url(sealed.secret);
    if (bytes === undefined) throw new FactorkitError('DECRYPTION_FAILED', 'stored secret is not valid base64url');
    return bytes;
  }

  /**
   * The cache entry of exactly this stored text for this user, if it decrypted before: a hit is
   * text that decoded and authenticated then, so it is not decoded again. A key since removed
   * from the keyring is no hit (the keyring is fixed per sealer, so this cannot happen today).
   */
  private cachedSecret(userId: string, sealed: Extract<SealedSecret, { enc: 'A256GCM' }>): OpenedSecret | undefined {
    const entry = this.opened.get(sealed.ct);
    const hit =
      entry !== undefined && entry.keyId === sealed.keyId && entry.iv === sealed.iv && entry.userId === userId;
    return hit ? entry : undefined;
  }

  /** Decrypts a secret not in the cache and keeps it there. */
  private async openEncrypted(
    userId: string,
    sealed: Extract<SealedSecret, { enc: 'A256GCM' }>,
  ): Promise<OpenedSecret> {
    const key = this.keyBytes.get(sealed.keyId);
    if (key === undefined) {
      throw new FactorkitError(
        'DECRYPTION_FAILED',
        `stored secret is encrypted under key '${sealed.keyId}', which is not in the keyring`,
      );
    }
    const iv = decodeBase64url(sealed.iv);
    const ciphertext = decodeBase64url(sealed.ct);
    if (iv === undefined || iv.length !== IV_BYTES || ciphertext === undefined) {
      throw new FactorkitError('DECRYPTION_FAILED', 'stored secret has a malformed IV or ciphertext');
    }
    let plain: Uint8Array;
    try {
      plain = await this.cipher!.decrypt(key, iv, aad(userId), ciphertext);
    } catch (error) {
      throw new FactorkitError(
        'DECRYPTION_FAILED',
        "stored secret failed authentication (tampered, or not this user's)",
        {
          cause: error,
        },
      );
    }
    return this.keep(userId, sealed, plain);
  }

  /** Keeps `plain` as the opened text of `sealed`, the newest entry of the cache. */
  private keep(userId: string, sealed: Extract<SealedSecret, { enc: 'A256GCM' }>, plain: Uint8Array): OpenedSecret {
    const opened: OpenedSecret = { keyId: sealed.keyId, iv: sealed.iv, userId, plain, prepared: undefined };
    this.forget(sealed.ct);
    this.opened.set(sealed.ct, opened);
    this.openedBytes += entryBytes(sealed.ct, opened);
    this.evictOverBudget();
    return opened;
  }

  /**
   * Drops the oldest opened secrets while the cache holds more entries or bytes than allowed.
   * An evicted entry is dropped, not zeroed: a check that has just been handed it may not have
   * used it yet (its continuation runs after this one).
   */
  private evictOverBudget(): void {
    while (this.opened.size > OPENED_CACHE_SIZE || (this.openedBytes > OPENED_CACHE_BYTES && this.opened.size > 1)) {
      this.forget(this.opened.keys().next().value!);
    }
  }

  private forget(ct: string): void {
    const entry = this.opened.get(ct);
    if (entry === undefined) return;
    this.opened.delete(ct);
    this.openedBytes -= entryBytes(ct, entry);
  }

  /** How many opened secrets are cached, and the bytes counted for them (for the tests). */
  get openedCacheSize(): { entries: number; bytes: number } {
    return { entries: this.opened.size, bytes: this.openedBytes };
  }

  /**
   * A 32-byte key for keyed hashes (the HMACs of delivered codes and approval tokens), derived
   * with HKDF-SHA256 from keyring key `keyId` (default: the current one) and `purpose`, so it
   * is never the encryption key itself and each purpose has its own.
   * @returns undefined without a keyring, or when `keyId` is not in it
   */
  macKey(purpose: string, keyId: string | undefined = this.currentKeyId): Uint8Array | undefined {
    const keyBytes = keyId === undefined ? undefined : this.keyBytes.get(keyId);
    if (keyBytes === undefined) return undefined;
    const cacheKey = `${keyId}\u0000${purpose}`;
    let derived = this.macKeys.get(cacheKey);
    if (derived === undefined) {
      derived = hkdf(sha256, keyBytes, undefined, new TextEncoder().encode(`factorkit:mac:v1:${purpose}`), 32);
      this.macKeys.set(cacheKey, derived);
    }
    return derived;
  }

  /** True when `sealed` is not under the current key, so the next write should re-seal it. */
  isStale(sealed: SealedSecret): boolean {
    if (this.currentKeyId === undefined) return false;
    return sealed.enc === 'none' || sealed.keyId !== this.currentKeyId;
  }
}

function aad(userId: string): Uint8Array {
  return new TextEncoder().encode(AAD_PREFIX + userId);
}

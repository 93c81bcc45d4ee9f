// Backup (recovery) codes: NIST SP 800-63B look-up secrets. The plaintext exists only in the
// result of generateBackupCodes; what is stored is one scrypt digest per code. Every version
// costs one derivation per check. Version 3 (what generateBackupCodes makes): one random salt
// per set, bound to the context, and codes typed as printed, without any position: a check
// derives once and compares against every digest. Version 2 (older sets, still verified): a
// salt per code, and the code's position written in the code itself (`3-ABCDE-...`), which
// selects the one salt to derive with. Version 1 (older still): version 3's scheme without
// the context binding, and 15-symbol codes.
import { FactorkitError } from '../errors/index.js';
import { checkBoolean, checkOptionsObject, checkTimeMs } from '../validation/index.js';
import { randomBytes } from '../otp/secret.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import {
  CODE_LENGTH,
  LEGACY_CODE_LENGTH,
  MAX_CODES_PER_SET,
  compactTypedCode,
  formatCode,
  isSymbols,
  parsePositionedCode,
  randomCode,
} from './code.js';
import {
  DEFAULT_KDF,
  DIGEST_BYTES,
  checkScryptOption,
  derive,
  kdfParamsProblem,
  kdfSaltV1,
  kdfSaltV2,
  kdfSaltV3,
  meetsCodeMinimum,
  resolveScrypt,
  type ScryptImplementation,
  type ScryptParams,
} from './kdf.js';

export type { ScryptParams } from './kdf.js';

/** Codes per set: at least one, at most 20. */
const MIN_COUNT = 1;
const MAX_COUNT = MAX_CODES_PER_SET;
const DEFAULT_COUNT = 5;
/** 128 bits: NIST SP 800-63B §5.1.1.2 asks for salts of at least 32 bits; we use four times that. */
const SALT_BYTES = 16;
const GENERATION_ID_BYTES = 16;
/** Stored salts and generation ids: at least 128 bits, and no absurd lengths. */
const MIN_RANDOM_FIELD_BYTES = 16;
const MAX_RANDOM_FIELD_BYTES = 64;
const MAX_RANDOM_FIELD_CHARS = Math.ceil((MAX_RANDOM_FIELD_BYTES * 4) / 3);
/** A real set serialises to under 4 KiB; refusing far larger text bounds parsing work. */
const MAX_JSON_LENGTH = 64 * 1024;
/** A user id, an email address or a tenant-qualified id fits; a megabyte of context does not. */
const MAX_CONTEXT_LENGTH = 1024;
/**
 * Generation derives its codes concurrently, but never holds more scrypt memory than this at
 * once: 20 codes at the largest parameters allowed (256 MiB each) would otherwise ask for 5 GiB.
 */
const MAX_MEMORY_IN_FLIGHT = 256 * 1024 * 1024;
// Unpaired surrogates: UTF-8 would turn each into U+FFFD, so two different contexts could bind
// to the same bytes.
const LONE_SURROGATE = /\p{Cs}/u;

const V1_SET_KEYS = ['version', 'generationId', 'createdAt', 'kdf', 'salt', 'codes'];
const V2_SET_KEYS = ['version', 'generationId', 'createdAt', 'kdf', 'codes'];
const V3_SET_KEYS = V1_SET_KEYS;
const KDF_KEYS = ['algorithm', 'N', 'r', 'p', 'dkLen'];
const V1_CODE_KEYS = ['hash', 'usedAt'];
const V2_CODE_KEYS = ['salt', 'hash', 'usedAt'];
const V3_CODE_KEYS = V1_CODE_KEYS;

/** The KDF and its parameters, recorded in every set so they can be changed for future sets. */
export interface BackupCodeKdf {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  dkLen: 32;
}

/**
 * A set in format version 3, the one {@link generateBackupCodes} makes: one random salt for
 * the set, digests bound to the context (user id) they were made for, which is not stored,
 * and codes of 16 symbols typed as printed, without any position (`7KQ4-MXR2-TF9H-C3WN`).
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type BackupCodeSetV3 } from 'factorkit';
 *
 * const { set } = await generateBackupCodes({ context: 'user-42' });
 * const stored: BackupCodeSetV3 = set;
 * console.log(stored.salt.length); // 22: 16 bytes in base64url
 * ```
 */
export interface BackupCodeSetV3 {
  /** Format version of this structure. */
  version: 3;
  /** Random id of this generation (base64url, 128 bits), bound into every digest. */
  generationId: string;
  /** When the set was generated, Unix milliseconds. */
  createdAt: number;
  /** The KDF and its parameters. */
  kdf: BackupCodeKdf;
  /** The per-set random salt, base64url (at least 16 bytes). */
  salt: string;
  /** One entry per code, in the order the codes were shown: its digest and when it was used. */
  codes: Array<{ hash: string; usedAt: number | null }>;
}

/**
 * A set in format version 2, made before version 3 existed: a random salt per code, digests
 * bound to the context (user id) they were made for, and codes typed with their position
 * (`3-ABCDE-FGHJK-MNPQR`). Still verified, used and stored; {@link generateBackupCodes} never
 * makes one. Its codes must still be typed with their position: without it the answer is
 * `malformed` (finding the code would cost one derivation per code of the set).
 *
 * @example
 * ```ts
 * import { parseBackupCodeSet, type BackupCodeSetV2 } from 'factorkit';
 *
 * declare const stored: string; // JSON text saved by an older version
 * const set = parseBackupCodeSet(stored);
 * if (set.version === 2) {
 *   const old: BackupCodeSetV2 = set;
 *   console.log(old.codes[0]!.salt.length); // 22: 16 bytes in base64url
 * }
 * ```
 */
export interface BackupCodeSetV2 {
  /** Format version of this structure. */
  version: 2;
  /** Random id of this generation (base64url, 128 bits), bound into every digest. */
  generationId: string;
  /** When the set was generated, Unix milliseconds. */
  createdAt: number;
  /** The KDF and its parameters. */
  kdf: BackupCodeKdf;
  /**
   * One entry per code, in the order of the positions written in the codes (`codes[0]` is
   * code `1-...`): its random salt (base64url, at least 16 bytes), its digest, and when it
   * was used.
   */
  codes: Array<{ salt: string; hash: string; usedAt: number | null }>;
}

/**
 * A set in format version 1, made before version 2 existed: one salt for the whole set and
 * codes of 15 symbols without a position (`XXXXX-XXXXX-XXXXX`), bound to no context. Still
 * verified, used and stored; {@link generateBackupCodes} never makes one.
 *
 * @example
 * ```ts
 * import { parseBackupCodeSet, type BackupCodeSet } from 'factorkit';
 *
 * declare const stored: string; // JSON text saved by an older version
 * const set: BackupCodeSet = parseBackupCodeSet(stored);
 * if (set.version === 1) console.log('bound to its user once the codes are regenerated');
 * ```
 */
export interface BackupCodeSetV1 {
  /** Format version of this structure. */
  version: 1;
  /** Random id of this generation (base64url, 128 bits), bound into every digest. */
  generationId: string;
  /** When the set was generated, Unix milliseconds. */
  createdAt: number;
  /** The KDF and its parameters. */
  kdf: BackupCodeKdf;
  /** The per-set random salt, base64url (at least 16 bytes). */
  salt: string;
  /** One entry per code, in the order the codes were shown: its digest and when it was used. */
  codes: Array<{ hash: string; usedAt: number | null }>;
}

/**
 * The storable form of a set of backup codes: no plaintext, only salts and digests. Save it
 * whole (e.g. as the JSON from {@link serializeBackupCodeSet}); replace it whole when codes
 * are used or regenerated. {@link BackupCodeSetV3} for sets made now, {@link BackupCodeSetV2}
 * and {@link BackupCodeSetV1} for sets stored by earlier versions; tell them apart by `version`.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type BackupCodeSet } from 'factorkit';
 *
 * const { set } = await generateBackupCodes({ context: 'user-42' });
 * const stored: BackupCodeSet = set; // set.salt, set.codes[i].hash, .usedAt; set.kdf, ...
 * console.log(stored.version, stored.codes.length); // 3 5
 * ```
 */
export type BackupCodeSet = BackupCodeSetV1 | BackupCodeSetV2 | BackupCodeSetV3;

/**
 * Options for {@link generateBackupCodes}.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type GenerateBackupCodesOptions } from 'factorkit';
 *
 * const options: GenerateBackupCodesOptions = { context: 'user-42', count: 10, kdf: { N: 2 ** 14, r: 8, p: 1 } };
 * const { codes } = await generateBackupCodes(options);
 * ```
 */
export interface GenerateBackupCodesOptions {
  /**
   * What the codes are bound to, typically the user id (1 to 1024 characters). The same
   * context must be given to {@link verifyBackupCode}; the set copied to another user's record
   * verifies nothing there. Not stored in the set. Default: none, the codes are bound to no
   * context (and then verify only where no context is given).
   */
  context?: string;
  /** How many codes, 1 to 20. Default 5. */
  count?: number;
  /**
   * scrypt parameters. Default `{ N: 2 ** 13, r: 8, p: 1 }` (8 MiB; docs/backup-codes.md has
   * the argument). Parameters under the documented minimum are refused with `WEAK_KDF`; every
   * OWASP scrypt row is accepted.
   */
  kdf?: ScryptParams;
  /** Accept KDF parameters below the minimum. For tests only, never production. Default false. */
  allowWeakKdf?: boolean;
  /** Which scrypt derives the digests; see {@link ScryptImplementation}. Default `'auto'`. */
  scrypt?: ScryptImplementation;
  /** Creation time, Unix milliseconds. Default `Date.now()`. */
  now?: number;
}

/**
 * Options for {@link verifyBackupCode}.
 *
 * @example
 * ```ts
 * import { verifyBackupCode, type BackupCodeSet, type VerifyBackupCodeOptions } from 'factorkit';
 *
 * declare const set: BackupCodeSet;
 * const options: VerifyBackupCodeOptions = { context: 'user-42', scrypt: 'portable' };
 * const result = await verifyBackupCode('7kq4 mxr2 tf9h c3wn', set, options);
 * ```
 */
export interface VerifyBackupCodeOptions {
  /**
   * The context the set was generated with (the user id). Must match for a version-2 or
   * version-3 set, or no code verifies; ignored for a version-1 set, which has no binding.
   * Default: none.
   */
  context?: string;
  /** Which scrypt derives the digest; see {@link ScryptImplementation}. Default `'auto'`. */
  scrypt?: ScryptImplementation;
}

/**
 * What {@link generateBackupCodes} returns: `codes` to show the user once, `set` to store.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, serializeBackupCodeSet, type GeneratedBackupCodes } from 'factorkit';
 *
 * const generated: GeneratedBackupCodes = await generateBackupCodes({ context: 'user-42' });
 * const json = serializeBackupCodeSet(generated.set); // store this
 * console.log(generated.codes.join('\n')); // show these, then forget them
 * ```
 */
export interface GeneratedBackupCodes {
  /**
   * The plaintext codes, formatted `XXXX-XXXX-XXXX-XXXX`: 16 symbols in groups of 4, typed
   * back as printed, in any case, with or without the dashes. Show them as they are, in a
   * plain list (not a numbered one: there is no position to type). The only time they exist.
   */
  codes: string[];
  /** The storable set: KDF parameters, the set's salt and a digest per code. */
  set: BackupCodeSetV3;
}

/**
 * Why a backup code did not verify. `malformed`: not the shape of a code of this set (wrong
 * length, a character outside the alphabet, not a string, a position on a version-1 or
 * version-3 code, or a code of a version-2 set typed without its position); `invalid`: no
 * code of the set matches; `used`: it matches a code that was already consumed.
 *
 * @example
 * ```ts
 * import type { BackupCodeFailureReason } from 'factorkit';
 *
 * const messages: Record<BackupCodeFailureReason, string> = {
 *   malformed: 'That does not look like a backup code. Type it as printed, e.g. 7KQ4-MXR2-TF9H-C3WN.',
 *   invalid: 'That code is not valid.',
 *   used: 'That code was already used.',
 * };
 * ```
 */
export type BackupCodeFailureReason = 'malformed' | 'invalid' | 'used';

/**
 * The result of {@link verifyBackupCode}. On success, pass `index` (0-based, the code's place
 * in the list {@link generateBackupCodes} returned) to {@link consumeBackupCode} and store the
 * set it returns.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, verifyBackupCode, type VerifyBackupCodeResult } from 'factorkit';
 *
 * const { codes, set } = await generateBackupCodes({ context: 'user-42' });
 * const result: VerifyBackupCodeResult = await verifyBackupCode(codes[0]!, set, { context: 'user-42' });
 * if (result.valid) console.log(result.index); // 0
 * ```
 */
export type VerifyBackupCodeResult = { valid: true; index: number } | { valid: false; reason: BackupCodeFailureReason };

interface CheckedSet {
  set: BackupCodeSet;
  /** Versions 1 and 3: the set's salt; version 2: one per code. */
  salts: Uint8Array[];
}

/**
 * A digest as stored: canonical unpadded base64url of exactly 32 bytes, i.e. 43 symbols whose
 * last one carries 4 bits and two zero bits (A, E, I, ... 8). Checked as text rather than decoded:
 * every record load validates the set, and only a backup-code check needs the bytes.
 */
const DIGEST_TEXT = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** The digest of a code of a set {@link checkSet} accepted (so its hash decodes). */
function digestOf(entry: { hash: string }): Uint8Array {
  return decodeBase64url(entry.hash)!;
}

function invalidSet(message: string): FactorkitError {
  return new FactorkitError('INVALID_BACKUP_SET', `backup code set: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, expected: readonly string[], where: string): void {
  const keys = Object.keys(value);
  for (const key of expected) {
    if (!Object.hasOwn(value, key)) throw invalidSet(`${where} is missing "${key}"`);
  }
  if (keys.length !== expected.length) throw invalidSet(`${where} has unexpected fields`);
}

function checkTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function checkRandomField(value: unknown, name: string): Uint8Array {
  // Length first: decoding a megabyte of text to learn it is too long would be wasted work.
  const bytes =
    typeof value === 'string' && value.length <= MAX_RANDOM_FIELD_CHARS ? decodeBase64url(value) : undefined;
  if (bytes === undefined || bytes.length < MIN_RANDOM_FIELD_BYTES || bytes.length > MAX_RANDOM_FIELD_BYTES) {
    throw invalidSet(`${name} must be base64url of ${MIN_RANDOM_FIELD_BYTES} to ${MAX_RANDOM_FIELD_BYTES} bytes`);
  }
  return bytes;
}

function checkKdf(kdf: unknown): BackupCodeKdf {
  if (!isRecord(kdf)) throw invalidSet('kdf must be an object');
  checkKeys(kdf, KDF_KEYS, 'kdf');
  if (kdf.algorithm !== 'scrypt') throw invalidSet('kdf.algorithm must be "scrypt"');
  if (kdf.dkLen !== DIGEST_BYTES) throw invalidSet(`kdf.dkLen must be ${DIGEST_BYTES}`);
  const problem = kdfParamsProblem({ N: kdf.N, r: kdf.r, p: kdf.p });
  if (problem !== undefined) throw invalidSet(`kdf.${problem}`);
  return { algorithm: 'scrypt', N: kdf.N as number, r: kdf.r as number, p: kdf.p as number, dkLen: DIGEST_BYTES };
}

/**
 * The one validator behind every entry that takes a set: a fresh, plain copy of the set plus
 * its decoded salts, or INVALID_BACKUP_SET. Anything unexpected is refused: a
 * partial or tampered set must never degrade into "every code is valid".
 */
function checkSet(value: unknown): CheckedSet {
  if (!isRecord(value)) throw invalidSet('must be an object (parseBackupCodeSet reads JSON text)');
  const version = value.version;
  if (version !== 1 && version !== 2 && version !== 3) throw invalidSet('unsupported version');
  checkKeys(value, version === 1 ? V1_SET_KEYS : version === 2 ? V2_SET_KEYS : V3_SET_KEYS, 'set');
  const { generationId, createdAt, codes } = value;
  checkRandomField(generationId, 'generationId');
  if (!checkTimestamp(createdAt)) throw invalidSet('createdAt must be a non-negative number of milliseconds');
  const kdf = checkKdf(value.kdf);
  const setSalt = version === 2 ? undefined : checkRandomField(value.salt, 'salt');
  if (!Array.isArray(codes) || codes.length < MIN_COUNT || codes.length > MAX_COUNT) {
    throw invalidSet(`codes must be an array of ${MIN_COUNT} to ${MAX_COUNT} entries`);
  }
  const salts: Uint8Array[] = setSalt === undefined ? [] : [setSalt];
  const entries: Array<{ salt?: string; hash: string; usedAt: number | null }> = [];
  const seenDigests = new Set<string>();
  const seenSalts = new Set<string>();
  for (let i = 0; i < codes.length; i++) {
    const entry: unknown = codes[i];
    if (!isRecord(entry)) throw invalidSet(`codes[${i}] must be an object`);
    checkKeys(entry, version === 1 ? V1_CODE_KEYS : version === 2 ? V2_CODE_KEYS : V3_CODE_KEYS, `codes[${i}]`);
    const { hash, usedAt } = entry;
    if (typeof hash !== 'string' || !DIGEST_TEXT.test(hash)) {
      throw invalidSet(`codes[${i}].hash must be base64url of ${DIGEST_BYTES} bytes`);
    }
    // Distinct codes never share a digest, nor (version 2) a salt; a repeat means the set was edited.
    if (seenDigests.has(hash)) throw invalidSet(`codes[${i}].hash repeats an earlier digest`);
    seenDigests.add(hash);
    if (usedAt !== null && !checkTimestamp(usedAt)) {
      throw invalidSet(`codes[${i}].usedAt must be null or a non-negative number of milliseconds`);
    }
    if (version === 2) {
      salts.push(checkRandomField(entry.salt, `codes[${i}].salt`));
      if (seenSalts.has(entry.salt as string)) throw invalidSet(`codes[${i}].salt repeats an earlier salt`);
      seenSalts.add(entry.salt as string);
      entries.push({ salt: entry.salt as string, hash, usedAt: usedAt as number | null });
    } else {
      entries.push({ hash, usedAt: usedAt as number | null });
    }
  }
  const base = { generationId: generationId as string, createdAt, kdf };
  const set: BackupCodeSet =
    version === 2
      ? { version: 2, ...base, codes: entries as BackupCodeSetV2['codes'] }
      : { version, ...base, salt: value.salt as string, codes: entries };
  return { set, salts };
}

function checkCount(count: unknown): number {
  if (count === undefined) return DEFAULT_COUNT;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < MIN_COUNT || count > MAX_COUNT) {
    throw new FactorkitError('INVALID_ARGUMENT', `count must be an integer from ${MIN_COUNT} to ${MAX_COUNT}`);
  }
  return count;
}

function checkContext(context: unknown): string {
  if (context === undefined) return '';
  if (
    typeof context !== 'string' ||
    context.length < 1 ||
    context.length > MAX_CONTEXT_LENGTH ||
    LONE_SURROGATE.test(context)
  ) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `context must be well-formed text of 1 to ${MAX_CONTEXT_LENGTH} characters (e.g. the user id)`,
    );
  }
  return context;
}

function checkKdfOption(kdf: unknown, allowWeakKdf: boolean): ScryptParams {
  if (kdf === undefined) return { ...DEFAULT_KDF };
  if (!isRecord(kdf)) throw new FactorkitError('INVALID_ARGUMENT', 'kdf must be an object { N, r, p }');
  const params = { N: kdf.N, r: kdf.r, p: kdf.p };
  const problem = kdfParamsProblem(params);
  if (problem !== undefined) throw new FactorkitError('INVALID_ARGUMENT', `kdf.${problem}`);
  const checked = params as ScryptParams;
  if (!allowWeakKdf && !meetsCodeMinimum(checked)) {
    throw new FactorkitError(
      'WEAK_KDF',
      'kdf parameters are below the backup-code minimum (e.g. N=2^13, r=8, p=1: 8 MiB; see docs/backup-codes.md); allowWeakKdf is for tests only',
    );
  }
  return checked;
}

/** Runs `tasks` with at most `limit` in flight, results in order. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * Generates a fresh set of single-use backup codes, bound to `context` (pass the user id).
 * Each code is 16 symbols from a 30-symbol alphabet without look-alikes
 * (`23456789ABCDEFGHJKMNPQRSTVWXYZ`), about 78.5 bits from the platform CSPRNG, shown in
 * groups of four: `7KQ4-MXR2-TF9H-C3WN`. The user types it back as printed, in any case,
 * with or without the dashes. Show `codes` to the user once, in a plain list, and store only
 * `set`; a new set replaces the old one entirely (new salt and generation id, so no old code
 * can match it).
 *
 * The set has one salt (format version 3), so that a check derives once without being told
 * which code was typed. An attacker holding the stored set tests each guess against all of
 * its digests at once; the 16th symbol pays for that: one of 20 codes is still about 74.2 bits
 * away, more than one code of the former per-code-salt format (73.6). The salt is random per
 * set and bound to the user, so no precomputation serves two sets (docs/backup-codes.md).
 *
 * Costs one scrypt derivation per code, run concurrently: with the defaults and the native
 * scrypt (Node, Bun, Deno) about 0.1 s for five codes on two cores, off the main thread.
 *
 * @param options - `context` (the user id), `count` (1..20, default 5), `kdf` (scrypt
 * parameters, default `{ N: 2 ** 13, r: 8, p: 1 }`), `allowWeakKdf` (tests only), `scrypt`
 * (which implementation, default `'auto'`), `now` (Unix ms)
 * @returns the plaintext `codes` and the storable `set` (format version 3)
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for a bad context, count, `scrypt` choice or
 * malformed / out-of-bounds KDF parameters, `WEAK_KDF` for parameters below the minimum
 * without `allowWeakKdf`, `INVALID_TIME` for a bad `now`
 * @example
 * ```ts
 * import { generateBackupCodes, serializeBackupCodeSet } from 'factorkit';
 *
 * const { codes, set } = await generateBackupCodes({ context: 'user-42' });
 * console.log(codes); // ['7KQ4-MXR2-TF9H-C3WN', ...] five codes: show once, never store
 * const json = serializeBackupCodeSet(set); // store this with the user
 * ```
 */
export async function generateBackupCodes(options?: GenerateBackupCodesOptions): Promise<GeneratedBackupCodes> {
  const opts = checkOptionsObject(options);
  const context = checkContext(opts.context);
  const count = checkCount(opts.count);
  const params = checkKdfOption(opts.kdf, checkBoolean('allowWeakKdf', opts.allowWeakKdf));
  const scrypt = resolveScrypt(checkScryptOption(opts.scrypt));
  const createdAt = checkTimeMs('now', opts.now, Date.now());

  const plain = new Set<string>();
  while (plain.size < count) plain.add(randomCode());
  const codes = [...plain];
  const generationId = encodeBase64url(randomBytes(GENERATION_ID_BYTES));
  const salt = randomBytes(SALT_BYTES);
  const kdfSalt = kdfSaltV3(context, generationId, salt);
  const inFlight = Math.max(1, Math.floor(MAX_MEMORY_IN_FLIGHT / (128 * params.N * params.r)));
  const digests = await pool(
    codes.map((code) => () => derive(scrypt, code, kdfSalt, params)),
    inFlight,
  );
  return {
    codes: codes.map(formatCode),
    set: {
      version: 3,
      generationId,
      createdAt,
      kdf: { algorithm: 'scrypt', N: params.N, r: params.r, p: params.p, dkLen: DIGEST_BYTES },
      salt: encodeBase64url(salt),
      codes: digests.map((digest) => ({ hash: encodeBase64url(digest), usedAt: null })),
    },
  };
}

/** Constant-time equality of two 32-byte digests: no early exit. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let j = 0; j < DIGEST_BYTES; j++) diff |= a[j]! ^ b[j]!;
  return diff === 0;
}

/**
 * The index of the stored digest equal to `derived`, or -1: every digest compared, used ones
 * included, with no early exit and no data-dependent branch, so the time taken says nothing
 * about which code matched or whether one did.
 */
function matchAmong(derived: Uint8Array, digests: Uint8Array[]): number {
  let matchIndex = -1;
  for (let i = 0; i < digests.length; i++) {
    const stored = digests[i]!;
    let diff = 0;
    for (let j = 0; j < DIGEST_BYTES; j++) diff |= stored[j]! ^ derived[j]!;
    // all ones when diff is 0, else 0: select without a data-dependent branch
    const mask = -(((diff - 1) >>> 31) & 1);
    matchIndex = (i & mask) | (matchIndex & ~mask);
  }
  return matchIndex;
}

/**
 * Checks a code typed by the user against a set. The input is read leniently first: case is
 * ignored and spaces and dashes (no-break spaces and Unicode dashes too) are removed;
 * anything else that is not a code is `malformed` and costs nothing. A well-formed input
 * costs exactly one scrypt derivation, whatever the set's version. Version 3 (sets made now)
 * and version 1: the code is typed as printed, without any position; the set's salt is used
 * and the digest compared in constant time against every stored digest, used ones included,
 * with no early exit. Version 2: the position typed with the code (`3-ABCDE-...`) selects the
 * one entry whose salt is used; a version-2 code typed without its position is `malformed`
 * (finding it would cost a derivation per code of the set; regenerate such sets to get
 * codes typed without one). Either way the time taken says nothing about the secret part of
 * a code.
 *
 * A version-2 or version-3 set verifies only under the `context` it was generated with: a set
 * copied into another user's record answers `invalid` for every code. A version-1 set has no
 * binding.
 *
 * Verifying does not change the set: on success call {@link consumeBackupCode} and store the
 * result before granting access, so the code cannot be used twice. Rate-limit attempts per
 * account (NIST SP 800-63B-4 §3.1.2.2 requires it for look-up secrets).
 *
 * @param input - what the user typed
 * @param set - the stored set (validated as by {@link parseBackupCodeSet})
 * @param options - `context` (the user id the set was made for), `scrypt` (default `'auto'`)
 * @returns `{ valid: true, index }` or `{ valid: false, reason }`; never throws for user input
 * @throws {@link FactorkitError} `INVALID_BACKUP_SET` when `set` is not a valid set,
 * `INVALID_ARGUMENT` for bad options
 * @example
 * ```ts
 * import { consumeBackupCode, generateBackupCodes, verifyBackupCode } from 'factorkit';
 *
 * const { codes, set } = await generateBackupCodes({ context: 'user-42' });
 * const typed = codes[2]!.toLowerCase().replaceAll('-', ' '); // e.g. '7kq4 mxr2 tf9h c3wn'
 * const result = await verifyBackupCode(typed, set, { context: 'user-42' });
 * if (result.valid) {
 *   const next = consumeBackupCode(set, result.index); // store `next` before letting the user in
 *   console.log(await verifyBackupCode(codes[2]!, next, { context: 'user-42' })); // { valid: false, reason: 'used' }
 * }
 * console.log(await verifyBackupCode(codes[0]!, set, { context: 'user-7' })); // { valid: false, reason: 'invalid' }
 * ```
 */
export async function verifyBackupCode(
  input: string,
  set: BackupCodeSet,
  options?: VerifyBackupCodeOptions,
): Promise<VerifyBackupCodeResult> {
  const checked = checkSet(set);
  const opts = checkOptionsObject(options);
  const context = checkContext(opts.context);
  const scrypt = resolveScrypt(checkScryptOption(opts.scrypt));
  const compact = compactTypedCode(input);
  if (compact === undefined) return { valid: false, reason: 'malformed' };
  const { kdf, generationId, codes } = checked.set;

  if (checked.set.version === 2) {
    const typed = parsePositionedCode(compact, MAX_COUNT);
    if (typed === undefined) return { valid: false, reason: 'malformed' };
    // A position this set does not have is a wrong code: nothing to derive against.
    if (typed.index >= codes.length) return { valid: false, reason: 'invalid' };
    const salt = kdfSaltV2(context, generationId, typed.index, checked.salts[typed.index]!);
    const derived = await derive(scrypt, typed.code, salt, kdf);
    const matches = sameDigest(derived, digestOf(codes[typed.index]!));
    derived.fill(0);
    if (!matches) return { valid: false, reason: 'invalid' };
    if (codes[typed.index]!.usedAt !== null) return { valid: false, reason: 'used' };
    return { valid: true, index: typed.index };
  }

  const v3 = checked.set.version === 3;
  if (!isSymbols(compact, v3 ? CODE_LENGTH : LEGACY_CODE_LENGTH)) return { valid: false, reason: 'malformed' };
  const salt = v3 ? kdfSaltV3(context, generationId, checked.salts[0]!) : kdfSaltV1(generationId, checked.salts[0]!);
  const derived = await derive(scrypt, compact, salt, kdf);
  const matchIndex = matchAmong(derived, codes.map(digestOf));
  derived.fill(0);
  if (matchIndex < 0) return { valid: false, reason: 'invalid' };
  if (codes[matchIndex]!.usedAt !== null) return { valid: false, reason: 'used' };
  return { valid: true, index: matchIndex };
}

/**
 * Marks one code of a set as used and returns the new set; the given set is not modified.
 * Store the result (replacing the old set) before accepting the login.
 *
 * @param set - the stored set
 * @param index - the `index` from a successful {@link verifyBackupCode}
 * @param now - when it was used, Unix ms; default `Date.now()`
 * @returns a new set in which `codes[index].usedAt` is `now`
 * @throws {@link FactorkitError} `INVALID_BACKUP_SET` for a bad set, `INVALID_ARGUMENT` when
 * `index` is out of range or that code is already used, `INVALID_TIME` for a bad `now`
 * @example
 * ```ts
 * import { consumeBackupCode, generateBackupCodes, remainingBackupCodes } from 'factorkit';
 *
 * const { set } = await generateBackupCodes({ context: 'user-42' });
 * const next = consumeBackupCode(set, 0);
 * console.log(remainingBackupCodes(set), remainingBackupCodes(next)); // 5 4
 * ```
 */
export function consumeBackupCode<S extends BackupCodeSet>(set: S, index: number, now?: number): S {
  const checked = checkSet(set).set as S;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= checked.codes.length) {
    throw new FactorkitError('INVALID_ARGUMENT', `index must be an integer from 0 to ${checked.codes.length - 1}`);
  }
  const usedAt = checkTimeMs('now', now, Date.now());
  const entry = checked.codes[index]!;
  if (entry.usedAt !== null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'index refers to a code that is already used');
  }
  entry.usedAt = usedAt;
  return checked;
}

/**
 * How many codes of a set are still unused.
 *
 * @param set - the stored set
 * @returns the number of codes whose `usedAt` is null
 * @throws {@link FactorkitError} `INVALID_BACKUP_SET` for a bad set
 * @example
 * ```ts
 * import { generateBackupCodes, remainingBackupCodes } from 'factorkit';
 *
 * const { set } = await generateBackupCodes({ count: 10 });
 * if (remainingBackupCodes(set) < 3) console.log('time to generate new codes');
 * ```
 */
export function remainingBackupCodes(set: BackupCodeSet): number {
  return checkSet(set).set.codes.filter((entry) => entry.usedAt === null).length;
}

/**
 * The set as JSON text, for a text column or a key-value store. Validates first, so a
 * corrupt set is never written.
 *
 * @param set - the set to store
 * @returns JSON text that {@link parseBackupCodeSet} reads back
 * @throws {@link FactorkitError} `INVALID_BACKUP_SET` for a bad set
 * @example
 * ```ts
 * import { generateBackupCodes, parseBackupCodeSet, serializeBackupCodeSet } from 'factorkit';
 *
 * const { set } = await generateBackupCodes({ context: 'user-42' });
 * const json = serializeBackupCodeSet(set);
 * const loaded = parseBackupCodeSet(json); // deep-equal to `set`
 * ```
 */
export function serializeBackupCodeSet(set: BackupCodeSet): string {
  return JSON.stringify(checkSet(set).set);
}

/**
 * Loads a stored set, from JSON text or an already-parsed value (e.g. a JSONB column), and
 * validates it strictly: version (1, 2 or 3) and exactly that version's fields, every field's
 * type, base64url encodings, the digest length (32 bytes), salts and generation id of 16..64
 * bytes, no repeated digest or salt, 1..20 codes, and KDF parameters within bounds (so an
 * edited set cannot make verification allocate gigabytes). Parameters below the minimum are
 * accepted here, since they were chosen when the set was generated.
 *
 * @param input - JSON text from {@link serializeBackupCodeSet}, or the parsed object
 * @returns a fresh, validated copy of the set
 * @throws {@link FactorkitError} `INVALID_BACKUP_SET` for truncated, tampered or unknown input
 * @example
 * ```ts
 * import { isFactorkitError, parseBackupCodeSet } from 'factorkit';
 *
 * try {
 *   parseBackupCodeSet('{"version":1,"codes":[');
 * } catch (error) {
 *   console.log(isFactorkitError(error, 'INVALID_BACKUP_SET')); // true
 * }
 * ```
 */
export function parseBackupCodeSet(input: unknown): BackupCodeSet {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_JSON_LENGTH) throw invalidSet('JSON text is too long');
    try {
      value = JSON.parse(input);
    } catch {
      // No `cause`: the parser's message quotes the input, and digests do not belong in logs.
      throw invalidSet('not valid JSON');
    }
  }
  return checkSet(value).set;
}

/**
 * Checks the generation options a caller keeps to use later (the lifecycle's `backupCodes`),
 * with the same rules and errors as {@link generateBackupCodes}, so a bad count or KDF fails
 * where it is given and not at the first confirmation.
 */
export function checkBackupCodeOptions(options: unknown): void {
  const opts = checkOptionsObject(options, 'backupCodes');
  checkCount(opts.count);
  checkKdfOption(opts.kdf, checkBoolean('allowWeakKdf', opts.allowWeakKdf));
  checkScryptOption(opts.scrypt);
}

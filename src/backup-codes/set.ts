// Backup (recovery) codes: NIST SP 800-63B look-up secrets. The plaintext exists only in the
// result of generateBackupCodes; what is stored is one scrypt digest per code under a per-set
// salt, so checking a guess costs one slow derivation however many codes the set holds.
import { FactorkitError } from '../errors/index.js';
import { checkBoolean, checkOptionsObject, checkTimeMs } from '../validation/index.js';
import { randomBytes } from '../otp/secret.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { formatCode, normaliseCode, randomCode } from './code.js';
import {
  DEFAULT_KDF,
  DIGEST_BYTES,
  backupKdf,
  kdfParamsProblem,
  kdfSalt,
  meetsOwaspMinimum,
  type ScryptParams,
} from './kdf.js';

export type { ScryptParams } from './kdf.js';

/** Codes per set: at least one, at most 20 (each is checked on every verification). */
const MIN_COUNT = 1;
const MAX_COUNT = 20;
const DEFAULT_COUNT = 5;
/** 128 bits: NIST SP 800-63B §5.1.1.2 asks for salts of at least 32 bits; we use four times that. */
const SALT_BYTES = 16;
const GENERATION_ID_BYTES = 16;
/** Stored salts and generation ids: at least 128 bits, and no absurd lengths. */
const MIN_RANDOM_FIELD_BYTES = 16;
const MAX_RANDOM_FIELD_BYTES = 64;
const MAX_RANDOM_FIELD_CHARS = Math.ceil((MAX_RANDOM_FIELD_BYTES * 4) / 3);
/** Unpadded base64url of a 32-byte digest. */
const DIGEST_CHARS = 43;
/** A real set serialises to under 2 KiB; refusing far larger text bounds parsing work. */
const MAX_JSON_LENGTH = 64 * 1024;

const SET_KEYS = ['version', 'generationId', 'createdAt', 'kdf', 'salt', 'codes'];
const KDF_KEYS = ['algorithm', 'N', 'r', 'p', 'dkLen'];
const CODE_KEYS = ['hash', 'usedAt'];

/**
 * The storable form of a set of backup codes: no plaintext, only digests. Save it whole
 * (e.g. as the JSON from {@link serializeBackupCodeSet}); replace it whole when codes are
 * used or regenerated.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type BackupCodeSet } from 'factorkit';
 *
 * const { set } = await generateBackupCodes();
 * const stored: BackupCodeSet = set; // set.codes[i].hash, set.codes[i].usedAt, set.kdf, ...
 * console.log(stored.version, stored.codes.length); // 1 5
 * ```
 */
export interface BackupCodeSet {
  /** Format version of this structure; currently always 1. */
  version: 1;
  /** Random id of this generation (base64url, 128 bits), bound into every digest. */
  generationId: string;
  /** When the set was generated, Unix milliseconds. */
  createdAt: number;
  /** The KDF and its parameters, recorded so they can be raised for future sets. */
  kdf: { algorithm: 'scrypt'; N: number; r: number; p: number; dkLen: 32 };
  /** The per-set random salt, base64url (at least 16 bytes). */
  salt: string;
  /** One entry per code, in the order the codes were shown: its digest and when it was used. */
  codes: Array<{ hash: string; usedAt: number | null }>;
}

/**
 * Options for {@link generateBackupCodes}.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, type GenerateBackupCodesOptions } from 'factorkit';
 *
 * const options: GenerateBackupCodesOptions = { count: 10, kdf: { N: 2 ** 17, r: 8, p: 1 } };
 * const { codes } = await generateBackupCodes(options);
 * ```
 */
export interface GenerateBackupCodesOptions {
  /** How many codes, 1 to 20. Default 5. */
  count?: number;
  /**
   * scrypt parameters. Default `{ N: 2 ** 14, r: 8, p: 5 }` (OWASP Password Storage Cheat
   * Sheet). Anything weaker than every OWASP configuration is refused with `WEAK_KDF`.
   */
  kdf?: ScryptParams;
  /** Accept KDF parameters below the OWASP minimum. For tests only, never production. Default false. */
  allowWeakKdf?: boolean;
  /** Creation time, Unix milliseconds. Default `Date.now()`. */
  now?: number;
}

/**
 * What {@link generateBackupCodes} returns: `codes` to show the user once, `set` to store.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, serializeBackupCodeSet, type GeneratedBackupCodes } from 'factorkit';
 *
 * const generated: GeneratedBackupCodes = await generateBackupCodes();
 * const json = serializeBackupCodeSet(generated.set); // store this
 * console.log(generated.codes.join('\n')); // show these, then forget them
 * ```
 */
export interface GeneratedBackupCodes {
  /** The plaintext codes, formatted `XXXXX-XXXXX-XXXXX`. The only time they exist. */
  codes: string[];
  /** The storable set: salt, KDF parameters and one digest per code. */
  set: BackupCodeSet;
}

/**
 * Why a backup code did not verify. `malformed`: not the shape of a code (wrong length, a
 * character outside the alphabet, not a string); `invalid`: no code of the set matches;
 * `used`: it matches a code that was already consumed.
 *
 * @example
 * ```ts
 * import type { BackupCodeFailureReason } from 'factorkit';
 *
 * const messages: Record<BackupCodeFailureReason, string> = {
 *   malformed: 'That does not look like a backup code.',
 *   invalid: 'That code is not valid.',
 *   used: 'That code was already used.',
 * };
 * ```
 */
export type BackupCodeFailureReason = 'malformed' | 'invalid' | 'used';

/**
 * The result of {@link verifyBackupCode}. On success, pass `index` to
 * {@link consumeBackupCode} and store the set it returns.
 *
 * @example
 * ```ts
 * import { generateBackupCodes, verifyBackupCode, type VerifyBackupCodeResult } from 'factorkit';
 *
 * const { codes, set } = await generateBackupCodes();
 * const result: VerifyBackupCodeResult = await verifyBackupCode(codes[0]!, set);
 * if (result.valid) console.log(result.index); // 0
 * ```
 */
export type VerifyBackupCodeResult = { valid: true; index: number } | { valid: false; reason: BackupCodeFailureReason };

interface CheckedSet {
  set: BackupCodeSet;
  salt: Uint8Array;
  digests: Uint8Array[];
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

/**
 * The one validator behind every entry that takes a set: a fresh, plain copy of the set plus
 * its decoded salt and digests, or INVALID_BACKUP_SET. Anything unexpected is refused: a
 * partial or tampered set must never degrade into "every code is valid".
 */
function checkSet(value: unknown): CheckedSet {
  if (!isRecord(value)) throw invalidSet('must be an object (parseBackupCodeSet reads JSON text)');
  checkKeys(value, SET_KEYS, 'set');
  const { version, generationId, createdAt, kdf, salt, codes } = value;
  if (version !== 1) throw invalidSet('unsupported version');
  checkRandomField(generationId, 'generationId');
  if (!checkTimestamp(createdAt)) throw invalidSet('createdAt must be a non-negative number of milliseconds');
  if (!isRecord(kdf)) throw invalidSet('kdf must be an object');
  checkKeys(kdf, KDF_KEYS, 'kdf');
  if (kdf.algorithm !== 'scrypt') throw invalidSet('kdf.algorithm must be "scrypt"');
  if (kdf.dkLen !== DIGEST_BYTES) throw invalidSet(`kdf.dkLen must be ${DIGEST_BYTES}`);
  const problem = kdfParamsProblem({ N: kdf.N, r: kdf.r, p: kdf.p });
  if (problem !== undefined) throw invalidSet(`kdf.${problem}`);
  const saltBytes = checkRandomField(salt, 'salt');
  if (!Array.isArray(codes) || codes.length < MIN_COUNT || codes.length > MAX_COUNT) {
    throw invalidSet(`codes must be an array of ${MIN_COUNT} to ${MAX_COUNT} entries`);
  }
  const digests: Uint8Array[] = [];
  const entries: BackupCodeSet['codes'] = [];
  const seen = new Set<string>();
  for (let i = 0; i < codes.length; i++) {
    const entry: unknown = codes[i];
    if (!isRecord(entry)) throw invalidSet(`codes[${i}] must be an object`);
    checkKeys(entry, CODE_KEYS, `codes[${i}]`);
    const { hash, usedAt } = entry;
    const digest = typeof hash === 'string' && hash.length === DIGEST_CHARS ? decodeBase64url(hash) : undefined;
    if (digest === undefined || digest.length !== DIGEST_BYTES) {
      throw invalidSet(`codes[${i}].hash must be base64url of ${DIGEST_BYTES} bytes`);
    }
    // Distinct codes never share a digest; a duplicate means the set was edited.
    if (seen.has(hash as string)) throw invalidSet(`codes[${i}].hash repeats an earlier digest`);
    seen.add(hash as string);
    if (usedAt !== null && !checkTimestamp(usedAt)) {
      throw invalidSet(`codes[${i}].usedAt must be null or a non-negative number of milliseconds`);
    }
    digests.push(digest);
    entries.push({ hash: hash as string, usedAt: usedAt as number | null });
  }
  return {
    set: {
      version: 1,
      generationId: generationId as string,
      createdAt,
      kdf: { algorithm: 'scrypt', N: kdf.N as number, r: kdf.r as number, p: kdf.p as number, dkLen: DIGEST_BYTES },
      salt: salt as string,
      codes: entries,
    },
    salt: saltBytes,
    digests,
  };
}

function checkCount(count: unknown): number {
  if (count === undefined) return DEFAULT_COUNT;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < MIN_COUNT || count > MAX_COUNT) {
    throw new FactorkitError('INVALID_ARGUMENT', `count must be an integer from ${MIN_COUNT} to ${MAX_COUNT}`);
  }
  return count;
}

function checkKdfOption(kdf: unknown, allowWeakKdf: boolean): ScryptParams {
  if (kdf === undefined) return { ...DEFAULT_KDF };
  if (!isRecord(kdf)) throw new FactorkitError('INVALID_ARGUMENT', 'kdf must be an object { N, r, p }');
  const params = { N: kdf.N, r: kdf.r, p: kdf.p };
  const problem = kdfParamsProblem(params);
  if (problem !== undefined) throw new FactorkitError('INVALID_ARGUMENT', `kdf.${problem}`);
  const checked = params as ScryptParams;
  if (!allowWeakKdf && !meetsOwaspMinimum(checked)) {
    throw new FactorkitError(
      'WEAK_KDF',
      'kdf parameters are below the OWASP scrypt minimum (e.g. N=2^14, r=8, p=5); allowWeakKdf is for tests only',
    );
  }
  return checked;
}

/**
 * Generates a fresh set of single-use backup codes. Each code is 15 symbols from a 30-symbol
 * alphabet without look-alikes (`23456789ABCDEFGHJKMNPQRSTVWXYZ`), about 73.6 bits from the
 * platform CSPRNG, shown as `XXXXX-XXXXX-XXXXX`. Show `codes` to the user once and store only
 * `set`; a new set replaces the old one entirely (new salt and generation id, so no old code
 * can match it).
 *
 * Costs one scrypt derivation per code (about 0.3 s each with the default parameters), run
 * asynchronously so the event loop keeps turning.
 *
 * @param options - `count` (1..20, default 5), `kdf` (scrypt parameters, default OWASP
 * `{ N: 2 ** 14, r: 8, p: 5 }`), `allowWeakKdf` (tests only), `now` (Unix ms)
 * @returns the plaintext `codes` and the storable `set`
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for a bad count or malformed / out-of-bounds
 * KDF parameters, `WEAK_KDF` for parameters below the OWASP minimum without `allowWeakKdf`,
 * `INVALID_TIME` for a bad `now`
 * @example
 * ```ts
 * import { generateBackupCodes, serializeBackupCodeSet } from 'factorkit';
 *
 * const { codes, set } = await generateBackupCodes();
 * console.log(codes); // ['7KQ4M-XR2TF-...', ...] five codes: show once, never store
 * const json = serializeBackupCodeSet(set); // store this with the user
 * ```
 */
export async function generateBackupCodes(options?: GenerateBackupCodesOptions): Promise<GeneratedBackupCodes> {
  const opts = checkOptionsObject(options);
  const count = checkCount(opts.count);
  const params = checkKdfOption(opts.kdf, checkBoolean('allowWeakKdf', opts.allowWeakKdf));
  const createdAt = checkTimeMs('now', opts.now, Date.now());

  const plain = new Set<string>();
  while (plain.size < count) plain.add(randomCode());
  const salt = randomBytes(SALT_BYTES);
  const generationId = encodeBase64url(randomBytes(GENERATION_ID_BYTES));
  const kdfSaltBytes = kdfSalt(generationId, salt);

  const entries: BackupCodeSet['codes'] = [];
  for (const code of plain) {
    const digest = await backupKdf.derive(code, kdfSaltBytes, params);
    entries.push({ hash: encodeBase64url(digest), usedAt: null });
  }
  return {
    codes: [...plain].map(formatCode),
    set: {
      version: 1,
      generationId,
      createdAt,
      kdf: { algorithm: 'scrypt', N: params.N, r: params.r, p: params.p, dkLen: DIGEST_BYTES },
      salt: encodeBase64url(salt),
      codes: entries,
    },
  };
}

/**
 * Checks a code typed by the user against a set. The input is normalised first: case is
 * ignored and spaces and dashes are removed; anything else that is not exactly a code is
 * `malformed` and costs nothing. A well-formed input costs exactly one scrypt derivation,
 * whose digest is compared in constant time against every stored digest, used ones included,
 * with no early exit: the time taken says nothing about which code matched or how many remain.
 *
 * Verifying does not change the set: on success call {@link consumeBackupCode} and store the
 * result before granting access, so the code cannot be used twice. Rate-limit attempts per
 * account (NIST SP 800-63B-4 §3.1.2.2 requires it for look-up secrets).
 *
 * @param input - what the user typed
 * @param set - the stored set (validated as by {@link parseBackupCodeSet})
 * @returns `{ valid: true, index }` or `{ valid: false, reason }`; never throws for user input
 * @throws {@link FactorkitError} `INVALID_BACKUP_SET` when `set` is not a valid set
 * @example
 * ```ts
 * import { consumeBackupCode, generateBackupCodes, verifyBackupCode } from 'factorkit';
 *
 * const { codes, set } = await generateBackupCodes();
 * const result = await verifyBackupCode(codes[2]!.toLowerCase(), set);
 * if (result.valid) {
 *   const next = consumeBackupCode(set, result.index); // store `next` before letting the user in
 *   console.log(await verifyBackupCode(codes[2]!, next)); // { valid: false, reason: 'used' }
 * }
 * ```
 */
export async function verifyBackupCode(input: string, set: BackupCodeSet): Promise<VerifyBackupCodeResult> {
  const checked = checkSet(set);
  const code = normaliseCode(input);
  if (code === undefined) return { valid: false, reason: 'malformed' };
  const { kdf, generationId } = checked.set;
  const derived = await backupKdf.derive(code, kdfSalt(generationId, checked.salt), kdf);

  let matchIndex = -1;
  for (let i = 0; i < checked.digests.length; i++) {
    const stored = checked.digests[i]!;
    let diff = 0;
    for (let j = 0; j < DIGEST_BYTES; j++) diff |= stored[j]! ^ derived[j]!;
    // all ones when diff is 0, else 0: select without a data-dependent branch
    const mask = -(((diff - 1) >>> 31) & 1);
    matchIndex = (i & mask) | (matchIndex & ~mask);
  }
  derived.fill(0);
  if (matchIndex < 0) return { valid: false, reason: 'invalid' };
  if (checked.set.codes[matchIndex]!.usedAt !== null) return { valid: false, reason: 'used' };
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
 * const { set } = await generateBackupCodes();
 * const next = consumeBackupCode(set, 0);
 * console.log(remainingBackupCodes(set), remainingBackupCodes(next)); // 5 4
 * ```
 */
export function consumeBackupCode(set: BackupCodeSet, index: number, now?: number): BackupCodeSet {
  const checked = checkSet(set).set;
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
 * const { set } = await generateBackupCodes();
 * const json = serializeBackupCodeSet(set);
 * const loaded = parseBackupCodeSet(json); // deep-equal to `set`
 * ```
 */
export function serializeBackupCodeSet(set: BackupCodeSet): string {
  return JSON.stringify(checkSet(set).set);
}

/**
 * Loads a stored set, from JSON text or an already-parsed value (e.g. a JSONB column), and
 * validates it strictly: version, every field's type, base64url encodings, the digest length
 * (32 bytes), salt and generation id of 16..64 bytes, 1..20 codes, and KDF parameters within
 * bounds (so an edited set cannot make verification allocate gigabytes). Parameters below
 * the OWASP minimum are accepted here, since they were chosen when the set was generated.
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

// Google Authenticator's "Transfer accounts": otpauth-migration://offline?data=... URIs, each a
// base64 protobuf MigrationPayload holding up to ten accounts and the batch they belong to.
import { base64Decode, base64Encode } from '@bufbuild/protobuf/wire';
import { decodeBase32, encodeBase32 } from '../base32/index.js';
import { FactorkitError } from '../errors/index.js';
import { MAX_ACCEPTED_SECRET_BYTES, type HashAlgorithm } from '../otp/options.js';
import { splitLabel } from '../uri/lenient.js';
import { UNPRINTABLE, checkRecord, type CompleteOtpauthRecord, type OtpauthRecord } from '../uri/record.js';
import { checkBoolean, checkOptionsObject, isIntegerIn } from '../validation/index.js';
import { decodePayload, encodePayload, type WireOtpParameters } from './payload.js';

/**
 * One account of a migration payload: a complete TOTP or HOTP record (TOTP at 30 s, the only
 * period the format knows) and the `name` as the payload stores it. Google Authenticator stores
 * the whole Key URI label there (`Example:alice@google.com`) and the issuer parameter beside it;
 * `issuer` and `account` are split from them as {@link parseOtpauthUri} splits a label with
 * `lenient: true`, so the same account imported either way gets the same record.
 *
 * @example
 * ```ts
 * import { parseMigrationUri, type MigrationAccount } from 'factorkit';
 *
 * declare const exported: string; // otpauth-migration://offline?data=... from the QR code
 * const accounts: MigrationAccount[] = parseMigrationUri(exported).accounts;
 * for (const { issuer, account, name } of accounts) console.log(issuer ?? '(no issuer)', account, name);
 * ```
 */
export interface MigrationAccount extends CompleteOtpauthRecord {
  /** The name exactly as the payload stores it. */
  name: string;
}

/**
 * Which part of a multi-QR export a migration URI is.
 *
 * @example
 * ```ts
 * import { parseMigrationUri, type MigrationBatch } from 'factorkit';
 *
 * declare const exported: string;
 * const batch: MigrationBatch = parseMigrationUri(exported).batch;
 * console.log(`QR code ${batch.index + 1} of ${batch.size}`);
 * ```
 */
export interface MigrationBatch {
  /** How many URIs (QR codes) the export has; 1 when the payload does not say. */
  size: number;
  /** This URI's place among them, from 0. */
  index: number;
  /** Shared by every URI of one export, so that parts of different exports are not mixed. */
  id: number;
}

/**
 * What {@link parseMigrationUri} returns.
 *
 * @example
 * ```ts
 * import { parseMigrationUri, type ParsedMigration } from 'factorkit';
 *
 * declare const exported: string;
 * const { accounts, batch, version }: ParsedMigration = parseMigrationUri(exported);
 * console.log(accounts.length, batch.size, version);
 * ```
 */
export interface ParsedMigration {
  accounts: MigrationAccount[];
  batch: MigrationBatch;
  /** The payload's format version (Google Authenticator writes 1; 0 when absent). */
  version: number;
}

/**
 * Options for {@link buildMigrationUris}.
 *
 * @example
 * ```ts
 * import { buildMigrationUris, type BuildMigrationUrisOptions } from 'factorkit';
 *
 * const options: BuildMigrationUrisOptions = { accountsPerUri: 5 };
 * const uris = buildMigrationUris(
 *   [{ type: 'totp', issuer: 'Example', account: 'ada@example.com', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }],
 *   options,
 * );
 * ```
 */
export interface BuildMigrationUrisOptions {
  /**
   * Accounts per URI, 1 to 10. Default 10: Google Authenticator never puts more than ten
   * accounts in one QR code and splits larger exports into several.
   */
  accountsPerUri?: number;
  /** The batch id shared by the URIs, a 32-bit signed integer. Default: random, as Google's app does. */
  batchId?: number;
  /** Accept secrets shorter than 128 bits, as old accounts often have. Default false. */
  allowWeakSecret?: boolean;
}

/**
 * Google Authenticator's per-QR-code limit (see docs/importing.md for the sources).
 *
 * @example
 * ```ts
 * import { MAX_ACCOUNTS_PER_MIGRATION_URI } from 'factorkit';
 *
 * const qrCodesNeeded = (accounts: number) => Math.ceil(accounts / MAX_ACCOUNTS_PER_MIGRATION_URI);
 * ```
 */
export const MAX_ACCOUNTS_PER_MIGRATION_URI = 10;
// A QR code holds at most 2953 bytes; the cap only refuses absurd input before decoding it.
const MAX_MIGRATION_URI_LENGTH = 65_536;
const PREFIX = /^otpauth-migration:\/\/offline\?/i;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const ALGORITHMS: Readonly<Record<number, HashAlgorithm | 'MD5'>> = {
  0: 'SHA1',
  1: 'SHA1',
  2: 'SHA256',
  3: 'SHA512',
  4: 'MD5',
};
const ALGORITHM_VALUES: Readonly<Record<HashAlgorithm, number>> = { SHA1: 1, SHA256: 2, SHA512: 3 };
// 0 (unspecified) is what old payloads carry: Google Authenticator's default, 6 digits.
const DIGITS: Readonly<Record<number, number>> = { 0: 6, 1: 6, 2: 8 };
const DIGIT_VALUES: Readonly<Record<number, number>> = { 6: 1, 8: 2 };
const HOTP = 1;
const TOTP = 2;

function malformed(what: string): FactorkitError {
  return new FactorkitError('MIGRATION_MALFORMED', `the migration URI is not valid: ${what}`);
}

function unsupported(what: string): FactorkitError {
  return new FactorkitError('MIGRATION_UNSUPPORTED', what);
}

/** The payload bytes of a migration URI: the `data` parameter, percent-decoded, then base64. */
function payloadBytes(uri: string): Uint8Array {
  const text = uri.trim();
  if (text.length > MAX_MIGRATION_URI_LENGTH) throw malformed('it is too long');
  if (!PREFIX.test(text)) throw malformed('it must start with otpauth-migration://offline?');
  let data: string | undefined;
  for (const pair of text
    .slice(text.indexOf('?') + 1)
    .split('#')[0]!
    .split('&')) {
    const equals = pair.indexOf('=');
    if ((equals === -1 ? pair : pair.slice(0, equals)) !== 'data') continue;
    if (data !== undefined) throw malformed('data appears twice');
    try {
      data = decodeURIComponent(pair.slice(equals + 1));
    } catch {
      throw malformed('data has bad %-encoding');
    }
  }
  if (data === undefined || data === '') throw malformed('it has no data parameter');
  // No form decoding: base64's '+' is Google's %2B, and a raw '+' (some exporters leave it
  // unescaped) stays '+'. A space can only be a '+' that a form decoder turned into one.
  const base64 = data.replace(/ /g, '+');
  if (!BASE64.test(base64) || base64.length % 4 === 1) throw malformed('data is not base64');
  return base64Decode(base64);
}

function toAccount(otp: WireOtpParameters, position: number): MigrationAccount {
  const which = `account ${position + 1}`;
  if (otp.secret.length === 0) throw malformed(`${which} has no secret`);
  if (otp.secret.length > MAX_ACCEPTED_SECRET_BYTES) throw malformed(`${which} has an overlong secret`);
  // Control characters cannot be displayed: an app would show garbage in the account list.
  if (UNPRINTABLE.test(otp.name) || UNPRINTABLE.test(otp.issuer)) {
    throw malformed(`${which} has an unprintable character in its name or issuer`);
  }
  const algorithm = ALGORITHMS[otp.algorithm];
  if (algorithm === undefined || algorithm === 'MD5') {
    throw unsupported(`${which} uses ${algorithm ?? 'an unknown'} hash, which factorkit does not compute codes for`);
  }
  const digits = DIGITS[otp.digits];
  if (digits === undefined) throw unsupported(`${which} has an unknown digit count`);
  if (otp.type !== HOTP && otp.type !== TOTP) throw unsupported(`${which} is neither HOTP nor TOTP`);

  const label = splitLabel(otp.name, otp.issuer.trim() || undefined, []);
  const account: MigrationAccount = {
    type: otp.type === HOTP ? 'hotp' : 'totp',
    account: label.account,
    secret: encodeBase32(otp.secret),
    algorithm,
    digits,
    name: otp.name,
  };
  if (label.issuer !== undefined) account.issuer = label.issuer;
  if (otp.type === TOTP) {
    account.period = 30;
  } else {
    if (otp.counter < 0n) throw malformed(`${which} has a negative counter`);
    if (otp.counter > BigInt(Number.MAX_SAFE_INTEGER)) throw unsupported(`${which} has a counter beyond 2^53 - 1`);
    account.counter = Number(otp.counter);
  }
  return account;
}

/**
 * Reads a Google Authenticator "Transfer accounts" URI (`otpauth-migration://offline?data=...`,
 * the content of each export QR code) into its accounts and batch information. An export of
 * more than ten accounts is several URIs: read each and keep those with the same `batch.id`
 * until `batch.size` distinct `batch.index` values are in.
 *
 * The `data` parameter is standard base64 (URL-safe base64 and unescaped `+` are accepted too)
 * of a protobuf MigrationPayload, decoded with @bufbuild/protobuf's wire reader; unknown fields
 * are skipped. Unspecified algorithm and digits mean SHA1 and 6, as in Google's app.
 *
 * @param uri - the URI a QR code reader returned
 * @returns `{ accounts, batch, version }`; see {@link ParsedMigration}
 * @throws {@link FactorkitError} `MIGRATION_MALFORMED` (not a migration URI, bad base64 or
 * protobuf, an account without a secret, a batch index outside the batch),
 * `MIGRATION_UNSUPPORTED` (an account using MD5, an unknown type or digit count, or a counter
 * beyond 2^53 - 1), `INVALID_ARGUMENT` when `uri` is not a string. Messages never hold secrets.
 * @example
 * ```ts
 * import { parseMigrationUri } from 'factorkit';
 *
 * // dim13/otpauth's README example
 * const { accounts, batch } = parseMigrationUri(
 *   'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC',
 * );
 * // accounts[0]: { type: 'totp', issuer: 'Example', account: 'alice@google.com',
 * //   secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30,
 * //   name: 'Example:alice@google.com' }
 * // batch: { size: 1, index: 0, id: 0 }
 * ```
 */
export function parseMigrationUri(uri: string): ParsedMigration {
  if (typeof uri !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'uri must be a string');
  const payload = decodePayload(payloadBytes(uri));
  if (payload.otpParameters.length === 0) throw malformed('it holds no account');
  const size = payload.batchSize === 0 ? 1 : payload.batchSize;
  if (size < 0 || payload.batchIndex < 0 || payload.batchIndex >= size) {
    throw malformed('its batch index is outside its batch');
  }
  return {
    accounts: payload.otpParameters.map(toAccount),
    batch: { size, index: payload.batchIndex, id: payload.batchId },
    version: payload.version,
  };
}

function randomBatchId(): number {
  return crypto.getRandomValues(new Int32Array(1))[0]!;
}

function toWire(record: CompleteOtpauthRecord, position: number): WireOtpParameters {
  const which = `accounts[${position}]`;
  if (record.type === 'totp' && record.period !== 30) {
    throw unsupported(`${which}: the migration format has no period; Google Authenticator uses 30 s`);
  }
  const digits = DIGIT_VALUES[record.digits];
  if (digits === undefined) throw unsupported(`${which}: the migration format holds 6 or 8 digits only`);
  return {
    secret: decodeBase32(record.secret),
    // Google Authenticator writes the whole label here and the issuer beside it.
    name: record.issuer === undefined ? record.account : `${record.issuer}:${record.account}`,
    issuer: record.issuer ?? '',
    algorithm: ALGORITHM_VALUES[record.algorithm],
    digits,
    type: record.type === 'hotp' ? HOTP : TOTP,
    counter: BigInt(record.counter ?? 0),
  };
}

/**
 * Builds Google Authenticator "Transfer accounts" URIs for accounts, to show as QR codes that
 * Google Authenticator (and Aegis, 2FAS, Ente Auth and the other apps that import its exports)
 * scans to import them. Like Google's app it puts at most ten accounts in one URI, numbers the
 * URIs of one export as a batch (`batch_size`, `batch_index`, a shared random `batch_id`) and
 * writes version 1; the payload is encoded with @bufbuild/protobuf's wire writer, then standard
 * base64, then percent-encoded.
 *
 * Each account is checked as {@link buildOtpauthUri} checks a record. The format has no period
 * and holds 6 or 8 digits only; `algorithm` is written, but Google Authenticator has long ignored
 * it (see {@link lintOtpauthUri}), so SHA1 is the portable choice.
 *
 * @param accounts - the accounts, at least one; see {@link OtpauthRecord}
 * @param options - `accountsPerUri` (1 to 10, default 10), `batchId`, `allowWeakSecret`
 * @returns one URI per batch of accounts, in order; render each with {@link renderQrSvg} or
 * {@link renderQrPng}
 * @throws {@link FactorkitError} the {@link buildOtpauthUri} codes for an invalid account
 * (`INVALID_LABEL`, `WEAK_SECRET`...), `MIGRATION_UNSUPPORTED` for a period other than 30 s or
 * digits other than 6 or 8, `INVALID_ARGUMENT` for an empty list or a bad option
 * @example
 * ```ts
 * import { buildMigrationUris, parseMigrationUri, renderQrSvg } from 'factorkit';
 *
 * const uris = buildMigrationUris([
 *   { type: 'totp', issuer: 'Example', account: 'alice@example.com', secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ' },
 *   { type: 'hotp', issuer: 'ACME Co', account: 'bob', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', counter: 4 },
 * ]);
 * const qrCodes = uris.map((uri) => renderQrSvg(uri));
 * parseMigrationUri(uris[0]!).accounts.length; // 2
 * ```
 */
export function buildMigrationUris(accounts: readonly OtpauthRecord[], options?: BuildMigrationUrisOptions): string[] {
  const opts = checkOptionsObject(options);
  if (!Array.isArray(accounts) || accounts.length === 0) {
    throw new FactorkitError('INVALID_ARGUMENT', 'accounts must be a non-empty array of records');
  }
  const perUri = opts.accountsPerUri ?? MAX_ACCOUNTS_PER_MIGRATION_URI;
  if (!isIntegerIn(perUri, 1, MAX_ACCOUNTS_PER_MIGRATION_URI)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'accountsPerUri must be an integer from 1 to 10');
  }
  const batchId = opts.batchId ?? randomBatchId();
  if (!isIntegerIn(batchId, -(2 ** 31), 2 ** 31 - 1)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'batchId must be a 32-bit signed integer');
  }
  const allowWeakSecret = checkBoolean('allowWeakSecret', opts.allowWeakSecret);
  // Every account is checked before any URI is made: a bad tenth account fails the whole call.
  const wire = accounts.map((account, i) => toWire(checkRecord(account, allowWeakSecret), i));
  const size = Math.ceil(wire.length / perUri);
  return Array.from({ length: size }, (_, index) => {
    const bytes = encodePayload({
      otpParameters: wire.slice(index * perUri, (index + 1) * perUri),
      version: 1,
      batchSize: size,
      batchIndex: index,
      batchId,
    });
    return `otpauth-migration://offline?data=${encodeURIComponent(base64Encode(bytes))}`;
  });
}

import { FactorkitError } from '../errors/index.js';
import {
  MAX_ACCEPTED_SECRET_BYTES,
  MAX_SECRET_TEXT_LENGTH,
  checkAlgorithm,
  checkDigits,
  checkPeriod,
} from '../otp/options.js';
import { checkBoolean, checkOptionsObject, isIntegerIn } from '../validation/index.js';
import {
  canonicalSecret,
  checkLabelPart,
  checkRecord,
  type CompleteOtpauthRecord,
  type OtpauthRecord,
} from './record.js';

export type { CompleteOtpauthRecord, OtpauthRecord, OtpauthType } from './record.js';

/** Options for {@link buildOtpauthUri}. */
export interface BuildOtpauthUriOptions {
  /**
   * Accept a secret shorter than 128 bits (RFC 4226 §4 R6). Only for re-exporting legacy
   * secrets; new enrolments should use {@link generateSecret}. Default false.
   */
  allowWeakSecret?: boolean;
}

// Far beyond the 2953 bytes the largest QR code holds; only a guard against absurd input.
export const MAX_URI_LENGTH = 16_384;
// `encoder` is KeePassXC's (`encoder=steam`): it changes what the codes look like, so it is read
// to refuse (strict) or honour (lenient) it, never ignored.
const KNOWN_PARAMETERS = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'encoder']);

/**
 * Builds an `otpauth://` Key URI (Google Authenticator Key-Uri-Format) for a QR code or a link.
 *
 * The label is `Issuer:account`, each part percent-encoded with `encodeURIComponent` (a space
 * becomes `%20`, never `+`), and the `issuer` parameter repeats the issuer, as the format
 * recommends for old and new apps alike. The secret is written as unpadded upper-case base32.
 * Only non-default settings are written (`algorithm` unless SHA1, `digits` unless 6, `period`
 * unless 30), so the URI stays short and its QR code easy to scan; `counter` is always written
 * for `hotp`.
 *
 * @param record - the entry; see {@link OtpauthRecord}
 * @param options - `allowWeakSecret` (default false)
 * @returns the Key URI
 * @throws {@link FactorkitError} `INVALID_LABEL` when the issuer or account is empty, contains
 * a colon or a control character, or starts or ends with whitespace; `INVALID_SECRET`,
 * `WEAK_SECRET` (under 128 bits), `INVALID_ALGORITHM`, `INVALID_DIGITS` (outside 6..10),
 * `INVALID_PERIOD`, `INVALID_COUNTER` (missing for hotp, or given for totp),
 * `INVALID_ARGUMENT` (wrong types)
 * @example
 * ```ts
 * import { buildOtpauthUri } from 'factorkit';
 *
 * buildOtpauthUri({
 *   type: 'totp',
 *   issuer: 'ACME Co',
 *   account: 'jane@example.com',
 *   secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ',
 * });
 * // 'otpauth://totp/ACME%20Co:jane%40example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co'
 * ```
 */
export function buildOtpauthUri(record: OtpauthRecord, options?: BuildOtpauthUriOptions): string {
  const opts = checkOptionsObject(options);
  const r = checkRecord(record, checkBoolean('allowWeakSecret', opts.allowWeakSecret));
  const account = encodeURIComponent(r.account);
  const label = r.issuer === undefined ? account : `${encodeURIComponent(r.issuer)}:${account}`;
  const params = [`secret=${r.secret}`];
  if (r.issuer !== undefined) params.push(`issuer=${encodeURIComponent(r.issuer)}`);
  if (r.algorithm !== 'SHA1') params.push(`algorithm=${r.algorithm}`);
  if (r.digits !== 6) params.push(`digits=${r.digits}`);
  if (r.type === 'totp' && r.period !== 30) params.push(`period=${r.period}`);
  if (r.type === 'hotp') params.push(`counter=${r.counter}`);
  return `otpauth://${r.type}/${label}?${params.join('&')}`;
}

export function decodeComponent(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new FactorkitError('URI_MALFORMED_ENCODING', `${what} has bad %-encoding`);
  }
}

// Scheme, then after '//' the type, '/', the label, '?', the query; the fragment is dropped
// (RFC 3986 §3.5: not part of the resource; apps drop it too).
const URI_PARTS = /^([a-z][a-z\d+.-]*):(\/\/)?([^/?#]*)\/?([^?#]*)\??([^#]*)/i;

/** [type, raw label, raw query] */
export function splitUri(uri: string): [string, string, string] {
  const parts = URI_PARTS.exec(uri);
  if (!parts) throw new FactorkitError('URI_MALFORMED', 'uri must start with otpauth://');
  if (parts[1]!.toLowerCase() !== 'otpauth')
    throw new FactorkitError('URI_INVALID_SCHEME', 'uri must start with otpauth://');
  if (!parts[2]) throw new FactorkitError('URI_MALFORMED', 'uri must start with otpauth://');
  return [parts[3]!, parts[4]!, parts[5]!];
}

export function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    // The name runs to the first '=', the value is the rest (it may hold '=' itself).
    const [, rawKey, rawValue] = /^([^=]*)=?(.*)$/s.exec(pair)!;
    // application/x-www-form-urlencoded: '+' is a space in a query (Android's
    // Uri.getQueryParameter reads it so), unlike in the label.
    const key = decodeComponent(rawKey!.replace(/\+/g, ' '), 'a parameter').toLowerCase();
    if (!KNOWN_PARAMETERS.has(key)) continue; // e.g. image=, icon=: not ours to judge
    if (params.has(key)) throw new FactorkitError('URI_DUPLICATE_PARAMETER', `${key} appears twice`);
    params.set(key, decodeComponent(rawValue!.replace(/\+/g, ' '), key));
  }
  return params;
}

/**
 * An `encoder` parameter changes how codes are written (KeePassXC's `encoder=steam`: 5 Steam
 * Guard characters instead of digits), so a parser that ignored it would produce codes the
 * service refuses. The strict parser refuses it; the lenient one reads `steam` as Steam Guard.
 */
export function refuseEncoder(encoder: string | undefined): void {
  if (encoder === undefined) return;
  if (encoder.trim().toLowerCase() === 'steam') {
    throw new FactorkitError(
      'URI_INVALID_TYPE',
      'encoder=steam marks a Steam Guard key, whose codes are not RFC 6238 digits; parse it with { lenient: true }',
    );
  }
  throw new FactorkitError('URI_INVALID_TYPE', 'the encoder parameter names a code format factorkit does not know');
}

function parseLabel(rawLabel: string): { issuer?: string; account: string } {
  // The path is not form-encoded: '+' stays a literal plus (alice+tag@example.com).
  const label = decodeComponent(rawLabel, 'the label');
  const colon = label.indexOf(':');
  const issuer = colon === -1 ? undefined : label.slice(0, colon).trim();
  // Key-Uri-Format: optional spaces may precede the account name.
  const account = label.slice(colon + 1).trim();
  checkLabelPart(account, 'URI_MALFORMED', "the label's account");
  if (issuer === undefined || issuer.length === 0) return { account };
  checkLabelPart(issuer, 'URI_MALFORMED', "the label's issuer");
  return { issuer, account };
}

/** The strict parser behind {@link parseOtpauthUri} (its TSDoc lists the rules and the codes). */
export function parseStrictOtpauthUri(uri: string): CompleteOtpauthRecord {
  if (typeof uri !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'uri must be a string');
  const text = uri.trim();
  if (text.length > MAX_URI_LENGTH) throw new FactorkitError('URI_MALFORMED', 'uri is too long');

  const [rawType, rawLabel, query] = splitUri(text);
  const type = rawType.toLowerCase();
  if (type !== 'totp' && type !== 'hotp') throw new FactorkitError('URI_INVALID_TYPE', 'uri type must be totp or hotp');

  const params = parseQuery(query);
  refuseEncoder(params.get('encoder'));
  const label = parseLabel(rawLabel);

  const rawSecret = params.get('secret');
  if (rawSecret === undefined || rawSecret.trim() === '')
    throw new FactorkitError('URI_MISSING_SECRET', 'secret is missing');
  // Length first: decoding megabytes of base32 to learn they are too long would be wasted work.
  const secret = rawSecret.length <= MAX_SECRET_TEXT_LENGTH ? canonicalSecret(rawSecret) : undefined;
  if (secret === undefined || secret.bytes > MAX_ACCEPTED_SECRET_BYTES) {
    throw new FactorkitError(
      'URI_INVALID_SECRET',
      `secret is not valid base32 of at most ${MAX_ACCEPTED_SECRET_BYTES} bytes`,
    );
  }

  let issuer = label.issuer;
  const issuerParam = params.get('issuer')?.trim();
  if (issuerParam !== undefined && issuerParam !== '') {
    checkLabelPart(issuerParam, 'URI_MALFORMED', 'issuer');
    if (issuer !== undefined && issuer !== issuerParam)
      throw new FactorkitError('URI_ISSUER_MISMATCH', 'issuer differs from the label');
    issuer = issuerParam;
  }

  return recordFromParams(type, label.account, issuer, secret.secret, params, () => {
    throw new FactorkitError('URI_MISSING_COUNTER', 'counter is missing');
  });
}

/**
 * The record a Key URI's parameters make, checked like the options of the same name, with the
 * URI codes; strict and lenient parsing alike. Integers must be plain decimal digits: Number()
 * alone would take '0x10', '1e1' or ' 8'. An hotp URI without `counter` gets what
 * `missingCounter` answers (strict parsing throws there).
 */
export function recordFromParams(
  type: 'totp' | 'hotp',
  account: string,
  issuer: string | undefined,
  secret: string,
  params: Map<string, string>,
  missingCounter: () => number,
): CompleteOtpauthRecord {
  const integer = (key: string) => {
    const raw = params.get(key);
    return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : raw;
  };
  const record: CompleteOtpauthRecord = {
    type,
    account,
    secret,
    algorithm: checkAlgorithm(params.get('algorithm')?.toUpperCase(), 'algorithm', 'URI_INVALID_ALGORITHM'),
    digits: checkDigits(integer('digits'), 'digits', 'URI_INVALID_DIGITS'),
  };
  if (issuer !== undefined) record.issuer = issuer;
  if (type === 'totp') {
    record.period = checkPeriod(integer('period'), 'period', 'URI_INVALID_PERIOD');
  } else {
    const counter = integer('counter');
    if (counter === undefined) {
      record.counter = missingCounter();
    } else if (!isIntegerIn(counter, 0)) {
      throw new FactorkitError('URI_INVALID_COUNTER', 'counter must be a safe integer >= 0');
    } else {
      record.counter = counter;
    }
  }
  return record;
}

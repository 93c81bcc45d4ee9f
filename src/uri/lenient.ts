// The lenient Key URI parser: every shape a mainstream authenticator app accepts, normalised,
// with each deviation reported as a warning. The rules follow what the apps do, source by source
// (docs/importing.md has the table); where they disagree, the choice that loses no information
// and never produces a wrong code wins.
import { FactorkitError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from '../base32/index.js';
import { MAX_ACCEPTED_SECRET_BYTES, MAX_SECRET_TEXT_LENGTH } from '../otp/options.js';
import { MAX_URI_LENGTH, decodeComponent, parseQuery, recordFromParams, splitUri } from './key-uri.js';
import { type CompleteOtpauthRecord, type SteamGuardRecord, UNPRINTABLE } from './record.js';
import { STEAM_ISSUER_WARNING, isSteamIssuer, recordWarnings, textWarnings, type OtpauthWarning } from './warnings.js';

/**
 * What {@link parseOtpauthUri} returns with `lenient: true`.
 *
 * @example
 * ```ts
 * import { parseOtpauthUri, type LenientOtpauthResult } from 'factorkit';
 *
 * const { record, warnings }: LenientOtpauthResult = parseOtpauthUri(
 *   'otpauth://totp/Microsoft:alice%40contoso.com?secret=JBSWY3DPEHPK3PXP&issuer=Contoso',
 *   { lenient: true },
 * );
 * for (const warning of warnings) console.log(warning.code); // ISSUER_MISMATCH, ...
 * if (record.type === 'steam') console.log('a Steam Guard key');
 * ```
 */
export interface LenientOtpauthResult {
  /**
   * The normalised entry: a TOTP or HOTP record with every default filled in, or a
   * {@link SteamGuardRecord}. Its label parts may hold what {@link buildOtpauthUri} refuses (an
   * empty account, a colon), reported in `warnings`; rename them before building a URI again.
   */
  record: CompleteOtpauthRecord | SteamGuardRecord;
  /** Every deviation from the Key-Uri-Format and every portability finding, with stable codes. */
  warnings: OtpauthWarning[];
}

// Escapes of characters RFC 3986 allows raw in a path segment (pchar: sub-delims, ':' and '@').
// An encoder that escapes one of them (encodeURIComponent, Java's URLEncoder, PHP's urlencode,
// Python's quote_plus) also escapes a literal '+' as %2B, so a raw '+' beside them can only be
// a form-encoded space. Go's url.PathEscape leaves all of them and '+' raw, and writes %20.
const SUBDELIM_ESCAPE = /%(?:21|24|26|27|28|29|2[aA]|2[bB]|2[cC]|3[bB]|3[dD]|3[aA]|40)/;
const GROUPING = /[ \t\r\n-]/g;
// RFC 4648 §6: a final block of 1, 3 or 6 characters holds no whole number of bytes.
const IMPOSSIBLE_REMAINDERS = [1, 3, 6];

function checkPrintable(value: string, what: string): void {
  if (UNPRINTABLE.test(value)) throw new FactorkitError('URI_MALFORMED', `${what} has an unprintable character`);
}

/**
 * The secret as the apps decode it: grouping removed, any run of trailing `=` ignored, and a
 * final character that carries no whole byte dropped (Google Authenticator's Base32String and
 * Apache Commons Codec, which FreeOTP uses, both discard those leftover bits).
 */
function lenientSecret(raw: string | undefined, warnings: OtpauthWarning[]): { secret: string; bytes: number } {
  if (raw === undefined || raw.trim() === '') throw new FactorkitError('URI_MISSING_SECRET', 'secret is missing');
  const invalid = () =>
    new FactorkitError(
      'URI_INVALID_SECRET',
      `secret is not valid base32 of at most ${MAX_ACCEPTED_SECRET_BYTES} bytes`,
    );
  if (raw.length > MAX_SECRET_TEXT_LENGTH) throw invalid();
  const compact = raw.replace(GROUPING, '');
  const padded = /^([^=]*)(=*)$/.exec(compact);
  if (!padded) throw invalid(); // '=' inside the data
  let data = padded[1]!;
  const padding = padded[2]!;
  const remainder = data.length % 8;
  if (IMPOSSIBLE_REMAINDERS.includes(remainder)) {
    warnings.push({
      code: 'SECRET_BAD_LENGTH',
      message:
        "the secret's length is one no base32 encoder writes: its last character carries no whole byte and is ignored, as Google Authenticator and FreeOTP do",
    });
    data = data.slice(0, -1);
  } else if (padding !== '' && padding !== '='.repeat((8 - remainder) % 8)) {
    warnings.push({
      code: 'SECRET_BAD_PADDING',
      message: 'the secret has = padding of the wrong length; it is ignored',
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase32(data);
  } catch (error) {
    throw new FactorkitError('URI_INVALID_SECRET', 'secret is not valid base32', { cause: error });
  }
  if (bytes.length > MAX_ACCEPTED_SECRET_BYTES) throw invalid();
  return { secret: encodeBase32(bytes), bytes: bytes.length };
}

/**
 * How `+` in the label is read: literally (RFC 3986, the Key-Uri-Format's encoding), unless the
 * label was evidently form-encoded: it escapes a character a path may hold raw, or only reading
 * `+` as a space makes its issuer prefix equal the `issuer` parameter.
 */
function plusIsSpace(rawLabel: string, issuerParam: string | undefined): boolean {
  if (!rawLabel.includes('+')) return false;
  if (SUBDELIM_ESCAPE.test(rawLabel)) return true;
  if (issuerParam === undefined) return false;
  const prefix = (label: string) => {
    const colon = label.search(/:|%3[aA]/);
    return colon === -1 ? undefined : label.slice(0, colon);
  };
  const raw = prefix(rawLabel);
  if (raw === undefined) return false;
  const literal = decodeComponent(raw, 'the label').trim();
  const spaced = decodeComponent(raw.replace(/\+/g, ' '), 'the label').trim();
  return literal !== issuerParam && spaced === issuerParam;
}

export interface Label {
  issuer?: string;
  account: string;
}

/**
 * Splits the label into issuer and account, with the `issuer` parameter's help:
 * - a label that starts with the parameter and a colon is split there, so an issuer that itself
 *   holds a colon (Aegis exports `Test%3A%20Foo%3AUser` with `issuer=Test%3A%20Foo`) survives;
 * - otherwise the first colon separates them (the Key-Uri-Format allows no colon in the issuer,
 *   so any later colon belongs to the account: pass-otp's `alice@domain.com:443`);
 * - the parameter wins over a different prefix, as in Google Authenticator, which names the
 *   entry after the parameter and keeps the whole label as the account name; a prefix that
 *   differs only in letter case is the same issuer and is dropped.
 */
export function splitLabel(label: string, issuerParam: string | undefined, warnings: OtpauthWarning[]): Label {
  if (issuerParam !== undefined && label.startsWith(`${issuerParam}:`)) {
    return { issuer: issuerParam, account: accountOf(label.slice(issuerParam.length + 1), warnings) };
  }
  const colon = label.indexOf(':');
  const prefix = colon === -1 ? undefined : label.slice(0, colon).trim() || undefined;
  const account = accountOf(colon === -1 ? label : label.slice(colon + 1), warnings);
  if (issuerParam === undefined) return prefix === undefined ? { account } : { issuer: prefix, account };
  if (prefix === undefined || prefix === issuerParam) return { issuer: issuerParam, account };
  warnings.push({
    code: 'ISSUER_MISMATCH',
    message:
      'the label names another issuer than the issuer parameter; the parameter is the issuer, as in Google Authenticator',
  });
  if (prefix.toLowerCase() === issuerParam.toLowerCase()) return { issuer: issuerParam, account };
  // Microsoft puts the organisation in the label and "Microsoft" in the parameter; Apple's
  // guidance puts the service's name in the label and its domain in the parameter. The prefix
  // tells such accounts apart, so it stays in the account name instead of being thrown away.
  return { issuer: issuerParam, account: account === '' ? prefix : `${prefix}:${account}` };
}

function accountOf(text: string, warnings: OtpauthWarning[]): string {
  // Key-Uri-Format: optional spaces may precede the account name.
  const account = text.trim();
  if (account.includes(':')) {
    warnings.push({
      code: 'COLON_IN_ACCOUNT',
      message: 'the account name holds a colon after the issuer separator; it is kept in the account name',
    });
  }
  return account;
}

function steamRecord(label: Label, secret: string): SteamGuardRecord {
  const record: SteamGuardRecord = { type: 'steam', account: label.account, secret };
  if (label.issuer !== undefined) record.issuer = label.issuer;
  return record;
}

const STEAM_GUARD_WARNING: OtpauthWarning = {
  code: 'STEAM_GUARD',
  message: 'a Steam Guard key: generate its 5-character codes with generateSteamGuardCode, not as TOTP digits',
};

const MISSING_ACCOUNT_WARNING: OtpauthWarning = {
  code: 'MISSING_ACCOUNT',
  message: 'the URI names no account; account is empty, so give the entry a name before building a URI again',
};

/** Bitwarden's `steam://SECRET`: the whole rest of the URI is the secret. */
function parseSteamScheme(text: string): LenientOtpauthResult {
  const warnings: OtpauthWarning[] = [STEAM_GUARD_WARNING];
  const raw = decodeComponent(text.slice('steam://'.length).split(/[?#]/)[0]!, 'the secret');
  const secret = lenientSecret(raw, warnings);
  warnings.push(MISSING_ACCOUNT_WARNING);
  const record = steamRecord({ issuer: 'Steam', account: '' }, secret.secret);
  return { record, warnings: [...warnings, ...recordWarnings(record, secret.bytes)] };
}

/**
 * Steam Guard fixes SHA1 and 30 s: a URI that asks for anything else is contradictory, so it is
 * refused rather than guessed at. `digits` is ignored (KeePassXC writes 5, Aegis 5, Steam none).
 */
function checkSteamSettings(params: Map<string, string>): void {
  const algorithm = params.get('algorithm');
  if (algorithm !== undefined && algorithm.toUpperCase() !== 'SHA1') {
    throw new FactorkitError('URI_INVALID_ALGORITHM', 'Steam Guard codes always use SHA1');
  }
  const period = params.get('period');
  if (period !== undefined && period !== '30') {
    throw new FactorkitError('URI_INVALID_PERIOD', 'Steam Guard codes always use 30-second steps');
  }
}

/** The lenient parser behind `parseOtpauthUri(uri, { lenient: true })`. */
export function parseLenientOtpauthUri(uri: string): LenientOtpauthResult {
  if (typeof uri !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'uri must be a string');
  const text = uri.trim();
  if (text.length > MAX_URI_LENGTH) throw new FactorkitError('URI_MALFORMED', 'uri is too long');
  if (/^steam:\/\//i.test(text)) return parseSteamScheme(text);

  const [rawType, rawLabel, query] = splitUri(text);
  const type = rawType.toLowerCase();
  if (type !== 'totp' && type !== 'hotp' && type !== 'steam') {
    throw new FactorkitError('URI_INVALID_TYPE', 'uri type must be totp, hotp or steam');
  }
  const params = parseQuery(query);
  const warnings: OtpauthWarning[] = [];

  const issuerParam = params.get('issuer')?.trim() || undefined;
  if (issuerParam !== undefined) {
    checkPrintable(issuerParam, 'issuer');
    if (issuerParam.includes(':')) {
      warnings.push({ code: 'COLON_IN_ISSUER', message: 'the issuer parameter holds a colon; it is kept' });
    }
  }
  const plus = plusIsSpace(rawLabel, issuerParam);
  if (plus) {
    warnings.push({
      code: 'LABEL_PLUS_AS_SPACE',
      message: 'the label is form-encoded: its + signs are read as spaces (the Key-Uri-Format writes %20)',
    });
  }
  const label = decodeComponent(plus ? rawLabel.replace(/\+/g, ' ') : rawLabel, 'the label');
  checkPrintable(label, 'the label');
  const parts = splitLabel(label, issuerParam, warnings);
  if (parts.account === '') warnings.push(MISSING_ACCOUNT_WARNING);

  const secret = lenientSecret(params.get('secret'), warnings);
  const encoder = params.get('encoder')?.trim().toLowerCase();
  if (encoder !== undefined && encoder !== 'steam') {
    throw new FactorkitError('URI_INVALID_TYPE', 'the encoder parameter names a code format factorkit does not know');
  }
  if (type === 'hotp' && encoder === 'steam') {
    throw new FactorkitError('URI_INVALID_TYPE', 'Steam Guard codes are time-based; an hotp URI cannot be one');
  }

  if (type === 'steam' || encoder === 'steam' || (type === 'totp' && isSteamIssuer(parts.issuer))) {
    checkSteamSettings(params);
    warnings.unshift(type === 'totp' && encoder === undefined ? STEAM_ISSUER_WARNING : STEAM_GUARD_WARNING);
    const record = steamRecord(parts, secret.secret);
    return { record, warnings: [...warnings, ...recordWarnings(record, secret.bytes), ...textWarnings(text, plus)] };
  }

  const record = recordFromParams(type, parts.account, parts.issuer, secret.secret, params, () => {
    warnings.push({
      code: 'MISSING_COUNTER',
      message: 'the hotp URI has no counter; 0 is used, as Google Authenticator and FreeOTP do',
    });
    return 0;
  });
  return { record, warnings: [...warnings, ...recordWarnings(record, secret.bytes), ...textWarnings(text, plus)] };
}

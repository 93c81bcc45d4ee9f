import { FactorkitError } from '../errors/index.js';
import { MIN_SECRET_BYTES } from '../otp/options.js';
import {
  DEFAULT_DIGITS,
  DEFAULT_PERIOD_SECONDS,
  canonicalSecret,
  checkRecord,
  type CompleteOtpauthRecord,
  type OtpauthRecord,
} from './record.js';
import { parseOtpauthUri } from './key-uri.js';

/**
 * Stable codes of {@link lintOtpauthUri} warnings. Match on these, never on the message.
 *
 * - `ALGORITHM_NOT_SHA1`: Google Authenticator (and other apps) ignore `algorithm` and
 *   would show wrong codes.
 * - `DIGITS_NOT_6`: several apps ignore `digits` and show 6-digit codes.
 * - `PERIOD_NOT_30`: several apps ignore `period` and use 30 s.
 * - `MISSING_ISSUER`: the app shows only the account name, which collides across services.
 * - `ISSUER_ONLY_IN_LABEL`: newer Google Authenticator versions use the `issuer` parameter.
 * - `ISSUER_ONLY_IN_PARAMETER`: older Google Authenticator versions read only the label prefix.
 * - `WEAK_SECRET`: shorter than the 128 bits RFC 4226 §4 R6 requires.
 * - `SECRET_NOT_CANONICAL`: lower case, padding or spaces in the secret, which some apps refuse.
 */
export type OtpauthWarningCode =
  | 'ALGORITHM_NOT_SHA1'
  | 'DIGITS_NOT_6'
  | 'PERIOD_NOT_30'
  | 'MISSING_ISSUER'
  | 'ISSUER_ONLY_IN_LABEL'
  | 'ISSUER_ONLY_IN_PARAMETER'
  | 'WEAK_SECRET'
  | 'SECRET_NOT_CANONICAL';

/** One finding of {@link lintOtpauthUri}: a stable `code` and an English explanation. */
export interface OtpauthWarning {
  code: OtpauthWarningCode;
  message: string;
}

function recordWarnings(record: CompleteOtpauthRecord, secretBytes: number): OtpauthWarning[] {
  const warnings: OtpauthWarning[] = [];
  if (record.algorithm !== 'SHA1') {
    warnings.push({
      code: 'ALGORITHM_NOT_SHA1',
      message: `algorithm ${record.algorithm} is ignored by Google Authenticator and some other apps, which then show wrong codes`,
    });
  }
  if (record.digits !== DEFAULT_DIGITS) {
    warnings.push({
      code: 'DIGITS_NOT_6',
      message: `digits ${record.digits} is ignored by some apps, which then show 6-digit codes`,
    });
  }
  if (record.type === 'totp' && record.period !== DEFAULT_PERIOD_SECONDS) {
    warnings.push({
      code: 'PERIOD_NOT_30',
      message: `a ${record.period} s period is ignored by some apps, which then use 30 s`,
    });
  }
  if (record.issuer === undefined) {
    warnings.push({
      code: 'MISSING_ISSUER',
      message: 'no issuer: the app shows only the account name, which may collide with other services',
    });
  }
  if (secretBytes < MIN_SECRET_BYTES) {
    warnings.push({
      code: 'WEAK_SECRET',
      message: `the secret has ${secretBytes * 8} bits; RFC 4226 requires at least ${MIN_SECRET_BYTES * 8}`,
    });
  }
  return warnings;
}

// Reads back from the raw text what parsing normalises away: where the issuer was written and
// how the secret was spelled. The URI already parsed, so its shape is known to be sound.
function textWarnings(uri: string): OtpauthWarning[] {
  const warnings: OtpauthWarning[] = [];
  const text = uri.trim().split('#')[0]!;
  const question = text.indexOf('?');
  const path = question === -1 ? text : text.slice(0, question);
  const query = question === -1 ? '' : text.slice(question + 1);
  const label = decodeURIComponent(path.slice(path.indexOf('/', 'otpauth://'.length) + 1));
  const hasLabelIssuer = /^[^:]*[^:\s][^:]*:/.test(label);
  let hasIssuerParam = false;
  let rawSecret = '';
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const key = decodeURIComponent((equals === -1 ? pair : pair.slice(0, equals)).replace(/\+/g, ' ')).toLowerCase();
    if (key !== 'issuer' && key !== 'secret') continue; // unknown values may not even decode
    const value = decodeURIComponent((equals === -1 ? '' : pair.slice(equals + 1)).replace(/\+/g, ' '));
    if (key === 'issuer' && value.trim() !== '') hasIssuerParam = true;
    if (key === 'secret') rawSecret = value;
  }
  if (hasLabelIssuer && !hasIssuerParam) {
    warnings.push({
      code: 'ISSUER_ONLY_IN_LABEL',
      message: 'the issuer is only in the label; add the issuer parameter, which newer apps use',
    });
  }
  if (hasIssuerParam && !hasLabelIssuer) {
    warnings.push({
      code: 'ISSUER_ONLY_IN_PARAMETER',
      message: 'the issuer is only a parameter; prefix the label with it too, as older apps read only the label',
    });
  }
  if (canonicalSecret(rawSecret)?.secret !== rawSecret) {
    warnings.push({
      code: 'SECRET_NOT_CANONICAL',
      message: 'the secret is not unpadded upper-case base32; some apps refuse padding, lower case or spaces',
    });
  }
  return warnings;
}

/**
 * Lists settings in a Key URI (or a record about to become one) that common authenticator
 * apps ignore or mishandle. Google Authenticator's Key-Uri-Format notes that its apps ignore
 * `algorithm`, `digits` and `period`; an app that ignores them shows codes your server refuses.
 * A URI made by {@link buildOtpauthUri} from defaults and an issuer has no warnings.
 *
 * For a URI string it also reports what building would never produce: an issuer only in the
 * label or only in the parameter, and a secret not spelled as unpadded upper-case base32.
 *
 * @param input - a Key URI or an {@link OtpauthRecord}
 * @returns the warnings, empty when the URI is portable; never throws for a weak secret
 * @throws {@link FactorkitError} with the {@link parseOtpauthUri} codes when a URI does not
 * parse, or the {@link buildOtpauthUri} codes when a record is invalid
 * @example
 * ```ts
 * import { lintOtpauthUri } from 'factorkit';
 *
 * const warnings = lintOtpauthUri('otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&digits=8');
 * console.log(warnings.map((w) => w.code)); // ['DIGITS_NOT_6', 'MISSING_ISSUER', 'WEAK_SECRET']
 * ```
 */
export function lintOtpauthUri(input: string | OtpauthRecord): OtpauthWarning[] {
  if (typeof input === 'string') {
    const record = parseOtpauthUri(input);
    return [...recordWarnings(record, secretLength(record.secret)), ...textWarnings(input)];
  }
  if (typeof input !== 'object' || input === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'input must be a Key URI string or a record');
  }
  const record = checkRecord(input, true);
  return recordWarnings(record, secretLength(record.secret));
}

function secretLength(canonical: string): number {
  return canonicalSecret(canonical)?.bytes ?? 0;
}

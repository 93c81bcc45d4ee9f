// The findings lintOtpauthUri reports and the lenient parser returns: one list of stable codes,
// so that an app sees the same words for the same deviation whichever function it calls.
import { MIN_SECRET_BYTES } from '../otp/options.js';
import {
  DEFAULT_DIGITS,
  DEFAULT_PERIOD_SECONDS,
  canonicalSecret,
  type CompleteOtpauthRecord,
  type SteamGuardRecord,
} from './record.js';

/**
 * Stable codes of {@link lintOtpauthUri} warnings and of the warnings {@link parseOtpauthUri}
 * returns with `lenient: true`. Match on these, never on the message.
 *
 * Settings that apps ignore or mishandle (strict and lenient):
 * - `ALGORITHM_NOT_SHA1`: Google Authenticator (and other apps) ignore `algorithm` and
 *   would show wrong codes.
 * - `DIGITS_NOT_6`: several apps ignore `digits` and show 6-digit codes.
 * - `PERIOD_NOT_30`: several apps ignore `period` and use 30 s.
 * - `MISSING_ISSUER`: the app shows only the account name, which collides across services.
 * - `ISSUER_ONLY_IN_LABEL`: newer Google Authenticator versions use the `issuer` parameter.
 * - `ISSUER_ONLY_IN_PARAMETER`: older Google Authenticator versions read only the label prefix.
 * - `WEAK_SECRET`: shorter than the 128 bits RFC 4226 §4 R6 requires.
 * - `SECRET_NOT_CANONICAL`: lower case, padding or spaces in the secret, which some apps refuse.
 * - `STEAM_ISSUER`: a `totp` URI whose issuer is Steam. Steam has no RFC 6238 codes: its own
 *   API hands out Steam Guard keys in exactly this shape, and FreeOTP and Stratum show Steam
 *   Guard codes for it. The strict parser reads it as 6-digit TOTP; the lenient one as Steam Guard.
 *
 * Deviations only the lenient parser accepts (the strict parser throws for each):
 * - `ISSUER_MISMATCH`: the label's issuer prefix differs from the `issuer` parameter. The
 *   parameter wins; a prefix that differs in more than letter case stays in the account name.
 * - `LABEL_PLUS_AS_SPACE`: `+` in the label was read as a space (the label was form-encoded).
 * - `MISSING_ACCOUNT`: no label, or an empty account name; `account` is `''`.
 * - `COLON_IN_ACCOUNT`: the account name holds a colon (after the first one, the separator).
 * - `COLON_IN_ISSUER`: the `issuer` parameter holds a colon.
 * - `SECRET_BAD_LENGTH`: a base32 length no encoder writes; the last character, which carries
 *   no whole byte, is ignored, as Google Authenticator's and FreeOTP's decoders do.
 * - `SECRET_BAD_PADDING`: `=` padding of the wrong length; it is ignored.
 * - `MISSING_COUNTER`: an `hotp` URI without `counter`; 0 is used, as Google Authenticator and
 *   FreeOTP do.
 * - `STEAM_GUARD`: a Steam Guard key (`encoder=steam`, `otpauth://steam/` or `steam://`); the
 *   record has type `'steam'`.
 */
export type OtpauthWarningCode =
  | 'ALGORITHM_NOT_SHA1'
  | 'DIGITS_NOT_6'
  | 'PERIOD_NOT_30'
  | 'MISSING_ISSUER'
  | 'ISSUER_ONLY_IN_LABEL'
  | 'ISSUER_ONLY_IN_PARAMETER'
  | 'WEAK_SECRET'
  | 'SECRET_NOT_CANONICAL'
  | 'STEAM_ISSUER'
  | 'ISSUER_MISMATCH'
  | 'LABEL_PLUS_AS_SPACE'
  | 'MISSING_ACCOUNT'
  | 'COLON_IN_ACCOUNT'
  | 'COLON_IN_ISSUER'
  | 'SECRET_BAD_LENGTH'
  | 'SECRET_BAD_PADDING'
  | 'MISSING_COUNTER'
  | 'STEAM_GUARD';

/** One finding of {@link lintOtpauthUri}: a stable `code` and an English explanation. */
export interface OtpauthWarning {
  code: OtpauthWarningCode;
  message: string;
}

/** True for an issuer naming Steam, whose only codes are Steam Guard's. */
export function isSteamIssuer(issuer: string | undefined): boolean {
  return issuer !== undefined && issuer.trim().toLowerCase() === 'steam';
}

export const STEAM_ISSUER_WARNING: OtpauthWarning = {
  code: 'STEAM_ISSUER',
  message:
    'the issuer is Steam, which hands out Steam Guard keys in totp URIs: its codes are 5 Steam Guard characters, not RFC 6238 digits',
};

/** What the record's settings mean for portability: the same for URIs and records. */
export function recordWarnings(
  record: CompleteOtpauthRecord | SteamGuardRecord,
  secretBytes: number,
): OtpauthWarning[] {
  const warnings: OtpauthWarning[] = [];
  if (record.type !== 'steam') {
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

/**
 * Reads back from the raw text what parsing normalises away: where the issuer was written and
 * how the secret was spelled. Called only after the URI parsed, so its shape is known to be
 * sound; `plusIsSpace` is how the parser read `+` in the label.
 */
export function textWarnings(uri: string, plusIsSpace = false): OtpauthWarning[] {
  const warnings: OtpauthWarning[] = [];
  const text = uri.trim().split('#')[0]!;
  const question = text.indexOf('?');
  const path = question === -1 ? text : text.slice(0, question);
  const query = question === -1 ? '' : text.slice(question + 1);
  const afterType = path.indexOf('/', 'otpauth://'.length);
  const rawLabel = afterType === -1 ? '' : path.slice(afterType + 1);
  const label = decodeURIComponent(plusIsSpace ? rawLabel.replace(/\+/g, ' ') : rawLabel);
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

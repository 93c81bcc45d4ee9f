// The public face of Key URI parsing: one function, strict by default, lenient on request.
import { FactorkitError } from '../errors/index.js';
import { checkBoolean, checkOptionsObject } from '../validation/index.js';
import { parseStrictOtpauthUri } from './key-uri.js';
import { parseLenientOtpauthUri, type LenientOtpauthResult } from './lenient.js';
import type { CompleteOtpauthRecord } from './record.js';

/**
 * Options for {@link parseOtpauthUri}.
 *
 * @example
 * ```ts
 * import { parseOtpauthUri, type ParseOtpauthUriOptions } from 'factorkit';
 *
 * const options: ParseOtpauthUriOptions = { lenient: true };
 * const { warnings } = parseOtpauthUri('otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP', { lenient: true });
 * console.log(options, warnings);
 * ```
 */
export interface ParseOtpauthUriOptions {
  /**
   * Accept every shape mainstream authenticator apps accept and return `{ record, warnings }`
   * instead of throwing for deviations from the Key-Uri-Format. Default false: strict.
   */
  lenient?: boolean;
}

// The lenient signature comes first and the strict one last: overloads are tried in order, and
// ReturnType<typeof parseOtpauthUri> reads the last one, which stays the strict record it always was.
/**
 * Parses a Key URI as authenticator apps do, for importing existing accounts (password
 * managers, authenticator apps, migration tools): it accepts every shape Google Authenticator,
 * Aegis, FreeOTP, pass-otp or KeePassXC accept, normalises it, and returns each deviation as a
 * warning with a stable code ({@link OtpauthWarningCode}), next to the portability findings of
 * {@link lintOtpauthUri}. What it reads differently from the strict parser:
 * - the `issuer` parameter wins over a different label prefix (Google Authenticator's rule;
 *   Microsoft and Apple's guidance write different values on purpose); a prefix that differs
 *   in more than letter case is kept in the account name (`ISSUER_MISMATCH`);
 * - `+` in a form-encoded label is a space (`LABEL_PLUS_AS_SPACE`); a missing or empty account
 *   is `''` (`MISSING_ACCOUNT`); colons are kept (`COLON_IN_ACCOUNT`, `COLON_IN_ISSUER`);
 * - a secret of impossible length or wrong padding is decoded as Google Authenticator and
 *   FreeOTP decode it (`SECRET_BAD_LENGTH`, `SECRET_BAD_PADDING`); `hotp` without `counter`
 *   starts at 0 (`MISSING_COUNTER`);
 * - Steam Guard keys (`encoder=steam`, `otpauth://steam/`, `steam://`, and `totp` URIs issued
 *   by Steam) become a {@link SteamGuardRecord} (`STEAM_GUARD`, `STEAM_ISSUER`): never a TOTP
 *   record that would show 6 wrong digits.
 *
 * It still refuses what no app can use: no secret or one that is not base32, an unknown type or
 * `encoder`, a duplicated parameter, settings outside the supported ranges, control characters.
 * For every URI the strict parser accepts it returns the same record, except that it reads a
 * `+` in a form-encoded label as a space and a Steam-issued `totp` URI as Steam Guard, each
 * with its warning.
 *
 * @param uri - the Key URI, e.g. decoded from a QR code, or Bitwarden's `steam://SECRET`
 * @param options - `{ lenient: true }`
 * @returns `{ record, warnings }`; see {@link LenientOtpauthResult}
 * @throws {@link FactorkitError} with the strict parser's `URI_*` codes for what stays refused;
 * messages never contain the secret
 * @example
 * ```ts
 * import { parseOtpauthUri } from 'factorkit';
 *
 * // Microsoft's shape: the organisation in the label, "Microsoft" in the issuer parameter
 * const { record, warnings } = parseOtpauthUri(
 *   'otpauth://totp/Some+Company%3Ame%40somecompany.net?secret=JBSWY3DPEHPK3PXP&issuer=Microsoft',
 *   { lenient: true },
 * );
 * // record: { type: 'totp', issuer: 'Microsoft', account: 'Some Company:me@somecompany.net', ... }
 * console.log(warnings.map((w) => w.code)); // ['LABEL_PLUS_AS_SPACE', 'ISSUER_MISMATCH', 'WEAK_SECRET']
 * ```
 */
export function parseOtpauthUri(uri: string, options: { lenient: true }): LenientOtpauthResult;
/**
 * Parses an `otpauth://` Key URI into a complete record, with defaults filled in: `algorithm`
 * and `digits` are always set, `period` for `totp`, `counter` for `hotp`; `issuer` is set when
 * the label or the `issuer` parameter names one. So `parseOtpauthUri(buildOtpauthUri(r))`
 * deep-equals `r` whenever `r` spells out its settings.
 *
 * Lenient where real services differ, strict where a guess could produce wrong codes:
 * - the scheme and type are case-insensitive; surrounding whitespace is ignored;
 * - the secret may be lower case or padded (Google issues lower-case secrets) and is returned
 *   canonical; secrets shorter than 128 bits are accepted, since many services still
 *   issue 80-bit (16-character) ones ({@link lintOtpauthUri} warns about them);
 * - the label may use `:` or `%3A` and spaces before the account; `+` in the label is a literal
 *   plus, in the query a space (form encoding); the issuer may be only in the label, only in
 *   the `issuer` parameter, or in both, and then both must be equal;
 * - `algorithm` is case-insensitive; unknown parameters (`image`, `icon`...) are ignored, and
 *   so is `counter` in a `totp` URI and `period` in a `hotp` one.
 *
 * Importing accounts from elsewhere? Pass `{ lenient: true }` (the other signature) to accept
 * every shape mainstream authenticator apps accept, with the deviations as warnings.
 *
 * @param uri - the Key URI, e.g. decoded from a QR code
 * @param options - omit, or `{ lenient: false }`, for this strict parser
 * @returns the record; see {@link CompleteOtpauthRecord}
 * @throws {@link FactorkitError} with one code per problem, and a message that never contains
 * the secret: `URI_INVALID_SCHEME` (not `otpauth:`), `URI_INVALID_TYPE` (not totp/hotp, or an `encoder`
 * parameter such as KeePassXC's `encoder=steam`, whose codes are not digits),
 * `URI_MISSING_SECRET`, `URI_INVALID_SECRET` (not base32), `URI_MISSING_COUNTER` (hotp
 * without counter), `URI_INVALID_COUNTER`, `URI_DUPLICATE_PARAMETER` (`secret=A&secret=B`),
 * `URI_ISSUER_MISMATCH` (label issuer differs from the parameter), `URI_INVALID_DIGITS`
 * (outside 6..10), `URI_INVALID_PERIOD`, `URI_INVALID_ALGORITHM`, `URI_MALFORMED_ENCODING`
 * (bad `%` escapes), `URI_MALFORMED` (anything else: no `//`, no account name, a colon in a
 * label part, too long); `INVALID_ARGUMENT` when `uri` is not a string
 * @example
 * ```ts
 * import { parseOtpauthUri } from 'factorkit';
 *
 * const record = parseOtpauthUri(
 *   'otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
 * );
 * // { type: 'totp', issuer: 'Example', account: 'alice@google.com',
 * //   secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30 }
 * ```
 */
export function parseOtpauthUri(uri: string, options?: { lenient?: false }): CompleteOtpauthRecord;
export function parseOtpauthUri(
  uri: string,
  options?: ParseOtpauthUriOptions,
): CompleteOtpauthRecord | LenientOtpauthResult {
  const lenient = checkBoolean('options.lenient', checkOptionsObject(options).lenient);
  return lenient ? parseLenientOtpauthUri(uri) : parseStrictOtpauthUri(uri);
}

import { FactorkitError } from '../errors/index.js';
import { checkBoolean, checkOptionsObject } from '../validation/index.js';
import { parseStrictOtpauthUri } from './key-uri.js';
import { parseLenientOtpauthUri } from './lenient.js';
import { canonicalSecret, checkRecord, type OtpauthRecord } from './record.js';
import { STEAM_ISSUER_WARNING, isSteamIssuer, recordWarnings, textWarnings, type OtpauthWarning } from './warnings.js';

export type { OtpauthWarning, OtpauthWarningCode } from './warnings.js';

/**
 * Options for {@link lintOtpauthUri}.
 *
 * @example
 * ```ts
 * import { lintOtpauthUri, type LintOtpauthUriOptions } from 'factorkit';
 *
 * const options: LintOtpauthUriOptions = { lenient: true };
 * console.log(lintOtpauthUri('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP', options));
 * ```
 */
export interface LintOtpauthUriOptions {
  /**
   * Read a URI string as `parseOtpauthUri(uri, { lenient: true })` does and report its
   * deviations as warnings instead of throwing for them. Default false.
   */
  lenient?: boolean;
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
 * With `{ lenient: true }` a URI string is read as `parseOtpauthUri(uri, { lenient: true })`
 * reads it, and the warnings are the same: the deviations it accepts (`ISSUER_MISMATCH`,
 * `SECRET_BAD_LENGTH`...) next to the portability findings. A `totp` URI or record issued by
 * Steam always gets `STEAM_ISSUER`: its codes are Steam Guard's, not 6 digits.
 *
 * @param input - a Key URI or an {@link OtpauthRecord}
 * @param options - `lenient` (default false), for URI strings
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
export function lintOtpauthUri(input: string | OtpauthRecord, options?: LintOtpauthUriOptions): OtpauthWarning[] {
  const lenient = checkBoolean('options.lenient', checkOptionsObject(options).lenient);
  if (typeof input === 'string') {
    if (lenient) return parseLenientOtpauthUri(input).warnings;
    const record = parseStrictOtpauthUri(input);
    return [...steamWarnings(record), ...recordWarnings(record, secretLength(record.secret)), ...textWarnings(input)];
  }
  if (typeof input !== 'object' || input === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'input must be a Key URI string or a record');
  }
  const record = checkRecord(input, true);
  return [...steamWarnings(record), ...recordWarnings(record, secretLength(record.secret))];
}

/** A totp entry issued by Steam is a Steam Guard key read as 6-digit TOTP: say so. */
function steamWarnings(record: OtpauthRecord): OtpauthWarning[] {
  return record.type === 'totp' && isSteamIssuer(record.issuer) ? [STEAM_ISSUER_WARNING] : [];
}

function secretLength(canonical: string): number {
  return canonicalSecret(canonical)?.bytes ?? 0;
}

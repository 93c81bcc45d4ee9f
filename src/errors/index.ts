/**
 * Every stable error code factorkit throws. Match on `error.code`, never on the message:
 * messages may be reworded, codes only change in a major release.
 *
 * Core: `INVALID_ARGUMENT` (wrong type or shape), `INVALID_SECRET`, `WEAK_SECRET`,
 * `INVALID_BASE32`, `INVALID_ALGORITHM`, `INVALID_DIGITS`, `INVALID_PERIOD`, `INVALID_TIME`,
 * `INVALID_COUNTER`, `INVALID_WINDOW`.
 * Key URIs: `INVALID_LABEL` (building) and the `URI_*` codes (parsing).
 * Google Authenticator migration URIs: `MIGRATION_MALFORMED` (not a migration URI, or broken
 * base64 or protobuf), `MIGRATION_UNSUPPORTED` (an account or setting the format or factorkit
 * cannot carry: MD5, a period other than 30 s...).
 * Backup codes: `INVALID_BACKUP_SET`, `WEAK_KDF` (KDF parameters below the OWASP minimum).
 * Lifecycle and stores: `STORE_ERROR`, `STORE_CONFLICT`, `NOT_ENROLLED`, `ALREADY_ENROLLED`,
 * `NO_PENDING_ENROLLMENT`, `ENROLLMENT_EXPIRED`, `INVALID_KEYRING`, `CIPHER_UNAVAILABLE` (a keyring in a runtime with neither node:crypto
 * nor Web Crypto), `DECRYPTION_FAILED`, `UNENCRYPTED_SECRET` (a secret
 * stored in clear while a keyring is configured), `TOO_MANY_FACTORS` (a sixth authenticator, an eleventh delivered factor),
 * `CORRUPT_RECORD` (stored 2FA data that fails validation), `INVALID_NAME` (a factor name given
 * to `beginEnrollment` that is blank, over 64 characters or has control characters: a name the
 * user typed, to answer with a message; `renameFactor` answers `invalid-name` instead).
 * Delivered codes and approvals: `DELIVERY_NOT_CONFIGURED` (a delivered channel used without a
 * `deliver` callback), `DELIVERY_FAILED` (the app's `deliver` threw or rejected: nothing was
 * written or counted; the callback's error is the `cause`), `INVALID_DESTINATION` (an address,
 * phone number or chat id the channel cannot use), `VOICE_FALLBACK_ONLY` (a voice factor on an
 * account without another active factor that is not voice).
 * WebAuthn (`factorkit/webauthn`): `WEBAUTHN_NOT_CONFIGURED` (passwordless sign-in without
 * `findUserByHandle`).
 */
export type FactorkitErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_SECRET'
  | 'WEAK_SECRET'
  | 'INVALID_BASE32'
  | 'INVALID_ALGORITHM'
  | 'INVALID_DIGITS'
  | 'INVALID_PERIOD'
  | 'INVALID_TIME'
  | 'INVALID_COUNTER'
  | 'INVALID_WINDOW'
  | 'INVALID_LABEL'
  | 'URI_MALFORMED'
  | 'URI_INVALID_SCHEME'
  | 'URI_INVALID_TYPE'
  | 'URI_MISSING_SECRET'
  | 'URI_INVALID_SECRET'
  | 'URI_MISSING_COUNTER'
  | 'URI_INVALID_COUNTER'
  | 'URI_DUPLICATE_PARAMETER'
  | 'URI_ISSUER_MISMATCH'
  | 'URI_INVALID_DIGITS'
  | 'URI_INVALID_PERIOD'
  | 'URI_INVALID_ALGORITHM'
  | 'URI_MALFORMED_ENCODING'
  | 'MIGRATION_MALFORMED'
  | 'MIGRATION_UNSUPPORTED'
  | 'INVALID_BACKUP_SET'
  | 'WEAK_KDF'
  | 'STORE_ERROR'
  | 'STORE_CONFLICT'
  | 'NOT_ENROLLED'
  | 'ALREADY_ENROLLED'
  | 'NO_PENDING_ENROLLMENT'
  | 'ENROLLMENT_EXPIRED'
  | 'INVALID_KEYRING'
  | 'CIPHER_UNAVAILABLE'
  | 'DECRYPTION_FAILED'
  | 'UNENCRYPTED_SECRET'
  | 'TOO_MANY_FACTORS'
  | 'CORRUPT_RECORD'
  | 'INVALID_NAME'
  | 'DELIVERY_NOT_CONFIGURED'
  | 'DELIVERY_FAILED'
  | 'INVALID_DESTINATION'
  | 'VOICE_FALLBACK_ONLY'
  | 'WEBAUTHN_NOT_CONFIGURED';

/**
 * The one error class factorkit throws. It signals misuse by the caller (a bad secret,
 * `digits: 5`, a corrupt stored record) or a failing store; a wrong code typed by a user is
 * never an error, it is a `{ valid: false }` result.
 *
 * Messages never contain secrets, codes or other key material.
 *
 * @example
 * ```ts
 * import { FactorkitError, decodeBase32 } from 'factorkit';
 *
 * try {
 *   decodeBase32('not base32!');
 * } catch (error) {
 *   if (error instanceof FactorkitError && error.code === 'INVALID_BASE32') {
 *     console.log('please re-type the key');
 *   }
 * }
 * ```
 */
export class FactorkitError extends Error {
  /** Stable machine-readable reason; see {@link FactorkitErrorCode}. */
  readonly code: FactorkitErrorCode;

  /**
   * @param code - the stable reason
   * @param message - human-readable detail; must not include secrets or codes
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: FactorkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'FactorkitError';
  }
}

/**
 * True when `error` is a {@link FactorkitError}, optionally with the given code. Works across
 * bundle copies (ESM and CJS builds loaded side by side), where `instanceof` would not.
 *
 * @param error - anything caught
 * @param code - when given, also require this {@link FactorkitErrorCode}
 * @returns whether `error` is a `FactorkitError` (with that code)
 * @example
 * ```ts
 * import { isFactorkitError, generateTotp } from 'factorkit';
 *
 * try {
 *   generateTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { digits: 5 });
 * } catch (error) {
 *   console.log(isFactorkitError(error, 'INVALID_DIGITS')); // true
 * }
 * ```
 */
export function isFactorkitError(error: unknown, code?: FactorkitErrorCode): error is FactorkitError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  if (candidate.name !== 'FactorkitError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}

// The public types of factorkit/webauthn: the module's options, what its operations take and
// answer, and the browser-side JSON it hands over (the shapes of @simplewebauthn/server, which
// are the WebAuthn Level 3 JSON forms the browser's `toJSON()` produces).
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { TwoFactorFailure } from '../../kernel/results.js';

export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};

/**
 * The two kinds of WebAuthn factor. A `'security-key'` is a second factor only (as GitHub's): no
 * resident key, user verification discouraged, so any FIDO2 or U2F key works by a touch. A
 * `'passkey'` is a discoverable credential with user verification required (a PIN, a
 * fingerprint, a face): it can also sign in without a password ({@link WebAuthnOperations.beginPasskeySignIn}).
 *
 * @example
 * ```ts
 * import type { WebAuthnKind } from 'factorkit/webauthn';
 *
 * const kind: WebAuthnKind = 'passkey';
 * ```
 */
export type WebAuthnKind = 'security-key' | 'passkey';

/**
 * Options of {@link webauthn}.
 *
 * @example
 * ```ts
 * import type { WebAuthnOptions } from 'factorkit/webauthn';
 *
 * const options: WebAuthnOptions = {
 *   rpID: 'example.com',
 *   rpName: 'Example',
 *   origins: ['https://example.com'],
 *   findUserByHandle: async (userHandle) => null, // your users table: the user whose passkeyHandle this is
 * };
 * ```
 */
export interface WebAuthnOptions {
  /** The relying party id: your site's registrable domain (or a parent of the origins' host), e.g. `example.com`. */
  rpID: string;
  /** Your service's name, shown by the browser when a credential is made. */
  rpName: string;
  /** Every origin pages run the ceremonies on, e.g. `['https://example.com']`; an assertion from elsewhere is refused. */
  origins: readonly string[];
  /** How long a challenge can be answered, 30 s to 10 minutes. Default 5 minutes. */
  challengeTtlMs?: number;
  /**
   * Challenges live at once per credential (requestAssertion called again and again; each
   * request stores its challenge on every credential it lists), 1 to 20; the oldest goes first.
   * Default 5.
   */
  maxLiveChallenges?: number;
  /**
   * For passwordless sign-in: the user whose WebAuthn user handle this is (the `userHandle` of
   * {@link WebAuthnEnrollmentResult} and `listFactors`), or null. The handle is random, not your
   * user id; keep it beside the user (a column with a unique index) when a passkey is added.
   */
  findUserByHandle?: (userHandle: string) => Promise<string | null>;
}

/**
 * Options of `beginEnrollment` for a WebAuthn factor.
 *
 * @example
 * ```ts
 * import type { WebAuthnEnrollmentOptions } from 'factorkit/webauthn';
 *
 * const options: WebAuthnEnrollmentOptions = { type: 'webauthn', kind: 'security-key', userName: 'ada@example.com', name: 'YubiKey' };
 * ```
 */
export interface WebAuthnEnrollmentOptions {
  type: 'webauthn';
  kind: WebAuthnKind;
  /** The account's name as the authenticator shows it (an e-mail, a user name), 1 to 64 characters. */
  userName: string;
  /** What the user calls it, 1 to 64 characters. Default: `'Security key'` or `'Passkey'`. */
  name?: string;
}

/**
 * What `beginEnrollment` returns for a WebAuthn factor: hand `options` to
 * `navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })`
 * and the credential's `toJSON()` to `confirmEnrollment(userId, { webauthn: json }, { factorId })`.
 *
 * @example
 * ```ts
 * import type { WebAuthnEnrollmentResult } from 'factorkit/webauthn';
 *
 * const challengeOf = (begun: WebAuthnEnrollmentResult) => begun.options.challenge;
 * ```
 */
export interface WebAuthnEnrollmentResult {
  ok: true;
  factorId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
  /** The account's WebAuthn user handle (base64url): for passwordless sign-in, keep it beside the user. */
  userHandle: string;
  /** Unix ms after which confirmEnrollment answers `expired`. */
  expiresAt: number;
}

/**
 * A WebAuthn proof, accepted wherever a code is (`verify`, `confirmEnrollment` and its
 * `currentCode`, `removeFactor`, `disable`, `regenerateBackupCodes`): the credential's
 * `toJSON()` from `navigator.credentials.create` (to confirm) or `.get` (to sign in).
 *
 * @example
 * ```ts
 * import type { WebAuthnProof } from 'factorkit/webauthn';
 *
 * declare const credential: { toJSON(): unknown };
 * const proof = { webauthn: credential.toJSON() } as WebAuthnProof;
 * ```
 */
export interface WebAuthnProof {
  webauthn: RegistrationResponseJSON | AuthenticationResponseJSON;
}

/**
 * Options of {@link WebAuthnOperations.requestAssertion}.
 *
 * @example
 * ```ts
 * import type { RequestAssertionOptions } from 'factorkit/webauthn';
 *
 * const options: RequestAssertionOptions = { factorId: 'f_x' };
 * ```
 */
export interface RequestAssertionOptions {
  /** Only this factor's credential is allowed; default: every active WebAuthn factor of the user. */
  factorId?: string;
}

/**
 * What {@link WebAuthnOperations.requestAssertion} returns: hand `options` to
 * `navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })`.
 *
 * @example
 * ```ts
 * import type { RequestAssertionResult } from 'factorkit/webauthn';
 *
 * const live = (r: RequestAssertionResult) => (r.ok ? r.expiresAt - Date.now() : 0);
 * ```
 */
export type RequestAssertionResult =
  | { ok: true; challengeId: string; options: PublicKeyCredentialRequestOptionsJSON; expiresAt: number }
  | TwoFactorFailure;

/**
 * What {@link WebAuthnOperations.beginPasskeySignIn} returns: `options` for
 * `navigator.credentials.get` (no `allowCredentials`: the browser offers the user's passkeys
 * for this site), and `challengeToken`, to keep in the session until the answer comes.
 *
 * @example
 * ```ts
 * import type { PasskeySignInStart } from 'factorkit/webauthn';
 *
 * const keep = (start: PasskeySignInStart) => ({ passkeyChallenge: start.challengeToken });
 * ```
 */
export interface PasskeySignInStart {
  options: PublicKeyCredentialRequestOptionsJSON;
  /** Binds the challenge to its expiry under the keyring; not a secret, but keep it server side (in the session). */
  challengeToken: string;
  expiresAt: number;
}

/**
 * What {@link WebAuthnOperations.finishPasskeySignIn} answers: the user signed in with a passkey
 * that verified them, or a failure (`invalid`, `expired`, `replayed`,
 * `user-verification-required`, `factor-suspended`, `locked`, `hard-locked`).
 *
 * @example
 * ```ts
 * import type { PasskeySignInResult } from 'factorkit/webauthn';
 *
 * const who = (result: PasskeySignInResult) => (result.ok ? result.userId : null);
 * ```
 */
export type PasskeySignInResult = { ok: true; userId: string; factorId: string } | TwoFactorFailure;

/**
 * How `beginEnrollment` is typed on a lifecycle created with `webauthn()`: given WebAuthn
 * options, it answers a {@link WebAuthnEnrollmentResult} (the creation options for the browser)
 * without a cast. A type only: the method is the lifecycle's own `beginEnrollment`, which
 * `webauthn()` does not replace.
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 * import { webauthn } from 'factorkit/webauthn';
 *
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   factors: [webauthn({ rpID: 'example.com', rpName: 'Example', origins: ['https://example.com'] })],
 * });
 * const begun = await twoFactor.beginEnrollment('user-1', { type: 'webauthn', kind: 'passkey', userName: 'ada' });
 * console.log(begun.options.rp.id); // example.com
 * ```
 */
export interface WebAuthnEnrollmentTyping {
  /**
   * Starts enrolling a security key or passkey: a pending factor and the options for
   * `navigator.credentials.create`, listing the account's credentials to exclude.
   * @throws `FactorkitError` `INVALID_ARGUMENT`, `TOO_MANY_FACTORS`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  beginEnrollment(userId: string, options: WebAuthnEnrollmentOptions): Promise<WebAuthnEnrollmentResult>;
}

/**
 * The operations {@link webauthn} adds to the `TwoFactor` object (typed there when the module is
 * in `factors`).
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 * import { webauthn } from 'factorkit/webauthn';
 *
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   factors: [webauthn({ rpID: 'example.com', rpName: 'Example', origins: ['https://example.com'] })],
 * });
 * const asked = await twoFactor.requestAssertion('user-1');
 * console.log(asked.ok); // false: no security key or passkey yet
 * ```
 */
export interface WebAuthnOperations {
  /**
   * A challenge for the second step, listing the user's active WebAuthn credentials; stored
   * (hashed) in the user's record and accepted once by `verify`, until `expiresAt`.
   * @returns the options for `navigator.credentials.get`, or `not-enrolled`, `unknown-factor`, `locked`, `hard-locked`
   * @throws `FactorkitError` `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  requestAssertion(userId: string, options?: RequestAssertionOptions): Promise<RequestAssertionResult>;
  /**
   * A suspended factor (a cloned security key was caught) made usable again, proven by
   * another factor of the account or a backup code.
   * @returns `{ ok: true }`, or `unknown-factor` (no suspended factor of that id) or a failure of the proof
   * @throws `FactorkitError` `INVALID_ARGUMENT`, `STORE_ERROR`, `STORE_CONFLICT`, `CORRUPT_RECORD`
   */
  reactivateFactor(userId: string, factorId: string, proof: string | object): Promise<{ ok: true } | TwoFactorFailure>;
  /**
   * Starts a passwordless sign-in: options without `allowCredentials` and a challenge token.
   * @throws `FactorkitError` `WEBAUTHN_NOT_CONFIGURED` without `findUserByHandle`
   */
  beginPasskeySignIn(): Promise<PasskeySignInStart>;
  /**
   * Finishes a passwordless sign-in: the user of the passkey (found with `findUserByHandle`),
   * for a passkey that verified the user, under the account's throttle; the challenge is used once.
   * @throws `FactorkitError` `INVALID_ARGUMENT` (no challengeToken), `WEBAUTHN_NOT_CONFIGURED`, `STORE_ERROR`
   */
  finishPasskeySignIn(
    response: AuthenticationResponseJSON,
    options: { challengeToken: string },
  ): Promise<PasskeySignInResult>;
}

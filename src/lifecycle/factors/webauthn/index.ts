/**
 * `factorkit/webauthn`: security keys and passkeys, the phishing-resistant factor, as a second
 * step and for passwordless sign-in. Verification is @simplewebauthn/server's (an optional
 * peer dependency: `^13.3` runs on Node 20, `^14` needs Node 22); an app that does not register
 * this module bundles none of it. See docs/webauthn.md.
 *
 * @module webauthn
 */
import type { FactorModule } from '../../kernel/factor.js';
import { webauthnModule } from './module.js';
import type { WebAuthnEnrollmentTyping, WebAuthnOperations, WebAuthnOptions } from './types.js';

export type * from './types.js';

/**
 * The WebAuthn factor module: security keys (a second factor) and passkeys (a second factor,
 * or passwordless sign-in), verified with @simplewebauthn/server. Register it with
 * `createTwoFactor({ factors: [webauthn({ rpID, rpName, origins })] })`; then
 * `beginEnrollment(userId, { type: 'webauthn', kind, userName })`, `confirmEnrollment` with
 * `{ webauthn: credential.toJSON() }`, `requestAssertion` and `verify` work, and the proof is
 * accepted wherever a code is. Each credential is kept sealed with the keyring (a credential
 * planted in the database is refused), each challenge as a keyed hash used once.
 *
 * @param options - `rpID`, `rpName`, `origins`, and the tuning of {@link WebAuthnOptions}
 * @returns the factor module, for `createTwoFactor({ factors: [...] })`; its operations
 * ({@link WebAuthnOperations}) join the TwoFactor object, typed
 * @throws `FactorkitError` `INVALID_ARGUMENT` for a bad RP id, name or origin, or a value out of its bounds
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
 * const begun = await twoFactor.beginEnrollment('user-1', { type: 'webauthn', kind: 'security-key', userName: 'ada' });
 * console.log(begun.options); // for navigator.credentials.create, in the browser
 * ```
 */
export function webauthn(
  options: WebAuthnOptions,
): FactorModule & { readonly operationsType?: WebAuthnOperations & WebAuthnEnrollmentTyping } {
  return webauthnModule(options);
}

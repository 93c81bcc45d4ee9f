// The WebAuthn factor module, assembled: what the registry asks of it, and the operations it
// adds to TwoFactor. Its random source is a parameter so that tests can replay ceremonies
// recorded from real authenticators; the public factory (index.ts) always passes the CSPRNG.
import { randomBytes } from '../../../otp/secret.js';
import type { RegisteredModule } from '../../kernel/built-in.js';
import type { FactorModule, Proof } from '../../kernel/factor.js';
import { checkAssertion, checkResponseObject, requestAssertion, responseOf } from './assertion.js';
import { MAX_WEBAUTHN_FACTORS, type RandomSource, beginWebAuthnEnrollment, checkRegistration } from './enroll.js';
import { resolveWebAuthnOptions } from './options.js';
import { beginPasskeySignIn, finishPasskeySignIn } from './passwordless.js';
import { reactivateFactor } from './reactivate.js';
import { type WebAuthnFactor, parseWebAuthnFactor } from './record.js';
import type {
  AuthenticationResponseJSON,
  RequestAssertionOptions,
  WebAuthnEnrollmentTyping,
  WebAuthnOperations,
} from './types.js';

const platformRandom: RandomSource = (_purpose, length) => randomBytes(length);

/** Whether `proof` is a browser response this factor could have made: a registration while pending, else its credential's assertion. */
function acceptsProof(factor: WebAuthnFactor, proof: Proof): boolean {
  const response = responseOf(proof);
  if (response === undefined) return false;
  if (factor.state === 'pending') return typeof response.response.attestationObject === 'string';
  return response.id === factor.credential.id && typeof response.response.authenticatorData === 'string';
}

/** The fields listFactors shows: kind, transports and flags; never the public key or a challenge. */
function summary(factor: WebAuthnFactor): Record<string, unknown> {
  if (factor.state === 'pending') return { kind: factor.kind };
  const { transports, aaguid, backupEligible, backupState, userVerified } = factor.credential;
  return {
    kind: factor.kind,
    userHandle: factor.userHandle,
    transports: [...transports],
    aaguid,
    backupEligible,
    backupState,
    userVerified,
    suspended: factor.suspendedAt !== null,
    suspendedAt: factor.suspendedAt,
  };
}

/** The module, over `random` (the platform's CSPRNG outside tests). */
export function webauthnModule(
  options: unknown,
  random: RandomSource = platformRandom,
): FactorModule & { readonly operationsType?: WebAuthnOperations & WebAuthnEnrollmentTyping } {
  const config = resolveWebAuthnOptions(options);
  const module: RegisteredModule<WebAuthnFactor> = {
    type: 'webauthn',
    label: 'Security key or passkey',
    maxActive: MAX_WEBAUTHN_FACTORS,
    strength: () => 'phishing-resistant',
    parse: (raw, userId) => parseWebAuthnFactor(raw, userId),
    enrollsWith: (given) => given.kind === 'security-key' || given.kind === 'passkey',
    beginEnrollment: (engine, userId, given) => beginWebAuthnEnrollment({ engine, config, random }, userId, given),
    accepts: acceptsProof,
    check(ctx, factor, proof) {
      const response = (proof as { webauthn: unknown }).webauthn;
      return factor.state === 'pending'
        ? checkRegistration(config, ctx, factor, response)
        : checkAssertion(config, ctx, factor, response);
    },
    summarise: async (_ctx, factor) => summary(factor),
    signInDetails: (factor) => ({ kind: factor.kind }),
    // Re-sealed under the current key whenever the record is written, as TOTP secrets are.
    sealed: { of: (factor) => factor.sealed, with: (factor, sealed) => ({ ...factor, sealed }) },
    operations(engine) {
      const proving = { engine, config, random };
      const ops: WebAuthnOperations = {
        requestAssertion: (userId: string, given?: RequestAssertionOptions) => requestAssertion(proving, userId, given),
        reactivateFactor: (userId, factorId, proof) => reactivateFactor(engine, userId, factorId, proof as Proof),
        beginPasskeySignIn: () => beginPasskeySignIn(proving),
        finishPasskeySignIn: async (response: AuthenticationResponseJSON, given: { challengeToken: string }) => {
          checkResponseObject(response);
          return finishPasskeySignIn(proving, response, given);
        },
      };
      return ops as unknown as Record<string, (...args: never[]) => Promise<unknown>>;
    },
  };
  // It enrolls in its own way (beginEnrollment sees the account's other credentials), so it has
  // no prepareEnrollment: the registry takes either.
  return module as unknown as FactorModule;
}

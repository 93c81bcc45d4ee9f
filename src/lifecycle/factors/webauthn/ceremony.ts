// The one file that calls @simplewebauthn/server: the ceremony options, and the verification of
// what the browser answered. Everything it throws on client input (bad JSON, a wrong origin,
// RP id or challenge, a bad signature) becomes `undefined` here, never an error that reaches a
// log: its messages quote the challenge. CBOR, COSE and attestation parsing are its job.
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { cose, decodeClientDataJSON, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { decodeBase64url, encodeBase64url } from '../../../backup-codes/base64url.js';
import type { WebAuthnConfig } from './options.js';
import { MAX_TRANSPORTS, type StoredCredential, TRANSPORTS, isStorableCredential } from './record.js';
import type { WebAuthnKind } from './types.js';

/** The bytes in an ArrayBuffer of their own, as simplewebauthn's types ask. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

/** The longest credential id WebAuthn allows (§7.1: a relying party refuses a longer one). */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/** EdDSA, ES256, RS256: what simplewebauthn verifies, strongest first. */
const ALGORITHMS = [-8, -7, -257];

/** The challenge a browser response carries (base64url), or undefined when its client data does not parse. */
export function challengeOf(response: unknown, type: 'webauthn.create' | 'webauthn.get'): string | undefined {
  try {
    const clientData = (response as { response: { clientDataJSON: string } }).response.clientDataJSON;
    const decoded = decodeClientDataJSON(clientData);
    return decoded.type === type && typeof decoded.challenge === 'string' ? decoded.challenge : undefined;
  } catch {
    return undefined;
  }
}

/** The options for navigator.credentials.create: attestation none, the user's credentials excluded. */
export function registrationOptions(
  config: WebAuthnConfig,
  kind: WebAuthnKind,
  user: { name: string; handle: string },
  challenge: Uint8Array,
  exclude: StoredCredential[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const passkey = kind === 'passkey';
  return generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpID,
    userName: user.name,
    userDisplayName: user.name,
    userID: own(decodeBase64url(user.handle)!),
    challenge: own(challenge),
    timeout: config.challengeTtlMs,
    attestationType: 'none',
    excludeCredentials: exclude.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    // A security key is a second factor only: no resident key, no PIN asked (GitHub's choice);
    // a passkey may sign in alone, so it is discoverable and verifies the user.
    authenticatorSelection: passkey
      ? { residentKey: 'required', requireResidentKey: true, userVerification: 'required' }
      : { residentKey: 'discouraged', requireResidentKey: false, userVerification: 'discouraged' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

/** The options for navigator.credentials.get; without `allow`, discoverable credentials (passwordless). */
export function assertionOptions(
  config: WebAuthnConfig,
  challenge: Uint8Array,
  allow: StoredCredential[] | undefined,
  userVerification: 'required' | 'preferred' | 'discouraged',
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: config.rpID,
    challenge: own(challenge),
    timeout: config.challengeTtlMs,
    userVerification,
    ...(allow === undefined
      ? {}
      : {
          allowCredentials: allow.map((c) => ({
            id: c.id,
            transports: c.transports as AuthenticatorTransportFuture[],
          })),
        }),
  });
}

/**
 * The transports a registration reports that WebAuthn defines, each once. They are not signed
 * and WebAuthn asks relying parties to ignore values they do not know; kept as sent, one unknown value
 * (or a non-string) would make the stored record unreadable.
 */
function knownTransports(reported: unknown): string[] {
  if (!Array.isArray(reported)) return [];
  const known = reported.filter((transport): transport is string => TRANSPORTS.has(transport));
  return [...new Set(known)].slice(0, MAX_TRANSPORTS);
}

/** A verified registration: the credential to store, and whether the user was verified. */
export async function verifyRegistration(
  config: WebAuthnConfig,
  response: unknown,
  challenge: string,
): Promise<StoredCredential | undefined> {
  try {
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: config.origins,
      expectedRPID: config.rpID,
      // User verification is judged by the module (a typed refusal), not by a thrown message.
      requireUserVerification: false,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!verified.verified) return undefined;
    const info = verified.registrationInfo;
    const algorithm = decodeCredentialPublicKey(info.credential.publicKey).get(cose.COSEKEYS.alg);
    const idBytes = decodeBase64url(info.credential.id)?.length ?? 0;
    if (typeof algorithm !== 'number' || idBytes > MAX_CREDENTIAL_ID_BYTES) return undefined;
    const credential: StoredCredential = {
      id: info.credential.id,
      publicKey: encodeBase64url(info.credential.publicKey),
      algorithm,
      counter: info.credential.counter,
      transports: knownTransports((response as RegistrationResponseJSON).response.transports),
      aaguid: info.aaguid,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backupState: info.credentialBackedUp,
      userVerified: info.userVerified,
    };
    return isStorableCredential(credential) ? credential : undefined;
  } catch {
    return undefined;
  }
}

/** What a verified assertion says: its signed counter and flags. */
export interface VerifiedAssertion {
  counter: number;
  userVerified: boolean;
  backupEligible: boolean;
  backupState: boolean;
}

/**
 * A verified assertion by `credential`, or undefined. The stored counter is not given to
 * simplewebauthn (it checks it before the signature, so its refusal proves nothing): the
 * module compares the signed counter itself, after the signature verified.
 */
export async function verifyAssertion(
  config: WebAuthnConfig,
  response: unknown,
  challenge: string,
  credential: StoredCredential,
): Promise<VerifiedAssertion | undefined> {
  try {
    const verified = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: config.origins,
      expectedRPID: config.rpID,
      credential: {
        id: credential.id,
        publicKey: own(decodeBase64url(credential.publicKey)!),
        counter: 0,
        transports: credential.transports as AuthenticatorTransportFuture[],
      },
      requireUserVerification: false,
    });
    if (!verified.verified) return undefined;
    const info = verified.authenticationInfo;
    return {
      counter: info.newCounter,
      userVerified: info.userVerified,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backupState: info.credentialBackedUp,
    };
  } catch {
    return undefined;
  }
}

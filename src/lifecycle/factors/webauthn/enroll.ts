// Enrolling a security key or a passkey: the creation options (with the user's other
// credentials excluded and the account's user handle), written as a pending factor holding the
// challenge's keyed hash; then confirmEnrollment's check of the registration response.
import { FactorkitError } from '../../../errors/index.js';
import { encodeBase64url } from '../../../backup-codes/base64url.js';
import { checkDisplayText, checkFactorName, newFactorId } from '../../kernel/args.js';
import type { FactorEngine } from '../../kernel/built-in.js';
import type { FactorContext, ProofCheck } from '../../kernel/factor.js';
import { type RecordState, activeFactors, emptyState } from '../../kernel/record.js';
import { challengeOf, registrationOptions, verifyRegistration } from './ceremony.js';
import type { WebAuthnConfig } from './options.js';
import {
  type ActiveWebAuthnFactor,
  type PendingWebAuthnFactor,
  type WebAuthnFactor,
  findChallenge,
  handleIntact,
  hashChallenge,
  sealCredential,
  sealHandle,
} from './record.js';
import type { WebAuthnEnrollmentResult, WebAuthnKind } from './types.js';

/** Security keys and passkeys one user may have, together. */
export const MAX_WEBAUTHN_FACTORS = 10;
export const USER_HANDLE_BYTES = 32;
export const CHALLENGE_BYTES = 32;

/** Where the module's random bytes come from: the platform's CSPRNG (tests replay recorded ceremonies through it). */
export type RandomSource = (purpose: 'challenge' | 'user-handle', length: number) => Uint8Array;

export interface WebAuthnEngine {
  engine: FactorEngine;
  config: WebAuthnConfig;
  random: RandomSource;
}

const LABELS: Record<WebAuthnKind, string> = { 'security-key': 'Security key', passkey: 'Passkey' };

export const isWebAuthn = (factor: { type: string }): boolean => factor.type === 'webauthn';

/** The user's WebAuthn factors with a credential (active), in the order they were added. */
export function credentialsOf(state: RecordState | null): ActiveWebAuthnFactor[] {
  return (state === null ? [] : activeFactors(state)).filter(isWebAuthn) as unknown as ActiveWebAuthnFactor[];
}

function checkEnrollment(options: Record<string, unknown>): { kind: WebAuthnKind; userName: string; name: string } {
  const { kind, userName, name } = options;
  if (kind !== 'security-key' && kind !== 'passkey') {
    throw new FactorkitError('INVALID_ARGUMENT', "kind must be 'security-key' or 'passkey'");
  }
  const known = new Set(['kind', 'userName', 'name']);
  const unknown = Object.keys(options).find((key) => !known.has(key));
  if (unknown !== undefined) throw new FactorkitError('INVALID_ARGUMENT', `unknown option '${unknown}'`);
  return {
    kind,
    userName: checkDisplayText('userName', userName, 64),
    name: name === undefined ? LABELS[kind] : checkFactorName(name),
  };
}

/** beginEnrollment for a WebAuthn factor: the creation options, and the pending factor written. */
export async function beginWebAuthnEnrollment(
  w: WebAuthnEngine,
  userId: string,
  options: Record<string, unknown>,
): Promise<WebAuthnEnrollmentResult> {
  const { kind, userName, name } = checkEnrollment(options);
  const challengeBytes = w.random('challenge', CHALLENGE_BYTES);
  const challenge = encodeBase64url(challengeBytes);
  const newHandle = encodeBase64url(w.random('user-handle', USER_HANDLE_BYTES));
  const factorId = newFactorId();
  return w.engine.transact(userId, async (state, nowMs) => {
    const current = state ?? emptyState();
    const credentials = credentialsOf(current);
    if (credentials.length >= MAX_WEBAUTHN_FACTORS) {
      throw new FactorkitError(
        'TOO_MANY_FACTORS',
        `a user may have at most ${MAX_WEBAUTHN_FACTORS} of type 'webauthn'`,
      );
    }
    // One user handle per account: a second passkey on the same authenticator replaces the first.
    const userHandle = credentials[0]?.userHandle ?? newHandle;
    const expiresAt = nowMs + Math.min(w.engine.enrollmentTtlMs, w.config.challengeTtlMs);
    const pending: PendingWebAuthnFactor = {
      type: 'webauthn',
      id: factorId,
      name,
      createdAt: nowMs,
      lastUsedAt: null,
      state: 'pending',
      expiresAt,
      kind,
      userHandle,
      challenges: [{ hash: hashChallenge(w.engine.hasher, userId, challenge), expiresAt, usedAt: null }],
      credential: null,
      sealed: await sealHandle({ seal: (bytes) => w.engine.seal(userId, bytes) }, userHandle),
    };
    const creation = await registrationOptions(
      w.config,
      kind,
      { name: userName, handle: userHandle },
      challengeBytes,
      credentials.map((f) => f.credential),
    );
    // At most one pending WebAuthn factor: beginning again replaces the earlier one.
    const factors = [...current.factors.filter((f) => !(f.state === 'pending' && isWebAuthn(f))), pending];
    const result: WebAuthnEnrollmentResult = { ok: true, factorId, options: creation, userHandle, expiresAt };
    return { result, next: { ...current, factors } };
  });
}

/**
 * confirmEnrollment's check: the registration answers this factor's challenge, on one of our
 * origins and our RP id; a passkey must have verified the user. On a match the factor is active.
 */
export async function checkRegistration(
  config: WebAuthnConfig,
  ctx: FactorContext,
  factor: PendingWebAuthnFactor,
  response: unknown,
): Promise<ProofCheck<WebAuthnFactor>> {
  const challenge = challengeOf(response, 'webauthn.create');
  const entry = challenge === undefined ? undefined : findChallenge(ctx, factor, challenge);
  if (challenge === undefined || entry === undefined || !(await handleIntact(ctx, factor))) return { kind: 'invalid' };
  const credential = await verifyRegistration(config, response, challenge);
  if (credential === undefined) return { kind: 'invalid' };
  if (factor.kind === 'passkey' && !credential.userVerified) {
    return { kind: 'refused', reason: 'user-verification-required' };
  }
  const { expiresAt: _expires, challenges: _challenges, sealed: _handle, ...common } = factor;
  const active = await sealCredential(ctx, ctx.userId, {
    ...common,
    state: 'active',
    activatedAt: ctx.nowMs,
    lastUsedAt: ctx.nowMs,
    challenges: [],
    credential,
    suspendedAt: null,
  });
  return { kind: 'match', factor: active };
}

// Signing in with a security key or a passkey: requestAssertion hands out a challenge (kept as a
// keyed hash on each credential it lists), and the check of an assertion uses it once, in the
// same compare-and-set write that accepts the assertion. The signed counter is compared here,
// after the signature verified: a counter that went backwards on a device-bound credential
// means a copy of it signed, and the factor is suspended.
import { encodeBase64url } from '../../../backup-codes/base64url.js';
import { FactorkitError } from '../../../errors/index.js';
import { checkId, checkUserId } from '../../kernel/args.js';
import type { FactorContext, ProofCheck } from '../../kernel/factor.js';
import { isObject } from '../../kernel/parse.js';
import { replaceFactor } from '../../kernel/record.js';
import { checkOptionsObject } from '../../../validation/index.js';
import { type VerifiedAssertion, assertionOptions, challengeOf, verifyAssertion } from './ceremony.js';
import { CHALLENGE_BYTES, type WebAuthnEngine, credentialsOf } from './enroll.js';
import type { WebAuthnConfig } from './options.js';
import {
  type ActiveWebAuthnFactor,
  type StoredChallenge,
  type WebAuthnFactor,
  credentialIntact,
  findChallenge,
  hashChallenge,
  sealCredential,
  withChallenge,
  withChallengeUsed,
} from './record.js';
import type { RequestAssertionOptions, RequestAssertionResult } from './types.js';

/**
 * The factors with the first of each credential id. Attestation 'none' lets a client register
 * a credential the account already has (nothing enforces excludeCredentials); a challenge stored
 * on both factors would accept one assertion twice, once on each.
 */
function firstOfEachCredential(factors: ActiveWebAuthnFactor[]): ActiveWebAuthnFactor[] {
  const seen = new Set<string>();
  return factors.filter((f) => !seen.has(f.credential.id) && seen.add(f.credential.id));
}

/** A challenge for the second step, stored on each credential it lists. */
export async function requestAssertion(
  w: WebAuthnEngine,
  userId: string,
  options?: RequestAssertionOptions,
): Promise<RequestAssertionResult> {
  checkUserId(userId);
  const { factorId } = checkOptionsObject(options ?? {}, 'options') as RequestAssertionOptions;
  if (factorId !== undefined) checkId('factorId', factorId);
  const challengeBytes = w.random('challenge', CHALLENGE_BYTES);
  const challenge = encodeBase64url(challengeBytes);
  return w.engine.transact<RequestAssertionResult>(userId, async (state, nowMs) => {
    const all = credentialsOf(state);
    if (state === null || all.length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
    const named = all.filter((f) => factorId === undefined || f.id === factorId);
    if (named.length === 0) return { result: { ok: false, reason: 'unknown-factor' } };
    const locked = w.engine.lockRefusal(state, nowMs);
    if (locked !== undefined) return { result: locked };
    const usable = firstOfEachCredential(named.filter((f) => f.suspendedAt === null));
    if (usable.length === 0) return { result: { ok: false, reason: 'factor-suspended' } };
    const entry: StoredChallenge = {
      hash: hashChallenge(w.engine.hasher, userId, challenge),
      expiresAt: nowMs + w.config.challengeTtlMs,
      usedAt: null,
    };
    let next = state;
    for (const factor of usable) {
      const { challengeTtlMs, maxLiveChallenges } = w.config;
      const challenges = withChallenge(factor.challenges, entry, nowMs, challengeTtlMs, maxLiveChallenges);
      next = replaceFactor(next, { ...factor, challenges });
    }
    const credentials = usable.map((f) => f.credential);
    const request = await assertionOptions(w.config, challengeBytes, credentials, 'discouraged');
    // An id the page can log or show; derived from the keyed hash, it tells nothing about the challenge.
    const challengeId = `wc_${entry.hash.hash.slice(0, 22)}`;
    return { result: { ok: true, challengeId, options: request, expiresAt: entry.expiresAt }, next };
  });
}

/**
 * The longest string a browser response's fields may hold (base64url of the client data, the
 * authenticator data, the signature, an attestation with its certificates: a few kilobytes at
 * most). Longer is refused before any decoding: 50 MB of client data cost seconds of CPU to
 * decode, hash and verify, and was counted as a wrong answer.
 */
export const MAX_RESPONSE_FIELD_LENGTH = 64 * 1024;

const withinBounds = (value: unknown) => typeof value !== 'string' || value.length <= MAX_RESPONSE_FIELD_LENGTH;

/** The browser response inside a proof, when it is one: `{ webauthn: { id, response: {...} } }`, no field over its bound. */
export function responseOf(proof: unknown): { id: string; response: Record<string, unknown> } | undefined {
  if (!isObject(proof) || !isObject(proof.webauthn)) return undefined;
  const { id, response } = proof.webauthn;
  if (typeof id !== 'string' || !withinBounds(id) || !isObject(response)) return undefined;
  return Object.values(response).every(withinBounds) ? { id, response } : undefined;
}

/** The user handle a passkey's assertion carries must be the account's (a security key may send none). */
function handleMatches(factor: ActiveWebAuthnFactor, response: unknown): boolean {
  const handle = responseOf({ webauthn: response })?.response.userHandle;
  return handle === undefined || handle === null || handle === '' || handle === factor.userHandle;
}

/**
 * The check of an assertion against an active credential: its seal intact (not planted), not
 * suspended, answering a live challenge of this user's, verified by simplewebauthn; then the
 * counter, compared here.
 */
export async function checkAssertion(
  config: WebAuthnConfig,
  ctx: FactorContext,
  factor: ActiveWebAuthnFactor,
  response: unknown,
): Promise<ProofCheck<WebAuthnFactor>> {
  if (!(await credentialIntact(ctx, ctx.userId, factor))) return { kind: 'invalid' };
  if (factor.suspendedAt !== null) return { kind: 'refused', reason: 'factor-suspended' };
  const challenge = challengeOf(response, 'webauthn.get');
  const entry = challenge === undefined ? undefined : findChallenge(ctx, factor, challenge);
  if (challenge === undefined || entry === undefined) return { kind: 'invalid' };
  if (entry.usedAt !== null) return { kind: 'replayed' };
  if (ctx.nowMs >= entry.expiresAt) return { kind: 'expired' };
  const verified = await verifyAssertion(config, response, challenge, factor.credential);
  if (verified === undefined || !handleMatches(factor, response)) return { kind: 'invalid' };
  if (entry.passwordless && (factor.kind !== 'passkey' || !verified.userVerified)) {
    return { kind: 'refused', reason: 'user-verification-required' };
  }
  return afterVerified(ctx, factor, withChallengeUsed(factor.challenges, entry, ctx.nowMs), verified);
}

/** A verified assertion's counter judged: a match, or a suspension when a device-bound credential went backwards. */
async function afterVerified(
  ctx: FactorContext,
  factor: ActiveWebAuthnFactor,
  challenges: StoredChallenge[],
  verified: VerifiedAssertion,
): Promise<ProofCheck<WebAuthnFactor>> {
  const stored = factor.credential.counter;
  // Authenticators that keep no counter send 0 for ever (synced passkeys): nothing to compare.
  const regressed = (verified.counter > 0 || stored > 0) && verified.counter <= stored;
  const { sealed: _sealed, ...unsealed } = factor;
  if (regressed && !factor.credential.backupEligible) {
    const suspended = await sealCredential(ctx, ctx.userId, { ...unsealed, challenges, suspendedAt: ctx.nowMs });
    return {
      kind: 'refused',
      reason: 'factor-suspended',
      factor: suspended,
      signal: { type: 'clone-suspected', suspended: true },
    };
  }
  const credential = {
    ...factor.credential,
    counter: Math.max(stored, verified.counter),
    backupState: verified.backupState,
  };
  const used = await sealCredential(ctx, ctx.userId, { ...unsealed, challenges, credential, lastUsedAt: ctx.nowMs });
  // A synced passkey's counter is shared by its copies by design: reported, never suspended.
  return regressed
    ? { kind: 'match', factor: used, signal: { type: 'clone-suspected', suspended: false } }
    : { kind: 'match', factor: used };
}

/** INVALID_ARGUMENT for a response that is not an object at all (misuse, not a user's wrong answer). */
export function checkResponseObject(response: unknown): void {
  if (!isObject(response)) throw new FactorkitError('INVALID_ARGUMENT', 'response must be the credential JSON object');
}

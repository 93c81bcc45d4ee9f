// Passwordless sign-in with a passkey. beginPasskeySignIn knows no user yet, so its challenge
// travels in a token the keyring binds to its expiry, kept by the app in the session. The
// answer names its user through the passkey's user handle (found with the app's
// findUserByHandle); the challenge is then written to that passkey, and the ordinary check
// uses it once, in the compare-and-set write that accepts the assertion, with the user
// verified and under the account's throttle.
import { decodeBase64url, encodeBase64url } from '../../../backup-codes/base64url.js';
import { FactorkitError } from '../../../errors/index.js';
import type { ProvingEngine } from '../../kernel/built-in.js';
import type { StoredHash } from '../../kernel/keyed-hash.js';
import { isObject, isTime } from '../../kernel/parse.js';
import { replaceFactor } from '../../kernel/record.js';
import { assertionOptions, challengeOf, verifyAssertion } from './ceremony.js';
import { CHALLENGE_BYTES, type WebAuthnEngine, credentialsOf } from './enroll.js';
import { responseOf } from './assertion.js';
import { credentialIntact, findChallenge, hashChallenge, isUserHandle, withChallenge } from './record.js';
import type { AuthenticationResponseJSON, PasskeySignInResult, PasskeySignInStart } from './types.js';

const TOKEN_PURPOSE = 'webauthn-passkey-sign-in';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function lookupOf(w: WebAuthnEngine): (userHandle: string) => Promise<string | null> {
  const find = w.config.findUserByHandle;
  if (find === undefined) {
    throw new FactorkitError(
      'WEBAUTHN_NOT_CONFIGURED',
      'passwordless sign-in needs webauthn({ findUserByHandle }): the user a passkey user handle belongs to',
    );
  }
  return find;
}

export async function beginPasskeySignIn(w: WebAuthnEngine): Promise<PasskeySignInStart> {
  lookupOf(w);
  const challengeBytes = w.random('challenge', CHALLENGE_BYTES);
  const challenge = encodeBase64url(challengeBytes);
  const expiresAt = w.engine.now() + w.config.challengeTtlMs;
  const mac = w.engine.hasher.hash(TOKEN_PURPOSE, [challenge, expiresAt]);
  const challengeToken = encodeBase64url(encoder.encode(JSON.stringify({ e: expiresAt, k: mac.keyId, h: mac.hash })));
  const options = await assertionOptions(w.config, challengeBytes, undefined, 'required');
  return { options, challengeToken, expiresAt };
}

/** The token's expiry and MAC, or undefined when it is not one of ours in form. */
function parseToken(token: string): { expiresAt: number; mac: StoredHash } | undefined {
  try {
    const bytes = decodeBase64url(token);
    const parsed: unknown = bytes === undefined ? undefined : JSON.parse(decoder.decode(bytes));
    if (!isObject(parsed) || !isTime(parsed.e) || typeof parsed.h !== 'string') return undefined;
    if (parsed.k !== null && typeof parsed.k !== 'string') return undefined;
    return { expiresAt: parsed.e, mac: { keyId: parsed.k, hash: parsed.h } };
  } catch {
    return undefined;
  }
}

/**
 * Writes the token's challenge onto the passkey the assertion names, once its signature
 * verified (so a forged answer cannot push the account's live challenges out); a challenge
 * already there (used or not) is left as it is, for the check to answer `replayed`.
 */
async function placeChallenge(
  w: WebAuthnEngine,
  userId: string,
  response: AuthenticationResponseJSON,
  challenge: string,
  expiresAt: number,
): Promise<void> {
  await w.engine.transact(userId, async (state, nowMs) => {
    const factor = credentialsOf(state).find((f) => f.credential.id === response.id);
    if (state === null || factor === undefined) return { result: undefined };
    const ctx = w.engine.context(userId, nowMs);
    if (!(await credentialIntact(ctx, userId, factor)) || findChallenge(ctx, factor, challenge) !== undefined) {
      return { result: undefined };
    }
    if ((await verifyAssertion(w.config, response, challenge, factor.credential)) === undefined) {
      return { result: undefined };
    }
    const entry = {
      hash: hashChallenge(w.engine.hasher, userId, challenge),
      expiresAt,
      usedAt: null,
      passwordless: true as const,
    };
    const { challengeTtlMs, maxLiveChallenges } = w.config;
    const challenges = withChallenge(factor.challenges, entry, nowMs, challengeTtlMs, maxLiveChallenges);
    return { result: undefined, next: replaceFactor(state, { ...factor, challenges }) };
  });
}

export async function finishPasskeySignIn(
  w: WebAuthnEngine & { engine: ProvingEngine },
  response: AuthenticationResponseJSON,
  options: { challengeToken: string },
): Promise<PasskeySignInResult> {
  const find = lookupOf(w);
  const token = isObject(options) ? options.challengeToken : undefined;
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      'options.challengeToken must be the token beginPasskeySignIn returned',
    );
  }
  const parsed = parseToken(token);
  // Not a response at all, or one with a field over its bound: nothing of it is decoded.
  const answer = responseOf({ webauthn: response });
  const challenge = answer === undefined ? undefined : challengeOf(response, 'webauthn.get');
  const handle = answer?.response.userHandle;
  // A handle factorkit never hands out names no account: the app's lookup (a database query)
  // never sees a NUL, a lone surrogate or megabytes of unsigned client text.
  if (parsed === undefined || challenge === undefined || !isUserHandle(handle)) {
    return { ok: false, reason: 'invalid' };
  }
  if (!w.engine.hasher.matches(TOKEN_PURPOSE, [challenge, parsed.expiresAt], parsed.mac)) {
    return { ok: false, reason: 'invalid' };
  }
  if (w.engine.now() >= parsed.expiresAt) return { ok: false, reason: 'expired' };
  const userId = await find(handle);
  if (typeof userId !== 'string' || userId.length === 0) return { ok: false, reason: 'invalid' };
  await placeChallenge(w, userId, response, challenge, parsed.expiresAt);
  const proven = await w.engine.withProof<{ ok: true; userId: string; factorId: string }>(
    userId,
    { webauthn: response },
    'passkey-sign-in',
    async (state, by) => {
      const factorId = by.kind === 'factor' ? by.factor.id : '';
      return { result: { ok: true, userId, factorId }, next: state };
    },
  );
  if (proven.ok) return proven;
  // No passkey of that user answers: as wrong as a bad signature, to the caller.
  const unknown =
    proven.reason === 'malformed' || proven.reason === 'not-enrolled' || proven.reason === 'unknown-factor';
  return unknown ? { ok: false, reason: 'invalid' } : proven;
}

// The options of webauthn(), checked where they are given: a bad RP id or origin fails when
// the module is made, not at the first sign-in.
import { FactorkitError } from '../../../errors/index.js';
import { checkOptionsObject } from '../../../validation/index.js';
import type { WebAuthnOptions } from './types.js';

export interface WebAuthnConfig {
  rpID: string;
  rpName: string;
  origins: string[];
  challengeTtlMs: number;
  maxLiveChallenges: number;
  findUserByHandle: ((userHandle: string) => Promise<string | null>) | undefined;
}

const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;
const DEFAULT_MAX_LIVE_CHALLENGES = 5;
/** A host name of letters, digits, dashes and dots (WebAuthn refuses IP addresses as RP ids). */
const RP_ID = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function integerIn(name: string, value: unknown, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new FactorkitError('INVALID_ARGUMENT', `${name} must be ${what}`);
  }
  return value;
}

/** An origin as browsers write it in clientDataJSON: scheme, host and port only, https (or http on localhost). */
function checkOrigin(value: unknown, index: number): string {
  const where = `origins[${index}]`;
  const notAnOrigin = `${where} must be an origin such as https://example.com`;
  // Checked before new URL, which converts with String(): a TypeError for an object without a prototype.
  if (typeof value !== 'string') throw new FactorkitError('INVALID_ARGUMENT', notAnOrigin);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FactorkitError('INVALID_ARGUMENT', notAnOrigin);
  }
  const local = url.hostname === 'localhost' || url.hostname.endsWith('.localhost');
  if (url.origin !== value || !(url.protocol === 'https:' || local)) {
    throw new FactorkitError(
      'INVALID_ARGUMENT',
      `${where} must be an origin such as https://example.com (http only for localhost), without a path`,
    );
  }
  return value;
}

/** Every option of webauthn(), checked; defaults filled in. */
export function resolveWebAuthnOptions(options: unknown): WebAuthnConfig {
  const given = checkOptionsObject(options, 'options') as Partial<WebAuthnOptions>;
  const { rpID, rpName, origins, findUserByHandle } = given;
  if (typeof rpID !== 'string' || !RP_ID.test(rpID) || /^[0-9.]+$/.test(rpID)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'rpID must be a lower-case domain name such as example.com');
  }
  if (typeof rpName !== 'string' || rpName.trim().length === 0 || rpName.length > 64) {
    throw new FactorkitError('INVALID_ARGUMENT', 'rpName must be a name of 1 to 64 characters');
  }
  if (!Array.isArray(origins) || origins.length === 0 || origins.length > 16) {
    throw new FactorkitError('INVALID_ARGUMENT', 'origins must be an array of 1 to 16 origins');
  }
  // Array.from, not map: map skips the holes of a sparse array, which would reach new URL unchecked.
  const checked = Array.from(origins as unknown[], checkOrigin);
  for (const origin of checked) {
    const host = new URL(origin).hostname;
    // The browser refuses an RP id that is not the origin's host or a parent of it.
    if (host !== rpID && !host.endsWith(`.${rpID}`)) {
      throw new FactorkitError('INVALID_ARGUMENT', `the host of ${origin} is not rpID or under it`);
    }
  }
  if (findUserByHandle !== undefined && typeof findUserByHandle !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'findUserByHandle must be a function');
  }
  return {
    rpID,
    rpName,
    origins: checked,
    challengeTtlMs: integerIn(
      'challengeTtlMs',
      given.challengeTtlMs,
      DEFAULT_CHALLENGE_TTL_MS,
      30_000,
      10 * 60_000,
      'from 30 s to 10 minutes, in milliseconds',
    ),
    maxLiveChallenges: integerIn(
      'maxLiveChallenges',
      given.maxLiveChallenges,
      DEFAULT_MAX_LIVE_CHALLENGES,
      1,
      20,
      'an integer from 1 to 20',
    ),
    findUserByHandle,
  };
}

// The recorded WebAuthn ceremonies (test/fixtures/webauthn.json, made by
// record-webauthn-fixtures.ts in Chromium) and what replays them: a random source that hands
// the module the values it drew when the responses were signed.
import { readFileSync } from 'node:fs';
import { decodeBase64url } from '../../src/backup-codes/base64url.js';
import type { RandomSource } from '../../src/lifecycle/factors/webauthn/enroll.js';
import { webauthnModule } from '../../src/lifecycle/factors/webauthn/module.js';
import type { WebAuthnOptions } from 'factorkit/webauthn';

/** One ceremony: the random values the module drew for it (by purpose, base64url), and the browser's answer. */
export interface RecordedCeremony {
  drawn: Record<string, string>;
  response: Record<string, unknown>;
}

export interface RecordedKind {
  registration: RecordedCeremony;
  /** Successive assertions, their signed counters increasing. */
  assertions: RecordedCeremony[];
  /** Passwordless sign-ins (passkey only). */
  passwordless: RecordedCeremony[];
  /** An assertion by a copy of the credential planted again with sign count 1: a counter regression. */
  cloned: RecordedCeremony;
}

export interface WebAuthnFixtures {
  recordedWith: string;
  rpID: string;
  origin: string;
  /** The account's user handle, which both credentials carry. */
  userHandle: string;
  kinds: Record<'security-key' | 'passkey', RecordedKind>;
}

export const FIXTURES: WebAuthnFixtures = JSON.parse(
  readFileSync(new URL('../fixtures/webauthn.json', import.meta.url), 'utf8'),
);

/**
 * A random source that replays: `next(ceremony)` queues what one recorded ceremony drew, and
 * each draw takes its purpose's queued value; with nothing queued, fresh random bytes.
 */
export function replayRandom(): { random: RandomSource; next(ceremony: RecordedCeremony): void } {
  const queued = new Map<string, Uint8Array[]>();
  return {
    random: (purpose, length) => {
      const value = queued.get(purpose)?.shift();
      return value ?? crypto.getRandomValues(new Uint8Array(length));
    },
    next(ceremony) {
      for (const [purpose, value] of Object.entries(ceremony.drawn)) {
        queued.set(purpose, [...(queued.get(purpose) ?? []), decodeBase64url(value)!]);
      }
    },
  };
}

/** The module as the fixtures were recorded (their RP id and origin), over a replaying random source. */
export function replayModule(
  random: RandomSource,
  overrides: Partial<WebAuthnOptions> = {},
): ReturnType<typeof webauthnModule> {
  return webauthnModule(
    { rpID: FIXTURES.rpID, rpName: 'factorkit tests', origins: [FIXTURES.origin], ...overrides },
    random,
  );
}

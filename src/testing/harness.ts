// Shared plumbing of the conformance suite: a fresh store per test, unique user ids, and a
// lifecycle over the store with a fixed clock and fast backup-code KDF parameters.
import { afterEach } from 'vitest';
import { encodeBase32 } from '../base32/index.js';
import type { DeliveryMessage } from '../lifecycle/factors/delivered/types.js';
import type { DeliveryChannel } from '../lifecycle/kernel/events.js';
import { createTwoFactor } from '../lifecycle/two-factor.js';
import type { TwoFactor, TwoFactorOptions } from '../lifecycle/types.js';
import { randomBytes } from '../otp/secret.js';
import type { TwoFactorStore } from '../stores/index.js';
import type { FactorConformanceSpec } from './factor-conformance.js';
import { generateTotp } from '../otp/index.js';

/**
 * Options of {@link runStoreConformance}.
 *
 * @example
 * ```ts
 * import type { StoreConformanceOptions } from 'factorkit/testing';
 *
 * const options: StoreConformanceOptions = { name: 'my store', faults: true };
 * ```
 */
export interface StoreConformanceOptions {
  /** Label of the outer `describe`. Default `'TwoFactorStore conformance'`. */
  name?: string;
  /** Called after each test with the store it used: close connections, drop tables. */
  teardown?: (store: TwoFactorStore) => void | Promise<void>;
  /** Run the fault-injection cases (each lifecycle operation failing at every store call). Default true. */
  faults?: boolean;
  /** Factor modules of your own to run the factor cases on, over this store (see {@link runFactorConformance}). */
  factors?: FactorConformanceSpec[];
}

export type MakeStore = () => TwoFactorStore | Promise<TwoFactorStore>;

/** Returns `use()`, which gives a fresh store for the current test and tears it down after it. */
export function storeProvider(makeStore: MakeStore, options: StoreConformanceOptions): () => Promise<TwoFactorStore> {
  const opened: TwoFactorStore[] = [];
  afterEach(async () => {
    const stores = opened.splice(0);
    if (options.teardown !== undefined) for (const store of stores) await options.teardown(store);
  });
  return async () => {
    const store = await makeStore();
    opened.push(store);
    return store;
  };
}

/** A prefix no other test run shares, so a store holding other records does not disturb the checks. */
export function uniquePrefix(): string {
  return `fk-${encodeBase32(randomBytes(10)).toLowerCase()}-`;
}

/** A settable clock starting at a fixed moment in the middle of a 30 s TOTP step. */
export class TestClock {
  nowMs = 1_767_225_600_000 + 10_000;
  readonly read = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export const FAST_KDF = { N: 16, r: 1, p: 1 } as const;
export const TEST_KEYRING = { currentKeyId: 'conformance', keys: { conformance: randomBytes(32) } };

export function lifecycle(store: TwoFactorStore, clock: TestClock, extra?: Partial<TwoFactorOptions>): TwoFactor {
  return createTwoFactor({
    store,
    issuer: 'Conformance',
    clock: clock.read,
    keyring: TEST_KEYRING,
    backupCodes: { kdf: FAST_KDF, allowWeakKdf: true },
    warn: () => {},
    ...extra,
  });
}

export interface Enrolled {
  secret: string;
  backupCodes: string[];
}

/** Begins and confirms enrollment; the clock is then one step later, so a fresh TOTP code is usable. */
export async function enroll(twoFactor: TwoFactor, userId: string, clock: TestClock): Promise<Enrolled> {
  const { secret } = await twoFactor.beginEnrollment(userId, { account: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, generateTotp(secret, { time: clock.nowMs }));
  if (!confirmed.ok) throw new Error(`enrollment of the test user failed: ${confirmed.reason}`);
  clock.advance(30_000);
  return { secret, backupCodes: confirmed.backupCodes };
}

export function totpNow(enrolled: Enrolled, clock: TestClock): string {
  return generateTotp(enrolled.secret, { time: clock.nowMs });
}

/**
 * A stand-in for the app's `deliver`: keeps every message it is handed, or throws while
 * `failing` is set (after keeping the message in `refused`, so a test can look for its code).
 */
export class Outbox {
  readonly messages: DeliveryMessage[] = [];
  readonly refused: DeliveryMessage[] = [];
  failing = false;
  readonly deliver = async (message: DeliveryMessage): Promise<void> => {
    // A provider's round trip: lets parallel calls interleave.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.failing) {
      this.refused.push(message);
      throw new Error('provider unavailable');
    }
    this.messages.push(message);
  };

  last(): DeliveryMessage {
    const message = this.messages.at(-1);
    if (message === undefined) throw new Error('nothing was delivered');
    return message;
  }

  lastCode(): Extract<DeliveryMessage, { kind: 'code' }> {
    const message = this.last();
    if (message.kind !== 'code') throw new Error('the last message is not a code');
    return message;
  }

  lastApproval(): Extract<DeliveryMessage, { kind: 'approval' }> {
    const message = this.last();
    if (message.kind !== 'approval') throw new Error('the last message is not an approval request');
    return message;
  }
}

/** The resend cooldown of the default delivery options, plus a second: a send is allowed again. */
export const PAST_COOLDOWN_MS = 31_000;

/** A different code of the same length. */
export function wrongCodeOf(code: string): string {
  const digits = code.length;
  return ((Number(code) + 10 ** (digits - 1) / 2 + 1) % 10 ** digits).toString().padStart(digits, '0');
}

export interface EnrolledDelivered {
  factorId: string;
  backupCodes: string[];
}

/** Enrolls an e-mail (or other) factor as the user's first factor; the clock is then past the resend cooldown. */
export async function enrollDelivered(
  twoFactor: TwoFactor,
  outbox: Outbox,
  userId: string,
  clock: TestClock,
  channel: DeliveryChannel = 'email',
  destination = 'ada@example.com',
): Promise<EnrolledDelivered> {
  const begun = await twoFactor.beginEnrollment(userId, { channel, destination });
  if (!begun.ok) throw new Error(`beginning the delivered enrollment failed: ${begun.reason}`);
  const confirmed = await twoFactor.confirmEnrollment(userId, outbox.lastCode().code, { factorId: begun.factorId });
  if (!confirmed.ok) throw new Error(`confirming the delivered enrollment failed: ${confirmed.reason}`);
  clock.advance(PAST_COOLDOWN_MS);
  return { factorId: begun.factorId, backupCodes: confirmed.backupCodes };
}

// Issues 15, 23 and 28: what the lifecycle costs around the check it wraps. A TOTP sign-in through
// createTwoFactor over MemoryStore (load and parse the record, open the sealed secret, verify,
// write the replay state back, emit the audit event) beside the bare verifyTotp it performs,
// with the same secret bytes, window and replay guard, timed in the same rounds. Three lifecycle
// subjects: the user's opened secret in the cache (one process, a warm server), not in it (a
// second createTwoFactor over the same store: another process, or after a restart, or more
// active users than the cache holds), and a delivered-code sign-in (sendCode, then verify).
import {
  type FactorModule,
  MemoryStore,
  type ModuleOperations,
  type TwoFactor,
  type TwoFactorOptions,
  createTwoFactor,
  decodeBase32,
  generateTotp,
  verifyTotp,
} from 'factorkit';
import { type DeliveryMessage, deliveredCodes } from 'factorkit/delivered';
import { type AsyncBenchCase, type CaseResult, fastestRatio, runAsyncCase, type HarnessOptions } from './harness.js';

const CALLS_PER_BATCH = 50;
const MAX_ROUNDS = 60;
/** Users per lifecycle subject: each signs in once (a second use of the code would be a replay). */
const USERS = (MAX_ROUNDS + 1) * CALLS_PER_BATCH;

/** The guards on this case, each a ratio to the bare verifyTotp in the fastest batches. */
export const LIFECYCLE_TARGETS = [
  {
    subject: 'twoFactor.verify (cached secret)',
    max: 3,
    description: 'TOTP sign-in over MemoryStore, secret cached, at most 3x the bare verifyTotp',
  },
  {
    subject: 'twoFactor.verify (uncached secret)',
    max: 5,
    description: 'TOTP sign-in over MemoryStore, secret not cached, at most 5x the bare verifyTotp',
  },
] as const;

interface TotpUser {
  userId: string;
  secret: Uint8Array;
  code: string;
}

/**
 * A lifecycle for the bench's set-up: a random keyring, no clock drift, warnings and events
 * dropped, and fast backup codes (enrollment is set-up here, not what is measured). `options`
 * override any of it.
 */
// biome-ignore lint/suspicious/noExplicitAny: as createTwoFactor's own bound, any factor module
export function benchLifecycle<const M extends readonly FactorModule<any>[] = []>(
  options: Pick<TwoFactorOptions, 'store'> & Partial<TwoFactorOptions> & { factors?: M },
): ModuleOperations<M> & TwoFactor {
  return createTwoFactor<M>({
    issuer: 'Bench',
    warn: () => {},
    onEvent: () => {},
    keyring: { currentKeyId: 'k', keys: { k: crypto.getRandomValues(new Uint8Array(32)) } },
    backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
    ...options,
  });
}

async function enrollTotpUsers(twoFactor: TwoFactor, prefix: string, now: number): Promise<TotpUser[]> {
  const users: TotpUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const userId = `${prefix}-${i}`;
    const { secret } = await twoFactor.beginEnrollment(userId, { account: 'ada@example.com' });
    await twoFactor.confirmEnrollment(userId, generateTotp(secret, { time: now }));
    users.push({ userId, secret: decodeBase32(secret), code: '' });
  }
  return users;
}

/** E-mail-only users, with their factor. The code of each send is read from `outbox`. */
async function enrollEmailUsers(
  twoFactor: TwoFactor,
  outbox: Map<string, string>,
): Promise<{ userId: string; factorId: string }[]> {
  const users: { userId: string; factorId: string }[] = [];
  for (let i = 0; i < USERS; i++) {
    const userId = `email-${i}`;
    const begun = await twoFactor.beginEnrollment(userId, { channel: 'email', destination: `u${i}@example.com` });
    if (!begun.ok) throw new Error(`lifecycle bench: e-mail enrollment refused (${begun.reason})`);
    const confirmed = await twoFactor.confirmEnrollment(userId, outbox.get(userId)!, { factorId: begun.factorId });
    if (!confirmed.ok) throw new Error(`lifecycle bench: e-mail confirmation refused (${confirmed.reason})`);
    users.push({ userId, factorId: begun.factorId });
  }
  return users;
}

export async function lifecycleCase(rounds: number): Promise<AsyncBenchCase> {
  let now = 1_767_225_610_000;
  const clock = () => now;
  const store = new MemoryStore();
  const keyring = { currentKeyId: 'k', keys: { k: crypto.getRandomValues(new Uint8Array(32)) } };
  const outbox = new Map<string, string>();
  const deliver = async (message: DeliveryMessage) => {
    if (message.kind === 'code') outbox.set(message.userId, message.code);
  };
  const warm = benchLifecycle({ store, keyring, clock, factors: [deliveredCodes({ deliver })] });
  const cached = await enrollTotpUsers(warm, 'cached', now);
  const uncached = await enrollTotpUsers(warm, 'uncached', now);
  const emailUsers = await enrollEmailUsers(warm, outbox);
  // Another process over the same store and keyring: nothing opened yet.
  const cold = benchLifecycle({ store, keyring, clock });
  now += 30_000; // a fresh step: every user's code of it is unused
  for (const user of [...cached, ...uncached]) user.code = generateTotp(user.secret, { time: now });
  const lastStep = Math.floor(now / 30_000) - 1;
  if (rounds > MAX_ROUNDS) throw new Error(`lifecycle bench: at most ${MAX_ROUNDS} rounds`);
  const next = { bare: 0, cached: 0, uncached: 0, email: 0 };
  return {
    id: 'lifecycle-totp-sign-in',
    title: 'Sign-in through the lifecycle over MemoryStore vs the bare verifyTotp it performs',
    expected: true,
    reference: 'verifyTotp (bare)',
    callsPerBatch: CALLS_PER_BATCH,
    rounds,
    subjects: [
      {
        name: 'verifyTotp (bare)',
        run: async () => {
          const user = cached[next.bare++ % USERS]!;
          return verifyTotp(user.code, user.secret, { time: now, window: 1, afterStep: lastStep });
        },
        outcome: (r) => (r as { valid: boolean }).valid,
      },
      {
        name: LIFECYCLE_TARGETS[0].subject,
        run: () => {
          const user = cached[next.cached++]!;
          return warm.verify(user.userId, user.code);
        },
        outcome: (r) => (r as { ok: boolean }).ok,
      },
      {
        name: LIFECYCLE_TARGETS[1].subject,
        run: () => {
          const user = uncached[next.uncached++]!;
          return cold.verify(user.userId, user.code);
        },
        outcome: (r) => (r as { ok: boolean }).ok,
      },
      {
        // Two writes instead of one: the code issued and sealed, then used.
        name: 'sendCode + verify (e-mail code)',
        run: async () => {
          const { userId, factorId } = emailUsers[next.email++]!;
          const sent = await warm.sendCode(userId, { factorId });
          if (!sent.ok) return sent;
          return warm.verify(userId, outbox.get(userId)!);
        },
        outcome: (r) => (r as { ok: boolean }).ok,
      },
    ],
  };
}

export async function runLifecycleCase(options: HarnessOptions): Promise<CaseResult & { targets: object[] }> {
  const rounds = Math.min(options.rounds, MAX_ROUNDS);
  const result = await runAsyncCase(await lifecycleCase(rounds), { ...options, rounds });
  const targets = LIFECYCLE_TARGETS.map((target) => {
    const ratio = fastestRatio(result, target.subject);
    const medianRatio = result.subjects.find((s) => s.name === target.subject)!.ratioToReference;
    const met = ratio <= target.max;
    console.log(
      `${met ? 'met   ' : 'MISSED'}  ${target.description}: ${ratio.toFixed(2)}x fastest batches, ` +
        `${medianRatio.toFixed(2)}x median of paired rounds (max ${target.max}x)`,
    );
    return { ...target, ratio, medianRatio, met };
  });
  return { ...result, targets };
}

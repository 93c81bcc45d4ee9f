// Fault injection: every lifecycle operation, with the store failing at its k-th call for every
// k (before the call runs, and after it committed). Each must either complete or leave the
// previous record untouched, and report the failure as STORE_ERROR, never as a wrong code.
import { describe, expect, it } from 'vitest';
import { isFactorkitError } from '../errors/index.js';
import { deliveredCodes } from '../lifecycle/factors/delivered/index.js';
import type { TwoFactor } from '../lifecycle/index.js';
import { FaultyStore, type FaultTiming } from './faulty-store.js';
import type { StoredRecord, TwoFactorStore } from '../stores/index.js';
import {
  Outbox,
  TestClock,
  enroll,
  enrollDelivered,
  lifecycle,
  totpNow,
  uniquePrefix,
  type Enrolled,
} from './harness.js';

/** What a case's setup leaves for its run: an authenticator's secret (and backup codes), or a delivered factor. */
type FaultContext =
  | Enrolled
  | { secret: string }
  | { factorId: string; outbox: Outbox; challengeId?: string; matchNumber?: string };

interface FaultCase {
  name: string;
  /** Brings the user to the state the operation starts from. */
  setup(twoFactor: TwoFactor, userId: string, clock: TestClock, outbox: Outbox): Promise<FaultContext>;
  /** The result the operation gives when the store does not fail. Default: `{ ok: true }`. */
  expected?: object;
  /** The operation under test. */
  run(twoFactor: TwoFactor, userId: string, clock: TestClock, ctx: FaultContext): Promise<{ ok: boolean }>;
  /** True when the operation's effect is in the store (checked with a healthy store). */
  completed(twoFactor: TwoFactor, userId: string, clock: TestClock, ctx: FaultContext): Promise<boolean>;
}

const MAX_CALLS = 20;

const CASES: FaultCase[] = [
  {
    name: 'beginEnrollment',
    setup: async () => ({ secret: '' }),
    run: (tf, userId) => tf.beginEnrollment(userId, { account: 'ada@example.com' }).then(() => ({ ok: true })),
    completed: async (tf, userId) => (await tf.status(userId)) === 'pending',
  },
  {
    name: 'confirmEnrollment',
    setup: async (tf, userId) => tf.beginEnrollment(userId, { account: 'ada@example.com' }),
    run: (tf, userId, clock, ctx) =>
      tf.confirmEnrollment(userId, totpNow({ secret: (ctx as { secret: string }).secret, backupCodes: [] }, clock)),
    completed: async (tf, userId) =>
      (await tf.status(userId)) === 'activated' && (await tf.remainingBackupCodes(userId)) === 5,
  },
  {
    name: 'verify (TOTP)',
    setup: (tf, userId, clock) => enroll(tf, userId, clock),
    run: (tf, userId, clock, ctx) => tf.verify(userId, totpNow(ctx as Enrolled, clock)),
    completed: async (tf, userId, clock, ctx) => {
      const again = await tf.verify(userId, totpNow(ctx as Enrolled, clock));
      return !again.ok && again.reason === 'replayed';
    },
  },
  {
    name: 'verify (backup code, consumed)',
    setup: (tf, userId, clock) => enroll(tf, userId, clock),
    run: (tf, userId, _clock, ctx) => tf.verify(userId, (ctx as Enrolled).backupCodes[0]!),
    completed: async (tf, userId, _clock, ctx) => {
      const again = await tf.verify(userId, (ctx as Enrolled).backupCodes[0]!);
      return !again.ok && again.reason === 'replayed' && (await tf.remainingBackupCodes(userId)) === 4;
    },
  },
  {
    name: 'verify (wrong code, failure counted)',
    setup: (tf, userId, clock) => enroll(tf, userId, clock),
    expected: { ok: false, reason: 'invalid' },
    run: (tf, userId, clock, ctx) => tf.verify(userId, wrongCode(totpNow(ctx as Enrolled, clock))),
    completed: async (tf, userId) => (await tf.throttleStatus(userId)).failures === 1,
  },
  {
    name: 'regenerateBackupCodes',
    setup: (tf, userId, clock) => enroll(tf, userId, clock),
    run: (tf, userId, clock, ctx) => tf.regenerateBackupCodes(userId, totpNow(ctx as Enrolled, clock)),
    completed: async (tf, userId, _clock, ctx) => !(await tf.verify(userId, (ctx as Enrolled).backupCodes[1]!)).ok,
  },
  {
    name: 'disable',
    setup: (tf, userId, clock) => enroll(tf, userId, clock),
    run: (tf, userId, _clock, ctx) => tf.disable(userId, (ctx as Enrolled).backupCodes[3]!),
    completed: async (tf, userId) => (await tf.status(userId)) === 'not-activated',
  },
  {
    name: 'beginEnrollment (delivered: written before the code is delivered)',
    setup: async (_tf, _userId, _clock, outbox) => ({ factorId: '', outbox }),
    run: (tf, userId) => tf.beginEnrollment(userId, { channel: 'sms', destination: '+15555550123' }),
    completed: async (tf, userId) => (await tf.status(userId)) === 'pending',
  },
  {
    name: 'requestApproval',
    setup: async (tf, userId, clock, outbox) => ({
      ...(await enrollDelivered(tf, outbox, userId, clock, 'telegram', '123456789')),
      outbox,
    }),
    run: (tf, userId, _clock, ctx) => tf.requestApproval(userId, { factorId: delivered(ctx).factorId }),
    completed: async (tf, userId, _clock, ctx) => {
      const again = await tf.requestApproval(userId, { factorId: delivered(ctx).factorId });
      return !again.ok && again.reason === 'rate-limited';
    },
  },
  {
    // Without a factorId: the request to every factor that carries it, counted on the account.
    name: 'requestApproval (to every linked factor)',
    setup: async (tf, userId, clock, outbox) => ({
      ...(await enrollDelivered(tf, outbox, userId, clock, 'telegram', '123456789')),
      outbox,
    }),
    run: (tf, userId) => tf.requestApproval(userId),
    completed: async (tf, userId) => {
      const again = await tf.requestApproval(userId);
      return !again.ok && again.reason === 'rate-limited';
    },
  },
  {
    name: 'sendCode (a send is committed before deliver)',
    setup: async (tf, userId, clock, outbox) => ({
      ...(await enrollDelivered(tf, outbox, userId, clock)),
      outbox,
    }),
    run: (tf, userId, _clock, ctx) => tf.sendCode(userId, { factorId: delivered(ctx).factorId }),
    completed: async (tf, userId, _clock, ctx) => {
      const again = await tf.sendCode(userId, { factorId: delivered(ctx).factorId });
      return !again.ok && again.reason === 'rate-limited';
    },
  },
  {
    name: 'verify (delivered code, used once)',
    setup: async (tf, userId, clock, outbox) => {
      const { factorId } = await enrollDelivered(tf, outbox, userId, clock);
      const sent = await tf.sendCode(userId, { factorId });
      if (!sent.ok) throw new Error(sent.reason);
      return { factorId, outbox };
    },
    run: (tf, userId, _clock, ctx) =>
      tf.verify(userId, delivered(ctx).outbox.lastCode().code, { factorId: delivered(ctx).factorId }),
    completed: async (tf, userId, _clock, ctx) => {
      const again = await tf.verify(userId, delivered(ctx).outbox.lastCode().code);
      return !again.ok && again.reason === 'replayed';
    },
  },
  {
    name: 'approve',
    setup: async (tf, userId, clock, outbox) => {
      const { factorId } = await enrollDelivered(tf, outbox, userId, clock, 'telegram', '123456789');
      const requested = await tf.requestApproval(userId, { factorId });
      if (!requested.ok) throw new Error(requested.reason);
      return { factorId, outbox, challengeId: requested.challengeId, matchNumber: requested.matchNumber };
    },
    run: (tf, _userId, _clock, ctx) =>
      tf.approve(delivered(ctx).outbox.lastApproval().approveToken, { matchNumber: delivered(ctx).matchNumber! }),
    completed: async (tf, userId, _clock, ctx) =>
      (await tf.approvalStatus(userId, delivered(ctx).challengeId!)).status === 'approved',
  },
  {
    name: 'approvalStatus (an approval consumed)',
    setup: async (tf, userId, clock, outbox) => {
      const { factorId } = await enrollDelivered(tf, outbox, userId, clock, 'telegram', '123456789');
      const requested = await tf.requestApproval(userId, { factorId });
      if (!requested.ok) throw new Error(requested.reason);
      await tf.approve(outbox.lastApproval().approveToken, { matchNumber: requested.matchNumber });
      return { factorId, outbox, challengeId: requested.challengeId };
    },
    run: async (tf, userId, _clock, ctx) => ({
      ok: (await tf.approvalStatus(userId, delivered(ctx).challengeId!)).status === 'approved',
    }),
    completed: async (tf, userId, _clock, ctx) =>
      (await tf.approvalStatus(userId, delivered(ctx).challengeId!)).status === 'expired',
  },
];

function delivered(ctx: FaultContext): {
  factorId: string;
  outbox: Outbox;
  challengeId?: string;
  matchNumber?: string;
} {
  if (!('outbox' in ctx)) throw new Error('not a delivered-factor case');
  return ctx;
}

function wrongCode(code: string): string {
  return ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');
}

export function faultsSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('store faults at every call: complete or leave the state whole', () => {
    for (const testCase of CASES) {
      for (const timing of ['before', 'after'] as FaultTiming[]) {
        it(`${testCase.name}, fault ${timing} the k-th store call, every k`, async () => {
          const store = await useStore();
          const prefix = uniquePrefix();
          let faultsHit = 0;
          for (let k = 1; k <= MAX_CALLS; k++) {
            const clock = new TestClock();
            const faulty = new FaultyStore(store);
            const outbox = new Outbox();
            const twoFactor = lifecycle(faulty, clock, {
              throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
              factors: [deliveredCodes({ deliver: outbox.deliver })],
            });
            const userId = `${prefix}${k}`;
            const ctx = await testCase.setup(twoFactor, userId, clock, outbox);
            const before: StoredRecord | null = await store.get(userId);

            faulty.arm(k, timing);
            let outcome: object | undefined;
            let error: unknown;
            try {
              outcome = await testCase.run(twoFactor, userId, clock, ctx);
            } catch (caught) {
              error = caught;
            }
            const hit = faulty.calls >= k;
            faulty.disarm();

            const after = await store.get(userId);
            const unchanged = JSON.stringify(after) === JSON.stringify(before);
            if (!hit) {
              // The operation made fewer than k calls: nothing failed, so it must have completed.
              expect(error).toBeUndefined();
              expect(outcome).toMatchObject(testCase.expected ?? { ok: true });
              expect(await testCase.completed(twoFactor, userId, clock, ctx)).toBe(true);
              break;
            }
            faultsHit++;
            // A store failure is reported as STORE_ERROR, never as a refused code.
            expect(outcome).toBeUndefined();
            expect(isFactorkitError(error, 'STORE_ERROR')).toBe(true);
            if (timing === 'before') {
              expect(unchanged).toBe(true);
            } else if (!unchanged) {
              expect(await testCase.completed(twoFactor, userId, clock, ctx)).toBe(true);
            }
            if (unchanged) {
              // The previous state is whole: the operation can simply be retried.
              const retried = await testCase.run(twoFactor, userId, clock, ctx);
              if (testCase.expected !== undefined) expect(retried).toMatchObject(testCase.expected);
              else expect(retried.ok).toBe(true);
              expect(await testCase.completed(twoFactor, userId, clock, ctx)).toBe(true);
            }
          }
          expect(faultsHit).toBeGreaterThanOrEqual(2);
        });
      }
    }
  });
}

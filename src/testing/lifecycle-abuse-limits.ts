// The abuse limits of delivered codes and approvals (issue 25: E3, E4) under real parallel
// calls on the store under test: the counts live in the user's record and are decided in the
// same compare-and-set write as the send, so a burst of parallel requests cannot pass them.
import { describe, expect, it } from 'vitest';
import { deliveredCodes } from '../lifecycle/factors/delivered/index.js';
import type { DeliveryOptions } from '../lifecycle/factors/delivered/types.js';
import type { TwoFactorStore } from '../stores/index.js';
import { Outbox, TestClock, enrollDelivered, lifecycle, uniquePrefix } from './harness.js';

async function setup(useStore: () => Promise<TwoFactorStore>, delivery: DeliveryOptions = {}) {
  const clock = new TestClock();
  const outbox = new Outbox();
  const twoFactor = lifecycle(await useStore(), clock, {
    factors: [deliveredCodes({ deliver: outbox.deliver, ...delivery })],
  });
  return { clock, outbox, twoFactor, userId: `${uniquePrefix()}user` };
}

export function lifecycleAbuseLimitsSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('abuse limits of delivered codes and approvals, under concurrency', () => {
    it('E3: 20 parallel beginEnrollment calls to 20 new numbers: exactly 5 distinct numbers get a code, the rest are rate-limited', async () => {
      // The hourly and daily caps raised, so that the cap on distinct destinations is the one met.
      const s = await setup(useStore, { maxSendsPerHour: 50, maxSendsPerDay: 50 });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.twoFactor.beginEnrollment(s.userId, {
            channel: 'sms',
            destination: `+8821300000${String(i).padStart(2, '0')}`,
          }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok && r.reason === 'rate-limited')).toHaveLength(15);
      expect(new Set(s.outbox.messages.map((m) => m.destination)).size).toBe(5);
      expect(s.outbox.messages).toHaveLength(5);
    });

    it('E4: 20 parallel approval requests make one message; after 3 unanswered, 20 parallel requests make none', async () => {
      const s = await setup(useStore);
      await enrollDelivered(s.twoFactor, s.outbox, s.userId, s.clock, 'telegram', '123456789');
      const before = s.outbox.messages.length;
      const burst = () => Promise.all(Array.from({ length: 20 }, () => s.twoFactor.requestApproval(s.userId)));
      expect((await burst()).filter((r) => r.ok)).toHaveLength(1);
      for (let i = 0; i < 2; i++) {
        s.clock.advance(31_000);
        expect((await burst()).filter((r) => r.ok)).toHaveLength(1);
      }
      s.clock.advance(31_000);
      const paused = await burst();
      expect(paused.every((r) => !r.ok && r.reason === 'rate-limited')).toBe(true);
      expect(s.outbox.messages.length - before).toBe(3);
    });
  });
}

// Single-use pending sign-in tickets over the store under test: 20 parallel redemptions of one
// ticket have exactly one winner, and a redeemed ticket stays refused while the record prunes
// and bounds what it keeps.
import { describe, expect, it } from 'vitest';
import type { TwoFactorStore } from '../stores/index.js';
import { TestClock, enroll, lifecycle, uniquePrefix } from './harness.js';

const TEN_MINUTES = 600_000;

export function lifecycleSignInTicketsSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('pending sign-in tickets over the store', () => {
    it('20 parallel redemptions of one ticket: exactly one succeeds, the rest are refused as used', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      await enroll(twoFactor, userId, clock);
      const ticket = { ticketId: 't_parallel', issuedAt: clock.nowMs, expiresAt: clock.nowMs + TEN_MINUTES };
      const results = await Promise.all(Array.from({ length: 20 }, () => twoFactor.redeemSignInTicket(userId, ticket)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'ticket-used')).toBe(true);
      expect(await twoFactor.checkSignInTicket(userId, ticket)).toEqual({ ok: false, reason: 'ticket-used' });
    });

    it('20 parallel redemptions of 20 different tickets: each succeeds once', async () => {
      const clock = new TestClock();
      const store = await useStore();
      const twoFactor = lifecycle(store, clock);
      const userId = `${uniquePrefix()}user`;
      await enroll(twoFactor, userId, clock);
      const tickets = Array.from({ length: 20 }, (_, i) => ({
        ticketId: `t_${i}`,
        issuedAt: clock.nowMs + i,
        expiresAt: clock.nowMs + TEN_MINUTES,
      }));
      const results = await Promise.all(tickets.map((ticket) => twoFactor.redeemSignInTicket(userId, ticket)));
      expect(results.every((r) => r.ok)).toBe(true);
      // 20 is more than the record keeps: the oldest fell below the floor, and still count as used.
      const again = await Promise.all(tickets.map((ticket) => twoFactor.checkSignInTicket(userId, ticket)));
      expect(again.every((r) => !r.ok && r.reason === 'ticket-used')).toBe(true);
      const stored = JSON.parse((await store.get(userId))!.data);
      expect(stored.redeemedTickets.redeemed.length).toBeLessThanOrEqual(16);
    });

    it('an expired ticket is refused, and expired entries are pruned on the next redemption', async () => {
      const clock = new TestClock();
      const store = await useStore();
      const twoFactor = lifecycle(store, clock);
      const userId = `${uniquePrefix()}user`;
      await enroll(twoFactor, userId, clock);
      const first = { ticketId: 't_first', issuedAt: clock.nowMs, expiresAt: clock.nowMs + TEN_MINUTES };
      expect(await twoFactor.redeemSignInTicket(userId, first)).toEqual({ ok: true });
      clock.advance(TEN_MINUTES);
      expect(await twoFactor.redeemSignInTicket(userId, first)).toEqual({ ok: false, reason: 'ticket-expired' });
      const second = { ticketId: 't_second', issuedAt: clock.nowMs, expiresAt: clock.nowMs + TEN_MINUTES };
      expect(await twoFactor.redeemSignInTicket(userId, second)).toEqual({ ok: true });
      const stored = JSON.parse((await store.get(userId))!.data);
      expect(stored.redeemedTickets.redeemed.map((e: { id: string }) => e.id)).toEqual(['t_second']);
    });

    it('a user without a 2FA record has no ticket to redeem, and nothing is written', async () => {
      const clock = new TestClock();
      const store = await useStore();
      const twoFactor = lifecycle(store, clock);
      const userId = `${uniquePrefix()}user`;
      const ticket = { ticketId: 't_none', issuedAt: clock.nowMs, expiresAt: clock.nowMs + TEN_MINUTES };
      expect(await twoFactor.redeemSignInTicket(userId, ticket)).toEqual({ ok: false, reason: 'not-enrolled' });
      expect(await store.get(userId)).toBeNull();
    });
  });
}

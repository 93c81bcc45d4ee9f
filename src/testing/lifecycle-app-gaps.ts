// What an app hit when it built the web half on the lifecycle (issue 27), on the store under
// test: a pending enrollment shown again from the record, a code of a replaced QR code told
// apart from a wrong one, one `sessions-should-end` per change, and the batch status of the
// app's own user ids.
import { describe, expect, it } from 'vitest';
import { deliveredCodes } from '../lifecycle/factors/delivered/index.js';
import type { TwoFactorEvent } from '../lifecycle/index.js';
import { generateTotp } from '../otp/index.js';
import type { TwoFactorStore } from '../stores/index.js';
import { Outbox, TestClock, enroll, enrollDelivered, lifecycle, totpNow, uniquePrefix } from './harness.js';

async function setup(openStore: () => Promise<TwoFactorStore>) {
  const clock = new TestClock();
  const events: TwoFactorEvent[] = [];
  const outbox = new Outbox();
  const store = await openStore();
  const twoFactor = lifecycle(store, clock, {
    onEvent: (event) => void events.push(event),
    factors: [deliveredCodes({ deliver: outbox.deliver })],
  });
  return { clock, events, outbox, store, twoFactor, userId: `${uniquePrefix()}user` };
}

/** The changes `sessions-should-end` named, in order. */
const endings = (events: TwoFactorEvent[]) =>
  events.flatMap((event) => (event.type === 'sessions-should-end' ? [event.change] : []));

export function lifecycleAppGapsSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('what the web half needs (issue 27)', () => {
    it('a pending authenticator is shown again from the record, in any tab, until it expires', async () => {
      const s = await setup(useStore);
      expect(await s.twoFactor.pendingEnrollment(s.userId)).toEqual({ ok: false, reason: 'not-enrolled' });
      const begun = await s.twoFactor.beginEnrollment(s.userId, { account: 'ada@example.com' });
      // Another lifecycle over the same store: another server, another tab.
      const other = lifecycle(s.store, s.clock);
      const shown = await other.pendingEnrollment(s.userId);
      expect(shown).toEqual({ ok: true, ...begun });
      expect(await s.twoFactor.pendingEnrollment(s.userId, { factorId: begun.factorId })).toEqual(shown);
      expect(await s.twoFactor.pendingEnrollment(s.userId, { factorId: 'f_nothing' })).toEqual({
        ok: false,
        reason: 'unknown-factor',
      });
      s.clock.nowMs = begun.expiresAt;
      expect(await s.twoFactor.pendingEnrollment(s.userId)).toEqual({ ok: false, reason: 'expired' });
      // Shown, never in an event.
      expect(JSON.stringify(s.events)).not.toContain(begun.secret);
    });

    it('with 2FA on, the pending secret is shown only to a session that stepped up recently', async () => {
      const s = await setup(useStore);
      const enrolled = await enroll(s.twoFactor, s.userId, s.clock);
      const begun = await s.twoFactor.beginEnrollment(s.userId, { account: 'ada@example.com' });
      expect(await s.twoFactor.pendingEnrollment(s.userId)).toEqual({ ok: false, reason: 'current-code-required' });
      const stale = s.clock.nowMs - 11 * 60_000;
      expect(await s.twoFactor.pendingEnrollment(s.userId, { steppedUpAt: stale })).toEqual({
        ok: false,
        reason: 'current-code-required',
      });
      const stepped = await s.twoFactor.stepUp(s.userId, totpNow(enrolled, s.clock));
      if (!stepped.ok) throw new Error(stepped.reason);
      expect(await s.twoFactor.pendingEnrollment(s.userId, { steppedUpAt: stepped.at })).toEqual({
        ok: true,
        ...begun,
      });
    });

    it('a code of the replaced QR code is enrollment-replaced: not counted, not a wrong code; the new one confirms', async () => {
      const s = await setup(useStore);
      const first = await s.twoFactor.beginEnrollment(s.userId, { account: 'ada@example.com' });
      const second = await s.twoFactor.beginEnrollment(s.userId, { account: 'ada@example.com' });
      const replaced = { ok: false, reason: 'enrollment-replaced' };
      const oldCode = generateTotp(first.secret, { time: s.clock.nowMs });
      for (let i = 0; i < 3; i++) expect(await s.twoFactor.confirmEnrollment(s.userId, oldCode)).toEqual(replaced);
      // The tab that still holds the first factor's id is told the same, whatever it types.
      expect(await s.twoFactor.confirmEnrollment(s.userId, '000000', { factorId: first.factorId })).toEqual(replaced);
      expect(await s.twoFactor.pendingEnrollment(s.userId, { factorId: first.factorId })).toEqual(replaced);
      expect((await s.twoFactor.throttleStatus(s.userId)).failures).toBe(0);
      const failed = s.events.filter((e) => e.type === 'verify-failed');
      expect(failed.map((e) => e.type === 'verify-failed' && e.reason)).toEqual(Array(4).fill('enrollment-replaced'));
      // A code of neither is still a counted wrong code.
      const wrong = generateTotp(first.secret, { time: s.clock.nowMs + 10 * 60_000 });
      expect(await s.twoFactor.confirmEnrollment(s.userId, wrong)).toMatchObject({ ok: false, reason: 'invalid' });
      expect((await s.twoFactor.throttleStatus(s.userId)).failures).toBe(1);
      const confirmed = await s.twoFactor.confirmEnrollment(
        s.userId,
        generateTotp(second.secret, { time: s.clock.nowMs }),
      );
      expect(confirmed).toMatchObject({ ok: true, factorId: second.factorId });
      // Once the replaced enrollment would have expired, its codes are plain wrong codes again.
      const user2 = `${s.userId}-2`;
      const third = await s.twoFactor.beginEnrollment(user2, { account: 'x' });
      s.clock.advance(5 * 60_000);
      await s.twoFactor.beginEnrollment(user2, { account: 'x' });
      s.clock.nowMs = third.expiresAt;
      const late = generateTotp(third.secret, { time: s.clock.nowMs });
      expect(await s.twoFactor.confirmEnrollment(user2, late)).toMatchObject({ reason: 'invalid' });
    });

    it('sessions-should-end comes exactly once per operation that changes how the account is protected', async () => {
      const s = await setup(useStore);
      const enrolled = await enroll(s.twoFactor, s.userId, s.clock);
      expect(endings(s.events)).toEqual(['enabled']);
      const next = await s.twoFactor.beginEnrollment(s.userId, { account: 'ada@example.com' });
      const added = await s.twoFactor.confirmEnrollment(s.userId, generateTotp(next.secret, { time: s.clock.nowMs }), {
        currentCode: totpNow(enrolled, s.clock),
      });
      expect(added.ok).toBe(true);
      expect(endings(s.events)).toEqual(['enabled', 'factor-added']);
      s.clock.advance(30_000);
      expect((await s.twoFactor.regenerateBackupCodes(s.userId, totpNow(enrolled, s.clock))).ok).toBe(true);
      s.clock.advance(30_000);
      expect((await s.twoFactor.removeFactor(s.userId, next.factorId, totpNow(enrolled, s.clock))).ok).toBe(true);
      s.clock.advance(30_000);
      expect(await s.twoFactor.disable(s.userId, totpNow(enrolled, s.clock))).toEqual({ ok: true });
      await enroll(s.twoFactor, s.userId, s.clock);
      expect(await s.twoFactor.resetByAdmin(s.userId, { actor: 'support:grace' })).toEqual({ ok: true });
      // Sign-ins, refusals, pending factors begun or cancelled end nothing.
      await s.twoFactor.beginEnrollment(s.userId, { account: 'ada@example.com' });
      const pending = (await s.twoFactor.listFactors(s.userId))[0]!;
      expect((await s.twoFactor.removeFactor(s.userId, pending.factorId, '')).ok).toBe(true);
      expect(endings(s.events)).toEqual([
        'enabled',
        'factor-added',
        'backup-codes-regenerated',
        'factor-removed',
        'disabled',
        'enabled',
        'reset-by-admin',
      ]);
      // Removing the last factor is one ending, `disabled`; each comes after its change's event.
      const t = await setup(useStore);
      const only = await enrollDelivered(t.twoFactor, t.outbox, t.userId, t.clock);
      expect((await t.twoFactor.removeFactor(t.userId, only.factorId, only.backupCodes[0]!)).ok).toBe(true);
      expect(endings(t.events)).toEqual(['enabled', 'disabled']);
      expect(t.events.at(-2)?.type).toBe('disabled');
    });

    it('an e-mail code can be asked for right after the address was added: the enrollment code starts no cooldown', async () => {
      const s = await setup(useStore);
      const begun = await s.twoFactor.beginEnrollment(s.userId, { channel: 'email', destination: 'ada@example.com' });
      if (!begun.ok) throw new Error(begun.reason);
      s.clock.advance(5000);
      const confirmed = await s.twoFactor.confirmEnrollment(s.userId, s.outbox.lastCode().code);
      expect(confirmed.ok).toBe(true);
      s.clock.advance(1000);
      expect(await s.twoFactor.sendCode(s.userId, { factorId: begun.factorId })).toMatchObject({ ok: true });
      // Its own cooldown still holds.
      expect(await s.twoFactor.sendCode(s.userId, { factorId: begun.factorId })).toMatchObject({
        ok: false,
        reason: 'rate-limited',
      });
    });

    it('statusOf: activated or not for the app own user ids, with or without a record', async () => {
      const s = await setup(useStore);
      await enroll(s.twoFactor, s.userId, s.clock);
      const pendingUser = `${s.userId}-pending`;
      const offUser = `${s.userId}-off`;
      await s.twoFactor.beginEnrollment(pendingUser, { account: 'p' });
      const off = await enroll(s.twoFactor, offUser, s.clock);
      expect(await s.twoFactor.disable(offUser, off.backupCodes[0]!)).toEqual({ ok: true });
      const ids = [s.userId, pendingUser, offUser, `${s.userId}-none`, s.userId];
      const statuses = await s.twoFactor.statusOf(ids);
      expect([...statuses]).toEqual([
        [s.userId, 'activated'],
        [pendingUser, 'not-activated'],
        [offUser, 'not-activated'],
        [`${s.userId}-none`, 'not-activated'],
      ]);
      const many = Array.from({ length: 1000 }, (_, i) => `${s.userId}-${i}`);
      expect((await s.twoFactor.statusOf(many)).size).toBe(1000);
      await expect(s.twoFactor.statusOf([...many, 'one-more'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(s.twoFactor.statusOf([s.userId, ''])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });
}

// One approval request to every linked factor (two Telegram chats and an app push), on the store
// under test: one challenge, one count towards the limits, and of 20 parallel answers spread
// over the three messages exactly one decides; the other messages' tokens die with it.
import { describe, expect, it } from 'vitest';
import { deliveredCodes } from '../lifecycle/factors/delivered/index.js';
import type { DeliveryMessage } from '../lifecycle/factors/delivered/types.js';
import type { TwoFactor, TwoFactorEvent } from '../lifecycle/index.js';
import type { TwoFactorStore } from '../stores/index.js';
import { Outbox, PAST_COOLDOWN_MS, TestClock, enrollDelivered, lifecycle, uniquePrefix } from './harness.js';

type ApprovalMessage = Extract<DeliveryMessage, { kind: 'approval' }>;

/** Adds an active delivered factor beside the first, proven with one of its backup codes. */
async function addDelivered(
  twoFactor: TwoFactor,
  outbox: Outbox,
  userId: string,
  channel: string,
  destination: string,
  currentCode: string,
): Promise<string> {
  const begun = await twoFactor.beginEnrollment(userId, { channel, destination });
  if (!begun.ok) throw new Error(`beginning ${channel} failed: ${begun.reason}`);
  const confirmed = await twoFactor.confirmEnrollment(userId, outbox.lastCode().code, {
    factorId: begun.factorId,
    currentCode,
  });
  if (!confirmed.ok) throw new Error(`confirming ${channel} failed: ${confirmed.reason}`);
  return begun.factorId;
}

/** An account with an e-mail factor, two Telegram chats and an app push factor. */
async function linkedAccount(useStore: () => Promise<TwoFactorStore>) {
  const clock = new TestClock();
  const outbox = new Outbox();
  const events: TwoFactorEvent[] = [];
  const twoFactor = lifecycle(await useStore(), clock, {
    factors: [deliveredCodes({ deliver: outbox.deliver })],
    onEvent: (event) => void events.push(event),
  });
  const userId = `${uniquePrefix()}user`;
  const email = await enrollDelivered(twoFactor, outbox, userId, clock);
  const [first, second, third] = email.backupCodes as [string, string, string];
  const telegram1 = await addDelivered(twoFactor, outbox, userId, 'telegram', '111111111', first);
  const telegram2 = await addDelivered(twoFactor, outbox, userId, 'telegram', '222222222', second);
  const push = await addDelivered(twoFactor, outbox, userId, 'push', 'device-token-abc', third);
  clock.advance(PAST_COOLDOWN_MS);
  return {
    clock,
    outbox,
    events,
    twoFactor,
    userId,
    emailFactorId: email.factorId,
    targets: [telegram1, telegram2, push],
  };
}

/** The i-th of 20 answers: approve (right number, full or short token), deny, or approve with a wrong number. */
function answer(twoFactor: TwoFactor, userId: string, message: ApprovalMessage, matchNumber: string, i: number) {
  const wrong = message.matchChoices.find((choice) => choice !== matchNumber)!;
  switch (i % 5) {
    case 0:
      return twoFactor.approve(message.approveToken, { matchNumber });
    case 1:
      return twoFactor.approve(message.shortApproveToken, { userId, matchNumber });
    case 2:
      return twoFactor.deny(message.denyToken);
    case 3:
      return twoFactor.deny(message.shortDenyToken, { userId });
    default:
      return twoFactor.approve(message.approveToken, { matchNumber: wrong });
  }
}

export function lifecycleFanOutSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('fan-out: one approval request to every linked factor', () => {
    it('fan-out: two Telegram chats and an app push get one challenge (not the e-mail factor); it counts once', async () => {
      const s = await linkedAccount(useStore);
      const before = s.outbox.messages.length;
      const requested = await s.twoFactor.requestApproval(s.userId);
      if (!requested.ok) throw new Error(requested.reason);
      expect(requested.factorIds).toEqual(s.targets);
      expect(requested.matchNumber).toMatch(/^[0-9]{2}$/);
      const messages = s.outbox.messages.slice(before) as ApprovalMessage[];
      expect(messages.map((m) => [m.kind, m.factorId]).sort()).toEqual(s.targets.map((id) => ['approval', id]).sort());
      expect(new Set(messages.map((m) => m.challengeId))).toEqual(new Set([requested.challengeId]));
      for (const message of messages) {
        expect(message.matchChoices).toHaveLength(3);
        expect(message.matchChoices).toContain(requested.matchNumber);
        expect(message.matchChoices).toEqual(messages[0]!.matchChoices);
      }
      // Each message has tokens of its own.
      expect(new Set(messages.map((m) => m.approveToken)).size).toBe(3);
      expect(s.events.filter((e) => e.type === 'approval-requested')).toHaveLength(3);
      // One request towards the limits: with maxUnansweredApprovals 3, two more fan-outs go out, then the pause.
      for (let i = 0; i < 2; i++) {
        s.clock.advance(PAST_COOLDOWN_MS);
        expect((await s.twoFactor.requestApproval(s.userId)).ok).toBe(true);
      }
      s.clock.advance(PAST_COOLDOWN_MS);
      expect(await s.twoFactor.requestApproval(s.userId)).toMatchObject({ ok: false, reason: 'rate-limited' });
      expect(s.outbox.messages.length - before).toBe(9);
    });

    it('fan-out: 20 parallel answers spread over the three messages give exactly one decision; the other tokens die with it', async () => {
      for (const round of [0, 1, 2, 3, 4]) {
        const s = await linkedAccount(useStore);
        const requested = await s.twoFactor.requestApproval(s.userId);
        if (!requested.ok) throw new Error(requested.reason);
        const messages = s.outbox.messages.slice(-3) as ApprovalMessage[];
        s.events.length = 0;
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            answer(s.twoFactor, s.userId, messages[(i + round) % 3]!, requested.matchNumber, i + round),
          ),
        );
        const decisive = results.filter((r) => r.ok || r.reason === 'wrong-number');
        expect(decisive).toHaveLength(1);
        const kind = (results.findIndex((r) => r.ok || r.reason === 'wrong-number') + round) % 5;
        expect(results.filter((r) => !r.ok && r.reason === 'answered')).toHaveLength(19);
        const answered = s.events.filter((e) => e.type === 'approval-answered');
        expect(answered).toHaveLength(1);
        const outcome = answered[0]!.type === 'approval-answered' ? answered[0]!.answer : undefined;
        // Only an approve with the right number approves; a wrong number is a denial.
        expect(outcome).toBe(kind < 2 ? 'approved' : 'denied');
        expect(decisive[0]).toEqual(kind === 4 ? { ok: false, reason: 'wrong-number' } : { ok: true });
        const status = await s.twoFactor.approvalStatus(s.userId, requested.challengeId);
        expect(status).toEqual({ status: outcome });
        // Every token of every message is spent now.
        for (const message of messages) {
          expect(await s.twoFactor.approve(message.approveToken, { matchNumber: requested.matchNumber })).toEqual({
            ok: false,
            reason: 'answered',
          });
        }
        // An approval signs in one session: read once.
        if (outcome === 'approved') {
          expect(await s.twoFactor.approvalStatus(s.userId, requested.challengeId)).toEqual({ status: 'expired' });
        }
      }
    });

    it('fan-out: with a factorId the request goes to that factor only, as before', async () => {
      const s = await linkedAccount(useStore);
      const before = s.outbox.messages.length;
      const requested = await s.twoFactor.requestApproval(s.userId, { factorId: s.targets[1]! });
      if (!requested.ok) throw new Error(requested.reason);
      expect(requested.factorIds).toEqual([s.targets[1]]);
      expect(s.outbox.messages.slice(before).map((m) => m.factorId)).toEqual([s.targets[1]]);
      // The e-mail factor only when named.
      s.clock.advance(PAST_COOLDOWN_MS);
      expect(await s.twoFactor.requestApproval(s.userId, { factorId: s.emailFactorId })).toMatchObject({
        ok: true,
        factorIds: [s.emailFactorId],
      });
    });
  });
}

// Unequal factors over the store under test (issue 25, E1 and E2), the way an attacker acts: one
// who holds a weak factor of the victim (the voice line, the mailbox, a SIM swap) and the
// password, and tries to use it to take the strong factors away or to add one of their own.
import { describe, expect, it } from 'vitest';
import { deliveredCodes } from '../lifecycle/factors/delivered/index.js';
import type { DeliveryChannel } from '../lifecycle/kernel/events.js';
import type { TwoFactor, TwoFactorEvent, TwoFactorOptions } from '../lifecycle/index.js';
import { generateTotp } from '../otp/index.js';
import type { TwoFactorStore } from '../stores/index.js';
import {
  type Enrolled,
  Outbox,
  PAST_COOLDOWN_MS,
  TestClock,
  enroll,
  lifecycle,
  totpNow,
  uniquePrefix,
} from './harness.js';

interface Account {
  twoFactor: TwoFactor;
  outbox: Outbox;
  clock: TestClock;
  userId: string;
  app: Enrolled;
  events: TwoFactorEvent[];
}

/** A user with an authenticator app (first factor, so backup codes) and the options given. */
async function withApp(store: TwoFactorStore, extra?: Partial<TwoFactorOptions>): Promise<Account> {
  const clock = new TestClock();
  const outbox = new Outbox();
  const events: TwoFactorEvent[] = [];
  const twoFactor = lifecycle(store, clock, {
    factors: [deliveredCodes({ deliver: outbox.deliver })],
    onEvent: (event) => void events.push(event),
    ...extra,
  });
  const userId = `${uniquePrefix()}user`;
  const app = await enroll(twoFactor, userId, clock);
  return { twoFactor, outbox, clock, userId, app, events };
}

/** Adds a delivered factor with a fresh app code as currentCode; returns its id. */
async function addDelivered(a: Account, channel: DeliveryChannel, destination: string): Promise<string> {
  const begun = await a.twoFactor.beginEnrollment(a.userId, { channel, destination });
  if (!begun.ok) throw new Error(`begin ${channel}: ${begun.reason}`);
  a.clock.advance(30_000);
  const confirmed = await a.twoFactor.confirmEnrollment(a.userId, a.outbox.lastCode().code, {
    factorId: begun.factorId,
    currentCode: totpNow(a.app, a.clock),
  });
  if (!confirmed.ok) throw new Error(`confirm ${channel}: ${confirmed.reason}`);
  a.clock.advance(PAST_COOLDOWN_MS);
  return begun.factorId;
}

/** A fresh code of a delivered factor, as the attacker holding its line or mailbox reads it. */
async function codeOf(a: Account, factorId: string): Promise<string> {
  a.clock.advance(PAST_COOLDOWN_MS);
  const sent = await a.twoFactor.sendCode(a.userId, { factorId });
  if (!sent.ok) throw new Error(`send: ${sent.reason}`);
  return a.outbox.lastCode().code;
}

const REFUSED = { ok: false, reason: 'stronger-factor-required' };

export function lifecycleStrengthSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('unequal factors: which proof may manage what', () => {
    it('E1: a voice code (four digits, a fallback) manages nothing: no disable, no new backup codes, no removal, no currentCode; it still signs in', async () => {
      const a = await withApp(await useStore());
      const voice = await addDelivered(a, 'voice', '+442079460958');
      const factorsBefore = await a.twoFactor.listFactors(a.userId);
      const code = await codeOf(a, voice);
      expect(await a.twoFactor.disable(a.userId, code)).toEqual(REFUSED);
      expect(await a.twoFactor.regenerateBackupCodes(a.userId, code)).toEqual(REFUSED);
      const app = factorsBefore.find((f) => f.type === 'totp')!;
      expect(await a.twoFactor.removeFactor(a.userId, app.factorId, code)).toEqual(REFUSED);
      expect(await a.twoFactor.removeFactor(a.userId, voice, code)).toEqual(REFUSED);
      // The attacker's own authenticator app, vouched for by the voice code: refused too.
      const own = await a.twoFactor.beginEnrollment(a.userId, { account: 'attacker' });
      const added = await a.twoFactor.confirmEnrollment(a.userId, generateTotp(own.secret, { time: a.clock.nowMs }), {
        factorId: own.factorId,
        currentCode: code,
      });
      expect(added).toEqual(REFUSED);
      expect(await a.twoFactor.status(a.userId)).toBe('activated');
      expect((await a.twoFactor.listFactors(a.userId)).filter((f) => f.status === 'active')).toHaveLength(2);
      // Refusals for strength are not counted and do not use the code up: it signs in.
      expect(await a.twoFactor.throttleStatus(a.userId)).toMatchObject({ failures: 0 });
      expect(await a.twoFactor.verify(a.userId, code, { factorId: voice })).toMatchObject({
        ok: true,
        method: 'delivered',
        strength: 'restricted-out-of-band',
        phishingResistant: false,
      });
      const refusals = a.events.filter((e) => e.type === 'verify-failed' && e.reason === 'stronger-factor-required');
      expect(refusals).toHaveLength(5);
    });

    it('E2: an e-mail code cannot remove the authenticator app or turn 2FA off; the app removes the e-mail factor', async () => {
      const a = await withApp(await useStore());
      const email = await addDelivered(a, 'email', 'ada@example.com');
      const app = (await a.twoFactor.listFactors(a.userId)).find((f) => f.type === 'totp')!;
      expect(await a.twoFactor.removeFactor(a.userId, app.factorId, await codeOf(a, email))).toEqual(REFUSED);
      expect(await a.twoFactor.disable(a.userId, await codeOf(a, email))).toEqual(REFUSED);
      expect(await a.twoFactor.regenerateBackupCodes(a.userId, await codeOf(a, email))).toEqual(REFUSED);
      // An e-mail code manages what is as weak as itself: the e-mail factor.
      expect(await a.twoFactor.removeFactor(a.userId, email, await codeOf(a, email))).toEqual({
        ok: true,
        twoFactorOff: false,
      });
      expect((await a.twoFactor.listFactors(a.userId)).map((f) => f.type)).toEqual(['totp']);
    });

    it('a SIM swap: an SMS code cannot add the attacker’s authenticator beside the victim’s app, but an SMS-only account may add its first app', async () => {
      const a = await withApp(await useStore());
      const sms = await addDelivered(a, 'sms', '+442079460958');
      const own = await a.twoFactor.beginEnrollment(a.userId, { account: 'attacker' });
      const code = await codeOf(a, sms);
      expect(
        await a.twoFactor.confirmEnrollment(a.userId, generateTotp(own.secret, { time: a.clock.nowMs }), {
          factorId: own.factorId,
          currentCode: code,
        }),
      ).toEqual(REFUSED);

      // An account whose strongest factor is SMS: its code is the best there is, so it may add an app.
      const b = await withApp(await useStore());
      const bSms = await addDelivered(b, 'sms', '+442079460959');
      const bApp = (await b.twoFactor.listFactors(b.userId)).find((f) => f.type === 'totp')!;
      expect(await b.twoFactor.removeFactor(b.userId, bApp.factorId, totpNow(b.app, b.clock))).toMatchObject({
        ok: true,
      });
      const next = await b.twoFactor.beginEnrollment(b.userId, { account: 'ada' });
      const bCode = await codeOf(b, bSms);
      expect(
        await b.twoFactor.confirmEnrollment(b.userId, generateTotp(next.secret, { time: b.clock.nowMs }), {
          factorId: next.factorId,
          currentCode: bCode,
        }),
      ).toMatchObject({ ok: true });
    });

    it('a backup code (the way back after losing the phone) removes the authenticator app and makes new codes', async () => {
      const a = await withApp(await useStore());
      await addDelivered(a, 'email', 'ada@example.com');
      const app = (await a.twoFactor.listFactors(a.userId)).find((f) => f.type === 'totp')!;
      expect(await a.twoFactor.removeFactor(a.userId, app.factorId, a.app.backupCodes[0]!)).toEqual({
        ok: true,
        twoFactorOff: false,
      });
      expect(await a.twoFactor.regenerateBackupCodes(a.userId, a.app.backupCodes[1]!)).toMatchObject({ ok: true });
    });

    it("manage: 'any-factor' restores the old rule: an e-mail code turns 2FA off", async () => {
      const a = await withApp(await useStore(), { manage: 'any-factor' });
      const email = await addDelivered(a, 'email', 'ada@example.com');
      expect(await a.twoFactor.disable(a.userId, await codeOf(a, email))).toEqual({ ok: true });
      expect(await a.twoFactor.status(a.userId)).toBe('not-activated');
    });

    it('stepUp: says what was proven and when; a minimum refuses weaker proofs, capped by what the account has', async () => {
      const a = await withApp(await useStore());
      const email = await addDelivered(a, 'email', 'ada@example.com');
      const weak = await codeOf(a, email);
      expect(await a.twoFactor.stepUp(a.userId, weak, { minimum: 'authenticator-app' })).toEqual(REFUSED);
      expect(await a.twoFactor.stepUp(a.userId, totpNow(a.app, a.clock), { minimum: 'authenticator-app' })).toEqual({
        ok: true,
        method: 'totp',
        factorId: expect.any(String),
        strength: 'authenticator-app',
        phishingResistant: false,
        at: a.clock.nowMs,
      });
      // Without a minimum any factor steps up, and the answer says how weak it was.
      expect(await a.twoFactor.stepUp(a.userId, weak)).toMatchObject({ ok: true, strength: 'email' });
      expect(a.events.filter((e) => e.type === 'verify-succeeded' && e.operation === 'step-up')).toHaveLength(2);

      // An account with e-mail only: asking for an app cannot be met, so its best proof is enough.
      const clock = new TestClock();
      const outbox = new Outbox();
      const twoFactor = lifecycle(await useStore(), clock, { factors: [deliveredCodes({ deliver: outbox.deliver })] });
      const userId = `${uniquePrefix()}user`;
      const begun = await twoFactor.beginEnrollment(userId, { channel: 'email', destination: 'bo@example.com' });
      if (!begun.ok) throw new Error(begun.reason);
      await twoFactor.confirmEnrollment(userId, outbox.lastCode().code, { factorId: begun.factorId });
      clock.advance(PAST_COOLDOWN_MS);
      await twoFactor.sendCode(userId, { factorId: begun.factorId });
      expect(await twoFactor.stepUp(userId, outbox.lastCode().code, { minimum: 'phishing-resistant' })).toMatchObject({
        ok: true,
        strength: 'email',
      });
    });
  });
}

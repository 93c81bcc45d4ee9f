// Issue 25, the delivered-codes half: the attacker who knows the password and abuses every
// send and request. Each test is named after the defect it shows (E3 SMS pumping and toll
// fraud, E4 push fatigue and number matching, E5 the victim's sign-in starved), and the three
// 24-hour simulations count what went out in every sliding 24-hour window.
import { describe, expect, it } from 'vitest';
import { MemoryStore, type TwoFactorEvent, type TwoFactorOptions, createTwoFactor, isFactorkitError } from 'factorkit';
import { type DeliveryMessage, type DeliveryOptions, type SendRequest, deliveredCodes } from 'factorkit/delivered';

const T0 = 1_767_225_600_000 + 10_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const FAST_BACKUP = { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true };

type ApprovalMessage = Extract<DeliveryMessage, { kind: 'approval' }>;
type CodeMessage = Extract<DeliveryMessage, { kind: 'code' }>;

function setup(delivery: Omit<DeliveryOptions, 'deliver'> = {}, extra: Partial<TwoFactorOptions> = {}) {
  const clock = { now: T0 };
  const outbox: { at: number; message: DeliveryMessage }[] = [];
  /** Destinations whose provider is down: deliver throws for them. */
  const failing = new Set<string>();
  const warnings: string[] = [];
  const events: TwoFactorEvent[] = [];
  const twoFactor = createTwoFactor({
    store: new MemoryStore(),
    issuer: 'Example',
    clock: () => clock.now,
    keyring: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } },
    backupCodes: FAST_BACKUP,
    // The attacker's wrong codes are not what these tests count.
    throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
    factors: [
      deliveredCodes({
        deliver: async (message) => {
          if (failing.has(message.destination)) throw new Error('provider unavailable');
          outbox.push({ at: clock.now, message });
        },
        ...delivery,
      }),
    ],
    onEvent: (event) => void events.push(event),
    warn: (message) => void warnings.push(message),
    ...extra,
  });
  const lastCode = (): CodeMessage => {
    const sent = outbox.at(-1)?.message;
    if (sent?.kind !== 'code') throw new Error('no code delivered');
    return sent;
  };
  const lastApproval = (): ApprovalMessage => {
    const sent = outbox.at(-1)?.message;
    if (sent?.kind !== 'approval') throw new Error('no approval delivered');
    return sent;
  };
  return { clock, outbox, events, twoFactor, lastCode, lastApproval, failing, warnings };
}

type Setup = ReturnType<typeof setup>;

/** The user's first factor, and a second one proven with a backup code. */
async function enrolled(s: Setup, userId = 'victim') {
  const begun = await s.twoFactor.beginEnrollment(userId, { channel: 'sms', destination: '+447700900001' });
  if (!begun.ok) throw new Error(begun.reason);
  const confirmed = await s.twoFactor.confirmEnrollment(userId, s.lastCode().code, { factorId: begun.factorId });
  if (!confirmed.ok) throw new Error(confirmed.reason);
  const telegram = await s.twoFactor.beginEnrollment(userId, { channel: 'telegram', destination: '123456789' });
  if (!telegram.ok) throw new Error(telegram.reason);
  const added = await s.twoFactor.confirmEnrollment(userId, s.lastCode().code, {
    factorId: telegram.factorId,
    currentCode: confirmed.backupCodes[0]!,
  });
  if (!added.ok) throw new Error(added.reason);
  s.clock.now += DAY_MS;
  return { sms: begun.factorId, telegram: telegram.factorId, backupCodes: confirmed.backupCodes.slice(1) };
}

/** The most of `times` in any window of `windowMs` (sliding, not aligned to the clock). */
function mostInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (const start of times) most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
  return most;
}

/** The most distinct values sent in any window of `windowMs`. */
function mostDistinctInWindow(sent: readonly { at: number; value: string }[], windowMs: number): number {
  let most = 0;
  for (const { at: start } of sent) {
    const inWindow = sent.filter((s) => s.at >= start && s.at < start + windowMs).map((s) => s.value);
    most = Math.max(most, new Set(inWindow).size);
  }
  return most;
}

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isFactorkitError(error) ? error.code : error;
};

describe('E3: sends per factor and destinations per account (SMS pumping, toll fraud)', () => {
  it('E3: an attacker asking for an SMS code every 30 s for 48 simulated hours gets at most 10 in any 24 hours (and 5 in any hour)', async () => {
    const s = setup();
    const { sms } = await enrolled(s);
    const start = s.clock.now;
    const before = s.outbox.length;
    let refused = 0;
    for (; s.clock.now < start + 2 * DAY_MS; s.clock.now += 30_000) {
      const sent = await s.twoFactor.sendCode('victim', { factorId: sms });
      if (!sent.ok) {
        expect(sent).toMatchObject({ reason: 'rate-limited', retryAfterMs: expect.any(Number) });
        refused++;
      }
    }
    const times = s.outbox.slice(before).map((o) => o.at);
    expect(mostInWindow(times, DAY_MS)).toBe(10);
    expect(mostInWindow(times, HOUR_MS)).toBe(5);
    // Two days: 20 codes where 240 went out before (5 an hour, for ever); 5740 requests refused.
    expect(times).toHaveLength(20);
    expect(refused).toBe(5760 - 20);
  });

  it('E3: beginEnrollment to a new number every minute for 48 simulated hours reaches at most 5 distinct unverified numbers in any 24 hours', async () => {
    const s = setup();
    await enrolled(s, 'pumper');
    const start = s.clock.now;
    const before = s.outbox.length;
    for (let i = 0; s.clock.now < start + 2 * DAY_MS; i++, s.clock.now += MINUTE_MS) {
      // Premium-rate numbers, one per attempt; every attempt also asks for a resend.
      const begun = await s.twoFactor.beginEnrollment('pumper', {
        channel: i % 2 === 0 ? 'sms' : 'voice',
        destination: `+88213${String(i).padStart(7, '0')}`,
      });
      s.clock.now += 31_000;
      if (begun.ok) await s.twoFactor.sendCode('pumper', { factorId: begun.factorId });
      s.clock.now -= 31_000;
    }
    const sent = s.outbox.slice(before).map((o) => ({ at: o.at, value: o.message.destination }));
    expect(mostDistinctInWindow(sent, DAY_MS)).toBe(5);
    // And the account's codes to destinations being enrolled: at most 10 a day (9 here: 5 numbers
    // and 4 resends, one resend having met the account's hourly cap of 5).
    expect(
      mostInWindow(
        sent.map((x) => x.at),
        DAY_MS,
      ),
    ).toBe(9);
    expect(
      mostInWindow(
        sent.map((x) => x.at),
        HOUR_MS,
      ),
    ).toBeLessThanOrEqual(5);
    expect(s.outbox.slice(before).every((o) => o.message.kind === 'code' && o.message.purpose === 'enrollment')).toBe(
      true,
    );
  });

  it('E3: resending to a destination already counted stays allowed; a 6th new one says how long to wait', async () => {
    const s = setup({ resendCooldownMs: 0, maxSendsPerHour: 100, maxSendsPerDay: 100 });
    for (let i = 0; i < 5; i++) {
      expect((await s.twoFactor.beginEnrollment('u', { channel: 'sms', destination: `+4477009000${i}0` })).ok).toBe(
        true,
      );
      s.clock.now += HOUR_MS;
    }
    expect(await s.twoFactor.beginEnrollment('u', { channel: 'sms', destination: '+447700900999' })).toEqual({
      ok: false,
      reason: 'rate-limited',
      retryAfterMs: DAY_MS - 5 * HOUR_MS,
    });
    // The first number again: already counted, so not a new destination.
    expect((await s.twoFactor.beginEnrollment('u', { channel: 'sms', destination: '+44 7700 9000 00' })).ok).toBe(true);
    // 19 hours on, the first number's first send is 24 hours old (it was sent again since, and
    // stays counted); the second number's has aged out, which makes room for a new one.
    s.clock.now += DAY_MS - 5 * HOUR_MS + HOUR_MS;
    expect((await s.twoFactor.beginEnrollment('u', { channel: 'sms', destination: '+447700900999' })).ok).toBe(true);
  });

  it('E3: the caps are options checked at creation', () => {
    const deliver = async () => {};
    for (const [name, value] of [
      ['maxSendsPerDay', 0],
      ['maxSendsPerDay', 101],
      ['trustedSendsPerDay', -1],
      ['maxUnverifiedDestinationsPerDay', 0],
      ['maxApprovalsPerDay', 1.5],
      ['maxUnansweredApprovals', 0],
      ['approvalPauseMs', 59_999],
      ['approvalPauseMs', DAY_MS + 1],
      ['allowSend', 'yes'],
    ] as const) {
      expect(() => deliveredCodes({ deliver, [name]: value }), `${name}: ${value}`).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});

describe('E4: approval requests per account (push fatigue) and number matching', () => {
  it('E4: an attacker asking for an approval every 30 s for 48 simulated hours, never answered, gets 3 requests a day out', async () => {
    const s = setup();
    await enrolled(s);
    const start = s.clock.now;
    const before = s.outbox.length;
    for (; s.clock.now < start + 2 * DAY_MS; s.clock.now += 30_000) await s.twoFactor.requestApproval('victim');
    const times = s.outbox.slice(before).map((o) => o.at);
    // 3 unanswered in a row, then the 24-hour pause: 3 in any 24 hours (120 before, all unanswered).
    expect(mostInWindow(times, DAY_MS)).toBe(3);
    expect(times).toHaveLength(6);
  });

  it('E4: even when the user signs in another way after every pause, at most 10 approval requests go out in any 24 hours', async () => {
    const s = setup();
    const { sms } = await enrolled(s);
    const start = s.clock.now;
    const before = s.outbox.filter((o) => o.message.kind === 'approval').length;
    let signIns = 0;
    for (let i = 0; s.clock.now < start + 2 * DAY_MS; i++, s.clock.now += 30_000) {
      const requested = await s.twoFactor.requestApproval('victim');
      if (requested.ok && i % 2 === 0) {
        // The tired user denies half of them...
        expect(await s.twoFactor.deny(s.lastApproval().denyToken)).toEqual({ ok: true });
      } else if (!requested.ok && signIns < 200 && i % 20 === 0) {
        // ...and, paused, signs in with a code from their own phone (which lifts the pause).
        const sent = await s.twoFactor.sendCode('victim', { factorId: sms, trustedSession: true });
        if (sent.ok && (await s.twoFactor.verify('victim', s.lastCode().code, { factorId: sms })).ok) signIns++;
      }
    }
    const times = s.outbox
      .filter((o) => o.message.kind === 'approval')
      .slice(before)
      .map((o) => o.at);
    expect(signIns).toBeGreaterThan(2);
    expect(mostInWindow(times, DAY_MS)).toBe(10);
  });

  it('E4: after 3 unanswered or denied requests in a row none goes out, until the user signs in another way or approvalPauseMs passes', async () => {
    const s = setup({ approvalPauseMs: 4 * HOUR_MS });
    const { backupCodes } = await enrolled(s);
    // Denied, unanswered (expired), and a wrong number: three strikes.
    const first = await s.twoFactor.requestApproval('victim');
    if (!first.ok) throw new Error(first.reason);
    await s.twoFactor.deny(s.lastApproval().denyToken);
    s.clock.now += 31_000;
    expect((await s.twoFactor.requestApproval('victim')).ok).toBe(true);
    s.clock.now += 5 * MINUTE_MS;
    const third = await s.twoFactor.requestApproval('victim');
    if (!third.ok) throw new Error(third.reason);
    const wrong = s.lastApproval().matchChoices.find((c) => c !== third.matchNumber)!;
    expect(await s.twoFactor.approve(s.lastApproval().approveToken, { matchNumber: wrong })).toEqual({
      ok: false,
      reason: 'wrong-number',
    });
    s.clock.now += 31_000;
    expect(await s.twoFactor.requestApproval('victim')).toEqual({
      ok: false,
      reason: 'rate-limited',
      retryAfterMs: 4 * HOUR_MS - 31_000,
    });
    // The pause passes: approvals again.
    s.clock.now += 4 * HOUR_MS;
    expect((await s.twoFactor.requestApproval('victim')).ok).toBe(true);
    // Three more strikes, then a sign-in with a backup code lifts the pause at once.
    for (let i = 0; i < 2; i++) {
      s.clock.now += 31_000;
      expect((await s.twoFactor.requestApproval('victim')).ok).toBe(true);
    }
    s.clock.now += 31_000;
    expect(await s.twoFactor.requestApproval('victim')).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect((await s.twoFactor.verify('victim', backupCodes[0]!)).ok).toBe(true);
    expect((await s.twoFactor.requestApproval('victim')).ok).toBe(true);
  });

  it('E4: number matching: the sign-in page shows matchNumber, the message offers matchChoices; a missing or wrong number is a denial', async () => {
    const s = setup();
    const { telegram } = await enrolled(s);
    const requested = await s.twoFactor.requestApproval('victim', { factorId: telegram });
    if (!requested.ok) throw new Error(requested.reason);
    const message = s.lastApproval();
    expect(requested.matchNumber).toMatch(/^[0-9]{2}$/);
    expect(message.matchChoices).toHaveLength(3);
    expect(new Set(message.matchChoices).size).toBe(3);
    expect(message.matchChoices).toContain(requested.matchNumber);
    // The pre-2025 habit, "press Approve": refused, and the request is now denied.
    expect(await s.twoFactor.approve(message.approveToken)).toEqual({ ok: false, reason: 'wrong-number' });
    expect(await s.twoFactor.approvalStatus('victim', requested.challengeId)).toEqual({ status: 'denied' });
    expect(await s.twoFactor.approve(message.approveToken, { matchNumber: requested.matchNumber })).toEqual({
      ok: false,
      reason: 'answered',
    });
    const answered = s.events.filter((e) => e.type === 'approval-answered');
    expect(answered).toEqual([expect.objectContaining({ answer: 'denied', wrongNumber: true })]);
    // Nothing stored or reported carries the number in clear, and a bad type is misuse.
    s.clock.now += 31_000;
    const next = await s.twoFactor.requestApproval('victim', { factorId: telegram });
    if (!next.ok) throw new Error(next.reason);
    expect(JSON.stringify(s.events)).not.toContain(`"${next.matchNumber}"`);
    expect(await codeOf(s.twoFactor.approve(s.lastApproval().approveToken, { matchNumber: 42 as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await s.twoFactor.approve(s.lastApproval().approveToken, { matchNumber: next.matchNumber })).toEqual({
      ok: true,
    });
    expect(await s.twoFactor.approvalStatus('victim', next.challengeId)).toEqual({ status: 'approved' });
  });
});

describe('E5: the attacker does not starve the victim', () => {
  it("E5: after the attacker used up the factor's 10 codes of the day, the victim's trusted session still gets codes and signs in", async () => {
    const s = setup();
    const { sms } = await enrolled(s);
    // The attacker: a code every 30 s until refused for the day.
    for (let i = 0; i < 200; i++, s.clock.now += 30_000) await s.twoFactor.sendCode('victim', { factorId: sms });
    const refused = await s.twoFactor.sendCode('victim', { factorId: sms });
    expect(refused).toMatchObject({ ok: false, reason: 'rate-limited' });
    if (refused.ok) return;
    expect(refused.retryAfterMs).toBeGreaterThan(HOUR_MS);
    // The victim, from the device they signed in on before (the app vouches for the session).
    const sent = await s.twoFactor.sendCode('victim', { factorId: sms, trustedSession: true });
    expect(sent).toMatchObject({ ok: true, channel: 'sms' });
    expect(await s.twoFactor.verify('victim', s.lastCode().code, { factorId: sms })).toMatchObject({ ok: true });
    // The allowance is the victim's: 5 a day, cooldown included, never touched by the attacker.
    let trusted = 1;
    for (let i = 0; i < 50; i++, s.clock.now += 30_000) {
      if ((await s.twoFactor.sendCode('victim', { factorId: sms, trustedSession: true })).ok) trusted++;
    }
    expect(trusted).toBe(5);
    expect(await codeOf(s.twoFactor.sendCode('victim', { factorId: sms, trustedSession: 'yes' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('E5: approval requests and codes count apart: an attacker who paused approvals does not stop the codes, and the codes lift the pause', async () => {
    const s = setup();
    const { sms } = await enrolled(s);
    for (let i = 0; i < 10; i++, s.clock.now += 30_000) await s.twoFactor.requestApproval('victim');
    expect(await s.twoFactor.requestApproval('victim')).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect((await s.twoFactor.sendCode('victim', { factorId: sms })).ok).toBe(true);
    expect((await s.twoFactor.verify('victim', s.lastCode().code, { factorId: sms })).ok).toBe(true);
    s.clock.now += 30_000;
    expect((await s.twoFactor.requestApproval('victim')).ok).toBe(true);
  });
});

describe('allowSend: the app vetoes sends across accounts', () => {
  it('a number shared by many accounts gets codes for 3 of them a day; the others are rate-limited, nothing sent or counted', async () => {
    // The app's own table (a Redis INCR or an SQL upsert in production): sends per destination per day.
    const perDestination = new Map<string, number>();
    const asked: SendRequest[] = [];
    const s = setup({
      allowSend: async (request) => {
        asked.push(request);
        // One simulated day here; a real table keys by the day too.
        const key = `${request.channel}:${request.destination}`;
        const count = perDestination.get(key) ?? 0;
        if (count >= 3) return { retryAfterMs: HOUR_MS };
        perDestination.set(key, count + 1);
        return true;
      },
    });
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(await s.twoFactor.beginEnrollment(`account-${i}`, { channel: 'sms', destination: '+882130000001' }));
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false, false]);
    expect(results[3]).toEqual({ ok: false, reason: 'rate-limited', retryAfterMs: HOUR_MS });
    expect(s.outbox).toHaveLength(3);
    // Asked with what it needs, never the code.
    expect(asked[0]).toEqual({
      kind: 'code',
      channel: 'sms',
      destination: '+882130000001',
      userId: 'account-0',
      factorId: expect.any(String),
      unverified: true,
    });
    // A vetoed send was undone: nothing left of the refused accounts' attempts, and their own caps are untouched.
    expect(await s.twoFactor.listFactors('account-3')).toEqual([]);
    expect((await s.twoFactor.beginEnrollment('account-3', { channel: 'sms', destination: '+447700900123' })).ok).toBe(
      true,
    );
  });
});

describe('fan-out when providers fail', () => {
  it('fan-out: a message that could not be delivered leaves the others standing; none delivered is DELIVERY_FAILED, nothing counted', async () => {
    const s = setup();
    const { backupCodes } = await enrolled(s);
    const begun = await s.twoFactor.beginEnrollment('victim', { channel: 'push', destination: 'device-token-abc' });
    if (!begun.ok) throw new Error(begun.reason);
    const confirmed = await s.twoFactor.confirmEnrollment('victim', s.lastCode().code, {
      factorId: begun.factorId,
      currentCode: backupCodes[0]!,
    });
    expect(confirmed.ok).toBe(true);
    s.clock.now += HOUR_MS;
    // Telegram is down: the push still goes out, and answers.
    s.failing.add('123456789');
    const before = s.outbox.length;
    const requested = await s.twoFactor.requestApproval('victim');
    if (!requested.ok) throw new Error(requested.reason);
    expect(requested.factorIds).toHaveLength(2);
    expect(s.outbox.slice(before).map((o) => o.message.channel)).toEqual(['push']);
    expect(s.warnings.join('\n')).toContain('1 of 2 approval messages were not sent');
    expect(s.events.filter((e) => e.type === 'approval-requested')).toEqual([
      expect.objectContaining({ factorId: begun.factorId, challengeId: requested.challengeId }),
    ]);
    expect(await s.twoFactor.approve(s.lastApproval().approveToken, { matchNumber: requested.matchNumber })).toEqual({
      ok: true,
    });
    // Every provider down: DELIVERY_FAILED, and the request is not counted (no cooldown follows).
    s.clock.now += 31_000;
    s.failing.add('device-token-abc');
    expect(await codeOf(s.twoFactor.requestApproval('victim'))).toBe('DELIVERY_FAILED');
    s.failing.clear();
    expect((await s.twoFactor.requestApproval('victim')).ok).toBe(true);
  });
});

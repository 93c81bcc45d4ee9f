// The sign-in routes that send something, with factorkit/delivered registered: an e-mailed code
// and a sign-in approval, through real Request objects, and an approval that only signs in the
// browser that asked for it.
import { deliveredCodes, type DeliveryMessage } from 'factorkit/delivered';
import { describe, expect, it } from 'vitest';
import { type App, Browser, makeApp, passPassword, send } from '../support/http-app.js';

function emailApp() {
  const outbox: DeliveryMessage[] = [];
  const app = makeApp({}, [deliveredCodes({ deliver: async (message) => void outbox.push(message) })]);
  return { app, outbox };
}

async function enrollDelivered(
  app: App,
  outbox: DeliveryMessage[],
  userId: string,
  channel: 'email' | 'telegram' = 'email',
): Promise<string> {
  const destination = channel === 'email' ? `${userId}@example.com` : '111111111';
  const begun = await app.twoFactor.beginEnrollment(userId, { channel, destination });
  if (!begun.ok) throw new Error(begun.reason);
  const message = outbox.at(-1);
  if (message?.kind !== 'code') throw new Error('no code');
  const confirmed = await app.twoFactor.confirmEnrollment(userId, message.code, { factorId: begun.factorId });
  if (!confirmed.ok) throw new Error(confirmed.reason);
  app.clock.advance(31_000);
  return begun.factorId;
}

describe('sign-in with a delivered factor', () => {
  it('POST /sign-in/send-code sends a code, which then signs in', async () => {
    const { app, outbox } = emailApp();
    const factorId = await enrollDelivered(app, outbox, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const sent = await send(app, browser, browser.request('POST', '/2fa/sign-in/send-code', { factorId }));
    expect(sent).toMatchObject({ status: 200, body: { ok: true, channel: 'email', expiresAt: expect.any(Number) } });
    const message = outbox.at(-1)!;
    expect(message.kind).toBe('code');
    const code = message.kind === 'code' ? message.code : '';
    expect(JSON.stringify(sent.body)).not.toContain(code);
    const again = await send(app, browser, browser.request('POST', '/2fa/sign-in/send-code', { factorId }));
    expect(again).toMatchObject({ status: 429, body: { ok: false, reason: 'rate-limited' } });
    expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
    const verified = await send(app, browser, browser.request('POST', '/2fa/sign-in/verify', { code, factorId }));
    expect(verified.body).toEqual({ ok: true, method: 'delivered', factorId });
    expect(app.sessions.established).toEqual(['ada']);
  });

  it('an approval signs in the browser that asked, once; its challenge id is worth nothing with another ticket', async () => {
    const { app, outbox } = emailApp();
    // Approvals go to a chat app, never to e-mail (not an out-of-band authenticator).
    await enrollDelivered(app, outbox, 'ada', 'telegram');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const asked = await send(app, browser, browser.request('POST', '/2fa/sign-in/approval', {}));
    expect(asked.body).toMatchObject({ ok: true, challengeId: expect.any(String), matchNumber: expect.any(String) });
    const challengeId = asked.body.challengeId as string;
    const path = `/2fa/sign-in/approval?challengeId=${encodeURIComponent(challengeId)}`;
    expect((await send(app, browser, browser.request('GET', path))).body).toEqual({ ok: true, status: 'pending' });
    // Another browser that passed the password step (the attacker knows it) polls the same challenge.
    const attacker = new Browser();
    await passPassword(app, attacker, 'ada');
    const message = outbox.at(-1)!;
    if (message.kind !== 'approval') throw new Error('no approval request');
    expect(
      await app.twoFactor.approve(message.approveToken, { matchNumber: asked.body.matchNumber as string }),
    ).toEqual({ ok: true });
    const stolen = await send(app, attacker, attacker.request('GET', path));
    expect(stolen).toMatchObject({ status: 400, body: { reason: 'bad-request' } });
    const approved = await send(app, browser, browser.request('GET', path));
    expect(approved).toMatchObject({ status: 200, body: { ok: true, status: 'approved', method: 'approval' } });
    expect(app.sessions.established).toEqual(['ada']);
    expect((await send(app, browser, browser.request('GET', path))).body).toMatchObject({ reason: 'ticket-invalid' });
  });

  it("trustedSignIn: a browser the app trusts draws on the trusted allowance once the day's sends are used up", async () => {
    const outbox: DeliveryMessage[] = [];
    let trusted = false;
    const app = makeApp({ trustedSignIn: (userId) => trusted && userId === 'ada' }, [
      deliveredCodes({ deliver: async (message) => void outbox.push(message), maxSendsPerHour: 2, maxSendsPerDay: 2 }),
    ]);
    const factorId = await enrollDelivered(app, outbox, 'ada');
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    const sendOne = () => send(app, browser, browser.request('POST', '/2fa/sign-in/send-code', { factorId }));
    expect((await sendOne()).status).toBe(200);
    app.clock.advance(31_000);
    expect(await sendOne()).toMatchObject({ status: 429, body: { reason: 'rate-limited' } });
    trusted = true;
    expect(await sendOne()).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('the destination a channel cannot use, and a voice factor with nothing else, are 400 bad-request, not a 500', async () => {
    const { app, outbox } = emailApp();
    const browser = new Browser();
    await passPassword(app, browser, 'ada');
    app.sessions.byId.set('s-ada', 'ada');
    browser.cookies.set('sid', 's-ada');
    const begin = (body: object) => send(app, browser, browser.request('POST', '/2fa/enrollment/begin', body));
    const phone = await begin({ type: 'delivered', channel: 'sms', destination: '555 010 4477' });
    expect(phone).toMatchObject({ status: 400, body: { ok: false, reason: 'bad-request' } });
    const voice = await begin({ type: 'delivered', channel: 'voice', destination: '+15550104477' });
    expect(voice).toMatchObject({ status: 400, body: { ok: false, reason: 'bad-request' } });
    expect(outbox).toHaveLength(0);
  });
});

// Labels and names as an app passes them (issue 27): a real User-Agent as a device label is
// cut, never a thrown error (a 500); a factor name the user typed is refused with a typed answer.
import { describe, expect, it } from 'vitest';
import { MemoryStore, createTwoFactor, generateTotp } from 'factorkit';

/** A real Chrome User-Agent, padded the way some embedded browsers and extensions make them: 400 characters. */
const USER_AGENT = (
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 ' +
  'Edg/126.0.0.0 '.repeat(40)
).slice(0, 400);

async function enrolled() {
  const clock = { now: 1_767_225_610_000 };
  const twoFactor = createTwoFactor({
    store: new MemoryStore(),
    issuer: 'Example',
    clock: () => clock.now,
    backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
    warn: () => {},
  });
  const { secret, factorId } = await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
  const confirmed = await twoFactor.confirmEnrollment('user-1', generateTotp(secret, { time: clock.now }));
  if (!confirmed.ok) throw new Error(confirmed.reason);
  return { twoFactor, factorId };
}

describe('device labels are cut, not refused', () => {
  it('a 400-character User-Agent is kept as its first 128 characters', async () => {
    const { twoFactor } = await enrolled();
    expect(USER_AGENT).toHaveLength(400);
    const remembered = await twoFactor.rememberDevice('user-1', { label: USER_AGENT });
    expect(remembered.ok).toBe(true);
    const [device] = await twoFactor.listRememberedDevices('user-1');
    expect(device?.label).toBe(USER_AGENT.slice(0, 128).trimEnd());
  });

  it('control characters become spaces, a blank label none, and a cut never splits a surrogate pair', async () => {
    const { twoFactor } = await enrolled();
    await twoFactor.rememberDevice('user-1', { label: 'Firefox\ton\nLinux' });
    await twoFactor.rememberDevice('user-1', { label: ' \t ' });
    await twoFactor.rememberDevice('user-1', { label: `${'a'.repeat(127)}😀 and more` });
    const labels = (await twoFactor.listRememberedDevices('user-1')).map((d) => d.label);
    expect(labels).toEqual(['Firefox on Linux', null, 'a'.repeat(127)]);
  });

  it('a label that is not a string is still a programming error', async () => {
    const { twoFactor } = await enrolled();
    await expect(twoFactor.rememberDevice('user-1', { label: 42 as never })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('factor names are refused with a typed answer', () => {
  it('renameFactor answers invalid-name for a name the user typed that is no name, and keeps the old one', async () => {
    const { twoFactor, factorId } = await enrolled();
    for (const name of ['x'.repeat(65), '', '   ', 'a\u0007b', USER_AGENT]) {
      expect(await twoFactor.renameFactor('user-1', factorId, name)).toEqual({ ok: false, reason: 'invalid-name' });
    }
    expect((await twoFactor.listFactors('user-1'))[0]?.name).toBe('Authenticator app');
    expect(await twoFactor.renameFactor('user-1', factorId, 'x'.repeat(64))).toEqual({ ok: true });
    await expect(twoFactor.renameFactor('user-1', factorId, 7 as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('beginEnrollment refuses such a name with INVALID_NAME before anything is written', async () => {
    const { twoFactor } = await enrolled();
    await expect(twoFactor.beginEnrollment('user-2', { account: 'a', name: 'x'.repeat(65) })).rejects.toMatchObject({
      code: 'INVALID_NAME',
    });
    expect(await twoFactor.status('user-2')).toBe('not-activated');
  });
});

import { describe, expect, it } from 'vitest';
import {
  MemoryStore,
  createTwoFactor,
  generateTotp,
  isFactorkitError,
  type TwoFactorEvent,
  type TwoFactorOptions,
  type TwoFactorStore,
} from 'factorkit';

// Every path of the lifecycle with an injected clock. T0 is the start of a 30 s step plus 10 s.
const T0 = 1_767_225_600_000 + 10_000;
const STEP_MS = 30_000;
const FAST_BACKUP = { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true };
const key = (fill: number) => new Uint8Array(32).fill(fill);

function setup(extra: Partial<TwoFactorOptions> = {}) {
  const clock = { now: T0 };
  // State-change events, and apart from them the audit trail of code checks.
  const events: TwoFactorEvent[] = [];
  const audit: TwoFactorEvent[] = [];
  const warnings: string[] = [];
  const store = (extra.store as MemoryStore | undefined) ?? new MemoryStore();
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Example',
    clock: () => clock.now,
    keyring: { currentKeyId: 'k1', keys: { k1: key(1) } },
    backupCodes: FAST_BACKUP,
    onEvent: (event) => {
      (event.type === 'verify-succeeded' || event.type === 'verify-failed' ? audit : events).push(event);
    },
    warn: (message) => warnings.push(message),
    ...extra,
  });
  const totp = (secret: string, offsetSteps = 0, options: { digits?: number; period?: number } = {}) =>
    generateTotp(secret, { time: clock.now + offsetSteps * (options.period ?? 30) * 1000, ...options });
  return { clock, events, audit, warnings, store, twoFactor, totp };
}

async function enrolled(extra: Partial<TwoFactorOptions> = {}) {
  const ctx = setup(extra);
  const { secret } = await ctx.twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
  const confirmed = await ctx.twoFactor.confirmEnrollment('user-1', ctx.totp(secret));
  if (!confirmed.ok) throw new Error(confirmed.reason);
  ctx.clock.now += STEP_MS;
  ctx.events.length = 0;
  ctx.audit.length = 0;
  return { ...ctx, secret, backupCodes: confirmed.backupCodes };
}

const wrongTotp = (code: string) => ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');
/** Same shape as a real backup code, but not one of the set. */
const wrongBackup = (code: string) => (code[0] === '2' ? `3${code.slice(1)}` : `2${code.slice(1)}`);
const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isFactorkitError(error) ? error.code : error;
};

describe('createTwoFactor options', () => {
  it('refuses a missing or incomplete store, an empty issuer and bad options with INVALID_ARGUMENT', () => {
    const store = new MemoryStore();
    const bad: unknown[] = [
      undefined,
      {},
      { store: {}, issuer: 'X' },
      { store, issuer: '' },
      { store, issuer: 'X', clock: 5 },
      { store, issuer: 'X', onEvent: 'yes' },
      { store, issuer: 'X', enrollmentTtlMs: 0 },
      { store, issuer: 'X', enrollmentTtlMs: Number.POSITIVE_INFINITY },
      { store, issuer: 'X', throttle: { maxFailures: 0 } },
      { store, issuer: 'X', throttle: { baseDelayMs: -1 } },
      { store, issuer: 'X', throttle: { baseDelayMs: 5000, maxDelayMs: 1000 } },
    ];
    for (const options of bad) {
      expect(() => createTwoFactor(options as TwoFactorOptions)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('refuses bad TOTP parameters with their own codes', () => {
    const store = new MemoryStore();
    const make = (totp: object) => () =>
      createTwoFactor({ store, issuer: 'X', totp, warn: () => {} } as TwoFactorOptions);
    expect(make({ digits: 5 })).toThrow(expect.objectContaining({ code: 'INVALID_DIGITS' }));
    expect(make({ algorithm: 'MD5' })).toThrow(expect.objectContaining({ code: 'INVALID_ALGORITHM' }));
    expect(make({ period: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
  });

  it('refuses an issuer or account a Key URI cannot carry with INVALID_LABEL, writing nothing', async () => {
    const store = new MemoryStore();
    expect(() => createTwoFactor({ store, issuer: 'Acme: Inc', warn: () => {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_LABEL' }),
    );
    const { twoFactor } = setup({ store });
    expect(await codeOf(twoFactor.beginEnrollment('u', { account: 'a:b' }))).toBe('INVALID_LABEL');
    expect(await store.get('u')).toBeNull();
  });

  it('refuses a bad keyring with INVALID_KEYRING', () => {
    const store = new MemoryStore();
    const keyrings: unknown[] = [
      null,
      'secret',
      { currentKeyId: 'a', keys: {} },
      { currentKeyId: 'a', keys: { a: new Uint8Array(16) } },
      { currentKeyId: 'a', keys: { a: new Uint8Array(33) } },
      { currentKeyId: 'a', keys: { a: Array.from(key(1)) } },
      { currentKeyId: 'b', keys: { a: key(1) } },
      { currentKeyId: 'a', keys: { a: key(1), '': key(2) } },
      { keys: { a: key(1) } },
    ];
    for (const keyring of keyrings) {
      expect(() => createTwoFactor({ store, issuer: 'X', keyring } as TwoFactorOptions)).toThrow(
        expect.objectContaining({ code: 'INVALID_KEYRING' }),
      );
    }
  });

  it('without a keyring: warns loudly exactly once, and stores the secret marked unencrypted', async () => {
    const warnings: string[] = [];
    const store = new MemoryStore();
    const twoFactor = createTwoFactor({ store, issuer: 'X', warn: (m) => warnings.push(m), backupCodes: FAST_BACKUP });
    await twoFactor.beginEnrollment('u', { account: 'a' });
    await twoFactor.beginEnrollment('v', { account: 'b' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/UNENCRYPTED/);
    expect(JSON.parse((await store.get('u'))!.data).factors[0].secret.enc).toBe('none');
  });

  it('with a keyring: no warning, and the stored record holds no trace of the secret', async () => {
    const { twoFactor, store, warnings } = setup();
    const { secret } = await twoFactor.beginEnrollment('u', { account: 'a' });
    expect(warnings).toEqual([]);
    const data = (await store.get('u'))!.data;
    expect(data).not.toContain(secret);
    expect(JSON.parse(data).factors[0].secret).toMatchObject({ enc: 'A256GCM', keyId: 'k1' });
  });

  it('refuses bad user ids on every method with INVALID_ARGUMENT', async () => {
    const { twoFactor } = setup();
    for (const userId of ['', 'x'.repeat(256), 42, null]) {
      const id = userId as string;
      expect(await codeOf(twoFactor.beginEnrollment(id, { account: 'a' }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.confirmEnrollment(id, '123456'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.verify(id, '123456'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.regenerateBackupCodes(id, '123456'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.disable(id, '123456'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.status(id))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.remainingBackupCodes(id))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(twoFactor.throttleStatus(id))).toBe('INVALID_ARGUMENT');
    }
    expect(await codeOf(twoFactor.beginEnrollment('u', { account: '' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(twoFactor.beginEnrollment('u', undefined as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('enrollment', () => {
  it('begins: secret, Key URI, QR code, manual key and expiry; status pending', async () => {
    const { twoFactor, clock } = setup();
    const result = await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
    expect(result.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(result.uri).toBe(`otpauth://totp/Example:ada%40example.com?secret=${result.secret}&issuer=Example`);
    // No QR code: the page renders one from the URI in the format it needs.
    expect(Object.keys(result).sort()).toEqual(['expiresAt', 'factorId', 'manualKey', 'secret', 'uri']);
    expect(result.manualKey.replace(/ /g, '')).toBe(result.secret);
    expect(result.expiresAt).toBe(clock.now + 10 * 60_000);
    expect(await twoFactor.status('user-1')).toBe('pending');
  });

  it('confirms with a right code: activated, five distinct backup codes, an enabled event', async () => {
    const { twoFactor, totp, events, clock } = setup();
    const { secret, factorId } = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    const result = await twoFactor.confirmEnrollment('user-1', totp(secret));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.factorId).toBe(factorId);
    expect(new Set(result.backupCodes).size).toBe(5);
    expect(await twoFactor.status('user-1')).toBe('activated');
    expect(await twoFactor.remainingBackupCodes('user-1')).toBe(5);
    expect(events).toEqual([
      { type: 'enabled', userId: 'user-1', at: clock.now },
      { type: 'factor-added', userId: 'user-1', at: clock.now, factorId, factorType: 'totp' },
      { type: 'sessions-should-end', userId: 'user-1', at: clock.now, change: 'enabled' },
    ]);
  });

  it('records the confirming step: the same code cannot then sign in', async () => {
    const { twoFactor, totp } = setup();
    const { secret } = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    const code = totp(secret);
    expect((await twoFactor.confirmEnrollment('user-1', code)).ok).toBe(true);
    expect(await twoFactor.verify('user-1', code)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('a wrong code leaves everything as it was except the failure counter', async () => {
    const { twoFactor, totp, store, events } = setup();
    const { secret } = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    const before = JSON.parse((await store.get('user-1'))!.data);
    expect(await twoFactor.confirmEnrollment('user-1', wrongTotp(totp(secret)))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    const after = JSON.parse((await store.get('user-1'))!.data);
    expect({ ...after, throttle: before.throttle }).toEqual(before);
    expect(after.throttle.failures).toBe(1);
    expect(await twoFactor.status('user-1')).toBe('pending');
    expect(events).toEqual([]);
    expect((await twoFactor.confirmEnrollment('user-1', totp(secret))).ok).toBe(true);
  });

  it('a malformed code is refused without any write', async () => {
    const { twoFactor, store } = setup();
    await twoFactor.beginEnrollment('user-1', { account: 'a' });
    const before = await store.get('user-1');
    for (const code of ['', 'abcdef', '12345', '1234567', 'ABCDE-FGHJK-MNPQR', undefined, 123456]) {
      expect(await twoFactor.confirmEnrollment('user-1', code as string)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await store.get('user-1')).toEqual(before);
  });

  it('confirm without a pending enrollment is not-enrolled', async () => {
    const { twoFactor } = setup();
    expect(await twoFactor.confirmEnrollment('nobody', '123456')).toEqual({ ok: false, reason: 'not-enrolled' });
    const ctx = await enrolled();
    expect(await ctx.twoFactor.confirmEnrollment('user-1', ctx.totp(ctx.secret))).toEqual({
      ok: false,
      reason: 'not-enrolled',
    });
  });

  it('expires after enrollmentTtlMs, to the millisecond', async () => {
    const { twoFactor, totp, clock } = setup({ enrollmentTtlMs: 60_000 });
    const { secret, expiresAt } = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    clock.now = expiresAt;
    expect(await twoFactor.confirmEnrollment('user-1', totp(secret))).toEqual({ ok: false, reason: 'expired' });
    expect(await twoFactor.status('user-1')).toBe('pending');
    const again = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    clock.now = again.expiresAt - 1;
    expect((await twoFactor.confirmEnrollment('user-1', totp(again.secret))).ok).toBe(true);
  });

  it('beginning again replaces the pending secret only', async () => {
    const { twoFactor, totp } = setup();
    const first = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    const second = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect(second.secret).not.toBe(first.secret);
    // A code of the replaced QR code is told apart (issue 27), not counted as a wrong code.
    expect(await twoFactor.confirmEnrollment('user-1', totp(first.secret))).toEqual({
      ok: false,
      reason: 'enrollment-replaced',
    });
    expect(await twoFactor.throttleStatus('user-1')).toMatchObject({ failures: 0 });
    expect((await twoFactor.confirmEnrollment('user-1', totp(second.secret))).ok).toBe(true);
  });

  // Since several authenticators per user, confirming another one adds it (issue 16); it no
  // longer replaces the first, whose codes and backup codes keep working.
  it('enrolling again while active adds a second authenticator once confirmed with a current code', async () => {
    const ctx = await enrolled();
    const { twoFactor, totp, clock } = ctx;
    const next = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect(await twoFactor.status('user-1')).toBe('activated');
    expect((await twoFactor.verify('user-1', totp(ctx.secret))).ok).toBe(true);
    clock.now += STEP_MS;
    const confirmed = await twoFactor.confirmEnrollment('user-1', totp(next.secret), { currentCode: totp(ctx.secret) });
    expect(confirmed.ok).toBe(true);
    expect(confirmed).toEqual({ ok: true, backupCodes: [], factorId: next.factorId });
    clock.now += STEP_MS;
    expect(await twoFactor.verify('user-1', totp(ctx.secret))).toMatchObject({ ok: true, method: 'totp' });
    expect((await twoFactor.verify('user-1', ctx.backupCodes[0]!)).ok).toBe(true);
    expect(await twoFactor.verify('user-1', totp(next.secret))).toMatchObject({ ok: true, factorId: next.factorId });
    expect((await twoFactor.listFactors('user-1')).map((f) => f.status)).toEqual(['active', 'active']);
  });

  it('keeps each user on the TOTP parameters they enrolled with', async () => {
    const store = new MemoryStore();
    const ctx = setup({ store, totp: { digits: 8, period: 60, algorithm: 'SHA256' } });
    const { secret, uri } = await ctx.twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect(uri).toContain('algorithm=SHA256');
    expect(uri).toContain('digits=8');
    expect(uri).toContain('period=60');
    const code = generateTotp(secret, { time: ctx.clock.now, digits: 8, period: 60, algorithm: 'SHA256' });
    expect((await ctx.twoFactor.confirmEnrollment('user-1', code)).ok).toBe(true);
    ctx.clock.now += 60_000;
    // A new deployment with default parameters still verifies this user's 8-digit codes.
    const later = setup({ store });
    later.clock.now = ctx.clock.now;
    const next = generateTotp(secret, { time: later.clock.now, digits: 8, period: 60, algorithm: 'SHA256' });
    expect(await later.twoFactor.verify('user-1', next)).toMatchObject({ ok: true, method: 'totp' });
  });
});

describe('verify', () => {
  it('is not-enrolled for unknown and merely pending users', async () => {
    const { twoFactor } = setup();
    expect(await twoFactor.verify('nobody', '123456')).toEqual({ ok: false, reason: 'not-enrolled' });
    await twoFactor.beginEnrollment('pending-user', { account: 'a' });
    expect(await twoFactor.verify('pending-user', '123456')).toEqual({ ok: false, reason: 'not-enrolled' });
  });

  it('accepts a TOTP code once; the replay is refused with an event', async () => {
    const { twoFactor, totp, secret, events, clock } = await enrolled();
    const code = totp(secret);
    expect(await twoFactor.verify('user-1', code)).toEqual({
      ok: true,
      method: 'totp',
      factorId: expect.any(String),
      strength: 'authenticator-app',
      phishingResistant: false,
      remainingBackupCodes: 5,
    });
    expect(await twoFactor.verify('user-1', code)).toEqual({ ok: false, reason: 'replayed' });
    expect(events).toEqual([{ type: 'replay-refused', userId: 'user-1', at: clock.now }]);
  });

  it('refuses an older step after a newer one was accepted', async () => {
    const { twoFactor, totp, secret, clock } = await enrolled();
    const previous = totp(secret, -1);
    expect((await twoFactor.verify('user-1', totp(secret))).ok).toBe(true);
    clock.now += 1000;
    expect(await twoFactor.verify('user-1', previous)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts one step either side of now, not two', async () => {
    const { twoFactor, totp, secret, clock } = await enrolled();
    clock.now += 2 * STEP_MS; // so the step before now was not the one used to confirm
    expect(await twoFactor.verify('user-1', totp(secret, -2))).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.verify('user-1', totp(secret, 2))).toEqual({ ok: false, reason: 'invalid' });
    expect((await twoFactor.verify('user-1', totp(secret, -1))).ok).toBe(true);
    clock.now += STEP_MS;
    expect((await twoFactor.verify('user-1', totp(secret, 1))).ok).toBe(true);
  });

  it('accepts each backup code once, however it is typed, and reports the remaining count', async () => {
    const { twoFactor, backupCodes, events, clock } = await enrolled();
    expect(await twoFactor.verify('user-1', backupCodes[0]!)).toEqual({
      ok: true,
      method: 'backup',
      strength: 'look-up-secret',
      phishingResistant: false,
      remainingBackupCodes: 4,
    });
    expect(events).toEqual([{ type: 'backup-code-used', userId: 'user-1', at: clock.now, remaining: 4 }]);
    const sloppy = ` ${backupCodes[1]!.replace(/-/g, ' ').toLowerCase()} `;
    expect(await twoFactor.verify('user-1', sloppy)).toEqual({
      ok: true,
      method: 'backup',
      strength: 'look-up-secret',
      phishingResistant: false,
      remainingBackupCodes: 3,
    });
    expect(await twoFactor.verify('user-1', backupCodes[0]!)).toEqual({ ok: false, reason: 'replayed' });
    expect(events.at(-1)).toEqual({ type: 'replay-refused', userId: 'user-1', at: clock.now });
    expect(await twoFactor.remainingBackupCodes('user-1')).toBe(3);
  });

  it('tells a wrong backup code (invalid, counted) from a malformed input (not counted)', async () => {
    const { twoFactor, backupCodes } = await enrolled();
    expect(await twoFactor.verify('user-1', wrongBackup(backupCodes[0]!))).toEqual({ ok: false, reason: 'invalid' });
    for (const input of ['', 'hello', '1234567', '12345', 'ABCDE-FGHJK', undefined as unknown as string]) {
      expect(await twoFactor.verify('user-1', input)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await twoFactor.throttleStatus('user-1')).toEqual({ failures: 1, retryAfterMs: 0, hardLocked: false });
  });

  it('uses up every backup code, then reports zero remaining', async () => {
    const { twoFactor, backupCodes } = await enrolled();
    for (const [i, code] of backupCodes.entries()) {
      expect(await twoFactor.verify('user-1', code)).toMatchObject({ ok: true, remainingBackupCodes: 4 - i });
    }
    expect(await twoFactor.remainingBackupCodes('user-1')).toBe(0);
  });
});

describe('throttling', () => {
  it('locks after 5 failures with exponential backoff; locked attempts are neither checked nor counted', async () => {
    const { twoFactor, totp, secret, clock, events } = await enrolled();
    for (let i = 1; i <= 4; i++) {
      expect(await twoFactor.verify('user-1', wrongTotp(totp(secret)))).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await twoFactor.verify('user-1', wrongTotp(totp(secret)))).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 1000,
    });
    expect(events).toEqual([{ type: 'locked-out', userId: 'user-1', at: clock.now, retryAfterMs: 1000 }]);

    // The right code is refused while locked, and not spent: it works once the lockout ends.
    const right = totp(secret);
    expect(await twoFactor.verify('user-1', right)).toEqual({ ok: false, reason: 'locked', retryAfterMs: 1000 });
    clock.now += 999;
    expect(await twoFactor.verify('user-1', right)).toEqual({ ok: false, reason: 'locked', retryAfterMs: 1 });
    expect(await twoFactor.throttleStatus('user-1')).toEqual({ failures: 5, retryAfterMs: 1, hardLocked: false });

    clock.now += 1;
    expect(await twoFactor.verify('user-1', wrongTotp(right))).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 2000,
    });
    clock.now += 2000;
    expect(await twoFactor.verify('user-1', wrongTotp(right))).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 4000,
    });
    clock.now += 4000;
    expect(await twoFactor.throttleStatus('user-1')).toEqual({ failures: 7, retryAfterMs: 0, hardLocked: false });
    expect((await twoFactor.verify('user-1', totp(secret))).ok).toBe(true);
    expect(await twoFactor.throttleStatus('user-1')).toEqual({ failures: 0, retryAfterMs: 0, hardLocked: false });
    expect(events.filter((e) => e.type === 'locked-out').map((e) => e.type === 'locked-out' && e.retryAfterMs)).toEqual(
      [1000, 2000, 4000],
    );
  });

  it('caps the lockout at maxDelayMs and honours custom limits', async () => {
    const { twoFactor, totp, secret, clock } = await enrolled({
      throttle: { maxFailures: 2, baseDelayMs: 100, maxDelayMs: 250 },
    });
    const wrong = () => twoFactor.verify('user-1', wrongTotp(totp(secret)));
    expect(await wrong()).toEqual({ ok: false, reason: 'invalid' });
    expect(await wrong()).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 100 });
    clock.now += 100;
    expect(await wrong()).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 200 });
    clock.now += 200;
    expect(await wrong()).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 250 });
    clock.now += 250;
    expect(await wrong()).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 250 });
  });

  it('is shared by TOTP codes, backup codes, confirmation, regeneration and disabling', async () => {
    const { twoFactor, totp, secret, backupCodes, clock } = await enrolled();
    await twoFactor.verify('user-1', wrongTotp(totp(secret)));
    await twoFactor.verify('user-1', wrongBackup(backupCodes[0]!));
    await twoFactor.regenerateBackupCodes('user-1', wrongTotp(totp(secret)));
    await twoFactor.disable('user-1', wrongBackup(backupCodes[0]!));
    const next = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect(
      await twoFactor.confirmEnrollment('user-1', wrongTotp(totp(next.secret)), { currentCode: totp(secret) }),
    ).toEqual({
      ok: false,
      reason: 'invalid',
      retryAfterMs: 1000,
    });
    expect(await twoFactor.verify('user-1', backupCodes[0]!)).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 1000,
    });
    expect(await twoFactor.confirmEnrollment('user-1', totp(next.secret))).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 1000,
    });
    expect(await twoFactor.regenerateBackupCodes('user-1', totp(secret))).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 1000,
    });
    expect(await twoFactor.disable('user-1', totp(secret))).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 1000,
    });
    clock.now += 1000;
    expect(await twoFactor.verify('user-1', backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup' });
  });

  it('replays and malformed inputs do not count as failures', async () => {
    const { twoFactor, totp, secret } = await enrolled();
    const code = totp(secret);
    await twoFactor.verify('user-1', code);
    for (let i = 0; i < 10; i++) {
      expect(await twoFactor.verify('user-1', code)).toEqual({ ok: false, reason: 'replayed' });
      expect(await twoFactor.verify('user-1', 'nonsense')).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await twoFactor.throttleStatus('user-1')).toEqual({ failures: 0, retryAfterMs: 0, hardLocked: false });
  });
});

describe('clock drift', () => {
  it('learns drift from successful matches only, bounded at two steps', async () => {
    const { twoFactor, totp, secret, clock } = await enrolled({
      throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
    });
    // Two steps ahead is outside the window until drift has been learned...
    expect(await twoFactor.verify('user-1', totp(secret, 2))).toEqual({ ok: false, reason: 'invalid' });
    // ...and a failure teaches nothing.
    expect(await twoFactor.verify('user-1', totp(secret, 2))).toEqual({ ok: false, reason: 'invalid' });
    expect((await twoFactor.verify('user-1', totp(secret, 1))).ok).toBe(true); // drift +1 learned
    clock.now += STEP_MS;
    expect((await twoFactor.verify('user-1', totp(secret, 2))).ok).toBe(true); // drift +2
    clock.now += STEP_MS;
    expect((await twoFactor.verify('user-1', totp(secret, 3))).ok).toBe(true); // still within +2 +- 1
    clock.now += STEP_MS;
    // Bounded: drift stays at +2, so four steps ahead is never accepted.
    expect(await twoFactor.verify('user-1', totp(secret, 4))).toEqual({ ok: false, reason: 'invalid' });
    // A phone whose clock was corrected still works (once past the last accepted step), and the
    // drift follows it back.
    clock.now += 3 * STEP_MS;
    expect((await twoFactor.verify('user-1', totp(secret, 0))).ok).toBe(true);
    clock.now += STEP_MS;
    expect(await twoFactor.verify('user-1', totp(secret, 2))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('learns a slow clock too', async () => {
    const { twoFactor, totp, secret, clock } = await enrolled({
      throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
    });
    clock.now += 5 * STEP_MS;
    expect(await twoFactor.verify('user-1', totp(secret, -2))).toEqual({ ok: false, reason: 'invalid' });
    expect((await twoFactor.verify('user-1', totp(secret, -1))).ok).toBe(true);
    clock.now += 2 * STEP_MS; // past the accepted step, which is never accepted again
    expect((await twoFactor.verify('user-1', totp(secret, -2))).ok).toBe(true);
  });
});

describe('regenerateBackupCodes and disable', () => {
  it('regenerate needs a valid code; new codes replace every old one', async () => {
    const { twoFactor, totp, secret, backupCodes, events, clock } = await enrolled({ throttle: { maxFailures: 100 } });
    expect(await twoFactor.regenerateBackupCodes('nobody', '123456')).toEqual({ ok: false, reason: 'not-enrolled' });
    expect(await twoFactor.regenerateBackupCodes('user-1', wrongTotp(totp(secret)))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    const result = await twoFactor.regenerateBackupCodes('user-1', totp(secret));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(events).toEqual([
      { type: 'backup-codes-regenerated', userId: 'user-1', at: clock.now, count: 5 },
      { type: 'sessions-should-end', userId: 'user-1', at: clock.now, change: 'backup-codes-regenerated' },
    ]);
    for (const old of backupCodes)
      expect(await twoFactor.verify('user-1', old)).toEqual({ ok: false, reason: 'invalid' });
    expect(result.backupCodes.some((c) => backupCodes.includes(c))).toBe(false);
    expect(await twoFactor.verify('user-1', result.backupCodes[4]!)).toMatchObject({
      ok: true,
      remainingBackupCodes: 4,
    });
    // The TOTP step used to regenerate is spent.
    expect(await twoFactor.regenerateBackupCodes('user-1', totp(secret))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('regenerate with a backup code spends it with the old set', async () => {
    const { twoFactor, backupCodes } = await enrolled();
    const result = await twoFactor.regenerateBackupCodes('user-1', backupCodes[0]!);
    expect(result.ok).toBe(true);
    expect(await twoFactor.regenerateBackupCodes('user-1', backupCodes[0]!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.remainingBackupCodes('user-1')).toBe(5);
  });

  it('disable needs a valid code; the record stays as not-activated and 2FA can be enabled again', async () => {
    const { twoFactor, totp, secret, backupCodes, events, clock, store } = await enrolled();
    expect(await twoFactor.disable('nobody', '123456')).toEqual({ ok: false, reason: 'not-enrolled' });
    expect(await twoFactor.disable('user-1', wrongTotp(totp(secret)))).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.status('user-1')).toBe('activated');
    expect(await twoFactor.disable('user-1', backupCodes[1]!)).toEqual({ ok: true });
    expect(events).toEqual([
      { type: 'disabled', userId: 'user-1', at: clock.now },
      { type: 'sessions-should-end', userId: 'user-1', at: clock.now, change: 'disabled' },
    ]);
    expect(await twoFactor.status('user-1')).toBe('not-activated');
    expect(await twoFactor.remainingBackupCodes('user-1')).toBe(0);
    expect((await store.get('user-1'))?.status).toBe('not-activated');
    expect(await twoFactor.verify('user-1', totp(secret, 1))).toEqual({ ok: false, reason: 'not-enrolled' });
    expect(await twoFactor.disable('user-1', totp(secret, 1))).toEqual({ ok: false, reason: 'not-enrolled' });
    const again = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect((await twoFactor.confirmEnrollment('user-1', totp(again.secret))).ok).toBe(true);
  });

  it('disable also drops a pending re-enrollment', async () => {
    const { twoFactor, totp, secret } = await enrolled();
    const pending = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect(await twoFactor.disable('user-1', totp(secret))).toEqual({ ok: true });
    expect(await twoFactor.confirmEnrollment('user-1', totp(pending.secret))).toEqual({
      ok: false,
      reason: 'not-enrolled',
    });
  });

  it('a throttle lockout survives disabling by someone else and re-enrolling', async () => {
    const { twoFactor, totp, secret, clock } = await enrolled({ throttle: { maxFailures: 1 } });
    const next = await twoFactor.beginEnrollment('user-1', { account: 'a' });
    expect(await twoFactor.verify('user-1', wrongTotp(totp(secret)))).toMatchObject({
      reason: 'invalid',
      retryAfterMs: 1000,
    });
    expect(await twoFactor.confirmEnrollment('user-1', totp(next.secret))).toMatchObject({ reason: 'locked' });
    clock.now += 1000;
    expect((await twoFactor.confirmEnrollment('user-1', totp(next.secret), { currentCode: totp(secret) })).ok).toBe(
      true,
    );
  });
});

describe('status, remainingBackupCodes, throttleStatus and listUsers', () => {
  it('reports defaults for users without a record', async () => {
    const { twoFactor } = setup();
    expect(await twoFactor.status('nobody')).toBe('not-activated');
    expect(await twoFactor.remainingBackupCodes('nobody')).toBe(0);
    expect(await twoFactor.throttleStatus('nobody')).toEqual({ failures: 0, retryAfterMs: 0, hardLocked: false });
  });

  it('lists users by id, pages with a cursor and filters by status', async () => {
    const { twoFactor, totp, clock } = setup();
    for (const userId of ['u3', 'u1', 'u5', 'u2', 'u4', 'u6']) {
      const { secret } = await twoFactor.beginEnrollment(userId, { account: userId });
      if (userId !== 'u2' && userId !== 'u5') await twoFactor.confirmEnrollment(userId, totp(secret));
      clock.now += 1;
    }
    clock.now += STEP_MS;
    const u6 = await twoFactor.beginEnrollment('u6', { account: 'x' });
    void u6;
    const all = await twoFactor.listUsers();
    expect(all.nextCursor).toBeUndefined();
    expect(all.users.map((u) => [u.userId, u.status])).toEqual([
      ['u1', 'activated'],
      ['u2', 'pending'],
      ['u3', 'activated'],
      ['u4', 'activated'],
      ['u5', 'pending'],
      ['u6', 'activated'],
    ]);
    expect(all.users.find((u) => u.userId === 'u6')?.updatedAt).toBe(clock.now);

    const first = await twoFactor.listUsers({ limit: 4 });
    expect(first.users.map((u) => u.userId)).toEqual(['u1', 'u2', 'u3', 'u4']);
    const second = await twoFactor.listUsers({ limit: 4, cursor: first.nextCursor! });
    expect(second.users.map((u) => u.userId)).toEqual(['u5', 'u6']);
    expect(second.nextCursor).toBeUndefined();

    const pending = await twoFactor.listUsers({ status: 'pending' });
    expect(pending.users.map((u) => u.userId)).toEqual(['u2', 'u5']);
    const activatedPage = await twoFactor.listUsers({ status: 'activated', limit: 3 });
    expect(activatedPage.users.map((u) => u.userId)).toEqual(['u1', 'u3', 'u4']);
    const rest = await twoFactor.listUsers({ status: 'activated', limit: 3, cursor: activatedPage.nextCursor! });
    expect(rest.users.map((u) => u.userId)).toEqual(['u6']);
    expect((await twoFactor.listUsers({ status: 'not-activated' })).users).toEqual([]);
  });

  it('lists 50 users per page by default', async () => {
    const { twoFactor } = setup();
    for (let i = 0; i < 51; i++)
      await twoFactor.beginEnrollment(`user-${String(i).padStart(2, '0')}`, { account: 'a' });
    const page = await twoFactor.listUsers();
    expect(page.users).toHaveLength(50);
    expect((await twoFactor.listUsers({ cursor: page.nextCursor! })).users.map((u) => u.userId)).toEqual(['user-50']);
  });

  it('refuses bad listUsers options with INVALID_ARGUMENT', async () => {
    const { twoFactor } = setup();
    for (const options of [{ limit: 0 }, { limit: 1001 }, { limit: 2.5 }, { status: 'enabled' }, { cursor: 3 }]) {
      expect(await codeOf(twoFactor.listUsers(options as never))).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('events', () => {
  it('are emitted after the change is committed', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const ctx = setup({
      store,
      onEvent: async (event) => {
        const record = await store.get(event.userId);
        seen.push(`${event.type}:${record?.status}`);
      },
    });
    const { secret } = await ctx.twoFactor.beginEnrollment('user-1', { account: 'a' });
    await ctx.twoFactor.confirmEnrollment('user-1', ctx.totp(secret));
    ctx.clock.now += STEP_MS;
    await ctx.twoFactor.disable('user-1', ctx.totp(secret));
    expect(seen).toEqual([
      'verify-succeeded:activated',
      'enabled:activated',
      'factor-added:activated',
      'sessions-should-end:activated',
      'verify-succeeded:not-activated',
      'disabled:not-activated',
      'sessions-should-end:not-activated',
    ]);
  });

  it('a throwing handler is reported through warn and does not fail the committed operation', async () => {
    const ctx = setup({
      onEvent: () => {
        throw new Error('mailer down');
      },
    });
    const { secret } = await ctx.twoFactor.beginEnrollment('user-1', { account: 'a' });
    const result = await ctx.twoFactor.confirmEnrollment('user-1', ctx.totp(secret));
    expect(result.ok).toBe(true);
    expect(ctx.warnings).toEqual([
      "factorkit: the onEvent handler threw for a 'verify-succeeded' event; the change itself is committed",
      "factorkit: the onEvent handler threw for a 'enabled' event; the change itself is committed",
      "factorkit: the onEvent handler threw for a 'factor-added' event; the change itself is committed",
      "factorkit: the onEvent handler threw for a 'sessions-should-end' event; the change itself is committed",
    ]);
    expect(await ctx.twoFactor.status('user-1')).toBe('activated');
  });
});

describe('encryption at rest and key rotation', () => {
  it('decrypts under an old key and re-encrypts under the current key on the next write', async () => {
    const store = new MemoryStore();
    const old = await enrolled({ store, keyring: { currentKeyId: 'k1', keys: { k1: key(1) } } });
    const rotated = setup({ store, keyring: { currentKeyId: 'k2', keys: { k1: key(1), k2: key(2) } } });
    rotated.clock.now = old.clock.now;
    expect(JSON.parse((await store.get('user-1'))!.data).factors[0].secret.keyId).toBe('k1');
    expect((await rotated.twoFactor.verify('user-1', rotated.totp(old.secret))).ok).toBe(true);
    expect(JSON.parse((await store.get('user-1'))!.data).factors[0].secret.keyId).toBe('k2');
    // Once rewritten, the old key is no longer needed...
    const onlyNew = setup({ store, keyring: { currentKeyId: 'k2', keys: { k2: key(2) } } });
    onlyNew.clock.now = old.clock.now + STEP_MS;
    expect((await onlyNew.twoFactor.verify('user-1', onlyNew.totp(old.secret))).ok).toBe(true);
    // ...and a deployment without the new key cannot read the record.
    const onlyOld = setup({ store, keyring: { currentKeyId: 'k1', keys: { k1: key(1) } } });
    expect(await codeOf(onlyOld.twoFactor.verify('user-1', '123456'))).toBe('DECRYPTION_FAILED');
  });

  it('a rotation also re-encrypts on a write that only counts a failure', async () => {
    const store = new MemoryStore();
    const old = await enrolled({ store });
    const rotated = setup({ store, keyring: { currentKeyId: 'k2', keys: { k1: key(1), k2: key(2) } } });
    await rotated.twoFactor.verify('user-1', wrongTotp(old.totp(old.secret)));
    expect(JSON.parse((await store.get('user-1'))!.data).factors[0].secret.keyId).toBe('k2');
  });

  it('encrypts secrets stored in clear before a keyring was configured', async () => {
    const store = new MemoryStore();
    const clear = await enrolled({ store, keyring: undefined });
    expect(JSON.parse((await store.get('user-1'))!.data).factors[0].secret.enc).toBe('none');
    const keyed = setup({ store, migratePlaintextSecrets: true });
    keyed.clock.now = clear.clock.now;
    expect((await keyed.twoFactor.verify('user-1', keyed.totp(clear.secret))).ok).toBe(true);
    expect(JSON.parse((await store.get('user-1'))!.data).factors[0].secret).toMatchObject({
      enc: 'A256GCM',
      keyId: 'k1',
    });
    expect((await store.get('user-1'))!.data).not.toContain(clear.secret);
  });

  it('refuses a tampered ciphertext and a secret moved to another user with DECRYPTION_FAILED', async () => {
    const { twoFactor, store } = await enrolled();
    await twoFactor.beginEnrollment('user-2', { account: 'b' });
    const record = (await store.get('user-1'))!;
    // Swap: user-1's encrypted state copied into user-2's record.
    await store.compareAndSet('user-2', 1, { status: 'activated', data: record.data, updatedAt: 1 });
    expect(await codeOf(twoFactor.verify('user-2', '123456'))).toBe('DECRYPTION_FAILED');
    // Tamper: flip one character of the ciphertext.
    const state = JSON.parse(record.data);
    const ct: string = state.factors[0].secret.ct;
    state.factors[0].secret.ct = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
    await store.compareAndSet('user-1', record.version, {
      status: 'activated',
      data: JSON.stringify(state),
      updatedAt: 1,
    });
    expect(await codeOf(twoFactor.verify('user-1', '123456'))).toBe('DECRYPTION_FAILED');
  });

  it('uses a fresh IV for every encryption', async () => {
    const { twoFactor, store } = setup();
    const ivs = new Set<string>();
    for (let i = 0; i < 20; i++) {
      await twoFactor.beginEnrollment('user-1', { account: 'a' });
      ivs.add(JSON.parse((await store.get('user-1'))!.data).factors[0].secret.iv);
    }
    expect(ivs.size).toBe(20);
  });
});

describe('corrupt records', () => {
  const corruptions: Array<[string, (data: Record<string, any>) => unknown]> = [
    ['not JSON', () => '{"v":1'],
    ['an unknown version', (d) => ({ ...d, v: 3 })],
    ['a negative failure count', (d) => ({ ...d, throttle: { failures: -1, lockedUntil: 0 } })],
    ['a missing secret', (d) => ({ ...d, factors: [{ ...d.factors[0], secret: undefined }] })],
    ['unbounded drift', (d) => ({ ...d, factors: [{ ...d.factors[0], driftSteps: 9 }] })],
    ['a bad digit count', (d) => ({ ...d, factors: [{ ...d.factors[0], totp: { ...d.factors[0].totp, digits: 4 } }] })],
    ['an unknown factor type', (d) => ({ ...d, factors: [{ ...d.factors[0], type: 'sms' }] })],
    ['a pending factor without expiry', (d) => ({ ...d, factors: [{ ...d.factors[0], state: 'pending' }] })],
    ['two factors with one id', (d) => ({ ...d, factors: [d.factors[0], d.factors[0]] })],
    [
      'a remembered device without a hash',
      (d) => ({ ...d, devices: [{ id: 'd', label: null, createdAt: 0, expiresAt: 1 }] }),
    ],
    ['a broken backup set', (d) => ({ ...d, backupCodes: { ...d.backupCodes, codes: 'none' } })],
  ];
  for (const [name, corrupt] of corruptions) {
    it(`refuses a record with ${name} as CORRUPT_RECORD`, async () => {
      const { twoFactor, store } = await enrolled();
      const record = (await store.get('user-1'))!;
      const changed = corrupt(JSON.parse(record.data));
      const data = typeof changed === 'string' ? changed : JSON.stringify(changed);
      await store.compareAndSet('user-1', record.version, { status: 'activated', data, updatedAt: 1 });
      expect(await codeOf(twoFactor.verify('user-1', '123456'))).toBe('CORRUPT_RECORD');
      expect(await codeOf(twoFactor.status('user-1'))).toBe('CORRUPT_RECORD');
    });
  }
});

describe('store errors', () => {
  it('surface as STORE_ERROR with the cause, never as a refused code', async () => {
    const failing: TwoFactorStore = {
      get: async () => {
        throw new Error('connection refused');
      },
      create: async () => null,
      compareAndSet: async () => null,
      delete: async () => false,
      list: async () => {
        throw new Error('timeout');
      },
    };
    const { twoFactor } = setup({ store: failing as MemoryStore });
    const error = await twoFactor.verify('user-1', '123456').catch((caught: unknown) => caught);
    expect(isFactorkitError(error, 'STORE_ERROR')).toBe(true);
    expect((error as Error).cause).toEqual(new Error('connection refused'));
    expect(await codeOf(twoFactor.listUsers())).toBe('STORE_ERROR');
    expect(await codeOf(twoFactor.status('user-1'))).toBe('STORE_ERROR');
  });

  it('a store that always conflicts ends in STORE_CONFLICT after bounded retries', async () => {
    const inner = new MemoryStore();
    const conflicting: TwoFactorStore = {
      get: (userId) => inner.get(userId),
      create: async () => null,
      compareAndSet: async () => null,
      delete: async () => false,
      list: (options) => inner.list(options),
    };
    const { twoFactor } = setup({ store: conflicting as MemoryStore });
    const error = await twoFactor.beginEnrollment('user-1', { account: 'a' }).catch((caught: unknown) => caught);
    expect(isFactorkitError(error, 'STORE_CONFLICT')).toBe(true);
  });
});

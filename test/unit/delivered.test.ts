// Delivered codes and approvals in detail: destinations and their masks, code generation,
// options, every argument fed the shared bad values, and the paths the store-conformance cases
// do not walk (no keyring, key rotation, a store failing while a send is undone, limits).
import { describe, expect, it } from 'vitest';
import {
  MemoryStore,
  type TwoFactorEvent,
  type TwoFactorOptions,
  createTwoFactor,
  generateTotp,
  isFactorkitError,
} from 'factorkit';
import { type DeliveryMessage, type DeliveryOptions, deliveredCodes } from 'factorkit/delivered';
import { FaultyStore } from 'factorkit/testing';
import {
  generateDigits,
  maskDestination,
  normalizeDestination,
  parseApprovalToken,
} from '../../src/lifecycle/factors/delivered/record.js';
import { BAD_VALUES, OBJECT_LIKE, badValuesExcept } from '../support/bad-values.js';

const T0 = 1_767_225_600_000 + 10_000;
const FAST_BACKUP = { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true };
const key = (fill: number) => new Uint8Array(32).fill(fill);

type SetupOptions = Partial<TwoFactorOptions> & { delivery?: DeliveryOptions; withoutDelivered?: boolean };

function setup({ delivery, withoutDelivered, ...extra }: SetupOptions = {}) {
  const clock = { now: T0 };
  const outbox: DeliveryMessage[] = [];
  const events: TwoFactorEvent[] = [];
  const warnings: string[] = [];
  const store = (extra.store as MemoryStore | undefined) ?? new MemoryStore();
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Example',
    clock: () => clock.now,
    keyring: { currentKeyId: 'k1', keys: { k1: key(1) } },
    backupCodes: FAST_BACKUP,
    factors: withoutDelivered
      ? []
      : [deliveredCodes({ deliver: async (message) => void outbox.push(message), ...delivery })],
    onEvent: (event) => void events.push(event),
    warn: (message) => void warnings.push(message),
    ...extra,
  });
  const lastCode = () => {
    const message = outbox.at(-1);
    if (message?.kind !== 'code') throw new Error('no code delivered');
    return message.code;
  };
  return { clock, outbox, events, warnings, store, twoFactor, lastCode };
}

type Setup = ReturnType<typeof setup>;

async function withEmail(s: Setup, userId = 'user-1', destination = 'ada@example.com') {
  const begun = await s.twoFactor.beginEnrollment(userId, { channel: 'email', destination });
  if (!begun.ok) throw new Error(begun.reason);
  const confirmed = await s.twoFactor.confirmEnrollment(userId, s.lastCode(), { factorId: begun.factorId });
  if (!confirmed.ok) throw new Error(confirmed.reason);
  s.clock.now += 31_000;
  return { factorId: begun.factorId, backupCodes: confirmed.backupCodes };
}

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isFactorkitError(error) ? error.code : error;
};

describe('destinations', () => {
  const ACCEPTED: Array<[string, string, string, string]> = [
    // channel, as typed, as stored, as listFactors shows it
    ['email', 'ada@example.com', 'ada@example.com', 'a***@example.com'],
    ['email', '  Ada.Lovelace+2fa@Mail.Example.ORG ', 'Ada.Lovelace+2fa@mail.example.org', 'A***@mail.example.org'],
    ['email', 'a@example.com', 'a@example.com', '***@example.com'],
    ['sms', '+44 20 7946 0958', '+442079460958', '+********0958'],
    ['sms', '+1 (555) 555-0123', '+15555550123', '+*******0123'],
    ['voice', '+49.30.901820', '+4930901820', '+******1820'],
    ['telegram', '123456789', '123456789', '******789'],
    ['telegram', '-1001234567890', '-1001234567890', '***********890'],
    ['push', 'ExponentPushToken[xxxx-abc]', 'ExponentPushToken[xxxx-abc]', '************************bc]'],
    ['push', 'abcde', 'abcde', '*****'],
  ];
  for (const [channel, typed, stored, masked] of ACCEPTED) {
    it(`${channel}: '${typed}' is stored as '${stored}' and shown as '${masked}'`, () => {
      expect(normalizeDestination(channel, typed)).toBe(stored);
      expect(maskDestination(channel, stored)).toBe(masked);
    });
  }

  const REFUSED: Array<[string, unknown]> = [
    ['email', 'ada'],
    ['email', '@example.com'],
    ['email', 'ada@'],
    ['email', 'ada@localhost'],
    ['email', 'ada@exa..mple.com'],
    ['email', 'a da@example.com'],
    ['email', 'ada@example.com\r\nBcc: eve@example.com'],
    ['email', `${'a'.repeat(65)}@example.com`],
    ['email', `a@${'b'.repeat(250)}.com`],
    ['sms', '020 7946 0958'],
    ['sms', '+0 20 7946 0958'],
    ['sms', '+44 20 7946 0958 ext 12'],
    ['sms', '+1234'],
    ['sms', '+1234567890123456'],
    ['voice', '+４４２０７９４６０９５８'],
    ['telegram', '@ada_lovelace'],
    ['telegram', '0123'],
    ['telegram', '12.5'],
    ['push', ''],
    ['push', '   '],
    ['push', 'token\u0000'],
    ['push', 'x'.repeat(513)],
    ['email', 42],
    ['sms', null],
    ['telegram', 123456789],
  ];
  for (const [channel, typed] of REFUSED) {
    it(`${channel}: ${JSON.stringify(typed)} is INVALID_DESTINATION, without repeating it`, () => {
      let thrown: unknown;
      try {
        normalizeDestination(channel, typed);
      } catch (error) {
        thrown = error;
      }
      expect(isFactorkitError(thrown, 'INVALID_DESTINATION')).toBe(true);
      if (typeof typed === 'string' && typed.trim().length > 3) {
        expect((thrown as Error).message).not.toContain(typed.trim());
      }
    });
  }

  it('beginEnrollment refuses a bad destination before writing or sending anything', async () => {
    const s = setup();
    expect(await codeOf(s.twoFactor.beginEnrollment('u', { channel: 'sms', destination: '0207946' }))).toBe(
      'INVALID_DESTINATION',
    );
    expect(await s.store.get('u')).toBeNull();
    expect(s.outbox).toEqual([]);
  });
});

describe('code generation', () => {
  it('maps every byte below 250 to a digit exactly 25 times, and drops 250 to 255 (no modulo bias)', () => {
    // Every byte value once, 255 first: were 250..255 kept (byte % 10), they would give six
    // extra digits 0..5 and crowd out six others.
    const requested: number[] = [];
    const everyByteOnce = (count: number) => {
      requested.push(count);
      return Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    };
    const digits = generateDigits(250, everyByteOnce);
    expect(requested).toEqual([250]);
    const counts = new Array(10).fill(0);
    for (const digit of digits) counts[Number(digit)]++;
    expect(counts).toEqual(new Array(10).fill(25));
  });

  it('keeps drawing while bytes are rejected', () => {
    const draws: number[] = [];
    const rejectingFirst = (count: number) => {
      draws.push(count);
      return draws.length === 1 ? new Uint8Array(count).fill(255) : Uint8Array.from({ length: count }, (_, i) => i + 1);
    };
    expect(generateDigits(6, rejectingFirst)).toBe('123456');
    expect(draws).toEqual([6, 6]);
    const partly = (count: number) => (count === 4 ? Uint8Array.of(251, 7, 252, 9) : Uint8Array.of(3, 250));
    expect(generateDigits(4, partly)).toBe('7933');
  });

  it('from the CSPRNG: the right length, digits only, and no digit noticeably likelier (chi-square, 9 dof)', () => {
    const counts = new Array(10).fill(0);
    const total = 100_000;
    for (let i = 0; i < total / 10; i++) for (const digit of generateDigits(10)) counts[Number(digit)]++;
    const expected = total / 10;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // p = 1e-6 for 9 degrees of freedom is about 41.8: a uniform source fails one run in a million.
    expect(chiSquare).toBeLessThan(41.8);
    expect(generateDigits(6)).toMatch(/^[0-9]{6}$/);
    expect(generateDigits(4)).toMatch(/^[0-9]{4}$/);
  });

  it('sends 6-digit codes, and 4 digits for a voice call', async () => {
    const s = setup();
    await s.twoFactor.beginEnrollment('u', { channel: 'email', destination: 'a@b.example' });
    expect(s.lastCode()).toMatch(/^[0-9]{6}$/);
    const totp = await s.twoFactor.beginEnrollment('u', { account: 'a' });
    await s.twoFactor.confirmEnrollment('u', generateTotp(totp.secret, { time: s.clock.now }), {
      factorId: totp.factorId,
    });
    await s.twoFactor.beginEnrollment('u', { channel: 'voice', destination: '+442079460958' });
    expect(s.lastCode()).toMatch(/^[0-9]{4}$/);
  });
});

describe('approval tokens', () => {
  it('carry the user id (any Unicode, up to 255 characters) and are read back exactly', async () => {
    for (const userId of ['u', 'ünïcødé-用户-😀', 'x'.repeat(255)]) {
      const s = setup();
      const { factorId } = await withEmail(s, userId);
      const requested = await s.twoFactor.requestApproval(userId, { factorId });
      const message = s.outbox.at(-1);
      if (!requested.ok || message?.kind !== 'approval') throw new Error('no approval request');
      expect(message.approveToken).toMatch(/^[A-Za-z0-9_-]+\.c_[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{22}$/);
      expect(parseApprovalToken(message.approveToken)).toMatchObject({ userId, challengeId: requested.challengeId });
      expect(message.approveToken.length).toBeLessThanOrEqual(400);
      expect(await s.twoFactor.approve(message.approveToken, { matchNumber: requested.matchNumber })).toEqual({
        ok: true,
      });
    }
  });

  it('anything else is invalid, never an error', async () => {
    const s = setup();
    for (const token of [
      '',
      '.',
      '..',
      'a.b.c',
      'dQ.c_AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
      `${'A'.repeat(600)}`,
      'dQ.c_AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.x',
      '_w.c_AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      expect(await s.twoFactor.approve(token)).toEqual({ ok: false, reason: 'invalid' });
      expect(await s.twoFactor.deny(token)).toEqual({ ok: false, reason: 'invalid' });
      expect(await s.twoFactor.approve(token, { userId: 'u' })).toEqual({ ok: false, reason: 'invalid' });
    }
    // Short tokens: the two parts of a full one, answered only with a user named.
    for (const token of ['c_AAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', 'c_AAAAAAAAAAAA.', '.AAAAAAAAAAAAAAAAAAAAAA']) {
      expect(await s.twoFactor.approve(token)).toEqual({ ok: false, reason: 'invalid' });
      expect(await s.twoFactor.approve(token, { userId: 'u' })).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});

describe('options', () => {
  it('refuses bad delivery options and a deliver that is not a function at deliveredCodes', () => {
    const deliver = async () => {};
    const bad: unknown[] = [
      undefined,
      'fast',
      [],
      {},
      { deliver: 'smtp://localhost' },
      { deliver, codeTtlMs: 0 },
      { deliver, codeTtlMs: 11 * 60_000 },
      { deliver, codeTtlMs: 60_000.5 },
      { deliver, maxAttemptsPerCode: 0 },
      { deliver, maxAttemptsPerCode: 11 },
      { deliver, resendCooldownMs: -1 },
      { deliver, maxSendsPerHour: 0 },
      { deliver, maxSendsPerHour: 101 },
      { deliver, voiceCallsBeforeSms: 0 },
      { deliver, approvalTtlMs: Number.NaN },
      { deliver, approvalTtlMs: '120000' },
    ];
    for (const options of bad) {
      expect(() => deliveredCodes(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() =>
      deliveredCodes({ deliver, codeTtlMs: 30_000, maxAttemptsPerCode: 10, resendCooldownMs: 0, maxSendsPerHour: 100 }),
    ).not.toThrow();
  });

  it("createTwoFactor's old deliver and delivery options are refused with the way to the module", () => {
    const store = new MemoryStore();
    for (const options of [{ deliver: async () => {} }, { delivery: { codeTtlMs: 60_000 } }]) {
      expect(() => createTwoFactor({ store, issuer: 'X', warn: () => {}, ...(options as object) })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('factorkit/delivered') }),
      );
    }
  });

  it('without the delivered module, delivered factors are DELIVERY_NOT_CONFIGURED (and authenticators work as before)', async () => {
    const s = setup({ withoutDelivered: true });
    expect(await codeOf(s.twoFactor.beginEnrollment('u', { channel: 'email', destination: 'a@b.example' }))).toBe(
      'DELIVERY_NOT_CONFIGURED',
    );
    expect(await s.store.get('u')).toBeNull();
    const totp = await s.twoFactor.beginEnrollment('u', { account: 'a' });
    expect(totp.secret).toMatch(/^[A-Z2-7]+$/);
    expect(await codeOf(s.twoFactor.sendCode('u', { factorId: totp.factorId }))).toBe('DELIVERY_NOT_CONFIGURED');
    expect(await codeOf(s.twoFactor.requestApproval('u', { factorId: totp.factorId }))).toBe('DELIVERY_NOT_CONFIGURED');
  });

  it('the tuning is honoured: code lifetime, attempts, cooldown, cap, voice calls and approval lifetime', async () => {
    const s = setup({
      delivery: {
        codeTtlMs: 60_000,
        maxAttemptsPerCode: 2,
        resendCooldownMs: 0,
        maxSendsPerHour: 3,
        voiceCallsBeforeSms: 1,
        approvalTtlMs: 30_000,
      },
      throttle: { maxFailures: 100 },
    });
    const { factorId, backupCodes } = await withEmail(s);
    const sent = await s.twoFactor.sendCode('user-1', { factorId });
    expect(sent).toEqual({ ok: true, expiresAt: s.clock.now + 60_000, channel: 'email' });
    const code = s.lastCode();
    const wrong = code === '000000' ? '111111' : '000000';
    await s.twoFactor.verify('user-1', wrong, { factorId });
    await s.twoFactor.verify('user-1', wrong, { factorId });
    expect(await s.twoFactor.verify('user-1', code, { factorId })).toEqual({ ok: false, reason: 'expired' });
    // No cooldown; the 3rd send of the hour is the last.
    expect((await s.twoFactor.sendCode('user-1', { factorId })).ok).toBe(true);
    expect(await s.twoFactor.sendCode('user-1', { factorId })).toMatchObject({ reason: 'rate-limited' });
    // Approval requests count per account, apart from the factor's codes: one still goes out.
    const approval = await s.twoFactor.requestApproval('user-1', { factorId });
    expect(approval).toMatchObject({ ok: true, expiresAt: s.clock.now + 30_000 });
    // One call, then SMS.
    await s.twoFactor.beginEnrollment('user-1', { channel: 'voice', destination: '+442079460958' });
    const voice = (await s.twoFactor.listFactors('user-1')).find((f) => f.channel === 'voice')!;
    await s.twoFactor.confirmEnrollment('user-1', s.lastCode(), {
      factorId: voice.factorId,
      currentCode: backupCodes[0]!,
    });
    expect(await s.twoFactor.sendCode('user-1', { factorId: voice.factorId })).toMatchObject({ channel: 'voice' });
    expect(await s.twoFactor.sendCode('user-1', { factorId: voice.factorId })).toMatchObject({ channel: 'sms' });
  });
});

describe('every argument refuses the shared bad values with a typed error, writing and sending nothing', () => {
  const STRING_ARGUMENT_BAD = BAD_VALUES.filter((v) => typeof v.value !== 'string');
  const OPTIONS_BAD = badValuesExcept('undefined', ...OBJECT_LIKE).filter((v) => v.value !== undefined);
  type Call = (s: Setup, value: unknown) => Promise<unknown>;
  const loose = (fn: unknown) => fn as (...args: unknown[]) => Promise<unknown>;
  const CASES: Array<[string, Call, readonly { label: string; value: unknown }[], string]> = [
    [
      'beginEnrollment userId',
      (s, v) => loose(s.twoFactor.beginEnrollment)(v, { channel: 'email', destination: 'a@b.example' }),
      [...STRING_ARGUMENT_BAD, { label: "''", value: '' }],
      'INVALID_ARGUMENT',
    ],
    [
      'beginEnrollment channel',
      (s, v) => loose(s.twoFactor.beginEnrollment)('u', { channel: v, destination: 'a@b.example' }),
      [
        ...BAD_VALUES,
        { label: "'EMAIL'", value: 'EMAIL' },
        { label: "'e mail'", value: 'e mail' },
        { label: "'x'.repeat(33)", value: 'x'.repeat(33) },
      ],
      'INVALID_ARGUMENT',
    ],
    [
      'beginEnrollment destination',
      (s, v) => loose(s.twoFactor.beginEnrollment)('u', { channel: 'email', destination: v }),
      BAD_VALUES,
      'INVALID_DESTINATION',
    ],
    [
      'beginEnrollment name (not a string)',
      (s, v) => loose(s.twoFactor.beginEnrollment)('u', { channel: 'email', destination: 'a@b.example', name: v }),
      badValuesExcept('undefined').filter((bad) => typeof bad.value !== 'string'),
      'INVALID_ARGUMENT',
    ],
    [
      // A string is what a user typed: a name it cannot be is INVALID_NAME (issue 27).
      'beginEnrollment name (a string that is no name)',
      (s, v) => loose(s.twoFactor.beginEnrollment)('u', { channel: 'email', destination: 'a@b.example', name: v }),
      [
        ...badValuesExcept("'1'", "'SHA1 '").filter((bad) => typeof bad.value === 'string'),
        { label: "'x'.repeat(65)", value: 'x'.repeat(65) },
        { label: "'a\\nb'", value: 'a\nb' },
        { label: "' '", value: ' ' },
      ],
      'INVALID_NAME',
    ],
    [
      'sendCode userId',
      (s, v) => loose(s.twoFactor.sendCode)(v, { factorId: 'f_x' }),
      [...STRING_ARGUMENT_BAD, { label: "''", value: '' }],
      'INVALID_ARGUMENT',
    ],
    ['sendCode options', (s, v) => loose(s.twoFactor.sendCode)('u', v), OPTIONS_BAD, 'INVALID_ARGUMENT'],
    [
      'sendCode factorId',
      (s, v) => loose(s.twoFactor.sendCode)('u', { factorId: v }),
      [...STRING_ARGUMENT_BAD, { label: "''", value: '' }, { label: "'x'.repeat(65)", value: 'x'.repeat(65) }],
      'INVALID_ARGUMENT',
    ],
    ['requestApproval options', (s, v) => loose(s.twoFactor.requestApproval)('u', v), OPTIONS_BAD, 'INVALID_ARGUMENT'],
    [
      'requestApproval factorId',
      (s, v) => loose(s.twoFactor.requestApproval)('u', { factorId: v }),
      // Without a factorId the request goes to every factor that carries it.
      [...STRING_ARGUMENT_BAD.filter((b) => b.value !== undefined), { label: "''", value: '' }],
      'INVALID_ARGUMENT',
    ],
    ['approve token', (s, v) => loose(s.twoFactor.approve)(v), STRING_ARGUMENT_BAD, 'INVALID_ARGUMENT'],
    ['deny token', (s, v) => loose(s.twoFactor.deny)(v), STRING_ARGUMENT_BAD, 'INVALID_ARGUMENT'],
    ['approve options', (s, v) => loose(s.twoFactor.approve)('c_AAAAAAAAAAAA.x', v), OPTIONS_BAD, 'INVALID_ARGUMENT'],
    ['deny options', (s, v) => loose(s.twoFactor.deny)('c_AAAAAAAAAAAA.x', v), OPTIONS_BAD, 'INVALID_ARGUMENT'],
    [
      'approve userId',
      (s, v) => loose(s.twoFactor.approve)('c_AAAAAAAAAAAA.x', { userId: v }),
      [...STRING_ARGUMENT_BAD.filter((b) => b.value !== undefined), { label: "''", value: '' }],
      'INVALID_ARGUMENT',
    ],
    [
      'approvalStatus userId',
      (s, v) => loose(s.twoFactor.approvalStatus)(v, 'c_AAAAAAAAAAAA'),
      [...STRING_ARGUMENT_BAD, { label: "''", value: '' }],
      'INVALID_ARGUMENT',
    ],
    [
      'approvalStatus challengeId',
      (s, v) => loose(s.twoFactor.approvalStatus)('u', v),
      [...STRING_ARGUMENT_BAD, { label: "''", value: '' }],
      'INVALID_ARGUMENT',
    ],
  ];
  for (const [name, call, values, code] of CASES) {
    it(`${name}: ${values.length} bad values -> ${code}`, async () => {
      for (const { label, value } of values) {
        const s = setup();
        expect(await codeOf(call(s, value)), label).toBe(code);
        expect(await s.store.list({ limit: 10 }), label).toEqual({ records: [] });
        expect(s.outbox, label).toEqual([]);
      }
    });
  }

  it('options for both kinds at once are refused', async () => {
    const s = setup();
    const both = { channel: 'email', destination: 'a@b.example', account: 'a' } as never;
    expect(await codeOf(s.twoFactor.beginEnrollment('u', both))).toBe('INVALID_ARGUMENT');
  });

  it('a typed code of any shape is a result, never an error', async () => {
    const s = setup();
    const { factorId } = await withEmail(s);
    await s.twoFactor.sendCode('user-1', { factorId });
    for (const { value } of BAD_VALUES) {
      const result = await loose(s.twoFactor.verify)('user-1', value, { factorId });
      expect(result).toEqual({ ok: false, reason: 'malformed' });
    }
    for (const typed of ['12345', '1234567', '１２３４５６', '12a456', ' '.repeat(70)]) {
      expect(await s.twoFactor.verify('user-1', typed, { factorId })).toEqual({ ok: false, reason: 'malformed' });
    }
    expect((await s.twoFactor.throttleStatus('user-1')).failures).toBe(0);
    const spaced = s.lastCode().replace(/^(...)/, '$1 ');
    expect((await s.twoFactor.verify('user-1', spaced, { factorId })).ok).toBe(true);
  });
});

describe('lifecycle paths of delivered factors', () => {
  it('a second delivered factor on an active account needs currentCode; a wrong one is counted', async () => {
    const s = setup();
    const first = await withEmail(s);
    const begun = await s.twoFactor.beginEnrollment('user-1', { channel: 'telegram', destination: '42424242' });
    if (!begun.ok) throw new Error(begun.reason);
    const code = s.lastCode();
    expect(await s.twoFactor.confirmEnrollment('user-1', code, { factorId: begun.factorId })).toEqual({
      ok: false,
      reason: 'current-code-required',
    });
    const wrongBackup = first.backupCodes[0]!.replace(/^./, (c) => (c === '2' ? '3' : '2'));
    expect(
      await s.twoFactor.confirmEnrollment('user-1', code, { factorId: begun.factorId, currentCode: wrongBackup }),
    ).toMatchObject({ ok: false });
    // A code sent to the first factor is a current code too.
    await s.twoFactor.sendCode('user-1', { factorId: first.factorId });
    const current = s.lastCode();
    expect(await s.twoFactor.confirmEnrollment('user-1', code, { currentCode: current })).toEqual({
      ok: true,
      backupCodes: [],
      factorId: begun.factorId,
    });
    expect(s.events.filter((e) => e.type === 'factor-added')).toHaveLength(2);
    expect(s.events.filter((e) => e.type === 'enabled')).toHaveLength(1);
  });

  it('confirmEnrollment without factorId confirms the factor begun last; begin again replaces only the pending delivered factor', async () => {
    const s = setup();
    const totp = await s.twoFactor.beginEnrollment('user-1', { account: 'a' });
    await s.twoFactor.beginEnrollment('user-1', { channel: 'email', destination: 'one@example.com' });
    s.clock.now += 1000;
    const second = await s.twoFactor.beginEnrollment('user-1', { channel: 'sms', destination: '+15555550123' });
    if (!second.ok) throw new Error(second.reason);
    expect((await s.twoFactor.listFactors('user-1')).map((f) => `${f.type}:${f.channel ?? '-'}:${f.status}`)).toEqual([
      'totp:-:pending',
      'delivered:sms:pending',
    ]);
    expect(await s.twoFactor.confirmEnrollment('user-1', s.lastCode())).toMatchObject({
      ok: true,
      factorId: second.factorId,
    });
    // The authenticator is still pending and confirmable with currentCode.
    s.clock.now += 31_000;
    await s.twoFactor.sendCode('user-1', { factorId: second.factorId });
    const added = await s.twoFactor.confirmEnrollment('user-1', generateTotp(totp.secret, { time: s.clock.now }), {
      currentCode: s.lastCode(),
    });
    expect(added).toMatchObject({ ok: true, factorId: totp.factorId });
  });

  it('a pending delivered factor expires with enrollmentTtlMs: no more codes, no confirmation', async () => {
    const s = setup({ enrollmentTtlMs: 2 * 60_000 });
    const begun = await s.twoFactor.beginEnrollment('user-1', { channel: 'email', destination: 'a@b.example' });
    if (!begun.ok) throw new Error(begun.reason);
    // The code never outlives the enrollment.
    expect(begun.expiresAt).toBe(s.clock.now + 2 * 60_000);
    const code = s.lastCode();
    s.clock.now += 2 * 60_000;
    expect(await s.twoFactor.sendCode('user-1', { factorId: begun.factorId })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await s.twoFactor.confirmEnrollment('user-1', code)).toEqual({ ok: false, reason: 'expired' });
    expect(s.outbox).toHaveLength(1);
  });

  it('sends are refused while the account is locked, and nothing is delivered', async () => {
    const s = setup({ throttle: { maxFailures: 2, maxConsecutiveFailures: 3 } });
    const { factorId } = await withEmail(s);
    await s.twoFactor.sendCode('user-1', { factorId });
    const code = s.lastCode();
    const wrong = code === '000000' ? '111111' : '000000';
    await s.twoFactor.verify('user-1', wrong);
    expect(await s.twoFactor.verify('user-1', wrong)).toMatchObject({ reason: 'invalid', retryAfterMs: 1000 });
    const delivered = s.outbox.length;
    s.clock.now += 500;
    expect(await s.twoFactor.sendCode('user-1', { factorId })).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 500,
    });
    s.clock.now += 31_000;
    await s.twoFactor.verify('user-1', wrong);
    expect(await s.twoFactor.sendCode('user-1', { factorId })).toEqual({ ok: false, reason: 'hard-locked' });
    expect(await s.twoFactor.requestApproval('user-1', { factorId })).toEqual({ ok: false, reason: 'hard-locked' });
    expect(await s.twoFactor.beginEnrollment('user-1', { channel: 'sms', destination: '+15555550123' })).toEqual({
      ok: false,
      reason: 'hard-locked',
    });
    expect(s.outbox).toHaveLength(delivered);
  });

  it('approvals need a channel that carries buttons: an SMS or voice factor is INVALID_ARGUMENT; pending and TOTP factors are unknown', async () => {
    const s = setup();
    const { factorId, backupCodes } = await withEmail(s);
    const sms = await s.twoFactor.beginEnrollment('user-1', { channel: 'sms', destination: '+15555550123' });
    if (!sms.ok) throw new Error(sms.reason);
    expect(await s.twoFactor.requestApproval('user-1', { factorId: sms.factorId })).toEqual({
      ok: false,
      reason: 'unknown-factor',
    });
    await s.twoFactor.confirmEnrollment('user-1', s.lastCode(), {
      factorId: sms.factorId,
      currentCode: backupCodes[0]!,
    });
    expect(await codeOf(s.twoFactor.requestApproval('user-1', { factorId: sms.factorId }))).toBe('INVALID_ARGUMENT');
    expect(await s.twoFactor.requestApproval('nobody', { factorId })).toEqual({ ok: false, reason: 'not-enrolled' });
    expect(await s.twoFactor.sendCode('nobody', { factorId })).toEqual({ ok: false, reason: 'not-enrolled' });
    expect(await s.twoFactor.sendCode('user-1', { factorId: 'f_nope' })).toEqual({
      ok: false,
      reason: 'unknown-factor',
    });
  });

  it('at most 10 active delivered factors; approvals kept per factor are bounded (the oldest reads expired)', async () => {
    const s = setup({
      delivery: {
        maxSendsPerHour: 100,
        maxSendsPerDay: 100,
        maxUnverifiedDestinationsPerDay: 100,
        maxUnansweredApprovals: 100,
        resendCooldownMs: 0,
      },
    });
    const first = await withEmail(s);
    for (let i = 1; i < 10; i++) {
      const begun = await s.twoFactor.beginEnrollment('user-1', { channel: 'email', destination: `u${i}@example.com` });
      if (!begun.ok) throw new Error(begun.reason);
      const code = s.lastCode();
      await s.twoFactor.sendCode('user-1', { factorId: first.factorId });
      const confirmed = await s.twoFactor.confirmEnrollment('user-1', code, {
        factorId: begun.factorId,
        currentCode: s.lastCode(),
      });
      expect(confirmed.ok).toBe(true);
    }
    expect(await codeOf(s.twoFactor.beginEnrollment('user-1', { channel: 'sms', destination: '+15555550123' }))).toBe(
      'TOO_MANY_FACTORS',
    );
    expect((await s.twoFactor.listUsers()).users[0]!.activeFactors).toEqual({ totp: 0, delivered: 10 });

    const challenges: string[] = [];
    for (let i = 0; i < 6; i++) {
      const requested = await s.twoFactor.requestApproval('user-1', { factorId: first.factorId });
      if (!requested.ok) throw new Error(requested.reason);
      challenges.push(requested.challengeId);
    }
    const statuses = await Promise.all(challenges.map((id) => s.twoFactor.approvalStatus('user-1', id)));
    expect(statuses.map((r) => r.status)).toEqual(['expired', 'pending', 'pending', 'pending', 'pending', 'pending']);
  });

  it('disable removes delivered factors and their approvals; removing a voice factor alone keeps the rest', async () => {
    const s = setup();
    const { factorId, backupCodes } = await withEmail(s);
    await s.twoFactor.beginEnrollment('user-1', { channel: 'voice', destination: '+15555550123' });
    const voice = (await s.twoFactor.listFactors('user-1')).find((f) => f.channel === 'voice')!;
    await s.twoFactor.confirmEnrollment('user-1', s.lastCode(), {
      factorId: voice.factorId,
      currentCode: backupCodes[0]!,
    });
    expect(await s.twoFactor.removeFactor('user-1', voice.factorId, backupCodes[1]!)).toEqual({
      ok: true,
      twoFactorOff: false,
    });
    const requested = await s.twoFactor.requestApproval('user-1', { factorId });
    if (!requested.ok) throw new Error(requested.reason);
    const message = s.outbox.at(-1);
    expect(await s.twoFactor.disable('user-1', backupCodes[2]!)).toEqual({ ok: true });
    expect(message?.kind === 'approval' && (await s.twoFactor.approve(message.approveToken))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await s.twoFactor.approvalStatus('user-1', requested.challengeId)).toEqual({ status: 'expired' });
  });
});

describe('keys', () => {
  it('without a keyring: codes and approvals work, the destination is stored in clear (the warning says so)', async () => {
    const s = setup({ keyring: undefined });
    expect(s.warnings.join('\n')).toMatch(/UNENCRYPTED/);
    const { factorId } = await withEmail(s, 'user-1', 'grace@example.org');
    const stored = JSON.parse((await s.store.get('user-1'))!.data).factors[0];
    expect(stored.destination.enc).toBe('none');
    expect(stored.code.keyId).toBeNull();
    await s.twoFactor.sendCode('user-1', { factorId });
    expect((await s.twoFactor.verify('user-1', s.lastCode(), { factorId })).ok).toBe(true);
    s.clock.now += 31_000;
    const requested = await s.twoFactor.requestApproval('user-1', { factorId });
    const message = s.outbox.at(-1);
    if (!requested.ok || message?.kind !== 'approval') throw new Error('no approval request');
    expect(await s.twoFactor.approve(message.approveToken, { matchNumber: requested.matchNumber })).toEqual({
      ok: true,
    });
  });

  it('rotation: a code sent under the old key works while that key is in the keyring, and the destination is resealed on the next write', async () => {
    const store = new MemoryStore();
    const outbox: DeliveryMessage[] = [];
    const clock = { now: T0 };
    const make = (keyring: TwoFactorOptions['keyring']) =>
      createTwoFactor({
        store,
        issuer: 'X',
        clock: () => clock.now,
        keyring,
        backupCodes: FAST_BACKUP,
        factors: [deliveredCodes({ deliver: async (m) => void outbox.push(m) })],
        warn: () => {},
      });
    const old = make({ currentKeyId: 'k1', keys: { k1: key(1) } });
    const begun = await old.beginEnrollment('u', { channel: 'email', destination: 'a@b.example' });
    if (!begun.ok) throw new Error(begun.reason);
    const code = outbox.at(-1)!.kind === 'code' ? (outbox.at(-1) as { code: string }).code : '';
    const rotated = make({ currentKeyId: 'k2', keys: { k1: key(1), k2: key(2) } });
    expect((await rotated.confirmEnrollment('u', code)).ok).toBe(true);
    const stored = JSON.parse((await store.get('u'))!.data).factors[0];
    expect(stored.destination.keyId).toBe('k2');
    expect(stored.code.keyId).toBe('k1');
    // New codes are keyed from the new key; the old one is no longer needed for them.
    clock.now += 31_000;
    await rotated.sendCode('u', { factorId: begun.factorId });
    expect(JSON.parse((await store.get('u'))!.data).factors[0].code.keyId).toBe('k2');
    const onlyNew = make({ currentKeyId: 'k2', keys: { k2: key(2) } });
    const newCode = (outbox.at(-1) as { code: string }).code;
    expect(await onlyNew.verify('u', newCode, { factorId: begun.factorId })).toMatchObject({ ok: true });
  });
});

describe('a store failing while a failed send is undone', () => {
  it('still reports DELIVERY_FAILED, warns, and the send stays counted (fewer messages, never more)', async () => {
    const inner = new MemoryStore();
    const faulty = new FaultyStore(inner);
    let failDeliver = false;
    const warnings: string[] = [];
    const clock = { now: T0 };
    const outbox: DeliveryMessage[] = [];
    const twoFactor = createTwoFactor({
      store: faulty,
      issuer: 'X',
      clock: () => clock.now,
      keyring: { currentKeyId: 'k1', keys: { k1: key(1) } },
      backupCodes: FAST_BACKUP,
      warn: (m) => void warnings.push(m),
      factors: [
        deliveredCodes({
          deliver: async (m) => {
            if (failDeliver) {
              // The undo's first store call will fail.
              faulty.arm(1);
              throw new Error('provider timeout');
            }
            outbox.push(m);
          },
        }),
      ],
    });
    const begun = await twoFactor.beginEnrollment('u', { channel: 'email', destination: 'a@b.example' });
    if (!begun.ok) throw new Error(begun.reason);
    await twoFactor.confirmEnrollment('u', (outbox.at(-1) as { code: string }).code);
    clock.now += 31_000;
    failDeliver = true;
    const error = await twoFactor.sendCode('u', { factorId: begun.factorId }).catch((caught: unknown) => caught);
    failDeliver = false;
    faulty.disarm();
    expect(isFactorkitError(error, 'DELIVERY_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/stays counted/);
    expect(warnings.join('\n')).toMatch(/stays counted/);
    expect(await twoFactor.sendCode('u', { factorId: begun.factorId })).toMatchObject({ reason: 'rate-limited' });
  });
});

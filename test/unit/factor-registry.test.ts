// createTwoFactor checks every option where it is given, the factor modules and the backup-code
// settings included: a bad one fails at start-up, not at the first confirmation after a user
// typed a valid code.
import { describe, expect, it } from 'vitest';
import { MemoryStore, createTwoFactor, generateTotp, type FactorModule, type TwoFactorOptions } from 'factorkit';
import { pinFactor } from '../support/pin-factor.js';

const base = (): TwoFactorOptions => ({
  store: new MemoryStore(),
  issuer: 'Example',
  keyring: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
  warn: () => {},
});

const codeOf = (make: () => unknown): string | undefined => {
  try {
    make();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('options checked at createTwoFactor', () => {
  it('backupCodes: a count out of 1..20, a KDF below the minimum or malformed, a bad scrypt choice', () => {
    const cases: [TwoFactorOptions['backupCodes'], string][] = [
      [{ count: 0 }, 'INVALID_ARGUMENT'],
      [{ count: 1000 }, 'INVALID_ARGUMENT'],
      [{ count: 2.5 }, 'INVALID_ARGUMENT'],
      [{ kdf: { N: 2, r: 8, p: 1 } }, 'WEAK_KDF'],
      [{ kdf: { N: 3, r: 8, p: 1 }, allowWeakKdf: true }, 'INVALID_ARGUMENT'],
      [{ allowWeakKdf: 'yes' as never }, 'INVALID_ARGUMENT'],
      [{ scrypt: 'fastest' as never }, 'INVALID_ARGUMENT'],
      ['fast' as never, 'INVALID_ARGUMENT'],
    ];
    for (const [backupCodes, code] of cases) {
      expect(
        codeOf(() => createTwoFactor({ ...base(), backupCodes })),
        JSON.stringify(backupCodes),
      ).toBe(code);
    }
    expect(
      codeOf(() =>
        createTwoFactor({ ...base(), backupCodes: { count: 20, kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true } }),
      ),
    ).toBe(undefined);
  });

  it('factors: not an array, a module missing a member, a bad or reserved type, one type twice', () => {
    const pin = pinFactor() as unknown as Record<string, unknown>;
    const bad: unknown[] = [
      'pin',
      {},
      [null],
      [{ ...pin, type: 'PIN' }],
      [{ ...pin, type: 'backup' }],
      [{ ...pin, type: 'totp' }],
      [{ ...pin, label: '' }],
      [{ ...pin, maxActive: 0 }],
      [{ ...pin, check: undefined }],
      [{ ...pin, prepareEnrollment: undefined }],
      [pinFactor(), pinFactor()],
    ];
    for (const factors of bad) {
      expect(
        codeOf(() => createTwoFactor({ ...base(), factors: factors as FactorModule[] })),
        JSON.stringify(factors),
      ).toBe('INVALID_ARGUMENT');
    }
  });

  it('beginEnrollment: a type that is not registered, options of two types, and a channel without the delivered module', async () => {
    const twoFactor = createTwoFactor({ ...base(), factors: [pinFactor()] });
    await expect(twoFactor.beginEnrollment('u', { type: 'passkey' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(twoFactor.beginEnrollment('u', { account: 'a', pin: '2468' } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      twoFactor.beginEnrollment('u', { channel: 'email', destination: 'a@b.example' }),
    ).rejects.toMatchObject({
      code: 'DELIVERY_NOT_CONFIGURED',
    });
    expect(await twoFactor.listFactors('u')).toEqual([]);
    // Named by type, the authenticator app is the same module as by its options.
    const begun = await twoFactor.beginEnrollment('u', { type: 'totp', account: 'a' } as never);
    const secret = (begun as unknown as { secret: string }).secret;
    expect((await twoFactor.confirmEnrollment('u', generateTotp(secret))).ok).toBe(true);
  });

  it('a proof object no module takes is malformed, and an object that is not plain is not a proof', async () => {
    const twoFactor = createTwoFactor({ ...base(), factors: [pinFactor()] });
    const { secret } = await twoFactor.beginEnrollment('u', { account: 'a' });
    await twoFactor.confirmEnrollment('u', generateTotp(secret));
    expect(await twoFactor.verify('u', { webauthn: {} })).toEqual({ ok: false, reason: 'malformed' });
    expect(await twoFactor.verify('u', new Date(0) as never)).toEqual({ ok: false, reason: 'malformed' });
    await expect(
      twoFactor.confirmEnrollment('u', '123456', { currentCode: new Uint8Array(6) as never }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await twoFactor.throttleStatus('u')).failures).toBe(0);
  });
});

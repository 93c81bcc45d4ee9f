// Issue 14, item 3, as an attacker with write access to the database would try it: copy one
// user's backup-code set (or whole record) into another user's record, then sign in as the
// second user with the first user's codes. Version-2 sets are bound to the user id inside
// every digest, so the copied codes are wrong codes there.
import { describe, expect, it } from 'vitest';
import {
  MemoryStore,
  createTwoFactor,
  generateTotp,
  parseBackupCodeSet,
  type ScryptFunction,
  type TwoFactorStore,
} from 'factorkit';
import { scryptAsync } from '@noble/hashes/scrypt.js';

const T0 = 1_767_225_600_000 + 10_000;

async function twoUsers(store: TwoFactorStore, scrypt?: ScryptFunction) {
  const clock = { now: T0 };
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Example',
    clock: () => clock.now,
    keyring: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
    backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true, ...(scrypt ? { scrypt } : {}) },
    warn: () => {},
  });
  const codes: Record<string, string[]> = {};
  for (const userId of ['alice', 'bob']) {
    const { secret } = await twoFactor.beginEnrollment(userId, { account: `${userId}@example.com` });
    const confirmed = await twoFactor.confirmEnrollment(userId, generateTotp(secret, { time: clock.now }));
    if (!confirmed.ok) throw new Error(confirmed.reason);
    codes[userId] = confirmed.backupCodes;
  }
  clock.now += 30_000;
  // Past any back-off, so each wrong code is evaluated rather than refused as locked.
  const later = () => {
    clock.now += 16 * 60_000;
  };
  return { twoFactor, later, codes: codes as { alice: string[]; bob: string[] } };
}

/** Overwrites `to`'s stored record data with `edit(from's data, to's data)`, as a database user could. */
async function tamper(store: TwoFactorStore, from: string, to: string, edit: (source: any, target: any) => unknown) {
  const source = (await store.get(from))!;
  const target = (await store.get(to))!;
  const data = JSON.stringify(edit(JSON.parse(source.data), JSON.parse(target.data)));
  const written = await store.compareAndSet(to, target.version, { status: target.status, data, updatedAt: T0 });
  expect(written).not.toBeNull();
}

describe('backup codes are bound to their user', () => {
  it("a set copied into another user's record verifies none of its codes there", async () => {
    const store = new MemoryStore();
    const { twoFactor, later, codes } = await twoUsers(store);
    await tamper(store, 'alice', 'bob', (alice, bob) => ({ ...bob, backupCodes: alice.backupCodes }));
    for (const code of codes.alice) {
      later();
      expect(await twoFactor.verify('bob', code)).toMatchObject({ ok: false, reason: 'invalid' });
    }
    // The codes still work for their own user.
    expect(await twoFactor.verify('alice', codes.alice[0]!)).toMatchObject({ ok: true, method: 'backup' });
  });

  it("a whole record copied into another user's record does not let its codes in", async () => {
    const store = new MemoryStore();
    const { twoFactor, later, codes } = await twoUsers(store);
    await tamper(store, 'alice', 'bob', (alice) => alice);
    for (const code of codes.alice) {
      later();
      expect(await twoFactor.verify('bob', code)).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it('the lifecycle binds new sets to the user id and checks them under it', async () => {
    const contexts: string[] = [];
    // An app-supplied scrypt that records which salts it is given: they carry the user id.
    const scrypt: ScryptFunction = (password, salt, params) => {
      contexts.push(new TextDecoder().decode(salt));
      return scryptAsync(password, salt, params);
    };
    const store = new MemoryStore();
    const { twoFactor, codes } = await twoUsers(store, scrypt);
    const stored = parseBackupCodeSet(JSON.parse((await store.get('bob'))!.data).backupCodes);
    expect(stored.version).toBe(3);
    expect(contexts.filter((salt) => salt.includes('alice'))).toHaveLength(5);
    expect(contexts.filter((salt) => salt.includes('bob'))).toHaveLength(5);
    contexts.length = 0;
    expect(await twoFactor.verify('bob', codes.bob[3]!)).toMatchObject({ ok: true, method: 'backup' });
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toContain('bob');
  });

  it('refuses a bad backupCodes.scrypt where it is given, at createTwoFactor', () => {
    for (const scrypt of ['fast', 42, null]) {
      expect(() =>
        createTwoFactor({
          store: new MemoryStore(),
          issuer: 'Example',
          warn: () => {},
          backupCodes: { scrypt: scrypt as never },
        }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});

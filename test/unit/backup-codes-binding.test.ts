// Issue 14, item 3, as an attacker with write access to the database (and not the keyring)
// would try it: copy one user's backup-code set (or whole record) into another user's record,
// plant a set of codes of their own, or mark a used code unused, then sign in with those codes.
// Two defences: the lifecycle keeps a keyed binding of the user id and the set beside it
// (engine/backup-binding.ts), so any such set is refused before a code is derived; and the
// digests of version 2 and 3 sets are bound to the user id, so a copied set's codes are wrong
// codes in another user's record even where no binding is checked (records being migrated).
import { describe, expect, it } from 'vitest';
import {
  MemoryStore,
  createTwoFactor,
  generateBackupCodes,
  generateTotp,
  parseBackupCodeSet,
  type ScryptFunction,
  type TwoFactorStore,
} from 'factorkit';
import { scryptAsync } from '@noble/hashes/scrypt.js';

const T0 = 1_767_225_600_000 + 10_000;

const KEYRING = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } };
const FAST_KDF = { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true } as const;

async function twoUsers(store: TwoFactorStore, scrypt?: ScryptFunction) {
  const clock = { now: T0 };
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Example',
    clock: () => clock.now,
    keyring: KEYRING,
    backupCodes: { ...FAST_KDF, ...(scrypt ? { scrypt } : {}) },
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
  return { twoFactor, clock, later, codes: codes as { alice: string[]; bob: string[] } };
}

/** The `code` of the FactorkitError `call` rejects with (undefined when it resolves). */
async function errorCode(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => (error as { code?: string }).code,
  );
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
  it("a set copied into another user's record is refused there, before any code is derived", async () => {
    const store = new MemoryStore();
    const { twoFactor, codes } = await twoUsers(store);
    await tamper(store, 'alice', 'bob', (alice, bob) => ({ ...bob, backupCodes: alice.backupCodes }));
    const tampered = (await store.get('bob'))!.data;
    for (const code of codes.alice) expect(await errorCode(twoFactor.verify('bob', code))).toBe('CORRUPT_RECORD');
    // Nothing was written over the evidence; the codes still work for their own user.
    expect((await store.get('bob'))!.data).toBe(tampered);
    expect(await twoFactor.verify('alice', codes.alice[0]!)).toMatchObject({ ok: true, method: 'backup' });
  });

  it("a whole record copied into another user's record does not let its codes in", async () => {
    const store = new MemoryStore();
    const { twoFactor, codes } = await twoUsers(store);
    await tamper(store, 'alice', 'bob', (alice) => alice);
    for (const code of codes.alice) expect(await errorCode(twoFactor.verify('bob', code))).toBe('CORRUPT_RECORD');
  });

  it('while records are migrated (bindings not required), a copied set still verifies none of its codes', async () => {
    const store = new MemoryStore();
    const { clock, later, codes } = await twoUsers(store);
    const migrating = createTwoFactor({
      store,
      issuer: 'Example',
      clock: () => clock.now,
      keyring: KEYRING,
      migratePlaintextSecrets: true,
      backupCodes: FAST_KDF,
      warn: () => {},
    });
    // The set without its binding, as a record written before bindings existed would hold it.
    await tamper(store, 'alice', 'bob', (alice, bob) => {
      const { backupCodesBinding: _binding, ...rest } = bob;
      return { ...rest, backupCodes: alice.backupCodes };
    });
    for (const code of codes.alice) {
      later();
      expect(await migrating.verify('bob', code)).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it("a set of the attacker's own codes, made for the victim's user id, is refused", async () => {
    const store = new MemoryStore();
    const { twoFactor } = await twoUsers(store);
    const planted = await generateBackupCodes({ context: 'bob', ...FAST_KDF });
    await tamper(store, 'bob', 'bob', (bob) => ({ ...bob, backupCodes: planted.set }));
    expect(await errorCode(twoFactor.verify('bob', planted.codes[0]!))).toBe('CORRUPT_RECORD');
    // Nor does dropping the binding help: a set without one is refused under a keyring.
    await tamper(store, 'bob', 'bob', (bob) => {
      const { backupCodesBinding: _binding, ...rest } = bob;
      return rest;
    });
    expect(await errorCode(twoFactor.verify('bob', planted.codes[0]!))).toBe('CORRUPT_RECORD');
  });

  it('a used code marked unused again in the database is refused', async () => {
    const store = new MemoryStore();
    const { twoFactor, codes } = await twoUsers(store);
    expect(await twoFactor.verify('bob', codes.bob[0]!)).toMatchObject({ ok: true, method: 'backup' });
    expect(await twoFactor.verify('bob', codes.bob[0]!)).toEqual({ ok: false, reason: 'replayed' });
    await tamper(store, 'bob', 'bob', (bob) => {
      const reset = bob.backupCodes.codes.map((code: object) => ({ ...code, usedAt: null }));
      return { ...bob, backupCodes: { ...bob.backupCodes, codes: reset } };
    });
    expect(await errorCode(twoFactor.verify('bob', codes.bob[0]!))).toBe('CORRUPT_RECORD');
  });

  it('a binding made under a retired key is made again under the current key on the next write', async () => {
    const store = new MemoryStore();
    const { clock, codes } = await twoUsers(store);
    const k2 = new Uint8Array(32).fill(2);
    const lifecycle = (keys: Record<string, Uint8Array>) =>
      createTwoFactor({
        store,
        issuer: 'Example',
        clock: () => clock.now,
        keyring: { currentKeyId: 'k2', keys },
        backupCodes: FAST_KDF,
        warn: () => {},
      });
    // A write under the new key (a wrong code counted) re-makes the binding of the kept set...
    expect(await lifecycle({ k1: KEYRING.keys.k1, k2 }).verify('bob', '000000')).toMatchObject({ ok: false });
    expect(JSON.parse((await store.get('bob'))!.data).backupCodesBinding.keyId).toBe('k2');
    // ...so the old key can leave the keyring and the codes still work.
    clock.now += 16 * 60_000;
    expect(await lifecycle({ k2 }).verify('bob', codes.bob[1]!)).toMatchObject({ ok: true, method: 'backup' });
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

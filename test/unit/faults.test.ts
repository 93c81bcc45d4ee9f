import { describe, expect, it } from 'vitest';
import { MemoryStore, createTwoFactor, generateTotp, isFactorkitError } from 'factorkit';
import { FaultyStore, InjectedStoreFault } from 'factorkit/testing';

const write = { status: 'pending', data: 'x', updatedAt: 1 } as const;

describe('FaultyStore', () => {
  it('forwards every call while disarmed', async () => {
    const store = new FaultyStore(new MemoryStore());
    expect(await store.create('u', write)).toMatchObject({ version: 1 });
    expect(await store.compareAndSet('u', 1, write)).toMatchObject({ version: 2 });
    expect((await store.list({ limit: 10 })).records).toHaveLength(1);
    expect(await store.delete('u', 2)).toBe(true);
    expect(await store.get('u')).toBeNull();
    expect(store.calls).toBe(5);
  });

  it("'before': the k-th call throws and never reaches the wrapped store; later calls work", async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner);
    store.arm(2, 'before');
    expect(await store.get('u')).toBeNull();
    const error = await store.create('u', write).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InjectedStoreFault);
    expect((error as InjectedStoreFault).callNumber).toBe(2);
    expect(await inner.get('u')).toBeNull();
    expect(await store.create('u', write)).toMatchObject({ version: 1 });
  });

  it("'after': the k-th call is applied, then throws", async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner);
    store.arm(1, 'after');
    await expect(store.create('u', write)).rejects.toBeInstanceOf(InjectedStoreFault);
    expect(await inner.get('u')).toMatchObject({ version: 1 });
  });

  it('arm resets the count; disarm stops the faults', async () => {
    const store = new FaultyStore(new MemoryStore());
    await store.get('a');
    store.arm(1);
    expect(store.calls).toBe(0);
    await expect(store.get('a')).rejects.toBeInstanceOf(InjectedStoreFault);
    store.arm(1);
    store.disarm();
    expect(await store.get('a')).toBeNull();
  });
});

describe('lifecycle over a failing store', () => {
  it('reports STORE_ERROR with the injected fault as cause, and a wrong-looking outcome never appears', async () => {
    let now = 1_767_225_610_000;
    const store = new FaultyStore(new MemoryStore());
    const twoFactor = createTwoFactor({
      store,
      issuer: 'X',
      clock: () => now,
      warn: () => {},
      backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
    });
    const { secret } = await twoFactor.beginEnrollment('u', { account: 'a' });
    store.arm(2, 'before'); // get succeeds, the compareAndSet of the confirmation fails
    const error = await twoFactor
      .confirmEnrollment('u', generateTotp(secret, { time: now }))
      .catch((caught: unknown) => caught);
    expect(isFactorkitError(error, 'STORE_ERROR')).toBe(true);
    // A redacted copy of the driver's error: its name and message, nothing it may carry.
    const cause = (error as Error).cause as Error;
    expect(cause.name).toBe('InjectedStoreFault');
    expect(cause.message).toBe('injected store fault at call 2');
    expect(cause).not.toBeInstanceOf(InjectedStoreFault);
    expect(await twoFactor.status('u')).toBe('pending');
    now += 30_000;
    expect((await twoFactor.confirmEnrollment('u', generateTotp(secret, { time: now }))).ok).toBe(true);
  });
});

// Issue 28: listUsers counts each record's active factors from its factor list alone, without
// validating the whole record; a record it cannot read at all is still reported as null.
import { describe, expect, it } from 'vitest';
import { MemoryStore, createTwoFactor, generateTotp } from '../../src/index.js';

/** A lifecycle over its own MemoryStore, with a clock each test moves itself. */
function setup() {
  const store = new MemoryStore();
  const clock = { now: 1_767_225_610_000 };
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Example',
    clock: () => clock.now,
    warn: () => {},
    backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
  });
  return { store, clock, twoFactor };
}

describe('listUsers counts without parsing whole records', () => {
  it('counts active factors by type, reports unreadable records as null, and reads version 1 the full way', async () => {
    const { store, clock, twoFactor } = setup();
    const now = clock.now;
    const { secret } = await twoFactor.beginEnrollment('active', { account: 'a' });
    await twoFactor.confirmEnrollment('active', generateTotp(secret, { time: now }));
    await twoFactor.beginEnrollment('active', { account: 'a', name: 'Second' }); // pending: not counted
    await twoFactor.beginEnrollment('pending', { account: 'b' });
    await store.create('junk', { status: 'activated', data: 'not json', updatedAt: 1 });
    await store.create('strange', {
      status: 'activated',
      data: JSON.stringify({
        v: 2,
        factors: [{ type: 'nope', state: 'active' }, null, { type: 'totp', state: 'active' }],
      }),
      updatedAt: 1,
    });
    const { users } = await twoFactor.listUsers();
    const counts = Object.fromEntries(users.map((u) => [u.userId, u.activeFactors]));
    expect(counts).toEqual({
      active: { totp: 1 },
      pending: { totp: 0 },
      junk: null,
      // Unregistered types and non-objects are not counted; the rest of the record is not read.
      strange: { totp: 1 },
    });
  });
});

describe("the record's active summary (issue 28)", () => {
  it('every write puts the active counts first, and listUsers reads them without the rest of the record', async () => {
    const { store, clock, twoFactor } = setup();
    const { secret } = await twoFactor.beginEnrollment('ada', { account: 'a' });
    expect((await store.get('ada'))!.data.startsWith('{"v":2,"active":{},"factors":[')).toBe(true);
    await twoFactor.confirmEnrollment('ada', generateTotp(secret, { time: clock.now }));
    const second = await twoFactor.beginEnrollment('ada', { account: 'a', name: 'Second' });
    clock.now += 30_000; // the first app's next code: its last one is used
    await twoFactor.confirmEnrollment('ada', generateTotp(second.secret, { time: clock.now }), {
      factorId: second.factorId,
      currentCode: generateTotp(secret, { time: clock.now }),
    });
    const record = (await store.get('ada'))!;
    expect(record.data.startsWith('{"v":2,"active":{"totp":2},"factors":[')).toBe(true);
    // The rest of the record made unreadable: the listing still counts from the summary alone.
    const cut = record.data.slice(0, record.data.indexOf('"backupCodes"'));
    await store.compareAndSet('ada', record.version, {
      status: 'activated',
      data: `${cut}garbage`,
      updatedAt: clock.now,
    });
    expect((await twoFactor.listUsers()).users.map((u) => u.activeFactors)).toEqual([{ totp: 2 }]);
  });

  it('an attacker who edits the summary apart from the factors gets a corrupt record at the next call, not a changed decision', async () => {
    const { store, clock, twoFactor } = setup();
    const { secret } = await twoFactor.beginEnrollment('ada', { account: 'a' });
    await twoFactor.confirmEnrollment('ada', generateTotp(secret, { time: clock.now }));
    const record = (await store.get('ada'))!;
    const edited = record.data.replace('{"v":2,"active":{"totp":1}', '{"v":2,"active":{"totp":0}');
    expect(edited).not.toBe(record.data);
    await store.compareAndSet('ada', record.version, { status: 'activated', data: edited, updatedAt: clock.now });
    // The listing shows what the record claims (it never decides anything)...
    expect((await twoFactor.listUsers()).users.map((u) => u.activeFactors)).toEqual([{ totp: 0 }]);
    // ...and every operation, which reads the record whole, refuses it.
    await expect(twoFactor.verify('ada', generateTotp(secret, { time: clock.now + 30_000 }))).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
    });
    await expect(twoFactor.status('ada')).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
  });
});

// Issue 28: listUsers counts each record's active factors from its factor list alone, without
// validating the whole record; a record it cannot read at all is still reported as null.
import { describe, expect, it } from 'vitest';
import { MemoryStore, createTwoFactor, generateTotp } from '../../src/index.js';

describe('listUsers counts without parsing whole records', () => {
  it('counts active factors by type, reports unreadable records as null, and reads version 1 the full way', async () => {
    const store = new MemoryStore();
    const now = 1_767_225_610_000;
    const twoFactor = createTwoFactor({
      store,
      issuer: 'Example',
      clock: () => now,
      warn: () => {},
      backupCodes: { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true },
    });
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

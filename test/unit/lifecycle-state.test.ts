// Round trips of the internal record format and of the secret sealer, as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateBackupCodes, isFactorkitError } from 'factorkit';
import { encodeBase64url } from '../../src/backup-codes/base64url.js';
import { deliveredCodes } from 'factorkit/delivered';
import { createRegistry } from '../../src/lifecycle/engine/registry.js';
import { parseState, serializeState } from '../../src/lifecycle/engine/state.js';
import { totpModule } from '../../src/lifecycle/factors/totp/index.js';
import { SecretSealer } from '../../src/lifecycle/kernel/crypto.js';
import type { RecordState } from '../../src/lifecycle/kernel/record.js';

const registry = createRegistry(totpModule('Example', {}), [deliveredCodes({ deliver: async () => {} })]);

const sealed = fc.oneof(
  fc.record({ enc: fc.constant('none' as const), secret: fc.base64String() }),
  fc.record({
    enc: fc.constant('A256GCM' as const),
    keyId: fc.string({ minLength: 1 }),
    iv: fc.base64String(),
    ct: fc.base64String(),
  }),
);
const totp = fc.record({
  algorithm: fc.constantFrom('SHA1' as const, 'SHA256' as const, 'SHA512' as const),
  digits: fc.integer({ min: 6, max: 10 }),
  period: fc.integer({ min: 1, max: 3600 }),
});
const time = fc.integer({ min: 0, max: 2 ** 45 });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(encodeBase64url);
const keyId = fc.option(fc.string({ minLength: 1, maxLength: 64 }));
const sends = fc.array(time, { maxLength: 10 }).map((times) => times.sort((a, b) => a - b));
const challengeId = fc.uint8Array({ minLength: 9, maxLength: 9 }).map((bytes) => `c_${encodeBase64url(bytes)}`);
const proof = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(encodeBase64url);

/** A delivered factor of every stored shape: each channel, with or without a code, pending or active with approvals. */
const deliveredFactor = fc.constantFrom('email', 'sms', 'telegram', 'voice', 'push').chain((channel) => {
  const code = fc.option(
    fc.oneof(
      fc.record({
        state: fc.constant('live' as const),
        channel: fc.constantFrom(channel, channel === 'voice' ? 'sms' : channel),
        keyId,
        hash,
        expiresAt: time,
        attemptsLeft: fc.integer({ min: 1, max: 10 }),
      }),
      fc.record({
        state: fc.constant('used' as const),
        channel: fc.constant(channel),
        keyId,
        hash,
        expiresAt: time,
      }),
    ),
  );
  const approvalCommon = {
    id: challengeId,
    keyId,
    approveHash: hash,
    denyHash: hash,
    matchHash: hash,
    createdAt: time,
    expiresAt: time,
  };
  const approval = fc.oneof(
    fc.record({ ...approvalCommon, state: fc.constant('pending' as const) }),
    fc.record({
      ...approvalCommon,
      state: fc.constantFrom('approved' as const, 'denied' as const),
      answeredAt: time,
      proof,
    }),
    fc.record({ ...approvalCommon, state: fc.constant('consumed' as const), answeredAt: time }),
  );
  const common = {
    type: fc.constant('delivered' as const),
    id: fc.string({ minLength: 1, maxLength: 64 }),
    name: fc.string({ minLength: 1, maxLength: 64 }),
    createdAt: time,
    lastUsedAt: fc.option(time),
    channel: fc.constant(channel),
    destination: sealed,
    code,
    sends,
    // Absent in records written before trusted sessions had an allowance of their own.
    trustedSends: sends,
    callsWithoutSuccess: channel === 'voice' ? fc.integer({ min: 0, max: 100 }) : fc.constant(0),
  };
  const required = Object.keys(common).filter((key) => key !== 'trustedSends') as (keyof typeof common)[];
  return fc.oneof(
    fc.record(
      { ...common, state: fc.constant('pending' as const), expiresAt: time },
      {
        requiredKeys: [...required, 'state', 'expiresAt'],
      },
    ),
    fc.record(
      {
        ...common,
        state: fc.constant('active' as const),
        activatedAt: time,
        approvals: fc.uniqueArray(approval, { maxLength: 5, selector: (a) => a.id }),
      },
      { requiredKeys: [...required, 'state', 'activatedAt', 'approvals'] },
    ),
  );
});

describe('record state format', async () => {
  const { set } = await generateBackupCodes({ kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true, count: 3 });
  const common = {
    type: fc.constant('totp' as const),
    id: fc.string({ minLength: 1, maxLength: 64 }),
    name: fc.string({ minLength: 1, maxLength: 64 }),
    createdAt: time,
    lastUsedAt: fc.option(time),
    secret: sealed,
    totp,
  };
  const factor = fc.oneof(
    fc.record({ ...common, state: fc.constant('pending' as const), expiresAt: time }),
    fc.record({
      ...common,
      state: fc.constant('active' as const),
      activatedAt: time,
      lastStep: fc.integer({ min: -1, max: 2 ** 40 }),
      driftSteps: fc.integer({ min: -2, max: 2 }),
    }),
  );
  const device = fc.record({
    id: fc.string({ minLength: 1, maxLength: 64 }),
    label: fc.option(fc.string({ minLength: 1, maxLength: 128 })),
    tokenHash: fc.base64String({ minLength: 4, maxLength: 44 }).filter((s) => s.length > 0),
    createdAt: time,
    expiresAt: time,
  });
  // The account's send history: absent until the first count, then both lists.
  const sendHistory = fc.record({
    unverified: fc.array(fc.record({ at: time, keyId, hash }), { maxLength: 6 }),
    approvals: fc
      .array(fc.record({ id: challengeId, at: time, outcome: fc.constantFrom('pending', 'approved', 'denied') }), {
        maxLength: 12,
      })
      .map((entries) => entries.sort((a, b) => a.at - b.at)),
  });
  const withoutSet: fc.Arbitrary<RecordState> = fc.record(
    {
      v: fc.constant(2 as const),
      factors: fc.uniqueArray(fc.oneof(factor, deliveredFactor), { maxLength: 6, selector: (f) => f.id }),
      backupCodes: fc.constant(null),
      throttle: fc.record({ failures: fc.nat(), lockedUntil: time, hardLockedAt: fc.option(time) }),
      devices: fc.array(device, { maxLength: 4 }),
      enrollmentSends: sends,
      sendHistory,
    },
    { requiredKeys: ['v', 'factors', 'backupCodes', 'throttle', 'devices', 'enrollmentSends'] },
  );
  // A set, with its keyed binding or (written before bindings) without.
  const state = fc.oneof(
    withoutSet,
    fc.tuple(withoutSet, fc.option(fc.record({ keyId, hash }), { nil: undefined })).map(([s, binding]) => ({
      ...s,
      backupCodes: set,
      ...(binding === undefined ? {} : { backupCodesBinding: binding }),
    })),
  );

  it('parse(serialize(state)) is the same state', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(parseState('user', serializeState(s), registry)).toEqual(s);
      }),
    );
  });

  it('any other JSON is either a valid state or CORRUPT_RECORD, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (data) => {
        try {
          parseState('user', data, registry);
        } catch (error) {
          expect(isFactorkitError(error, 'CORRUPT_RECORD')).toBe(true);
        }
      }),
    );
  });
});

describe('SecretSealer', () => {
  const sealer = new SecretSealer({ currentKeyId: 'a', keys: { a: new Uint8Array(32).fill(7) } });

  it('opens what it sealed, for the same user only', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1 }),
        async (secret, userId) => {
          const box = await sealer.seal(userId, secret);
          expect(box).toMatchObject({ enc: 'A256GCM', keyId: 'a' });
          expect(await sealer.open(userId, box)).toEqual(secret);
          const other = await sealer.open(`${userId}x`, box).catch((error: unknown) => error);
          expect(isFactorkitError(other, 'DECRYPTION_FAILED')).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses malformed IVs and ciphertexts with DECRYPTION_FAILED', async () => {
    const box = await sealer.seal('u', new Uint8Array(20).fill(1));
    if (box.enc !== 'A256GCM') throw new Error('expected ciphertext');
    for (const bad of [
      { ...box, iv: '' },
      { ...box, iv: '!!' },
      { ...box, ct: '*' },
      { ...box, ct: box.ct.slice(0, 8) },
      { ...box, keyId: 'b' },
    ]) {
      const error = await sealer.open('u', bad).catch((caught: unknown) => caught);
      expect(isFactorkitError(error, 'DECRYPTION_FAILED')).toBe(true);
    }
  });
});

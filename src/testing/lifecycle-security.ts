// The lifecycle's security properties over the store under test, written the way an attacker
// acts: someone who knows the password and guesses codes, someone holding only a session, and
// someone with write access to the database who edits a stored record and then calls the API.
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../backup-codes/base64url.js';
import { generateBackupCodes } from '../backup-codes/index.js';
import { decodeBase32, encodeBase32 } from '../base32/index.js';
import { isFactorkitError } from '../errors/index.js';
import type { TwoFactorEvent, TwoFactorOptions } from '../lifecycle/index.js';
import { generateTotp } from '../otp/index.js';
import type { StoredRecord, TwoFactorStore } from '../stores/index.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { deliveredCodes } from '../lifecycle/factors/delivered/index.js';
import { FaultyStore } from './faulty-store.js';
import { FAST_KDF, Outbox, TestClock, enroll, enrollDelivered, lifecycle, totpNow, uniquePrefix } from './harness.js';

/** The stored record's data as JSON, for an attacker's edits. */
// biome-ignore lint/suspicious/noExplicitAny: the attacker edits whatever JSON is stored.
type RecordJson = any;

async function editRecord(
  store: TwoFactorStore,
  userId: string,
  edit: (data: RecordJson, record: StoredRecord) => RecordJson,
): Promise<string> {
  const record = await store.get(userId);
  if (record === null) throw new Error(`no record for ${userId}`);
  const data = JSON.stringify(edit(JSON.parse(record.data), record));
  const written = await store.compareAndSet(userId, record.version, { status: record.status, data, updatedAt: 1 });
  if (written === null) throw new Error('the edit lost a race');
  return data;
}

async function errorCode(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return isFactorkitError(error) ? error.code : error;
}

function recorder(): { events: TwoFactorEvent[]; onEvent: TwoFactorOptions['onEvent'] } {
  const events: TwoFactorEvent[] = [];
  return { events, onEvent: (event) => void events.push(event) };
}

const wrongTotp = (code: string) => ((Number(code) + 500_000) % 1_000_000).toString().padStart(6, '0');

export function lifecycleSecuritySuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('lifecycle security, as an attacker would act', () => {
    it('400 wrong codes, waiting out every back-off: at most maxConsecutiveFailures are evaluated, then even the right code is refused until unlock', async () => {
      const clock = new TestClock();
      const { events, onEvent } = recorder();
      const twoFactor = lifecycle(await useStore(), clock, { onEvent });
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      events.length = 0;
      for (let attempt = 0; attempt < 400; attempt++) {
        clock.advance(16 * 60_000); // past the longest timed lock (15 min)
        await twoFactor.verify(userId, wrongTotp(totpNow(enrolled, clock)));
      }
      const evaluated = events.filter((e) => e.type === 'verify-failed' && e.reason === 'invalid');
      expect(evaluated).toHaveLength(20);
      expect(events.filter((e) => e.type === 'hard-locked')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'verify-failed' && e.reason === 'hard-locked')).toHaveLength(380);
      expect(await twoFactor.throttleStatus(userId)).toEqual({ failures: 20, retryAfterMs: 0, hardLocked: true });

      clock.advance(24 * 3600_000);
      expect(await twoFactor.verify(userId, totpNow(enrolled, clock))).toEqual({ ok: false, reason: 'hard-locked' });
      expect(await twoFactor.verify(userId, enrolled.backupCodes[0]!)).toEqual({ ok: false, reason: 'hard-locked' });
      expect(await twoFactor.unlock(userId, { actor: 'support:grace' })).toEqual({ ok: true });
      expect(events.at(-1)).toEqual({ type: 'unlocked', userId, at: clock.nowMs, actor: 'support:grace' });
      expect(await twoFactor.throttleStatus(userId)).toEqual({ failures: 0, retryAfterMs: 0, hardLocked: false });
      expect((await twoFactor.verify(userId, totpNow(enrolled, clock))).ok).toBe(true);
    });

    it('with a keyring, a secret rewritten in clear in the database is refused, and the record is left as the attacker wrote it', async () => {
      const clock = new TestClock();
      const store = await useStore();
      const twoFactor = lifecycle(store, clock);
      const userId = `${uniquePrefix()}user`;
      await enroll(twoFactor, userId, clock);
      const planted = encodeBase32(globalThis.crypto.getRandomValues(new Uint8Array(20)));
      const tampered = await editRecord(store, userId, (data) => {
        data.factors[0].secret = { enc: 'none', secret: encodeBase64url(decodeBase32(planted)) };
        return data;
      });
      const code = generateTotp(planted, { time: clock.nowMs });
      expect(await errorCode(twoFactor.verify(userId, code))).toBe('UNENCRYPTED_SECRET');
      expect(await errorCode(twoFactor.disable(userId, code))).toBe('UNENCRYPTED_SECRET');
      // Nothing re-encrypted the planted secret: the trace is still there for an investigation.
      expect((await store.get(userId))!.data).toBe(tampered);
    });

    it("backup codes copied from another user's record, or planted, in the database sign nobody in", async () => {
      const clock = new TestClock();
      const store = await useStore();
      const twoFactor = lifecycle(store, clock);
      const alice = `${uniquePrefix()}alice`;
      const bob = `${uniquePrefix()}bob`;
      const aliceCodes = await enroll(twoFactor, alice, clock);
      await enroll(twoFactor, bob, clock);
      const aliceData = JSON.parse((await store.get(alice))!.data);
      // The set alone: it does not match Bob's keyed binding...
      await editRecord(store, bob, (data) => ({ ...data, backupCodes: aliceData.backupCodes }));
      expect(await errorCode(twoFactor.verify(bob, aliceCodes.backupCodes[0]!))).toBe('CORRUPT_RECORD');
      // ...with Alice's binding: that one binds Alice's user id...
      await editRecord(store, bob, (data) => ({
        ...data,
        backupCodes: aliceData.backupCodes,
        backupCodesBinding: aliceData.backupCodesBinding,
      }));
      expect(await errorCode(twoFactor.verify(bob, aliceCodes.backupCodes[0]!))).toBe('CORRUPT_RECORD');
      // ...and the whole record: the secret does not open for Bob, the set is not his.
      await editRecord(store, bob, () => aliceData);
      expect(await errorCode(twoFactor.verify(bob, aliceCodes.backupCodes[1]!))).toBe('CORRUPT_RECORD');
      expect(await errorCode(twoFactor.verify(bob, totpNow(aliceCodes, clock)))).toBe('DECRYPTION_FAILED');
      // Planting a set of codes the attacker made for Bob's id does not work either.
      const planted = await generateBackupCodes({ context: bob, kdf: FAST_KDF, allowWeakKdf: true });
      await editRecord(store, bob, (data) => ({ ...data, backupCodes: planted.set }));
      expect(await errorCode(twoFactor.verify(bob, planted.codes[0]!))).toBe('CORRUPT_RECORD');
      // Alice's own codes still work for Alice.
      expect(await twoFactor.verify(alice, aliceCodes.backupCodes[2]!)).toMatchObject({ ok: true, method: 'backup' });
    });

    it('an app migrating plaintext records opts in, and then the next write encrypts them', async () => {
      const clock = new TestClock();
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(lifecycle(store, clock, { keyring: undefined }), userId, clock);
      expect(JSON.parse((await store.get(userId))!.data).factors[0].secret.enc).toBe('none');
      const migrating = lifecycle(store, clock, { migratePlaintextSecrets: true });
      expect((await migrating.verify(userId, totpNow(enrolled, clock))).ok).toBe(true);
      expect(JSON.parse((await store.get(userId))!.data).factors[0].secret.enc).toBe('A256GCM');
      clock.advance(30_000);
      expect((await lifecycle(store, clock).verify(userId, totpNow(enrolled, clock))).ok).toBe(true);
    });

    it('a session alone cannot add a factor of its own: confirming one on an active account needs a code of a factor it has', async () => {
      const clock = new TestClock();
      const { events, onEvent } = recorder();
      const twoFactor = lifecycle(await useStore(), clock, { onEvent });
      const userId = `${uniquePrefix()}user`;
      const victim = await enroll(twoFactor, userId, clock);
      events.length = 0;
      const attacker = await twoFactor.beginEnrollment(userId, { account: 'attacker@example.com' });
      const attackerCode = generateTotp(attacker.secret, { time: clock.nowMs });
      expect(await twoFactor.confirmEnrollment(userId, attackerCode)).toEqual({
        ok: false,
        reason: 'current-code-required',
      });
      const wrongCurrent = wrongTotp(totpNow(victim, clock));
      expect(await twoFactor.confirmEnrollment(userId, attackerCode, { currentCode: wrongCurrent })).toEqual({
        ok: false,
        reason: 'invalid',
      });
      expect(await twoFactor.throttleStatus(userId)).toMatchObject({ failures: 1 });
      // The attacker's secret signs nothing in; the victim's factor and backup codes still work.
      expect(await twoFactor.verify(userId, attackerCode)).toMatchObject({ ok: false });
      expect((await twoFactor.verify(userId, victim.backupCodes[0]!)).ok).toBe(true);
      expect(events.some((e) => e.type === 'factor-added' || e.type === 'enabled')).toBe(false);
      expect((await twoFactor.listFactors(userId)).map((f) => f.status)).toEqual(['active', 'pending']);

      // With a current code, the owner adds the second authenticator: both sign in, no new backup codes.
      clock.advance(30_000);
      const ownCode = generateTotp(attacker.secret, { time: clock.nowMs });
      const added = await twoFactor.confirmEnrollment(userId, ownCode, { currentCode: totpNow(victim, clock) });
      expect(added).toEqual({ ok: true, backupCodes: [], factorId: attacker.factorId });
      expect(events.filter((e) => e.type === 'factor-added')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'enabled')).toHaveLength(0);
      clock.advance(30_000);
      expect(await twoFactor.verify(userId, victim.backupCodes[1]!)).toMatchObject({ ok: true });
      expect(await twoFactor.verify(userId, generateTotp(attacker.secret, { time: clock.nowMs }))).toMatchObject({
        ok: true,
        factorId: attacker.factorId,
      });
    });

    it("a store driver's error reaches the app without the record it was writing", async () => {
      const clock = new TestClock();
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(lifecycle(store, clock, { keyring: undefined }), userId, clock);
      const plaintext = JSON.parse((await store.get(userId))!.data).factors[0].secret.secret as string;
      // A driver error the way ioredis builds one: the command and its arguments attached.
      const leaky: TwoFactorStore = {
        get: (id) => store.get(id),
        create: (id, write) => store.create(id, write),
        delete: (id, version) => store.delete(id, version),
        list: (options) => store.list(options),
        compareAndSet: async (id, version, write) => {
          const error = new Error('READONLY You cannot write against a read only replica.');
          Object.assign(error, { command: { name: 'evalsha', args: [id, String(version), write.data] } });
          throw error;
        },
      };
      const twoFactor = lifecycle(leaky, clock, { keyring: undefined });
      const error = await twoFactor.verify(userId, totpNow(enrolled, clock)).catch((caught: unknown) => caught);
      expect(isFactorkitError(error, 'STORE_ERROR')).toBe(true);
      const seen = JSON.stringify(error, Object.getOwnPropertyNames(error)) + JSON.stringify((error as Error).cause);
      expect(String((error as Error).cause)).toContain('READONLY');
      expect(seen).not.toContain(plaintext);
      expect(seen).not.toContain('evalsha');
      expect(Object.keys((error as Error).cause as object)).not.toContain('command');
    });

    it('input longer than any code is malformed at once and not counted, in every operation', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      const huge = `${' '.repeat(10 * 1024 * 1024)}${totpNow(enrolled, clock)}`;
      expect(await twoFactor.verify(userId, huge)).toEqual({ ok: false, reason: 'malformed' });
      expect(await twoFactor.regenerateBackupCodes(userId, huge)).toEqual({ ok: false, reason: 'malformed' });
      expect(await twoFactor.disable(userId, `${enrolled.backupCodes[0]!}${'-'.repeat(100)}`)).toEqual({
        ok: false,
        reason: 'malformed',
      });
      const next = await twoFactor.beginEnrollment(userId, { account: 'a' });
      const newCode = generateTotp(next.secret, { time: clock.nowMs });
      expect(await twoFactor.confirmEnrollment(userId, `${' '.repeat(100)}${newCode}`)).toEqual({
        ok: false,
        reason: 'malformed',
      });
      expect(await twoFactor.throttleStatus(userId)).toEqual({ failures: 0, retryAfterMs: 0, hardLocked: false });
    });

    it('enrollment makes secrets as long as the HMAC output: 20, 32 and 64 bytes (RFC 6238 §5.1)', async () => {
      const clock = new TestClock();
      const store = await useStore();
      for (const [algorithm, bytes] of [
        ['SHA1', 20],
        ['SHA256', 32],
        ['SHA512', 64],
      ] as const) {
        const twoFactor = lifecycle(store, clock, { totp: { algorithm } });
        const userId = `${uniquePrefix()}user`;
        const { secret, uri } = await twoFactor.beginEnrollment(userId, { account: 'ada@example.com' });
        expect(decodeBase32(secret)).toHaveLength(bytes);
        if (algorithm !== 'SHA1') expect(uri).toContain(`algorithm=${algorithm}`);
        const code = generateTotp(secret, { time: clock.nowMs, algorithm });
        expect((await twoFactor.confirmEnrollment(userId, code)).ok).toBe(true);
      }
    });

    it('support: resetByAdmin turns 2FA off without a code and names the actor; no event carries a code or secret', async () => {
      const clock = new TestClock();
      const { events, onEvent } = recorder();
      const twoFactor = lifecycle(await useStore(), clock, { onEvent });
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      await twoFactor.verify(userId, wrongTotp(totpNow(enrolled, clock)));
      await twoFactor.verify(userId, enrolled.backupCodes[0]!);
      expect(await errorCode(twoFactor.resetByAdmin(userId, { actor: '' }))).toBe('INVALID_ARGUMENT');
      expect(await twoFactor.resetByAdmin(userId, { actor: 'support:grace' })).toEqual({ ok: true });
      expect(await twoFactor.status(userId)).toBe('not-activated');
      expect(await twoFactor.remainingBackupCodes(userId)).toBe(0);
      expect(await twoFactor.verify(userId, enrolled.backupCodes[1]!)).toEqual({ ok: false, reason: 'not-enrolled' });
      expect(events.slice(-2)).toEqual([
        { type: 'reset-by-admin', userId, at: clock.nowMs, actor: 'support:grace' },
        { type: 'sessions-should-end', userId, at: clock.nowMs, change: 'reset-by-admin' },
      ]);
      expect(await twoFactor.resetByAdmin(`${userId}-nobody`, { actor: 'support:grace' })).toEqual({
        ok: false,
        reason: 'not-enrolled',
      });

      const audit = events.filter((e) => e.type === 'verify-succeeded' || e.type === 'verify-failed');
      expect(audit.map((e) => `${e.type}:${e.method}`)).toEqual([
        'verify-succeeded:totp', // enrollment
        'verify-failed:totp',
        'verify-succeeded:backup',
      ]);
      const everything = JSON.stringify(events);
      for (const secretOrCode of [enrolled.secret, ...enrolled.backupCodes, totpNow(enrolled, clock)]) {
        expect(everything).not.toContain(secretOrCode);
      }
      const rawSecret = encodeBase64url(decodeBase32(enrolled.secret));
      expect(everything).not.toContain(rawSecret);
      expect(decodeBase64url(rawSecret)).toEqual(decodeBase32(enrolled.secret));
    });

    describe('issue 25: remembered devices, hard locks, bad input and clocks, as an attacker would act', () => {
      it("E6: a remembered-device entry copied from one user's record into another's does not skip the second step", async () => {
        const clock = new TestClock();
        const store = await useStore();
        const twoFactor = lifecycle(store, clock);
        const [alice, mallory] = [`${uniquePrefix()}alice`, `${uniquePrefix()}mallory`];
        await enroll(twoFactor, alice, clock);
        await enroll(twoFactor, mallory, clock);
        const remembered = await twoFactor.rememberDevice(alice, { label: 'Alice laptop' });
        if (!remembered.ok) throw new Error(remembered.reason);
        expect(await twoFactor.checkRememberedDevice(alice, remembered.token)).toMatchObject({ ok: true });
        // Alice's token is stolen; the attacker, who can write to the database, copies her entry
        // into the account they want (here their own stand-in for a victim) and replays the token.
        const aliceDevices = JSON.parse((await store.get(alice))!.data).devices;
        await editRecord(store, mallory, (data) => ({ ...data, devices: aliceDevices }));
        expect(await twoFactor.checkRememberedDevice(mallory, remembered.token)).toEqual({
          ok: false,
          reason: 'invalid',
        });
        // Nor can they plant a hash of a token of their own: it is keyed under the keyring.
        const [device] = aliceDevices;
        const planted = {
          ...device,
          tokenHash: device.tokenHash.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A')),
        };
        await editRecord(store, alice, (data) => ({ ...data, devices: [planted] }));
        expect(await twoFactor.checkRememberedDevice(alice, remembered.token)).toEqual({
          ok: false,
          reason: 'invalid',
        });
      });

      it('E7: a hard lock stops a remembered device until support unlocks the account', async () => {
        const clock = new TestClock();
        const twoFactor = lifecycle(await useStore(), clock);
        const userId = `${uniquePrefix()}user`;
        const enrolled = await enroll(twoFactor, userId, clock);
        const remembered = await twoFactor.rememberDevice(userId);
        if (!remembered.ok) throw new Error(remembered.reason);
        for (let attempt = 0; attempt < 20; attempt++) {
          clock.advance(16 * 60_000);
          await twoFactor.verify(userId, wrongTotp(totpNow(enrolled, clock)));
        }
        expect(await twoFactor.throttleStatus(userId)).toMatchObject({ hardLocked: true });
        expect(await twoFactor.checkRememberedDevice(userId, remembered.token)).toEqual({
          ok: false,
          reason: 'hard-locked',
        });
        await twoFactor.unlock(userId, { actor: 'support' });
        expect(await twoFactor.checkRememberedDevice(userId, remembered.token)).toMatchObject({ ok: true });
      });

      it('E9: user ids with U+0000 or a lone surrogate are INVALID_ARGUMENT on every call, never STORE_ERROR', async () => {
        const twoFactor = lifecycle(await useStore(), new TestClock());
        for (const userId of [`${uniquePrefix()}a\u0000b`, `${uniquePrefix()}\uD800`, `${uniquePrefix()}x\uDC00y`]) {
          const calls: Promise<unknown>[] = [
            twoFactor.status(userId),
            twoFactor.verify(userId, '123456'),
            twoFactor.beginEnrollment(userId, { account: 'a' }),
            twoFactor.listFactors(userId),
            twoFactor.checkRememberedDevice(userId, 'd_x.y'),
            twoFactor.throttleStatus(userId),
            twoFactor.stepUp(userId, '123456'),
          ];
          for (const call of calls) expect(await errorCode(call)).toBe('INVALID_ARGUMENT');
        }
      });

      it('E7: a hard lock stops an approval asked for before it, even one answered: the waiting page reads hard-locked', async () => {
        const clock = new TestClock();
        const outbox = new Outbox();
        const twoFactor = lifecycle(await useStore(), clock, {
          factors: [deliveredCodes({ deliver: outbox.deliver })],
          throttle: { maxConsecutiveFailures: 3 },
        });
        const userId = `${uniquePrefix()}user`;
        const { factorId } = await enrollDelivered(twoFactor, outbox, userId, clock, 'telegram', '123456789');
        const requested = await twoFactor.requestApproval(userId, { factorId });
        if (!requested.ok) throw new Error(requested.reason);
        // Meanwhile the attacker guesses backup codes until the account is locked for good.
        for (const guess of ['AAAA-AAAA-AAAA-AAAA', 'BBBB-BBBB-BBBB-BBBB', 'CCCC-CCCC-CCCC-CCCC']) {
          await twoFactor.verify(userId, guess);
        }
        expect(await twoFactor.throttleStatus(userId)).toMatchObject({ hardLocked: true });
        const { approveToken } = outbox.lastApproval();
        await twoFactor.approve(approveToken, { matchNumber: requested.matchNumber });
        expect(await twoFactor.approvalStatus(userId, requested.challengeId)).toEqual({ status: 'hard-locked' });
      });

      it('E9: an approval token whose user part holds U+0000 is an invalid token, never STORE_ERROR', async () => {
        const clock = new TestClock();
        const outbox = new Outbox();
        const twoFactor = lifecycle(await useStore(), clock, {
          factors: [deliveredCodes({ deliver: outbox.deliver })],
        });
        const userId = `${uniquePrefix()}user`;
        const { factorId } = await enrollDelivered(twoFactor, outbox, userId, clock, 'telegram', '123456789');
        const requested = await twoFactor.requestApproval(userId, { factorId });
        if (!requested.ok) throw new Error(requested.reason);
        const [, challengeId, secret] = outbox.lastApproval().approveToken.split('.');
        for (const user of [`${userId}\u0000`, '\u0000', `a\u0000${userId}`]) {
          const crafted = `${encodeBase64url(new TextEncoder().encode(user))}.${challengeId}.${secret}`;
          expect(await twoFactor.approve(crafted)).toEqual({ ok: false, reason: 'invalid' });
          expect(await twoFactor.deny(crafted)).toEqual({ ok: false, reason: 'invalid' });
        }
        expect(await twoFactor.approvalStatus(userId, requested.challengeId)).toEqual({ status: 'pending' });
      });

      it('D6: new backup codes whose reply was lost after the commit: the retry of that call (same code, same retryKey) gets the same codes, an onlooker with the code gets none', async () => {
        const clock = new TestClock();
        const store = await useStore();
        const faulty = new FaultyStore(store);
        const twoFactor = lifecycle(faulty, clock);
        const userId = `${uniquePrefix()}user`;
        const { secret, factorId } = await twoFactor.beginEnrollment(userId, { account: 'ada' });
        const code = generateTotp(secret, { time: clock.nowMs });
        const retryKey = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
        faulty.arm(2, 'after'); // the write commits, then its reply is lost
        expect(await errorCode(twoFactor.confirmEnrollment(userId, code, { factorId, retryKey }))).toBe('STORE_ERROR');
        faulty.disarm();
        expect(await twoFactor.status(userId)).toBe('activated');
        // Someone who saw the code, with the session but not the page's key: nothing.
        expect(await twoFactor.confirmEnrollment(userId, code, { factorId })).toEqual({
          ok: false,
          reason: 'unknown-factor',
        });
        const otherKey = `${retryKey}-x`;
        expect(await twoFactor.confirmEnrollment(userId, code, { factorId, retryKey: otherKey })).toMatchObject({
          ok: false,
        });
        const retried = await twoFactor.confirmEnrollment(userId, code, { factorId, retryKey });
        if (!retried.ok) throw new Error(`the retry was refused: ${retried.reason}`);
        expect(retried).toEqual({ ok: true, backupCodes: expect.any(Array), factorId });
        expect(retried.backupCodes).toHaveLength(5);
        expect(await twoFactor.confirmEnrollment(userId, code, { factorId, retryKey })).toEqual(retried);
        // They are the codes in force, and none is stored in clear.
        expect(await twoFactor.verify(userId, retried.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup' });
        for (const backupCode of retried.backupCodes) expect((await store.get(userId))!.data).not.toContain(backupCode);

        clock.advance(30_000);
        const current = generateTotp(secret, { time: clock.nowMs });
        faulty.arm(2, 'after');
        expect(await errorCode(twoFactor.regenerateBackupCodes(userId, current, { retryKey }))).toBe('STORE_ERROR');
        faulty.disarm();
        expect(await twoFactor.regenerateBackupCodes(userId, current)).toEqual({ ok: false, reason: 'replayed' });
        const again = await twoFactor.regenerateBackupCodes(userId, current, { retryKey });
        if (!again.ok) throw new Error(`the retry was refused: ${again.reason}`);
        expect(await twoFactor.verify(userId, again.backupCodes[1]!)).toMatchObject({ ok: true, method: 'backup' });
        expect(await twoFactor.verify(userId, retried.backupCodes[1]!)).toMatchObject({ ok: false });
        // Ten minutes on, the copy is worth nothing, and the next write drops it.
        clock.advance(10 * 60_000);
        expect(await twoFactor.regenerateBackupCodes(userId, current, { retryKey })).toMatchObject({ ok: false });
        expect(await twoFactor.verify(userId, totpNow({ secret, backupCodes: [] }, clock))).toMatchObject({ ok: true });
        expect(JSON.parse((await store.get(userId))!.data).issuedBackupCodes).toBeUndefined();
      });

      it('D8: 20 wrong backup codes sent in parallel cost at most maxFailures key derivations, not 20', async () => {
        let derivations = 0;
        const counting = async (
          password: Uint8Array,
          salt: Uint8Array,
          params: { N: number; r: number; p: number; dkLen: number },
        ) => {
          derivations++;
          return scryptAsync(password, salt, params);
        };
        const clock = new TestClock();
        const twoFactor = lifecycle(await useStore(), clock, {
          backupCodes: { kdf: FAST_KDF, allowWeakKdf: true, scrypt: counting },
        });
        const userId = `${uniquePrefix()}user`;
        const enrolled = await enroll(twoFactor, userId, clock);
        derivations = 0;
        // Wrong codes of the right shape: each would need a derivation to be told wrong.
        const wrong = enrolled.backupCodes.map((code) => code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
        const guesses = Array.from({ length: 20 }, (_, i) =>
          wrong[i % wrong.length]!.replace(/.$/, (c) => (c === '2' ? '3' : '2')),
        );
        const results = await Promise.all(guesses.map((guess) => twoFactor.verify(userId, guess)));
        expect(results.filter((r) => r.ok)).toEqual([]);
        expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
        expect(results.filter((r) => !r.ok && r.reason === 'locked')).toHaveLength(15);
        expect(derivations).toBeLessThanOrEqual(5);
      });

      it('D13: a clock at or past 2^53 ms (or past the last Date) is INVALID_TIME, and nothing is written', async () => {
        const store = await useStore();
        let now = 1_767_225_600_000;
        const twoFactor = lifecycle(store, new TestClock(), { clock: () => now });
        const userId = `${uniquePrefix()}user`;
        for (const bad of [2 ** 53, 2 ** 53 + 2, 8.64e15 + 1, Number.MAX_VALUE]) {
          now = bad;
          expect(await errorCode(twoFactor.beginEnrollment(userId, { account: 'a' }))).toBe('INVALID_TIME');
        }
        expect(await store.get(userId)).toBeNull();
        now = 8.64e15;
        expect(await twoFactor.beginEnrollment(userId, { account: 'a' })).toMatchObject({
          factorId: expect.any(String),
        });
      });
    });
  });
}

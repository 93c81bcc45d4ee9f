// Several factors per user and remembered devices over the store under test: real parallel
// calls, backup codes typed as people type them, and a record written by the previous version
// read, used and migrated.
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../backup-codes/base64url.js';
import { LEGACY_CODE_LENGTH, randomCode } from '../backup-codes/code.js';
import { derive, kdfSaltV2, resolveScrypt } from '../backup-codes/kdf.js';
import type { BackupCodeSetV2 } from '../backup-codes/index.js';
import { decodeBase32 } from '../base32/index.js';
import { isFactorkitError } from '../errors/index.js';
import { generateTotp } from '../otp/index.js';
import { randomBytes } from '../otp/secret.js';
import type { TwoFactorStore } from '../stores/index.js';
import { TestClock, enroll, lifecycle, totpNow, uniquePrefix } from './harness.js';
import { RECORD_V1_FIXTURE } from './record-v1-fixture.js';

/**
 * A version-2 backup-code set as the previous version generated it for `userId` (a salt per
 * code, the position typed with the code), with cheap parameters, and its codes.
 */
async function previousVersionSet(userId: string): Promise<{ codes: string[]; set: BackupCodeSetV2 }> {
  const kdf = { N: 16, r: 8, p: 1 };
  const generationId = encodeBase64url(randomBytes(16));
  const symbols = Array.from({ length: 3 }, () => randomCode(LEGACY_CODE_LENGTH));
  const salts = symbols.map(() => randomBytes(16));
  const scrypt = resolveScrypt('auto');
  const digests = await Promise.all(
    symbols.map((code, i) => derive(scrypt, code, kdfSaltV2(userId, generationId, i, salts[i]!), kdf)),
  );
  return {
    codes: symbols.map((code, i) => `${i + 1}-${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}`),
    set: {
      version: 2,
      generationId,
      createdAt: 0,
      kdf: { algorithm: 'scrypt', ...kdf, dkLen: 32 },
      codes: symbols.map((_, i) => ({
        salt: encodeBase64url(salts[i]!),
        hash: encodeBase64url(digests[i]!),
        usedAt: null,
      })),
    },
  };
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (byte) => Number.parseInt(byte, 16));
}

export function lifecycleFactorsSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('several factors and remembered devices over the store', () => {
    it('a backup code signs in typed as printed, in lower case, without dashes or with spaces, and never twice', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const { backupCodes } = await enroll(twoFactor, userId, clock);
      // Printed as groups of letters and digits, nothing that reads as list numbering.
      for (const code of backupCodes) expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/);
      const typings = [
        backupCodes[0]!,
        backupCodes[1]!.toLowerCase(),
        backupCodes[2]!.replace(/-/g, ''),
        ` ${backupCodes[3]!.replace(/-/g, ' ')} `,
        backupCodes[4]!.toLowerCase().replace(/-/g, '\u00a0'),
      ];
      for (const [i, typed] of typings.entries()) {
        expect(await twoFactor.verify(userId, typed), JSON.stringify(typed)).toEqual({
          ok: true,
          method: 'backup',
          strength: 'look-up-secret',
          phishingResistant: false,
          remainingBackupCodes: 4 - i,
        });
      }
      // Used is used, however it is typed the second time; a position in front is no code.
      expect(await twoFactor.verify(userId, backupCodes[1]!.replace(/-/g, ''))).toEqual({
        ok: false,
        reason: 'replayed',
      });
      expect(await twoFactor.verify(userId, `1-${backupCodes[0]!}`)).toEqual({ ok: false, reason: 'malformed' });
      expect(await twoFactor.remainingBackupCodes(userId)).toBe(0);
    });

    it('a version-2 backup-code set stored by the previous version signs in with its positions, and is replaced by version 3', async () => {
      const clock = new TestClock();
      const store = await useStore();
      // A set written before sets had a keyed binding: read while the app migrates such records.
      const twoFactor = lifecycle(store, clock, { migratePlaintextSecrets: true });
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      const old = await previousVersionSet(userId);
      const record = (await store.get(userId))!;
      const { backupCodesBinding: _binding, ...unbound } = JSON.parse(record.data);
      const data = JSON.stringify({ ...unbound, backupCodes: old.set });
      expect(await store.compareAndSet(userId, record.version, { status: record.status, data, updatedAt: 1 })).not.toBe(
        null,
      );
      expect(await twoFactor.verify(userId, old.codes[1]!.toLowerCase())).toEqual({
        ok: true,
        method: 'backup',
        strength: 'look-up-secret',
        phishingResistant: false,
        remainingBackupCodes: 2,
      });
      // Without its position a version-2 code is malformed (not counted), rather than searched.
      expect(await twoFactor.verify(userId, old.codes[0]!.slice(2))).toEqual({ ok: false, reason: 'malformed' });
      expect(await twoFactor.verify(userId, old.codes[1]!)).toEqual({ ok: false, reason: 'replayed' });
      const fresh = await twoFactor.regenerateBackupCodes(userId, totpNow(enrolled, clock));
      expect(
        fresh.ok && fresh.backupCodes.every((code) => /^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}$/.test(code)),
      ).toBe(true);
      expect(JSON.parse((await store.get(userId))!.data).backupCodes.version).toBe(3);
      expect(await twoFactor.verify(userId, old.codes[2]!)).toEqual({ ok: false, reason: 'invalid' });
    });

    it('20 parallel verifies with one code of one of two authenticators: exactly one succeeds, naming it', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const first = await enroll(twoFactor, userId, clock);
      const second = await twoFactor.beginEnrollment(userId, { account: 'ada@example.com', name: 'Tablet' });
      const added = await twoFactor.confirmEnrollment(userId, generateTotp(second.secret, { time: clock.nowMs }), {
        currentCode: totpNow(first, clock),
      });
      expect(added).toMatchObject({ ok: true, factorId: second.factorId });
      clock.advance(30_000);
      const code = generateTotp(second.secret, { time: clock.nowMs });
      const results = await Promise.all(Array.from({ length: 20 }, () => twoFactor.verify(userId, code)));
      expect(results.filter((r) => r.ok)).toEqual([
        {
          ok: true,
          method: 'totp',
          factorId: second.factorId,
          strength: 'authenticator-app',
          phishingResistant: false,
          remainingBackupCodes: 5,
        },
      ]);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'replayed')).toBe(true);
      // Replay is per factor: the first authenticator's code of the same step still works.
      expect(await twoFactor.verify(userId, totpNow(first, clock))).toMatchObject({ ok: true, method: 'totp' });
    });

    it('adding a factor racing removeFactor of another: both writes land, none is lost', async () => {
      for (let round = 0; round < 3; round++) {
        const clock = new TestClock();
        const twoFactor = lifecycle(await useStore(), clock);
        const userId = `${uniquePrefix()}user`;
        const first = await enroll(twoFactor, userId, clock);
        const second = await twoFactor.beginEnrollment(userId, { account: 'a', name: 'Second' });
        await twoFactor.confirmEnrollment(userId, generateTotp(second.secret, { time: clock.nowMs }), {
          currentCode: totpNow(first, clock),
        });
        clock.advance(30_000);
        const third = await twoFactor.beginEnrollment(userId, { account: 'a', name: 'Third' });
        const [confirmed, removed] = await Promise.all([
          twoFactor.confirmEnrollment(userId, generateTotp(third.secret, { time: clock.nowMs }), {
            currentCode: totpNow(first, clock),
          }),
          twoFactor.removeFactor(userId, second.factorId, first.backupCodes[round]!),
        ]);
        expect(confirmed.ok).toBe(true);
        expect(removed).toEqual({ ok: true, twoFactorOff: false });
        const names = (await twoFactor.listFactors(userId)).map((f) => `${f.name}:${f.status}`);
        expect(names.sort()).toEqual(['Authenticator app:active', 'Third:active']);
      }
    });

    it('a remembered device skips the second step until any factor change, disable or reset forgets it', async () => {
      const clock = new TestClock();
      const store = await useStore();
      const twoFactor = lifecycle(store, clock);
      const userId = `${uniquePrefix()}user`;
      const first = await enroll(twoFactor, userId, clock);
      const remember = async () => {
        const remembered = await twoFactor.rememberDevice(userId, { label: 'Firefox' });
        if (!remembered.ok) throw new Error(remembered.reason);
        expect(await twoFactor.checkRememberedDevice(userId, remembered.token)).toEqual({
          ok: true,
          deviceId: remembered.deviceId,
        });
        return remembered;
      };
      // Only the hash of the token is stored.
      const one = await remember();
      expect((await store.get(userId))!.data).not.toContain(one.token.split('.')[1]!);
      expect(await twoFactor.checkRememberedDevice(userId, `${one.deviceId}.${'A'.repeat(43)}`)).toEqual({
        ok: false,
        reason: 'invalid',
      });
      // Adding a factor forgets it.
      const second = await twoFactor.beginEnrollment(userId, { account: 'a' });
      await twoFactor.confirmEnrollment(userId, generateTotp(second.secret, { time: clock.nowMs }), {
        currentCode: totpNow(first, clock),
      });
      expect(await twoFactor.checkRememberedDevice(userId, one.token)).toEqual({ ok: false, reason: 'invalid' });
      // Removing a factor forgets it.
      const two = await remember();
      clock.advance(30_000);
      expect((await twoFactor.removeFactor(userId, second.factorId, totpNow(first, clock))).ok).toBe(true);
      expect(await twoFactor.checkRememberedDevice(userId, two.token)).toEqual({ ok: false, reason: 'invalid' });
      // Forgetting one by one, and expiry.
      const three = await remember();
      expect(await twoFactor.listRememberedDevices(userId)).toEqual([
        { deviceId: three.deviceId, label: 'Firefox', createdAt: clock.nowMs, expiresAt: three.expiresAt },
      ]);
      expect(await twoFactor.forgetDevice(userId, three.deviceId)).toEqual({ ok: true });
      expect(await twoFactor.checkRememberedDevice(userId, three.token)).toEqual({ ok: false, reason: 'invalid' });
      const four = await remember();
      clock.advance(31 * 24 * 3600_000);
      expect(await twoFactor.checkRememberedDevice(userId, four.token)).toEqual({ ok: false, reason: 'expired' });
      // Support reset forgets everything.
      const five = await remember();
      await twoFactor.resetByAdmin(userId, { actor: 'support' });
      expect(await twoFactor.checkRememberedDevice(userId, five.token)).toEqual({ ok: false, reason: 'not-enrolled' });
    });

    it('a record written by the previous version is read, used and migrated to the new format on its next write', async () => {
      const fixture = RECORD_V1_FIXTURE;
      const store = await useStore();
      const clock = new TestClock();
      clock.nowMs = fixture.writtenAt + 60_000;
      const keyring = {
        currentKeyId: fixture.keyring.currentKeyId,
        keys: { [fixture.keyring.currentKeyId]: hexBytes(fixture.keyring.keyHex) },
      };
      const twoFactor = lifecycle(store, clock, { keyring });
      // Its backup-code set was made before sets had a keyed binding: it is accepted, and bound on
      // the next write, while the app migrates such records.
      const migrating = lifecycle(store, clock, { keyring, migratePlaintextSecrets: true });
      // The fixture's secrets are bound to its user id, so it lives under exactly that id.
      const userId = fixture.userId;
      const existing = await store.get(userId);
      if (existing !== null) await store.delete(userId, existing.version);
      try {
        expect(await store.create(userId, fixture.record)).not.toBeNull();
        expect(await twoFactor.status(userId)).toBe('activated');
        expect(await twoFactor.remainingBackupCodes(userId)).toBe(4);
        const factors = await twoFactor.listFactors(userId);
        expect(factors.map((f) => `${f.factorId}:${f.status}`)).toEqual(['totp-1:active', 'totp-2:pending']);
        // Reading changed nothing; the first write migrates.
        expect((await store.get(userId))!.data).toBe(fixture.record.data);
        const unbound = await twoFactor.verify(userId, fixture.backupCodes[1]!).catch((error: unknown) => error);
        expect(isFactorkitError(unbound, 'CORRUPT_RECORD')).toBe(true);
        const signedIn = await migrating.verify(userId, generateTotp(fixture.activeSecret, { time: clock.nowMs }));
        expect(signedIn).toMatchObject({ ok: true, method: 'totp', factorId: 'totp-1' });
        const migrated = JSON.parse((await store.get(userId))!.data);
        expect(migrated.v).toBe(2);
        expect(migrated.factors).toHaveLength(2);
        expect(migrated.backupCodesBinding.keyId).toBe(fixture.keyring.currentKeyId);
        // Once bound, without the migration option: the used backup code stays used, the others work.
        expect(await twoFactor.verify(userId, fixture.backupCodes[0]!)).toEqual({ ok: false, reason: 'replayed' });
        expect(await twoFactor.verify(userId, fixture.backupCodes[1]!)).toMatchObject({ ok: true, method: 'backup' });
        // The pending enrollment of the old record can still be confirmed before it expires.
        expect(decodeBase32(fixture.pendingSecret)).toHaveLength(20);
      } finally {
        const record = await store.get(userId);
        if (record !== null) await store.delete(userId, record.version);
      }
    });
  });
}

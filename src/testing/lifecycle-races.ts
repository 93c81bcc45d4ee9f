// The lifecycle's promises under real parallel calls on the store under test: a code is
// accepted once, failures are all counted, and regeneration never leaves two valid sets.
import { describe, expect, it } from 'vitest';
import type { TwoFactorStore } from '../stores/index.js';
import { TestClock, enroll, lifecycle, totpNow, uniquePrefix } from './harness.js';

export function lifecycleRacesSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('lifecycle over the store, under concurrency', () => {
    it('20 parallel uses of one backup code, typed four ways: exactly one succeeds, the rest are refused as replayed', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      const code = enrolled.backupCodes[0]!;
      // As printed, in lower case, without dashes, with spaces: one code however it is typed.
      const typings = [code, code.toLowerCase(), code.replace(/-/g, ''), code.toLowerCase().replace(/-/g, ' ')];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => twoFactor.verify(userId, typings[i % 4]!)),
      );
      expect(results.filter((r) => r.ok)).toEqual([
        { ok: true, method: 'backup', strength: 'look-up-secret', phishingResistant: false, remainingBackupCodes: 4 },
      ]);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'replayed')).toBe(true);
      expect(await twoFactor.remainingBackupCodes(userId)).toBe(4);
    });

    it('20 parallel verifies of one TOTP code: exactly one succeeds', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      const code = totpNow(enrolled, clock);
      const results = await Promise.all(Array.from({ length: 20 }, () => twoFactor.verify(userId, code)));
      expect(results.filter((r) => r.ok)).toEqual([
        {
          ok: true,
          method: 'totp',
          factorId: expect.any(String),
          strength: 'authenticator-app',
          phishingResistant: false,
          remainingBackupCodes: 5,
        },
      ]);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'replayed')).toBe(true);
    });

    it('20 parallel confirmations of one enrollment: exactly one activates', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const { secret } = await twoFactor.beginEnrollment(userId, { account: 'ada@example.com' });
      const enrolled = { secret, backupCodes: [] };
      const code = totpNow(enrolled, clock);
      const results = await Promise.all(Array.from({ length: 20 }, () => twoFactor.confirmEnrollment(userId, code)));
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'not-enrolled')).toBe(true);
      expect(await twoFactor.status(userId)).toBe('activated');
      const first = winners[0]!;
      expect(first.ok && (await twoFactor.verify(userId, first.backupCodes[0]!)).ok).toBe(true);
    });

    it('50 parallel wrong codes: the failure count is exactly 50', async () => {
      const clock = new TestClock();
      // Attempts refused as 'locked' are not counted, so keep every one of the 50 below the lockout.
      const twoFactor = lifecycle(await useStore(), clock, {
        throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
      });
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      const right = totpNow(enrolled, clock);
      const wrong = ((Number(right) + 500_000) % 1_000_000).toString().padStart(6, '0');
      const results = await Promise.all(Array.from({ length: 50 }, () => twoFactor.verify(userId, wrong)));
      expect(results.every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
      expect(await twoFactor.throttleStatus(userId)).toEqual({ failures: 50, retryAfterMs: 0, hardLocked: false });
    });

    it('50 parallel wrong codes with the default limit: 5 counted, then locked', async () => {
      const clock = new TestClock();
      const twoFactor = lifecycle(await useStore(), clock);
      const userId = `${uniquePrefix()}user`;
      const enrolled = await enroll(twoFactor, userId, clock);
      const wrong = ((Number(totpNow(enrolled, clock)) + 1) % 1_000_000).toString().padStart(6, '0');
      const results = await Promise.all(Array.from({ length: 50 }, () => twoFactor.verify(userId, wrong)));
      expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
      expect(results.filter((r) => !r.ok && r.reason === 'locked')).toHaveLength(45);
      expect(await twoFactor.throttleStatus(userId)).toEqual({ failures: 5, retryAfterMs: 1000, hardLocked: false });
    });

    for (let round = 1; round <= 3; round++) {
      it(`regeneration (by TOTP) racing a backup-code use: never both sets valid (round ${round})`, async () => {
        const clock = new TestClock();
        const twoFactor = lifecycle(await useStore(), clock, {
          throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
        });
        const userId = `${uniquePrefix()}user`;
        const enrolled = await enroll(twoFactor, userId, clock);
        const [regenerated, used] = await Promise.all([
          twoFactor.regenerateBackupCodes(userId, totpNow(enrolled, clock)),
          twoFactor.verify(userId, enrolled.backupCodes[0]!),
        ]);
        expect(regenerated.ok).toBe(true);
        // The backup code was either used before the regeneration or refused after it.
        expect(used.ok || (!used.ok && used.reason === 'invalid')).toBe(true);
        for (const old of enrolled.backupCodes) expect((await twoFactor.verify(userId, old)).ok).toBe(false);
        if (regenerated.ok) {
          expect(await twoFactor.remainingBackupCodes(userId)).toBe(5);
          expect((await twoFactor.verify(userId, regenerated.backupCodes[1]!)).ok).toBe(true);
        }
      });

      it(`regeneration and a sign-in racing with the same backup code: exactly one wins (round ${round})`, async () => {
        const clock = new TestClock();
        const twoFactor = lifecycle(await useStore(), clock, {
          throttle: { maxFailures: 1000, maxConsecutiveFailures: 100 },
        });
        const userId = `${uniquePrefix()}user`;
        const enrolled = await enroll(twoFactor, userId, clock);
        const code = enrolled.backupCodes[2]!;
        const [regenerated, used] = await Promise.all([
          twoFactor.regenerateBackupCodes(userId, code),
          twoFactor.verify(userId, code),
        ]);
        expect([regenerated.ok, used.ok].filter(Boolean)).toHaveLength(1);
        if (regenerated.ok) {
          for (const old of enrolled.backupCodes) expect((await twoFactor.verify(userId, old)).ok).toBe(false);
          expect((await twoFactor.verify(userId, regenerated.backupCodes[0]!)).ok).toBe(true);
        } else {
          expect(used).toEqual({
            ok: true,
            method: 'backup',
            strength: 'look-up-secret',
            phishingResistant: false,
            remainingBackupCodes: 4,
          });
          expect(await twoFactor.remainingBackupCodes(userId)).toBe(4);
        }
      });
    }
  });
}

// The conformance cases of a factor module, over the store under test: what the lifecycle
// promises for every factor type (enrollment, sign-in, listing, management, replay, parallel
// uses, tampering), driven through the public TwoFactor object only.
import { describe, expect, it } from 'vitest';
import type {
  BeginFactorEnrollmentOptions,
  BeginFactorEnrollmentResult,
  FactorModule,
  Proof,
  TwoFactor,
  TwoFactorEvent,
} from '../lifecycle/index.js';
import type { TwoFactorStore } from '../stores/index.js';
import { TestClock, enroll, lifecycle, totpNow, uniquePrefix } from './harness.js';

/**
 * A factor module to run the conformance cases on (option `factors` of
 * {@link runStoreConformance}, or {@link runFactorConformance}): how to make it, how to enroll
 * one of its factors, and its proofs.
 *
 * @example
 * ```ts
 * import type { FactorConformanceSpec } from 'factorkit/testing';
 * import type { FactorModule } from 'factorkit';
 *
 * declare const pinModule: FactorModule;
 *
 * const spec: FactorConformanceSpec = {
 *   module: () => pinModule,
 *   enrollment: { type: 'pin', pin: '2468' },
 *   proof: (_begun, use) => ({ pin: '2468', counter: use }),
 *   wrongProof: (_begun, use) => ({ pin: '1357', counter: use }),
 *   otherShape: '2468',
 *   singleUse: true,
 * };
 * ```
 */
export interface FactorConformanceSpec {
  /** Label of the describe block. Default: the module's type. */
  name?: string;
  /** A new module (called for each lifecycle the cases make). */
  // biome-ignore lint/suspicious/noExplicitAny: each module has its own factor shape
  module: () => FactorModule<any>;
  /** The beginEnrollment options of a new factor of the module, `type` included. */
  enrollment: BeginFactorEnrollmentOptions;
  /**
   * A valid proof for the factor `begun`; `use` counts the proofs the case has asked for (1, 2,
   * ...): a one-time proof must differ per use, and the same `use` gives the same proof.
   */
  proof(begun: BeginFactorEnrollmentResult, use: number): Proof;
  /** A proof of the right shape that is wrong. */
  wrongProof(begun: BeginFactorEnrollmentResult, use: number): Proof;
  /** Something that is not a proof of this module (another factor's shape): `malformed`, uncounted. */
  otherShape: Proof;
  /** True when a proof once accepted is refused as `replayed` (one-time proofs). */
  singleUse: boolean;
}

interface Setup {
  twoFactor: TwoFactor;
  clock: TestClock;
  events: TwoFactorEvent[];
  userId: string;
  store: TwoFactorStore;
}

async function setup(useStore: () => Promise<TwoFactorStore>, spec: FactorConformanceSpec): Promise<Setup> {
  const store = await useStore();
  const clock = new TestClock();
  const events: TwoFactorEvent[] = [];
  const twoFactor = lifecycle(store, clock, { factors: [spec.module()], onEvent: (event) => void events.push(event) });
  return { twoFactor, clock, events, userId: `${uniquePrefix()}user`, store };
}

/** Begins and confirms a factor of the module as the user's first; returns what began it and the backup codes. */
async function enrollFirst(s: Setup, spec: FactorConformanceSpec) {
  const begun = (await s.twoFactor.beginEnrollment(s.userId, spec.enrollment)) as BeginFactorEnrollmentResult;
  const confirmed = await s.twoFactor.confirmEnrollment(s.userId, spec.proof(begun, 1), { factorId: begun.factorId });
  if (!confirmed.ok) throw new Error(`confirming the ${spec.enrollment.type} factor failed: ${confirmed.reason}`);
  return { begun, backupCodes: confirmed.backupCodes };
}

export function factorConformanceSuite(useStore: () => Promise<TwoFactorStore>, spec: FactorConformanceSpec): void {
  const type = spec.enrollment.type;
  describe(`factor module '${spec.name ?? type}' over the store`, () => {
    it('enrolls (listed as pending), confirms with its proof, turns 2FA on and signs in, named by its type', async () => {
      const s = await setup(useStore, spec);
      const begun = (await s.twoFactor.beginEnrollment(s.userId, spec.enrollment)) as BeginFactorEnrollmentResult;
      expect(begun).toMatchObject({ factorId: expect.stringMatching(/^f_/), expiresAt: expect.any(Number) });
      expect(await s.twoFactor.listFactors(s.userId)).toMatchObject([
        { factorId: begun.factorId, type, status: 'pending' },
      ]);
      expect(await s.twoFactor.status(s.userId)).toBe('pending');
      const confirmed = await s.twoFactor.confirmEnrollment(s.userId, spec.proof(begun, 1));
      expect(confirmed).toMatchObject({ ok: true, factorId: begun.factorId });
      expect(confirmed.ok && confirmed.backupCodes.length).toBe(5);
      expect(await s.twoFactor.status(s.userId)).toBe('activated');
      const signIn = await s.twoFactor.verify(s.userId, spec.proof(begun, 2));
      expect(signIn).toMatchObject({ ok: true, method: type, factorId: begun.factorId, remainingBackupCodes: 5 });
      expect(s.events.map((e) => e.type === 'factor-added' && e.factorType).filter(Boolean)).toEqual([type]);
      const methods = s.events.flatMap((e) => (e.type === 'verify-succeeded' ? [`${e.operation}:${e.method}`] : []));
      expect(methods).toEqual([`confirm-enrollment:${type}`, `verify:${type}`]);
      const [summary] = await s.twoFactor.listFactors(s.userId);
      expect(summary).toMatchObject({ factorId: begun.factorId, type, status: 'active', lastUsedAt: s.clock.nowMs });
      const { users } = await s.twoFactor.listUsers({ limit: 1000 });
      expect(users.find((u) => u.userId === s.userId)?.activeFactors).toMatchObject({ totp: 0, [type]: 1 });
    });

    it('a wrong proof is invalid and counted; another shape is malformed and not counted', async () => {
      const s = await setup(useStore, spec);
      const { begun } = await enrollFirst(s, spec);
      expect(await s.twoFactor.verify(s.userId, spec.wrongProof(begun, 2))).toEqual({ ok: false, reason: 'invalid' });
      expect(await s.twoFactor.verify(s.userId, spec.otherShape, { factorId: begun.factorId })).toEqual({
        ok: false,
        reason: 'malformed',
      });
      expect((await s.twoFactor.throttleStatus(s.userId)).failures).toBe(1);
      expect(await s.twoFactor.verify(s.userId, spec.proof(begun, 2))).toMatchObject({ ok: true, method: type });
      expect((await s.twoFactor.throttleStatus(s.userId)).failures).toBe(0);
    });

    if (spec.singleUse) {
      it('replay: a used proof is refused as replayed, uncounted; 20 parallel uses of one proof: exactly one succeeds', async () => {
        const s = await setup(useStore, spec);
        const { begun } = await enrollFirst(s, spec);
        expect(await s.twoFactor.verify(s.userId, spec.proof(begun, 1))).toEqual({ ok: false, reason: 'replayed' });
        expect((await s.twoFactor.throttleStatus(s.userId)).failures).toBe(0);
        const proof = spec.proof(begun, 2);
        const results = await Promise.all(Array.from({ length: 20 }, () => s.twoFactor.verify(s.userId, proof)));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'replayed')).toBe(true);
      });
    } else {
      it('a proof that is not one-time is accepted again; 20 parallel uses all succeed', async () => {
        const s = await setup(useStore, spec);
        const { begun } = await enrollFirst(s, spec);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => s.twoFactor.verify(s.userId, spec.proof(begun, 2))),
        );
        expect(results.every((r) => r.ok)).toBe(true);
      });
    }

    it('its proof manages the account: regenerateBackupCodes, removeFactor (2FA off) and disable', async () => {
      const s = await setup(useStore, spec);
      const { begun } = await enrollFirst(s, spec);
      const regenerated = await s.twoFactor.regenerateBackupCodes(s.userId, spec.proof(begun, 2));
      expect(regenerated.ok && regenerated.backupCodes.length).toBe(5);
      const removed = await s.twoFactor.removeFactor(s.userId, begun.factorId, spec.proof(begun, 3));
      expect(removed).toEqual({ ok: true, twoFactorOff: true });
      expect(s.events.filter((e) => e.type === 'factor-removed')).toMatchObject([
        { factorId: begun.factorId, factorType: type },
      ]);
      expect(await s.twoFactor.listFactors(s.userId)).toEqual([]);
      const again = await enrollFirst(s, spec);
      expect(await s.twoFactor.disable(s.userId, spec.proof(again.begun, 2))).toEqual({ ok: true });
      expect(await s.twoFactor.status(s.userId)).toBe('not-activated');
    });

    it('beside an authenticator app: added only with a current code, and factorId scopes a check to it', async () => {
      const s = await setup(useStore, spec);
      const app = await enroll(s.twoFactor, s.userId, s.clock);
      const begun = (await s.twoFactor.beginEnrollment(s.userId, spec.enrollment)) as BeginFactorEnrollmentResult;
      expect(await s.twoFactor.confirmEnrollment(s.userId, spec.proof(begun, 1))).toEqual({
        ok: false,
        reason: 'current-code-required',
      });
      const added = await s.twoFactor.confirmEnrollment(s.userId, spec.proof(begun, 1), {
        currentCode: totpNow(app, s.clock),
      });
      expect(added).toEqual({ ok: true, backupCodes: [], factorId: begun.factorId });
      s.clock.advance(30_000);
      expect(await s.twoFactor.verify(s.userId, totpNow(app, s.clock), { factorId: begun.factorId })).toEqual({
        ok: false,
        reason: 'malformed',
      });
      expect(await s.twoFactor.verify(s.userId, spec.proof(begun, 2), { factorId: begun.factorId })).toMatchObject({
        ok: true,
        method: type,
      });
      expect(await s.twoFactor.verify(s.userId, totpNow(app, s.clock))).toMatchObject({ ok: true, method: 'totp' });
    });

    it('at most maxActive active factors of the type: one more is TOO_MANY_FACTORS, nothing written', async () => {
      const s = await setup(useStore, spec);
      const { backupCodes } = await enrollFirst(s, spec);
      const { maxActive } = spec.module();
      for (let i = 1; i < maxActive; i++) {
        const begun = (await s.twoFactor.beginEnrollment(s.userId, spec.enrollment)) as BeginFactorEnrollmentResult;
        const added = await s.twoFactor.confirmEnrollment(s.userId, spec.proof(begun, 1), {
          currentCode: backupCodes[i - 1]!,
        });
        expect(added.ok).toBe(true);
      }
      const before = await s.store.get(s.userId);
      await expect(s.twoFactor.beginEnrollment(s.userId, spec.enrollment)).rejects.toMatchObject({
        code: 'TOO_MANY_FACTORS',
      });
      expect(await s.store.get(s.userId)).toEqual(before);
    });

    it('an attacker who edits the stored factor (its type, its own fields) gets CORRUPT_RECORD, never a sign-in', async () => {
      const s = await setup(useStore, spec);
      const { begun } = await enrollFirst(s, spec);
      const edits: ((factor: Record<string, unknown>) => void)[] = [
        (factor) => {
          factor.type = 'unregistered';
        },
        (factor) => {
          factor.state = 'confirmed';
        },
        (factor) => {
          for (const key of Object.keys(factor)) if (!['type', 'id', 'name', 'state'].includes(key)) delete factor[key];
        },
      ];
      const original = (await s.store.get(s.userId))!;
      for (const edit of edits) {
        const current = (await s.store.get(s.userId))!;
        const data = JSON.parse(original.data);
        edit(data.factors[0]);
        await s.store.compareAndSet(s.userId, current.version, { ...current, data: JSON.stringify(data) });
        await expect(s.twoFactor.verify(s.userId, spec.proof(begun, 2))).rejects.toMatchObject({
          code: 'CORRUPT_RECORD',
        });
      }
    });
  });
}

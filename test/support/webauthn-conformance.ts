// The WebAuthn factor over a store, with recorded ceremonies of real (virtual) authenticators
// (test/fixtures/webauthn.json): what issue 26 asks to hold on every store. One parallel
// burst of verifies with one assertion gives one success; replays, another user's challenge,
// expired challenges, a wrong origin or RP id, a tampered signature and a credential planted
// in the record are refused; a signed counter regression suspends a device-bound credential.
import { type TwoFactorEvent, type TwoFactorStore, createTwoFactor } from 'factorkit';
import { describe, expect, it } from 'vitest';
import { FAST_KDF, TEST_KEYRING, TestClock, storeProvider, uniquePrefix } from '../../src/testing/harness.js';
import type { WebAuthnOptions } from 'factorkit/webauthn';
import { FIXTURES, type RecordedCeremony, replayModule, replayRandom } from './webauthn-fixtures.js';

const KEY = FIXTURES.kinds['security-key'];
const PASSKEY = FIXTURES.kinds.passkey;

export function makeLifecycle(
  store: TwoFactorStore,
  clock: TestClock,
  overrides: Partial<WebAuthnOptions> = {},
  events: TwoFactorEvent[] = [],
) {
  const replay = replayRandom();
  const twoFactor = createTwoFactor({
    store,
    issuer: 'Conformance',
    clock: clock.read,
    keyring: TEST_KEYRING,
    backupCodes: { kdf: FAST_KDF, allowWeakKdf: true },
    warn: () => {},
    onEvent: (event) => void events.push(event),
    factors: [replayModule(replay.random, { findUserByHandle: async () => null, ...overrides })],
  });
  return { twoFactor, replay, events };
}

type Lifecycle = Pick<ReturnType<typeof makeLifecycle>, 'twoFactor' | 'replay'>;

/** Enrolls the recorded credential of `registration` for `userId`; returns its factor id and backup codes. */
export async function enrollRecorded(
  l: Lifecycle,
  userId: string,
  kind: 'security-key' | 'passkey',
  currentCode?: unknown,
) {
  const recorded = FIXTURES.kinds[kind];
  l.replay.next(recorded.registration);
  const begun = await l.twoFactor.beginEnrollment(userId, { type: 'webauthn', kind, userName: 'ada' });
  const confirmed = await l.twoFactor.confirmEnrollment(
    userId,
    { webauthn: recorded.registration.response },
    { factorId: begun.factorId, ...(currentCode === undefined ? {} : { currentCode: currentCode as string }) },
  );
  if (!confirmed.ok) throw new Error(`enrolling the recorded ${kind} failed: ${confirmed.reason}`);
  return { factorId: begun.factorId, backupCodes: confirmed.backupCodes };
}

/** Asks for an assertion whose challenge is the recorded one; the recorded proof that answers it. */
export async function askRecorded(l: Lifecycle, userId: string, ceremony: RecordedCeremony) {
  l.replay.next(ceremony);
  const asked = await l.twoFactor.requestAssertion(userId);
  if (!asked.ok) throw new Error(`requestAssertion refused: ${asked.reason}`);
  return { webauthn: ceremony.response };
}

/**
 * The stored record edited as someone with write access to the database would: thoroughly, so
 * the record's `active` summary is made to match the edited factors (an edit apart from it is
 * refused as a corrupt record before any factor is looked at).
 */
async function editRecord(
  store: TwoFactorStore,
  userId: string,
  edit: (data: { factors: Record<string, unknown>[] }) => void,
) {
  const record = (await store.get(userId))!;
  const data = JSON.parse(record.data);
  edit(data);
  if ('active' in data) {
    const counts: Record<string, number> = {};
    for (const factor of data.factors) {
      if (factor.state === 'active') counts[factor.type as string] = (counts[factor.type as string] ?? 0) + 1;
    }
    data.active = counts;
  }
  const written = await store.compareAndSet(userId, record.version, {
    status: record.status,
    data: JSON.stringify(data),
    updatedAt: record.updatedAt,
  });
  if (written === null) throw new Error('the edit lost a race');
}

export function webauthnConformance(makeStore: () => TwoFactorStore | Promise<TwoFactorStore>, name: string): void {
  describe(`WebAuthn factor over ${name}`, () => {
    const useStore = storeProvider(makeStore, {});
    const setup = async (overrides: Partial<WebAuthnOptions> = {}) => {
      const store = await useStore();
      const clock = new TestClock();
      return { store, clock, user: `${uniquePrefix()}user`, ...makeLifecycle(store, clock, overrides) };
    };

    it('enrolls a security key and a passkey, signs in with each (method webauthn, factorId), lists kind, transports and flags, never key material', async () => {
      const s = await setup();
      const key = await enrollRecorded(s, s.user, 'security-key');
      expect(key.backupCodes).toHaveLength(5);
      const passkey = await enrollRecorded(s, s.user, 'passkey', await askRecorded(s, s.user, KEY.assertions[0]!));
      const byKey = await s.twoFactor.verify(s.user, await askRecorded(s, s.user, KEY.assertions[1]!));
      expect(byKey).toMatchObject({ ok: true, method: 'webauthn', factorId: key.factorId, kind: 'security-key' });
      const byPasskey = await s.twoFactor.verify(s.user, await askRecorded(s, s.user, PASSKEY.assertions[0]!));
      expect(byPasskey).toMatchObject({ ok: true, method: 'webauthn', factorId: passkey.factorId, kind: 'passkey' });
      const listed = await s.twoFactor.listFactors(s.user);
      expect(listed).toMatchObject([
        {
          factorId: key.factorId,
          type: 'webauthn',
          kind: 'security-key',
          transports: ['usb'],
          backupEligible: false,
          suspended: false,
        },
        {
          factorId: passkey.factorId,
          type: 'webauthn',
          kind: 'passkey',
          transports: ['internal'],
          backupEligible: true,
          backupState: true,
        },
      ]);
      const text = JSON.stringify(listed);
      for (const secret of ['publicKey', 'credential', 'challenge', 'sealed']) expect(text).not.toContain(secret);
      expect(JSON.stringify(s.events)).not.toContain(KEY.assertions[1]!.drawn.challenge!);
    });

    it('20 parallel verify calls with one assertion: exactly one succeeds, the rest are replayed; a replay later too, uncounted', async () => {
      const s = await setup();
      await enrollRecorded(s, s.user, 'security-key');
      const proof = await askRecorded(s, s.user, KEY.assertions[0]!);
      const results = await Promise.all(Array.from({ length: 20 }, () => s.twoFactor.verify(s.user, proof)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'replayed')).toBe(true);
      expect(await s.twoFactor.verify(s.user, proof)).toEqual({ ok: false, reason: 'replayed' });
      expect((await s.twoFactor.throttleStatus(s.user)).failures).toBe(0);
    });

    it("refuses an assertion for another user's challenge, an expired challenge and a tampered signature", async () => {
      const s = await setup();
      const other = `${s.user}-other`;
      await enrollRecorded(s, s.user, 'security-key');
      await enrollRecorded(s, other, 'security-key');
      const proof = await askRecorded(s, s.user, KEY.assertions[0]!);
      expect(await s.twoFactor.verify(other, proof)).toEqual({ ok: false, reason: 'invalid' });
      const response = KEY.assertions[1]!.response as { response: Record<string, string> };
      const signature = response.response.signature!;
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      const tampered = { webauthn: { ...response, response: { ...response.response, signature: flipped } } };
      await askRecorded(s, s.user, KEY.assertions[1]!);
      expect(await s.twoFactor.verify(s.user, tampered)).toEqual({ ok: false, reason: 'invalid' });
      expect((await s.twoFactor.throttleStatus(s.user)).failures).toBe(1);
      expect(await s.twoFactor.verify(s.user, proof)).toMatchObject({ ok: true });
      const late = await askRecorded(s, s.user, KEY.assertions[2]!);
      s.clock.advance(5 * 60_000);
      expect(await s.twoFactor.verify(s.user, late)).toEqual({ ok: false, reason: 'expired' });
    });

    it('refuses a wrong origin and a wrong RP id', async () => {
      const s = await setup();
      await enrollRecorded(s, s.user, 'security-key');
      const proof = await askRecorded(s, s.user, KEY.assertions[0]!);
      const elsewhere = makeLifecycle(s.store, s.clock, { origins: ['http://other.localhost:8080'] });
      expect(await elsewhere.twoFactor.verify(s.user, proof)).toEqual({ ok: false, reason: 'invalid' });
      const otherRp = makeLifecycle(s.store, s.clock, {
        rpID: 'other.localhost',
        origins: [FIXTURES.origin.replace('localhost', 'other.localhost')],
      });
      expect(await otherRp.twoFactor.verify(s.user, proof)).toEqual({ ok: false, reason: 'invalid' });
      expect(await s.twoFactor.verify(s.user, proof)).toMatchObject({ ok: true });
    });

    it('refuses a credential planted by editing the record, and a counter or suspension edited', async () => {
      const s = await setup();
      const victim = `${s.user}-victim`;
      await enrollRecorded(s, s.user, 'passkey');
      await enrollRecorded(s, victim, 'security-key');
      // The attacker's passkey, copied into the victim's record, MAC and all.
      const planted = JSON.parse((await s.store.get(s.user))!.data).factors[0];
      await editRecord(s.store, victim, (data) => data.factors.push({ ...planted, id: 'f_planted' }));
      const proof = await askRecorded(s, victim, PASSKEY.assertions[0]!);
      expect(await s.twoFactor.verify(victim, proof)).toEqual({ ok: false, reason: 'invalid' });
      // The victim's own key with its counter wound back: refused too.
      await editRecord(s.store, victim, (data) => {
        (data.factors[0]!.credential as { counter: number }).counter = 0;
      });
      expect(await s.twoFactor.verify(victim, await askRecorded(s, victim, KEY.assertions[0]!))).toEqual({
        ok: false,
        reason: 'invalid',
      });
    });

    it('a signed counter regression suspends a security key (event, listed, refused) until another factor reactivates it', async () => {
      const s = await setup();
      const { factorId, backupCodes } = await enrollRecorded(s, s.user, 'security-key');
      expect(await s.twoFactor.verify(s.user, await askRecorded(s, s.user, KEY.assertions[5]!))).toMatchObject({
        ok: true,
      });
      const cloned = await askRecorded(s, s.user, KEY.cloned);
      expect(await s.twoFactor.verify(s.user, cloned)).toEqual({ ok: false, reason: 'factor-suspended' });
      expect(s.events).toContainEqual(expect.objectContaining({ type: 'clone-suspected', factorId, suspended: true }));
      expect((await s.twoFactor.listFactors(s.user))[0]).toMatchObject({ factorId, suspended: true });
      expect(await s.twoFactor.requestAssertion(s.user)).toEqual({ ok: false, reason: 'factor-suspended' });
      expect(await s.twoFactor.reactivateFactor(s.user, factorId, backupCodes[0]!)).toEqual({ ok: true });
      expect(s.events).toContainEqual(expect.objectContaining({ type: 'factor-reactivated', factorId }));
      expect((await s.twoFactor.listFactors(s.user))[0]).toMatchObject({ factorId, suspended: false });
    });

    it('on a synced passkey (backup eligible) a counter regression is only reported', async () => {
      const s = await setup();
      const { factorId } = await enrollRecorded(s, s.user, 'passkey');
      expect(await s.twoFactor.verify(s.user, await askRecorded(s, s.user, PASSKEY.assertions[5]!))).toMatchObject({
        ok: true,
      });
      expect(await s.twoFactor.verify(s.user, await askRecorded(s, s.user, PASSKEY.cloned))).toMatchObject({
        ok: true,
        factorId,
      });
      expect(s.events).toContainEqual(expect.objectContaining({ type: 'clone-suspected', factorId, suspended: false }));
      expect((await s.twoFactor.listFactors(s.user))[0]).toMatchObject({ suspended: false });
    });

    it('its proof works wherever a code does: regenerateBackupCodes, removeFactor, disable', async () => {
      const s = await setup();
      const key = await enrollRecorded(s, s.user, 'security-key');
      const regenerated = await s.twoFactor.regenerateBackupCodes(
        s.user,
        await askRecorded(s, s.user, KEY.assertions[0]!),
      );
      expect(regenerated.ok && regenerated.backupCodes.length).toBe(5);
      const passkey = await enrollRecorded(s, s.user, 'passkey', await askRecorded(s, s.user, KEY.assertions[1]!));
      const removed = await s.twoFactor.removeFactor(
        s.user,
        key.factorId,
        await askRecorded(s, s.user, PASSKEY.assertions[0]!),
      );
      expect(removed).toEqual({ ok: true, twoFactorOff: false });
      expect(await s.twoFactor.disable(s.user, await askRecorded(s, s.user, PASSKEY.assertions[1]!))).toEqual({
        ok: true,
      });
      expect(await s.twoFactor.listFactors(s.user)).toEqual([]);
      expect(passkey.factorId).toMatch(/^f_/);
    });

    it('passwordless: a passkey that verified the user signs in once; without user verification it is refused', async () => {
      const s = await setup({ findUserByHandle: async (handle) => (handle === FIXTURES.userHandle ? current : null) });
      const current = s.user;
      const { factorId } = await enrollRecorded(s, s.user, 'passkey');
      s.replay.next(PASSKEY.passwordless[0]!);
      const start = await s.twoFactor.beginPasskeySignIn();
      expect(start.options.allowCredentials ?? []).toEqual([]);
      const response = PASSKEY.passwordless[0]!.response as never;
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          s.twoFactor.finishPasskeySignIn(response, { challengeToken: start.challengeToken }),
        ),
      );
      expect(results.filter((r) => r.ok)).toEqual([{ ok: true, userId: s.user, factorId }]);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'replayed')).toBe(true);
      // A second-factor assertion (signed without user verification) answering a passwordless challenge.
      s.replay.next(PASSKEY.assertions[0]!);
      const unverified = await s.twoFactor.beginPasskeySignIn();
      expect(
        await s.twoFactor.finishPasskeySignIn(PASSKEY.assertions[0]!.response as never, {
          challengeToken: unverified.challengeToken,
        }),
      ).toEqual({ ok: false, reason: 'user-verification-required' });
    });
  });
}

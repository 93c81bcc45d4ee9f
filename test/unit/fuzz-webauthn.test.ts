// Property-based fuzzing of factorkit/webauthn's input surface: recorded Chromium ceremonies
// (test/fixtures/webauthn.json) mutated structurally, registrations crafted with attestation
// 'none' (which nothing signs, so any client can send one), proofs that are not WebAuthn at
// all, and arbitrary options. Whatever comes in, the answer is `{ ok: false }` or a typed
// FactorkitError, and a refused proof leaves the record as it was (but for the throttle,
// which `invalid` counts).
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { MemoryStore, type TwoFactor, createTwoFactor, isFactorkitError } from 'factorkit';
import { webauthn } from 'factorkit/webauthn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { decodeBase64url, encodeBase64url } from '../../src/backup-codes/base64url.js';
import { TEST_KEYRING, TestClock, enroll, lifecycle } from '../../src/testing/harness.js';
import { enrollRecorded, makeLifecycle } from '../support/webauthn-conformance.js';
import { FIXTURES, type RecordedCeremony } from '../support/webauthn-fixtures.js';

// One seed for every property here, as fuzz-calls.test.ts has: `npm test` must not pass or fail
// by chance. Change it to explore further.
fc.configureGlobal({ seed: 20_261_208 });

const KEY = FIXTURES.kinds['security-key'];
const PASSKEY = FIXTURES.kinds.passkey;
const GOOD = { rpID: 'example.com', rpName: 'Example', origins: ['https://example.com'] };
const USER = 'user-1';
/** Codes a lifecycle call on a proof may throw: misuse, never a parser's TypeError. */
const CALL_CODES = ['INVALID_ARGUMENT'];

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value inside `value` (not the root): what a mutation may change. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsOf((value as Record<string, Json>)[key], path)];
  });
}

/** A deep copy with the value at `path` replaced (`remove`: deleted) by own-property writes, so `__proto__` is a key. */
function edit(value: Json, path: Path, change: (old: Json) => Json, remove = false): Json {
  const copy: Json = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path;
  const target = copy as Record<string | number, Json>;
  if (rest.length > 0) {
    Object.defineProperty(target, head!, { value: edit(target[head!], rest, change, remove), enumerable: true });
  } else if (remove) {
    delete target[head!];
  } else {
    Object.defineProperty(target, head!, { value: change(target[head!]), enumerable: true, writable: true });
  }
  return copy;
}

/** Bytes of a base64url string, or of its UTF-8 when it is none. */
const bytesOf = (text: string) => decodeBase64url(text) ?? new TextEncoder().encode(text);

/** A change to one value: each returns the new value from the old one. */
const change: fc.Arbitrary<{ label: string; apply: (old: Json) => Json; remove?: boolean }> = fc.oneof(
  fc.constant({ label: 'delete', apply: () => undefined, remove: true }),
  fc
    .anything({
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
    })
    .map((v) => ({ label: 'anything', apply: () => v })),
  fc.string({ unit: 'binary', maxLength: 40 }).map((v) => ({ label: 'unicode', apply: () => v })),
  fc
    .constantFrom('!!!', 'AAAA=', '+/+/', ' ', '', '\u0000', 'AB==CD')
    .map((v) => ({ label: 'bad base64url', apply: () => v })),
  fc.integer({ min: 50_000, max: 200_000 }).map((n) => ({ label: 'huge', apply: () => 'A'.repeat(n) })),
  fc.nat().map((n) => ({
    label: 'truncate',
    apply: (old: Json) =>
      typeof old === 'string' ? encodeBase64url(bytesOf(old).slice(0, n % (old.length + 1))) : old,
  })),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => ({
    label: 'extend',
    apply: (old: Json) =>
      typeof old === 'string' ? encodeBase64url(new Uint8Array([...bytesOf(old), ...extra])) : old,
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => ({
    label: 'flip',
    apply: (old: Json) => {
      if (typeof old !== 'string') return old;
      const bytes = bytesOf(old);
      if (bytes.length > 0) bytes[at % bytes.length]! ^= mask;
      return encodeBase64url(bytes);
    },
  })),
  fc.constant({ label: 'wrap in array', apply: (old: Json) => [old, old] }),
  fc.constantFrom('__proto__', 'constructor', 'toJSON').map((key) => ({
    label: `${key} key`,
    apply: (old: Json) =>
      Object.defineProperties(
        {},
        { [key]: { value: { polluted: true }, enumerable: true }, value: { value: old, enumerable: true } },
      ),
  })),
);

/** One to three changes to a recorded response, each at one of its paths (or a key added at the top). */
function mutationsOf(base: Record<string, unknown>) {
  const paths = pathsOf(base);
  // Mostly a change where a path leads; now and then a key set at the top, as a hostile client adds one.
  const atTop = fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 5, arbitrary: fc.constant(false) });
  const step = fc.tuple(fc.nat(), change, atTop);
  return fc.array(step, { minLength: 1, maxLength: 3 }).map((steps) => {
    let value: Json = base;
    const labels: string[] = [];
    for (const [at, { label, apply, remove }, addKey] of steps) {
      const path = addKey ? [['__proto__', 'constructor', 'id', 'response'][at % 4]!] : paths[at % paths.length]!;
      value = edit(value, path, apply, remove);
      labels.push(`${label}@${path.join('.')}`);
    }
    return { value, labels };
  });
}

/** A short printable form of any value, a hostile Proxy included. */
function show(value: unknown): string {
  try {
    return String(fc.stringify(value)).slice(0, 200);
  } catch {
    return '<unprintable>';
  }
}

/** The call's outcome: its answer, or the error it rejected with. */
async function settle<T>(call: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

/** A refusal or a typed error of one of `codes`; anything else (a TypeError, a RangeError) fails. */
function expectRefusedOrTyped(outcome: { value?: unknown; error?: unknown }, codes: string[], label: string) {
  if ('error' in outcome) {
    const typed = codes.some((code) => isFactorkitError(outcome.error, code as never));
    expect(typed, `${label}: ${String(outcome.error)}`).toBe(true);
  } else {
    expect(outcome.value, label).toMatchObject({ ok: false });
  }
}

function setup(overrides = {}) {
  const store = new MemoryStore();
  const clock = new TestClock();
  return { store, clock, user: USER, ...makeLifecycle(store, clock, overrides) };
}
type Setup = ReturnType<typeof setup>;

/**
 * A lifecycle over the same store with nothing cached: it parses what is stored (the one that
 * wrote a record keeps its parsed state and does not read the text back).
 */
const anotherProcess = (s: Setup) => makeLifecycle(s.store, s.clock).twoFactor;

/** The stored record as data, the throttle apart when `withoutThrottle` (what `invalid` counts). */
async function snapshot(s: Setup, withoutThrottle: boolean): Promise<unknown> {
  const record = await s.store.get(s.user);
  if (record === null) return null;
  const data = JSON.parse(record.data) as Record<string, unknown>;
  if (withoutThrottle) delete data.throttle;
  return { status: record.status, data };
}

const PROPERTY = { numRuns: 150 } as const;

/** The recorded assertion that answers a challenge asked for now, with `s.user`'s security key enrolled. */
async function keyAsked(s: Setup, ceremony: RecordedCeremony) {
  const enrolled = await enrollRecorded(s, s.user, 'security-key');
  s.replay.next(ceremony);
  const asked = await s.twoFactor.requestAssertion(s.user);
  if (!asked.ok) throw new Error(asked.reason);
  return enrolled;
}

/** `invalid` is counted on the throttle (a write of it alone); every other refusal writes nothing. */
async function expectUnchangedBut(s: Setup, before: unknown, beforeAll: unknown, reason: unknown, label: string) {
  if (reason === 'invalid') expect(await snapshot(s, true), label).toEqual(before);
  else expect(await snapshot(s, false), label).toEqual(beforeAll);
}

describe('recorded assertions, mutated', () => {
  it('every call taking a proof refuses them or throws typed errors; the record moves only by the throttle; the genuine one works after', async () => {
    const base = KEY.assertions[0]!.response;
    await fc.assert(
      fc.asyncProperty(mutationsOf(base), fc.nat({ max: 7 }), async ({ value, labels }, which) => {
        const s = setup();
        const { factorId } = await keyAsked(s, KEY.assertions[0]!);
        // A passkey being added, which the mutated assertion is the current proof for (call 7).
        s.replay.next(PASSKEY.registration);
        await s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', kind: 'passkey', userName: 'ada' });
        const [before, beforeAll] = [await snapshot(s, true), await snapshot(s, false)];
        const label = `call ${which}: ${labels.join(', ')}`;
        const proof = { webauthn: value } as never;
        const calls = [
          ...proofCalls(s.twoFactor, proof, factorId),
          () => s.twoFactor.reactivateFactor(s.user, factorId, proof),
          () =>
            s.twoFactor.confirmEnrollment(s.user, { webauthn: PASSKEY.registration.response }, { currentCode: proof }),
        ];
        const outcome = await settle(calls[which]!);
        if ((outcome.value as { ok?: boolean } | undefined)?.ok) {
          // Only what the signature does not cover may change: the same credential, challenge and signature.
          expect(signedParts(value), label).toEqual(signedParts(base));
          return;
        }
        expectRefusedOrTyped(outcome, CALL_CODES, label);
        const reason = (outcome.value as { reason?: string } | undefined)?.reason;
        // reactivateFactor's proof is good and used up even when no factor is suspended: not a refusal of it.
        if (which === 6 && reason === 'unknown-factor') return;
        await expectUnchangedBut(s, before, beforeAll, reason, label);
        await s.twoFactor.unlock(s.user, { actor: 'fuzz' });
        expect(await s.twoFactor.verify(s.user, { webauthn: base }), label).toMatchObject({ ok: true });
      }),
      PROPERTY,
    );
  });
});

/** What an assertion's signature covers, as bytes: a response that differs elsewhere is the same proof. */
function signedParts(value: Json): unknown {
  const v = value as { id?: unknown; response?: Record<string, unknown> };
  const bytes = (field: string) => {
    const text = v.response?.[field];
    return typeof text === 'string' ? [...(decodeBase64url(text.replace(/=+$/, '')) ?? [])] : text;
  };
  return { id: v.id, data: bytes('authenticatorData'), client: bytes('clientDataJSON'), sig: bytes('signature') };
}

describe('bounded responses', () => {
  const LIMIT = 64 * 1024;
  const padded = (ceremony: RecordedCeremony, field: string, length: number) => {
    const response = ceremony.response as { response: Record<string, unknown> };
    return { ...response, response: { ...response.response, [field]: 'A'.repeat(length) } };
  };

  it('a field over 64 KiB is malformed at once, uncounted, for verify and confirmEnrollment; at 64 KiB it is checked', async () => {
    const s = setup();
    await keyAsked(s, KEY.assertions[0]!);
    for (const field of ['clientDataJSON', 'authenticatorData', 'signature', 'userHandle']) {
      const over = { webauthn: padded(KEY.assertions[0]!, field, LIMIT + 1) };
      expect(await s.twoFactor.verify(s.user, over as never), field).toEqual({ ok: false, reason: 'malformed' });
    }
    expect((await s.twoFactor.throttleStatus(s.user)).failures).toBe(0);
    const at = { webauthn: padded(KEY.assertions[0]!, 'signature', LIMIT) };
    expect(await s.twoFactor.verify(s.user, at as never)).toEqual({ ok: false, reason: 'invalid' });
    s.replay.next(KEY.registration);
    await s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', kind: 'passkey', userName: 'ada' });
    const registration = { webauthn: padded(KEY.registration, 'attestationObject', LIMIT + 1) };
    const confirmed = await s.twoFactor.confirmEnrollment(s.user, registration as never, { currentCode: 'x' });
    expect(confirmed).toEqual({ ok: false, reason: 'malformed' });
  });

  it('finishPasskeySignIn answers invalid for a field over 64 KiB without looking the handle up', async () => {
    let lookups = 0;
    const findUserByHandle = async () => {
      lookups++;
      return USER;
    };
    const s = setup({ findUserByHandle });
    await enrollRecorded(s, s.user, 'passkey');
    s.replay.next(PASSKEY.passwordless[0]!);
    const { challengeToken } = await s.twoFactor.beginPasskeySignIn();
    const over = padded(PASSKEY.passwordless[0]!, 'authenticatorData', LIMIT + 1);
    expect(await s.twoFactor.finishPasskeySignIn(over as never, { challengeToken })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(lookups).toBe(0);
    const genuine = PASSKEY.passwordless[0]!.response as never;
    expect(await s.twoFactor.finishPasskeySignIn(genuine, { challengeToken })).toMatchObject({ ok: true });
  });
});

describe('recorded registrations, mutated', () => {
  it('confirmEnrollment refuses them or throws typed errors, or (attestation none signs nothing) stores a credential that reads back; the genuine one confirms after a refusal', async () => {
    const base = KEY.registration.response;
    await fc.assert(
      fc.asyncProperty(mutationsOf(base), async ({ value, labels }) => {
        const s = setup();
        s.replay.next(KEY.registration);
        const begun = await s.twoFactor.beginEnrollment(s.user, {
          type: 'webauthn',
          kind: 'security-key',
          userName: 'ada',
        });
        const [before, beforeAll] = [await snapshot(s, true), await snapshot(s, false)];
        const label = labels.join(', ');
        const proof = { webauthn: value } as never;
        const outcome = await settle(() => s.twoFactor.confirmEnrollment(s.user, proof, { factorId: begun.factorId }));
        if (outcome.value?.ok) {
          // Whatever was stored must read back: the account is not bricked by its own registration.
          expect(await settle(() => anotherProcess(s).listFactors(s.user)), label).not.toHaveProperty('error');
          return;
        }
        expectRefusedOrTyped(outcome, CALL_CODES, label);
        await expectUnchangedBut(s, before, beforeAll, (outcome.value as { reason?: string })?.reason, label);
        await s.twoFactor.unlock(s.user, { actor: 'fuzz' });
        const again = await s.twoFactor.confirmEnrollment(s.user, { webauthn: base }, { factorId: begun.factorId });
        expect(again, label).toMatchObject({ ok: true });
      }),
      PROPERTY,
    );
  });
});

describe('passwordless sign-in answers, mutated', () => {
  it('finishPasskeySignIn refuses them or throws INVALID_ARGUMENT; findUserByHandle only sees handles; the genuine one signs in after', async () => {
    const base = PASSKEY.passwordless[0]!.response;
    await fc.assert(
      fc.asyncProperty(mutationsOf(base), async ({ value, labels }) => {
        const asked: unknown[] = [];
        const findUserByHandle = async (handle: string) => {
          asked.push(handle);
          return handle === FIXTURES.userHandle ? USER : null;
        };
        const s = setup({ findUserByHandle });
        await enrollRecorded(s, s.user, 'passkey');
        s.replay.next(PASSKEY.passwordless[0]!);
        const { challengeToken } = await s.twoFactor.beginPasskeySignIn();
        const [before, beforeAll] = [await snapshot(s, true), await snapshot(s, false)];
        const label = labels.join(', ');
        const outcome = await settle(() => s.twoFactor.finishPasskeySignIn(value as never, { challengeToken }));
        for (const handle of asked) expect(handle, label).toMatch(/^[A-Za-z0-9_-]{1,86}$/);
        if (outcome.value?.ok) {
          expect(signedParts(value), label).toEqual(signedParts(base));
          return;
        }
        expectRefusedOrTyped(outcome, CALL_CODES, label);
        await expectUnchangedBut(s, before, beforeAll, (outcome.value as { reason?: string })?.reason, label);
        await s.twoFactor.unlock(s.user, { actor: 'fuzz' });
        const again = await s.twoFactor.finishPasskeySignIn(base as never, { challengeToken });
        expect(again, label).toMatchObject({ ok: true, userId: USER });
      }),
      PROPERTY,
    );
  });

  it('a challenge token that is not the one handed out is invalid or INVALID_ARGUMENT, never another error', async () => {
    const s = setup({ findUserByHandle: async () => USER });
    await enrollRecorded(s, s.user, 'passkey');
    const response = PASSKEY.passwordless[0]!.response as never;
    const token = fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: true }),
      fc.string({ unit: 'binary', maxLength: 600 }),
      fc.json().map((json) => encodeBase64url(new TextEncoder().encode(json))),
      fc
        .record({ e: fc.anything(), k: fc.anything(), h: fc.anything() }, { requiredKeys: [] })
        .map((fields) => encodeBase64url(new TextEncoder().encode(JSON.stringify(fields) ?? ''))),
    );
    await fc.assert(
      fc.asyncProperty(token, async (challengeToken) => {
        const outcome = await settle(() => s.twoFactor.finishPasskeySignIn(response, { challengeToken } as never));
        expectRefusedOrTyped(outcome, CALL_CODES, show(challengeToken));
      }),
      PROPERTY,
    );
  });
});

const sha256 = (bytes: Uint8Array | string) => new Uint8Array(createHash('sha256').update(bytes).digest());
const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const json64 = (value: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)));
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((part) => [...part]));

interface Crafted {
  credentialId: Uint8Array;
  /** Bytes of an extra COSE key parameter: a key as large as a client cares to send. */
  keyPadding: number;
  flags: number;
  counter: number;
  transports: unknown;
}

/** An ES256 authenticator of the test's own: what any client can be, attestation 'none' being unsigned. */
function craftedAuthenticator() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const coseKey = (padding: number) =>
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, decodeBase64url(jwk.x!)!],
      [-3, decodeBase64url(jwk.y!)!],
      ...(padding > 0 ? [[-70, new Uint8Array(padding)] as [number, Uint8Array]] : []),
    ]);
  const rpIdHash = sha256(FIXTURES.rpID);
  return {
    register(challenge: string, c: Crafted) {
      const credentialId = c.credentialId;
      const authData = concat(
        rpIdHash,
        new Uint8Array([c.flags | 0x40]),
        u32(c.counter),
        new Uint8Array(16),
        new Uint8Array([credentialId.length >> 8, credentialId.length & 255]),
        credentialId,
        isoCBOR.encode(coseKey(c.keyPadding)),
      );
      const attestation = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]) as never,
      );
      const id = encodeBase64url(credentialId);
      const clientDataJSON = json64({ type: 'webauthn.create', challenge, origin: FIXTURES.origin });
      return {
        id,
        rawId: id,
        type: 'public-key',
        clientExtensionResults: {},
        response: { clientDataJSON, attestationObject: encodeBase64url(attestation), transports: c.transports },
      };
    },
    assert(challenge: string, id: string, counter: number, flags = 0x01, userHandle?: string) {
      const authenticatorData = concat(rpIdHash, new Uint8Array([flags]), u32(counter));
      const clientData = JSON.stringify({ type: 'webauthn.get', challenge, origin: FIXTURES.origin });
      const signed = concat(authenticatorData, sha256(clientData));
      const signature = new Uint8Array(createSign('sha256').update(signed).sign(privateKey));
      const response = {
        clientDataJSON: json64(JSON.parse(clientData)),
        authenticatorData: encodeBase64url(authenticatorData),
        signature: encodeBase64url(signature),
        ...(userHandle === undefined ? {} : { userHandle }),
      };
      return { id, rawId: id, type: 'public-key', clientExtensionResults: {}, response };
    },
  };
}

const crafted: fc.Arbitrary<Crafted> = fc.record({
  credentialId: fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 64 }),
    fc.integer({ min: 1000, max: 1400 }).map((n) => new Uint8Array(n).fill(7)),
  ),
  keyPadding: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })),
  // Mostly UP, with or without UV, BE and BS; sometimes any byte (ED without extensions, BS without BE).
  flags: fc.oneof(fc.constantFrom(0x01, 0x05, 0x0d, 0x1d), fc.integer({ min: 0, max: 255 })),
  counter: fc.oneof(fc.constantFrom(0, 1, 0xfffffffe, 0xffffffff), fc.nat({ max: 0xffffffff })),
  transports: fc.oneof(
    fc.constant(['usb']),
    fc.array(fc.constantFrom('usb', 'nfc', 'hybrid', 'carrier-pigeon', '')),
    fc.anything({ withTypedArray: true }),
  ),
});

describe('registrations crafted with attestation none', () => {
  it('a credential registered twice on one account still accepts each assertion once', async () => {
    const s = setup();
    const authenticator = craftedAuthenticator();
    const c = { credentialId: new Uint8Array(16).fill(9), keyPadding: 0, flags: 0x01, counter: 0, transports: [] };
    const listed: unknown[] = [];
    const proofFor = async (counter: number) => {
      const asked = await s.twoFactor.requestAssertion(s.user);
      if (!asked.ok) throw new Error(asked.reason);
      // Listed once: the browser is asked for the credential, not for each factor holding it.
      listed.push(asked.options.allowCredentials?.length);
      return {
        webauthn: authenticator.assert(asked.options.challenge, encodeBase64url(c.credentialId), counter),
      } as never;
    };
    for (const counter of [0, 1]) {
      const begun = await s.twoFactor.beginEnrollment(s.user, {
        type: 'webauthn',
        kind: 'security-key',
        userName: 'ada',
      });
      const proof = { webauthn: authenticator.register(begun.options.challenge, c) } as never;
      const currentCode = counter === 0 ? undefined : await proofFor(counter);
      expect(await s.twoFactor.confirmEnrollment(s.user, proof, { currentCode })).toMatchObject({ ok: true });
    }
    expect(await s.twoFactor.listFactors(s.user)).toHaveLength(2);
    const proof = await proofFor(5);
    expect(await s.twoFactor.verify(s.user, proof)).toMatchObject({ ok: true });
    expect(await s.twoFactor.verify(s.user, proof)).toEqual({ ok: false, reason: 'replayed' });
    expect(listed).toEqual([1, 1]);
  });

  it('transports WebAuthn does not define are dropped, not stored (they are unsigned; one would make the record unreadable)', async () => {
    const s = setup();
    const begun = await s.twoFactor.beginEnrollment(s.user, {
      type: 'webauthn',
      kind: 'security-key',
      userName: 'ada',
    });
    const transports = ['usb', 'carrier-pigeon', 'usb', 7, { nfc: true }, 'nfc'];
    const c = { credentialId: new Uint8Array(16).fill(2), keyPadding: 0, flags: 0x01, counter: 0, transports };
    const registration = craftedAuthenticator().register(begun.options.challenge, c);
    expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: registration } as never)).toMatchObject({
      ok: true,
    });
    expect(await anotherProcess(s).listFactors(s.user)).toMatchObject([{ transports: ['usb', 'nfc'] }]);
  });

  it("a credential id of 1023 bytes registers and signs in; one of 1024 bytes, over WebAuthn's limit, is invalid", async () => {
    const authenticator = craftedAuthenticator();
    for (const [bytes, expected] of [
      [1023, { ok: true }],
      [1024, { ok: false, reason: 'invalid' }],
    ] as const) {
      const s = setup();
      const begun = await s.twoFactor.beginEnrollment(s.user, {
        type: 'webauthn',
        kind: 'security-key',
        userName: 'ada',
      });
      const c = { credentialId: new Uint8Array(bytes).fill(1), keyPadding: 0, flags: 0x01, counter: 0, transports: [] };
      const registration = authenticator.register(begun.options.challenge, c);
      expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: registration } as never)).toMatchObject(expected);
      expect(await anotherProcess(s).listFactors(s.user)).toHaveLength(1);
    }
  });

  it('are refused, or stored as a credential that reads back and signs in: no registration bricks the account', async () => {
    const authenticator = craftedAuthenticator();
    await fc.assert(
      fc.asyncProperty(crafted, async (c) => {
        const s = setup();
        const begun = await s.twoFactor.beginEnrollment(s.user, {
          type: 'webauthn',
          kind: 'security-key',
          userName: 'ada',
        });
        const registration = authenticator.register(begun.options.challenge, c);
        const label = `id ${c.credentialId.length} B, key +${c.keyPadding} B, flags ${c.flags}, counter ${c.counter}`;
        const outcome = await settle(() => s.twoFactor.confirmEnrollment(s.user, { webauthn: registration } as never));
        if (!outcome.value?.ok) {
          expectRefusedOrTyped(outcome, CALL_CODES, label);
          return;
        }
        expect(await settle(() => anotherProcess(s).listFactors(s.user)), label).not.toHaveProperty('error');
        const asked = await s.twoFactor.requestAssertion(s.user);
        if (!asked.ok) throw new Error(`${label}: ${asked.reason}`);
        // A counter that cannot go up: a device-bound credential is suspended, a synced one reported.
        const stuck = c.counter === 0xffffffff && (c.flags & 0x08) === 0;
        const proof = {
          webauthn: authenticator.assert(asked.options.challenge, registration.id, (c.counter + 1) % 2 ** 32),
        };
        const verified = await s.twoFactor.verify(s.user, proof as never);
        expect(verified, label).toMatchObject(stuck ? { ok: false, reason: 'factor-suspended' } : { ok: true });
      }),
      PROPERTY,
    );
  });
});

const ANY = { withNullPrototype: true, withBigInt: true, withDate: true, withTypedArray: true, withSparseArray: true };
/** A value of any kind: fast-check's anything, functions, symbols, and objects whose conversion to a string throws. */
const hostile = fc.oneof(
  fc.anything(ANY),
  fc.constantFrom<unknown>(
    Symbol('x'),
    () => 1,
    Object.create(null),
    { toString: () => ({}) },
    // A sparse array: a hole where an origin should be.
    Object.assign(new Array(2), { 1: 'https://example.com' }),
    new Proxy({}, { get: () => () => 'https://example.com' }),
  ),
);

describe('options', () => {
  it('webauthn() accepts its options or throws INVALID_ARGUMENT at once, and a module it makes enrolls', async () => {
    const field = (good: unknown) =>
      fc.oneof({ weight: 3, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: hostile });
    const options = fc.oneof(
      hostile,
      fc.record({
        rpID: field(GOOD.rpID),
        rpName: field(GOOD.rpName),
        origins: fc.oneof(
          field(GOOD.origins),
          fc.array(field(GOOD.origins[0]), { maxLength: 3 }),
          fc.sparseArray(field(GOOD.origins[0]), { maxLength: 3 }),
        ),
        challengeTtlMs: field(undefined),
        maxLiveChallenges: field(undefined),
        findUserByHandle: field(undefined),
      }),
    );
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        const label = show(given);
        const made = await settle(async () => webauthn(given as never));
        if ('error' in made) {
          expectRefusedOrTyped(made, ['INVALID_ARGUMENT'], label);
          return;
        }
        const twoFactor = createTwoFactor({
          store: new MemoryStore(),
          issuer: 'Example',
          keyring: TEST_KEYRING,
          factors: [made.value!],
        });
        const begun = await settle(() =>
          twoFactor.beginEnrollment(USER, { type: 'webauthn', kind: 'passkey', userName: 'ada' }),
        );
        expect(begun.value, label).toMatchObject({ ok: true });
        expect(await settle(() => twoFactor.requestAssertion(USER)), label).toMatchObject({ value: { ok: false } });
      }),
      { numRuns: 300 },
    );
  });

  it('beginEnrollment with any webauthn options begins or throws INVALID_ARGUMENT / INVALID_NAME, writing nothing when it throws', async () => {
    const s = setup();
    const options = fc.oneof(
      hostile,
      fc.record(
        {
          type: fc.oneof({ weight: 4, arbitrary: fc.constant('webauthn') }, { weight: 1, arbitrary: hostile }),
          kind: fc.oneof(fc.constantFrom('passkey', 'security-key'), hostile),
          userName: fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), hostile),
          name: fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary', maxLength: 80 }), hostile),
        },
        { requiredKeys: ['type'] },
      ),
      fc.dictionary(fc.constantFrom('type', 'kind', 'userName', '__proto__', 'constructor', 'residentKey'), hostile),
    );
    await fc.assert(
      fc.asyncProperty(options, async (given) => {
        const label = show(given);
        const before = await snapshot(s, false);
        const begun = await settle(() => s.twoFactor.beginEnrollment(s.user, given as never));
        if ('error' in begun) {
          expectRefusedOrTyped(begun, ['INVALID_ARGUMENT', 'INVALID_NAME'], label);
          expect(await snapshot(s, false), label).toEqual(before);
        } else {
          expect(begun.value, label).toMatchObject({ ok: true });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('proofs that are not WebAuthn', () => {
  const proofs = fc.oneof(hostile, fc.record({ webauthn: hostile }), fc.dictionary(fc.string(), hostile));

  for (const registered of [true, false]) {
    it(`every proof call refuses them or throws INVALID_ARGUMENT, ${registered ? 'with' : 'without'} the webauthn module`, async () => {
      const twoFactor = await withActiveFactor(registered);
      await fc.assert(
        fc.asyncProperty(proofs, fc.nat({ max: 5 }), async (proof, which) => {
          const label = `${which}: ${show(proof)}`;
          const calls = proofCalls(twoFactor, proof);
          const outcome = await settle(calls[which]!);
          expectRefusedOrTyped(outcome, CALL_CODES, label);
          await twoFactor.unlock(USER, { actor: 'fuzz' });
        }),
        { numRuns: 200 },
      );
      expect(await twoFactor.listFactors(USER)).toHaveLength(1);
    });
  }
});

type AnyLifecycle = Setup['twoFactor'] | TwoFactor;

/** Every call of TwoFactor that takes a proof, with `proof` (removeFactor of `factorId`). */
function proofCalls(twoFactor: AnyLifecycle, proof: unknown, factorId = 'f_none'): (() => Promise<unknown>)[] {
  const p = proof as never;
  return [
    () => twoFactor.verify(USER, p),
    () => twoFactor.stepUp(USER, p),
    () => twoFactor.confirmEnrollment(USER, p),
    () => twoFactor.disable(USER, p),
    () => twoFactor.regenerateBackupCodes(USER, p),
    () => twoFactor.removeFactor(USER, factorId, p),
  ];
}

/** A lifecycle whose user has an active factor (so that every proof is checked against one): a security key, or an authenticator app without the webauthn module. */
async function withActiveFactor(registered: boolean): Promise<AnyLifecycle> {
  if (registered) {
    const s = setup();
    await enrollRecorded(s, USER, 'security-key');
    return s.twoFactor;
  }
  const clock = new TestClock();
  const twoFactor = lifecycle(new MemoryStore(), clock);
  await enroll(twoFactor, USER, clock);
  return twoFactor;
}

/** Whether simplewebauthn parses and accepts an assertion with these flags: UP set, no AT or ED (no data follows), BS only with BE. */
const acceptedFlags = (f: number) => (f & 0x01) !== 0 && (f & 0xc0) === 0 && !((f & 0x10) !== 0 && (f & 0x08) === 0);

const signIns = fc.array(
  fc.record({
    counter: fc.oneof(fc.nat({ max: 5 }), fc.constantFrom(0xfffffffe, 0xffffffff), fc.nat({ max: 0xffffffff })),
    flags: fc.oneof(fc.constantFrom(0x01, 0x05, 0x0d, 0x1d), fc.integer({ min: 0, max: 255 })),
  }),
  { minLength: 1, maxLength: 5 },
);

describe('assertions signed by a crafted authenticator', () => {
  it('follow the documented counter rule, whatever the signed counter and flags; the record reads back after each', async () => {
    const authenticator = craftedAuthenticator();
    const registered = fc.record({ counter: fc.nat({ max: 3 }), synced: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(registered, signIns, async ({ counter, synced }, assertions) => {
        const s = setup();
        const begun = await s.twoFactor.beginEnrollment(s.user, {
          type: 'webauthn',
          kind: 'security-key',
          userName: 'ada',
        });
        const c = {
          credentialId: new Uint8Array(16).fill(3),
          keyPadding: 0,
          flags: synced ? 0x0d : 0x01,
          counter,
          transports: [],
        };
        const registration = authenticator.register(begun.options.challenge, c);
        expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: registration } as never)).toMatchObject({
          ok: true,
        });
        let stored = counter;
        let suspended = false;
        for (const a of assertions) {
          const label = `registered ${counter}${synced ? ' synced' : ''}, then ${fc.stringify(assertions)}`;
          const asked = await s.twoFactor.requestAssertion(s.user);
          if (suspended) {
            expect(asked, label).toEqual({ ok: false, reason: 'factor-suspended' });
            break;
          }
          if (!asked.ok) throw new Error(`${label}: ${asked.reason}`);
          const proof = {
            webauthn: authenticator.assert(asked.options.challenge, registration.id, a.counter, a.flags),
          };
          const result = await s.twoFactor.verify(s.user, proof as never);
          await s.twoFactor.unlock(s.user, { actor: 'fuzz' });
          const regressed = (a.counter > 0 || stored > 0) && a.counter <= stored;
          if (!acceptedFlags(a.flags)) expect(result, label).toEqual({ ok: false, reason: 'invalid' });
          else if (regressed && !synced) {
            expect(result, label).toEqual({ ok: false, reason: 'factor-suspended' });
            suspended = true;
          } else {
            expect(result, label).toMatchObject({ ok: true });
            stored = Math.max(stored, a.counter);
          }
          const listed = await anotherProcess(s).listFactors(s.user);
          expect(listed, label).toMatchObject([{ suspended }]);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("the module's own operations", () => {
  it('requestAssertion, reactivateFactor and finishPasskeySignIn take any arguments: an answer or INVALID_ARGUMENT', async () => {
    const s = setup({ findUserByHandle: async () => USER });
    const { factorId } = await enrollRecorded(s, USER, 'security-key');
    const arg = fc.oneof(hostile, fc.constantFrom<unknown>(USER, factorId, { factorId }, { challengeToken: 'x' }));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 2 }), arg, arg, arg, async (which, a, b, c) => {
        const calls = [
          () => s.twoFactor.requestAssertion(a as never, b as never),
          () => s.twoFactor.reactivateFactor(a as never, b as never, c as never),
          () => s.twoFactor.finishPasskeySignIn(a as never, b as never),
        ];
        const outcome = await settle<unknown>(calls[which]!);
        const label = `${which}: ${show([a, b, c])}`;
        if (outcome.value !== undefined && (outcome.value as { ok: boolean }).ok) {
          // Only requestAssertion for the enrolled user can succeed on its own.
          expect([which, a], label).toEqual([0, USER]);
        } else {
          expectRefusedOrTyped(outcome, CALL_CODES, label);
        }
        await s.twoFactor.unlock(USER, { actor: 'fuzz' });
      }),
      { numRuns: 300 },
    );
  });
});

describe('passwordless answers signed by a crafted passkey', () => {
  it('sign in only with user verification and a counter that moved (or none kept); otherwise the documented refusal', async () => {
    const authenticator = craftedAuthenticator();
    await fc.assert(
      fc.asyncProperty(fc.boolean(), signIns, async (synced, answers) => {
        let userHandle = '';
        const s = setup({ findUserByHandle: async (handle: string) => (handle === userHandle ? USER : null) });
        const begun = await s.twoFactor.beginEnrollment(s.user, { type: 'webauthn', kind: 'passkey', userName: 'ada' });
        userHandle = begun.userHandle;
        const c = {
          credentialId: new Uint8Array(16).fill(4),
          keyPadding: 0,
          flags: synced ? 0x0d : 0x05,
          counter: 0,
          transports: [],
        };
        const registration = authenticator.register(begun.options.challenge, c);
        expect(await s.twoFactor.confirmEnrollment(s.user, { webauthn: registration } as never)).toMatchObject({
          ok: true,
        });
        let [stored, suspended] = [0, false];
        for (const a of answers) {
          const label = `${synced ? 'synced' : 'device-bound'}, ${fc.stringify(answers)}`;
          const { options, challengeToken } = await s.twoFactor.beginPasskeySignIn();
          const answer = authenticator.assert(options.challenge, registration.id, a.counter, a.flags, begun.userHandle);
          const result = await s.twoFactor.finishPasskeySignIn(answer as never, { challengeToken });
          await s.twoFactor.unlock(s.user, { actor: 'fuzz' });
          const regressed = (a.counter > 0 || stored > 0) && a.counter <= stored;
          let expected: object = { ok: true, userId: USER };
          if (suspended) expected = { ok: false, reason: 'factor-suspended' };
          else if (!acceptedFlags(a.flags)) expected = { ok: false, reason: 'invalid' };
          else if ((a.flags & 0x04) === 0) expected = { ok: false, reason: 'user-verification-required' };
          else if (regressed && !synced) [expected, suspended] = [{ ok: false, reason: 'factor-suspended' }, true];
          else stored = Math.max(stored, a.counter);
          expect(result, label).toMatchObject(expected);
          expect(await anotherProcess(s).listFactors(s.user), label).toMatchObject([{ suspended }]);
        }
      }),
      { numRuns: 100 },
    );
  });
});

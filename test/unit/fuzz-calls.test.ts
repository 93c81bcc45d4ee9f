// Property-based fuzzing of the public call surface: every TwoFactor method on an enrolled user
// (an authenticator app and an e-mail factor), every JSON route of factorkit/http, recorded
// WebAuthn ceremonies with fields changed, the WebAuthn module's operations and the factories'
// options, fed arbitrary arguments and bodies. The rule under test: bad input never crashes,
// corrupts or half-writes anything; it gets a typed FactorkitError (or a 4xx answer), and no
// message or answer ever carries the user's secret or codes.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  MemoryStore,
  type StoredRecord,
  type FactorkitErrorCode,
  type TwoFactor,
  createTwoFactor,
  generateTotp,
  isFactorkitError,
} from 'factorkit';
import { type DeliveryMessage, deliveredCodes } from 'factorkit/delivered';
import { createSecondStep } from 'factorkit/http';
import { webauthn } from 'factorkit/webauthn';
import { isoCBOR, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { TestClock } from '../../src/testing/harness.js';
import { askRecorded, enrollRecorded, makeLifecycle } from '../support/webauthn-conformance.js';
import { FIXTURES, replayModule, replayRandom } from '../support/webauthn-fixtures.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type App,
  Browser,
  Clock,
  KEYRING,
  ORIGIN,
  enrollTotp,
  makeApp,
  passPassword,
  testLifecycle,
} from '../support/http-app.js';

const SEED = 0x2fa;
const RUNS = 200;
/** Longer than any call on a MemoryStore takes: a call still pending then is a hang. */
const HANG_MS = 5_000;

/** The error a caller's own getter or Proxy trap throws: passing it through is the caller's doing. */
const CALLER_ERROR = new Error('thrown by the caller’s own object');

function throwingGetters(keys: readonly string[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(object, key, {
      enumerable: true,
      get() {
        throw CALLER_ERROR;
      },
    });
  }
  return object;
}

function throwingProxy(): object {
  const refuse = () => {
    throw CALLER_ERROR;
  };
  return new Proxy({}, { get: refuse, has: refuse, ownKeys: refuse, getOwnPropertyDescriptor: refuse });
}

/**
 * A stand-in for an object whose every read throws: fast-check prints and clones what it
 * generates, which such an object would not survive, so the real one is made only for the call.
 */
class Hostile {
  constructor(readonly kind: 'getters' | 'proxy') {}
  [fc.toStringMethod](): string {
    return `<hostile ${this.kind}>`;
  }
}

/** The value with each Hostile stand-in, at any depth of plain objects and arrays, made real. */
function materialize(value: unknown): unknown {
  if (value instanceof Hostile) {
    return value.kind === 'proxy'
      ? throwingProxy()
      : throwingGetters(['factorId', 'account', 'actor', 'label', 'ticketId', 'name', 'type', 'channel', 'webauthn']);
  }
  if (Array.isArray(value)) return value.map(materialize);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy = {};
  // defineProperty keeps an own `__proto__` key an own key, as JSON.parse made it.
  for (const [key, inner] of Object.entries(value)) {
    Object.defineProperty(copy, key, {
      value: materialize(inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Keys a call reads, and keys that reach the prototype chain if an object is built carelessly. */
const KEYS = [
  'factorId',
  'account',
  'name',
  'type',
  'channel',
  'destination',
  'actor',
  'label',
  'ttlMs',
  'currentCode',
  'retryKey',
  'steppedUpAt',
  'minimum',
  'ticketId',
  'issuedAt',
  'expiresAt',
  'status',
  'limit',
  'cursor',
  'trustedSession',
  'matchNumber',
  'userId',
  'webauthn',
  'code',
  'deviceId',
  'rememberDevice',
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'toJSON',
  'then',
] as const;

const SPECIAL_VALUES: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  -1,
  1.5,
  2 ** 53,
  1e300,
  0n,
  -1n,
  2n ** 64n,
  true,
  false,
  Symbol('fuzz'),
  () => 1,
  new Date(Number.NaN),
  new Uint8Array(20),
  new ArrayBuffer(8),
  new Map([['factorId', 'x']]),
  Object.create(null),
  JSON.parse('{"__proto__": {"factorId": "f_x", "account": "a"}}'),
  { constructor: 'x', toString: 1, valueOf: null },
  Object('123456'),
  new Hostile('getters'),
  new Hostile('proxy'),
];

const hugeStrings = fc.constantFrom(
  'a'.repeat(65),
  'a'.repeat(256),
  '1'.repeat(100_000),
  'x'.repeat(1_000_000),
  `${'\u{1F600}'.repeat(40)}`,
);

/** Short strings of every kind: control characters, lone surrogates, NUL, bidi marks, digits. */
const oddStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'a\u202eb', '\t', '123456', ' 123 456 ', '12345678', '----'),
  fc.stringMatching(/^[0-9 ]{0,12}$/),
);

const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...SPECIAL_VALUES),
  oddStrings,
  hugeStrings,
  fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withTypedArray: true,
    withSparseArray: true,
  }),
  fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.constantFrom(...SPECIAL_VALUES), oddStrings), { maxKeys: 4 }),
);

/** An options object: its known keys each with a valid value or a weird one; sometimes not an object at all. */
function optionsOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(
    Object.fromEntries(Object.entries(fields).map(([key, valid]) => [key, fc.oneof(valid, weird)])),
    { requiredKeys: [] },
  );
  return fc.oneof({ weight: 3, arbitrary: record }, { weight: 1, arbitrary: weird });
}

const USER = 'ada';
/** The recorded WebAuthn ceremonies (test/fixtures/webauthn.json). */
const SECURITY_KEY = FIXTURES.kinds['security-key'];
const PASSKEY = FIXTURES.kinds.passkey;

interface Fixture {
  store: MemoryStore;
  twoFactor: TwoFactor;
  clock: Clock;
  outbox: DeliveryMessage[];
  secret: string;
  backupCodes: string[];
  totpId: string;
  emailId: string;
}

function deliveredCode(outbox: DeliveryMessage[]): string {
  const message = outbox.at(-1);
  if (message?.kind !== 'code') throw new Error('no code was delivered');
  return message.code;
}

/** A user with 2FA on: an authenticator app, then an e-mail factor vouched for by a TOTP code. */
async function enrolledFixture(): Promise<Fixture> {
  const clock = new Clock();
  const store = new MemoryStore();
  const outbox: DeliveryMessage[] = [];
  const twoFactor = testLifecycle(store, clock, [
    deliveredCodes({ deliver: async (message) => void outbox.push(message) }),
  ]);
  const begun = await twoFactor.beginEnrollment(USER, { account: 'ada@example.com' });
  const confirmed = await twoFactor.confirmEnrollment(USER, generateTotp(begun.secret, { time: clock.nowMs }));
  if (!confirmed.ok) throw new Error(confirmed.reason);
  clock.advance(30_000);
  const email = await twoFactor.beginEnrollment(USER, { channel: 'email', destination: 'ada@example.com' });
  if (!email.ok) throw new Error(email.reason);
  const currentCode = generateTotp(begun.secret, { time: clock.nowMs });
  const added = await twoFactor.confirmEnrollment(USER, deliveredCode(outbox), {
    factorId: email.factorId,
    currentCode,
  });
  if (!added.ok) throw new Error(added.reason);
  clock.advance(60_000);
  const { secret, factorId: totpId } = begun;
  return {
    store,
    twoFactor,
    clock,
    outbox,
    secret,
    backupCodes: confirmed.backupCodes,
    totpId,
    emailId: email.factorId,
  };
}

/** What a method is called with, and the error codes its documentation allows for bad input. */
interface MethodCase {
  method: string;
  args: (f: Fixture) => fc.Arbitrary<unknown[]>;
  codes: readonly FactorkitErrorCode[];
}

const ARGUMENT: readonly FactorkitErrorCode[] = ['INVALID_ARGUMENT'];
const ENROLLING: readonly FactorkitErrorCode[] = [
  'INVALID_ARGUMENT',
  'INVALID_NAME',
  'INVALID_LABEL',
  'INVALID_DESTINATION',
  'VOICE_FALLBACK_ONLY',
  'TOO_MANY_FACTORS',
];

const userId = fc.oneof({ weight: 4, arbitrary: fc.constant(USER) }, { weight: 1, arbitrary: weird });
const proofArb = (f: Fixture) =>
  fc.oneof(
    weird,
    fc.constantFrom(f.backupCodes[0]!.slice(0, 5), '000000', '12345678'),
    weird.map((webauthn) => ({ webauthn })),
  );
const factorIdArb = (f: Fixture) => fc.oneof(fc.constantFrom(f.totpId, f.emailId), weird);
const anyFactorOptions = (f: Fixture) => optionsOf({ factorId: factorIdArb(f) });
const actorOptions = optionsOf({ actor: fc.constant('support:grace') });
const ticketArb = optionsOf({
  ticketId: fc.constant('t_fuzz'),
  issuedAt: fc.integer({ min: 0, max: 2 ** 50 }),
  expiresAt: fc.integer({ min: 0, max: 2 ** 50 }),
});

const METHODS: readonly MethodCase[] = [
  {
    method: 'beginEnrollment',
    args: () =>
      fc.tuple(
        userId,
        optionsOf({
          account: fc.constant('ada@example.com'),
          name: oddStrings,
          type: fc.constantFrom('totp', 'delivered', 'pin'),
          channel: fc.constantFrom('email', 'sms', 'voice', 'telegram'),
          destination: fc.constantFrom('ada@example.com', '+15555550100', '111111111'),
        }),
      ),
    codes: ENROLLING,
  },
  {
    method: 'confirmEnrollment',
    args: (f) =>
      fc.tuple(userId, proofArb(f), optionsOf({ factorId: factorIdArb(f), currentCode: proofArb(f), retryKey: weird })),
    codes: ['INVALID_ARGUMENT', 'VOICE_FALLBACK_ONLY'],
  },
  {
    method: 'pendingEnrollment',
    args: (f) => fc.tuple(userId, optionsOf({ factorId: factorIdArb(f), steppedUpAt: fc.constant(f.clock.nowMs) })),
    codes: ARGUMENT,
  },
  { method: 'verify', args: (f) => fc.tuple(userId, proofArb(f), anyFactorOptions(f)), codes: ARGUMENT },
  {
    method: 'stepUp',
    args: (f) =>
      fc.tuple(
        userId,
        proofArb(f),
        optionsOf({ factorId: factorIdArb(f), minimum: fc.constantFrom('email', 'authenticator-app') }),
      ),
    codes: ARGUMENT,
  },
  {
    method: 'regenerateBackupCodes',
    args: (f) => fc.tuple(userId, proofArb(f), optionsOf({ retryKey: fc.constant('r'.repeat(20)) })),
    codes: ARGUMENT,
  },
  { method: 'disable', args: (f) => fc.tuple(userId, proofArb(f)), codes: ARGUMENT },
  { method: 'status', args: () => fc.tuple(userId), codes: ARGUMENT },
  { method: 'statusOf', args: () => fc.tuple(fc.oneof(weird, fc.array(userId, { maxLength: 5 }))), codes: ARGUMENT },
  { method: 'remainingBackupCodes', args: () => fc.tuple(userId), codes: ARGUMENT },
  { method: 'throttleStatus', args: () => fc.tuple(userId), codes: ARGUMENT },
  {
    method: 'listUsers',
    args: () =>
      fc.tuple(
        optionsOf({
          status: fc.constantFrom('activated', 'pending', 'not-activated'),
          limit: fc.integer({ min: 1, max: 1000 }),
          cursor: oddStrings,
        }),
      ),
    codes: ARGUMENT,
  },
  { method: 'resetByAdmin', args: () => fc.tuple(userId, actorOptions), codes: ARGUMENT },
  { method: 'unlock', args: () => fc.tuple(userId, actorOptions), codes: ARGUMENT },
  { method: 'listFactors', args: () => fc.tuple(userId), codes: ARGUMENT },
  {
    method: 'renameFactor',
    args: (f) => fc.tuple(userId, factorIdArb(f), fc.oneof(oddStrings, weird)),
    codes: ARGUMENT,
  },
  { method: 'removeFactor', args: (f) => fc.tuple(userId, factorIdArb(f), proofArb(f)), codes: ARGUMENT },
  {
    method: 'rememberDevice',
    args: () => fc.tuple(userId, optionsOf({ label: oddStrings, ttlMs: fc.integer({ min: 0, max: 2 ** 40 }) })),
    codes: ARGUMENT,
  },
  { method: 'checkRememberedDevice', args: () => fc.tuple(userId, fc.oneof(oddStrings, weird)), codes: ARGUMENT },
  { method: 'listRememberedDevices', args: () => fc.tuple(userId), codes: ARGUMENT },
  { method: 'forgetDevice', args: () => fc.tuple(userId, weird), codes: ARGUMENT },
  {
    method: 'sendCode',
    args: (f) => fc.tuple(userId, optionsOf({ factorId: factorIdArb(f), trustedSession: fc.boolean() })),
    codes: ARGUMENT,
  },
  { method: 'requestApproval', args: (f) => fc.tuple(userId, anyFactorOptions(f)), codes: ARGUMENT },
  {
    method: 'approve',
    args: () => fc.tuple(weird, optionsOf({ userId, matchNumber: fc.constantFrom('12', '00') })),
    codes: ARGUMENT,
  },
  {
    method: 'deny',
    args: () => fc.tuple(weird, optionsOf({ userId, matchNumber: fc.constantFrom('12', '00') })),
    codes: ARGUMENT,
  },
  { method: 'approvalStatus', args: () => fc.tuple(userId, weird), codes: ARGUMENT },
  { method: 'redeemSignInTicket', args: () => fc.tuple(userId, ticketArb), codes: ARGUMENT },
  { method: 'checkSignInTicket', args: () => fc.tuple(userId, ticketArb), codes: ARGUMENT },
];

/** Every message in the error's cause chain. */
function messages(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) out.push(e.message);
  return out;
}

/** The secrets of the fixture that no error or answer may show: the TOTP secret, backup and delivered codes. */
function secretsOf(f: Fixture): string[] {
  const delivered = f.outbox.flatMap((message) => (message.kind === 'code' ? [message.code] : []));
  return [f.secret, ...f.backupCodes, ...delivered];
}

function expectNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text.toUpperCase()).not.toContain(secret.toUpperCase());
}

async function withinTime<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Calls `method` as a JavaScript caller could, with whatever arguments: a synchronous throw is a failure too. */
async function call(twoFactor: TwoFactor, method: string, args: unknown[]): Promise<Settled> {
  const fn = (twoFactor as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
  let pending: Promise<unknown>;
  try {
    pending = fn(...args);
  } catch (error) {
    throw new Error(`${method} threw synchronously instead of rejecting`, { cause: error });
  }
  expect(pending).toBeInstanceOf(Promise);
  try {
    return { ok: true, value: await withinTime(pending, method) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The stored text of the users a call could have written. */
async function snapshot(store: MemoryStore, ids: readonly unknown[]): Promise<string> {
  const records = [];
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    try {
      records.push([id, await store.get(id)]);
    } catch {
      // Not an id the store takes: nothing can be stored under it.
    }
  }
  return JSON.stringify(records);
}

/**
 * Refusals the lifecycle writes on purpose: a wrong code is counted on the throttle (and uses up an
 * attempt of a delivered code it was compared with).
 */
const COUNTED = new Set(['invalid']);

function refusalReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || (value as { ok?: unknown }).ok !== false) return undefined;
  return String((value as { reason?: unknown }).reason);
}

function checkSettled(
  settled: Settled,
  testCase: Pick<MethodCase, 'method' | 'codes'>,
  secrets: readonly string[],
): void {
  if (settled.ok) return;
  const { error } = settled;
  if (error === CALLER_ERROR) return;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  expect(isFactorkitError(error), `${testCase.method} rejected with ${detail}`).toBe(true);
  const { code } = error as { code: FactorkitErrorCode };
  expect(testCase.codes, `${testCase.method} rejected with ${code}: ${detail}`).toContain(code);
  for (const text of messages(error)) {
    expect(text.length).toBeGreaterThan(0);
    expectNoSecret(text, secrets);
  }
}

/** The `userId` option of approve and deny, read as the test's own code may: never through a trap. */
function namedUser(options: unknown): unknown {
  if (typeof options !== 'object' || options === null || options instanceof Hostile) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(options, 'userId');
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

/**
 * Puts the user's record back as it was enrolled: a call that legitimately changed it (an admin
 * reset, a counted wrong code) would leave the next run on another account. The same store and
 * ids, so the arbitraries' valid factor ids stay valid.
 */
async function restore(store: MemoryStore, enrolled: StoredRecord): Promise<void> {
  const current = await store.get(USER);
  if (current?.data === enrolled.data && current.status === enrolled.status) return;
  const { status, data, updatedAt } = enrolled;
  const written =
    current === null
      ? await store.create(USER, { status, data, updatedAt })
      : await store.compareAndSet(USER, current.version, { status, data, updatedAt });
  if (written === null) throw new Error('could not restore the enrolled record');
}

async function fuzzMethod(testCase: MethodCase, runs: number): Promise<void> {
  const fixture = await enrolledFixture();
  const enrolled = (await fixture.store.get(USER))!;
  await fc.assert(
    fc.asyncProperty(testCase.args(fixture), async (args) => {
      await restore(fixture.store, enrolled);
      const written = [USER, args[0], namedUser(args[1])];
      const before = await snapshot(fixture.store, written);
      const settled = await call(fixture.twoFactor, testCase.method, args.map(materialize));
      checkSettled(settled, testCase, secretsOf(fixture));
      const reason = settled.ok ? refusalReason(settled.value) : 'rejected';
      if (reason !== undefined && !COUNTED.has(reason)) {
        expect(await snapshot(fixture.store, written), `${testCase.method} refused (${reason}) but wrote`).toBe(before);
      }
    }),
    { seed: SEED, numRuns: runs },
  );
}

/** Every method that takes an options object, with the arguments before it. */
const OPTIONS_CALLS: ReadonlyArray<[string, readonly unknown[]]> = [
  ['beginEnrollment', ['bob']],
  ['confirmEnrollment', [USER, '000000']],
  ['pendingEnrollment', [USER]],
  ['verify', [USER, '000000']],
  ['stepUp', [USER, '000000']],
  ['regenerateBackupCodes', [USER, '000000']],
  ['listUsers', []],
  ['resetByAdmin', [USER]],
  ['unlock', [USER]],
  ['rememberDevice', [USER]],
  ['sendCode', [USER]],
  ['requestApproval', [USER]],
  ['approve', ['t'.repeat(40)]],
  ['deny', ['t'.repeat(40)]],
  ['redeemSignInTicket', [USER]],
  ['checkSignInTicket', [USER]],
];

/**
 * What is no options object: read as one it holds no option, so `verify(userId, code, factorId)`
 * would check every factor and `stepUp(userId, code, 'phishing-resistant')` no minimum.
 */
const notAnObject = fc.oneof(
  fc.constantFrom(null, [], [{ factorId: 'f_x' }], () => ({}), new Uint8Array(4), Symbol('options'), 0n, true),
  fc.string(),
  fc.double(),
  fc.bigInt(),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
);

describe('every TwoFactor method, fuzzed on an enrolled user', () => {
  it('covers every method the TwoFactor object has', async () => {
    const { twoFactor } = await enrolledFixture();
    const fuzzed = METHODS.map((m) => m.method).sort();
    expect(Object.keys(twoFactor).sort()).toEqual(fuzzed);
  });

  for (const testCase of METHODS) {
    it(`${testCase.method}: resolves, or rejects with a documented code; a refusal writes nothing`, async () => {
      await fuzzMethod(testCase, RUNS);
    });
  }

  it('an options argument that is not an object is INVALID_ARGUMENT, read and written nothing', async () => {
    const fixture = await enrolledFixture();
    const enrolled = (await fixture.store.get(USER))!;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPTIONS_CALLS), notAnObject, async ([method, before], options) => {
        await restore(fixture.store, enrolled);
        const settled = await call(fixture.twoFactor, method, [...before, options]);
        const code = settled.ok
          ? `resolved ${JSON.stringify(settled.value)}`
          : (settled.error as { code?: unknown }).code;
        expect(code, `${method}(..., ${fc.stringify(options)})`).toBe('INVALID_ARGUMENT');
        expect(await fixture.store.get(USER)).toEqual(enrolled);
      }),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });
});

interface WebFixture {
  app: App;
  outbox: DeliveryMessage[];
  secret: string;
  backupCodes: string[];
  enrolled: StoredRecord;
  totpId: string;
  emailId: string;
}

/** The http app of test/support with delivered codes, and `ada` enrolled with an authenticator app and an e-mail factor. */
async function webFixture(): Promise<WebFixture> {
  const outbox: DeliveryMessage[] = [];
  const replay = replayRandom();
  const app = makeApp({}, [
    deliveredCodes({ deliver: async (message) => void outbox.push(message) }),
    replayModule(replay.random),
  ]);
  const { secret, backupCodes } = await enrollTotp(app, USER);
  replay.next(PASSKEY.registration);
  const passkey = await app.twoFactor.beginEnrollment(USER, { type: 'webauthn', kind: 'passkey', userName: 'ada' });
  const registered = await app.twoFactor.confirmEnrollment(
    USER,
    { webauthn: PASSKEY.registration.response },
    { factorId: passkey.factorId, currentCode: generateTotp(secret, { time: app.clock.nowMs }) },
  );
  if (!registered.ok) throw new Error(registered.reason);
  app.clock.advance(30_000);
  const email = await app.twoFactor.beginEnrollment(USER, { channel: 'email', destination: 'ada@example.com' });
  if (!email.ok) throw new Error(email.reason);
  const currentCode = generateTotp(secret, { time: app.clock.nowMs });
  const added = await app.twoFactor.confirmEnrollment(USER, deliveredCode(outbox), {
    factorId: email.factorId,
    currentCode,
  });
  if (!added.ok) throw new Error(added.reason);
  app.clock.advance(60_000);
  const totpId = (await app.twoFactor.listFactors(USER)).find((f) => f.type === 'totp')!.factorId;
  const enrolled = (await app.store.get(USER))!;
  return { app, outbox, secret, backupCodes, enrolled, totpId, emailId: email.factorId };
}

/** Each route, with the body fields it reads and a plausible value of each. */
function routeFields(web: WebFixture): Record<string, Record<string, fc.Arbitrary<unknown>>> {
  const code = fc.constantFrom('000000', '123 456', web.backupCodes[0]!.slice(0, 4), 'x'.repeat(256));
  const factorId = fc.constantFrom(web.totpId, web.emailId, 'f_unknown');
  const assertion = PASSKEY.assertions[0]!.response as Json;
  const webauthnProof = fc.oneof(responses(assertion), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()));
  const proof = { code, webauthn: webauthnProof };
  return {
    'POST /sign-in/verify': { ...proof, factorId, rememberDevice: fc.boolean() },
    'POST /sign-in/send-code': { factorId },
    'POST /sign-in/webauthn-options': { factorId },
    'POST /sign-in/approval': { factorId },
    'GET /sign-in/approval': {},
    'GET /sign-in': {},
    'GET /status': {},
    'POST /enrollment/begin': {
      type: fc.constantFrom('totp', 'delivered', 'webauthn', 'pin'),
      name: oddStrings,
      kind: fc.constantFrom('security-key', 'passkey'),
      userName: fc.oneof(fc.constant('ada'), oddStrings),
      channel: fc.constantFrom('email', 'sms', 'voice', 'telegram'),
      destination: fc.constantFrom('bob@example.com', '+15555550100', '111111111', 'not an address'),
    },
    'POST /enrollment/confirm': { ...proof, factorId, currentCode: code },
    'POST /backup-codes/regenerate': proof,
    'POST /disable': proof,
    'POST /step-up': { ...proof, factorId },
    'POST /factors/rename': { factorId, name: oddStrings },
    'POST /factors/remove': { ...proof, factorId },
    'POST /send-code': { factorId },
    'POST /webauthn-options': { factorId },
    'GET /devices': {},
    'POST /devices/forget': { deviceId: fc.constantFrom('d_unknown', '') },
  };
}

/** A JSON value, mostly an object with the route's fields, each plausible or any JSON, and some stray keys. */
function jsonBody(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 2 }), oddStrings);
  const own = fc.record(
    Object.fromEntries(
      Object.entries(fields).map(([key, valid]) => [key, fc.oneof({ weight: 3, arbitrary: valid }, anyJson)]),
    ),
    { requiredKeys: [] },
  );
  const stray = fc.dictionary(fc.constantFrom(...KEYS), anyJson, { maxKeys: 2 });
  const object = fc.tuple(own, stray).map(([a, b]) => ({ ...b, ...a }));
  return fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: fc.jsonValue() });
}

/** The raw body text: JSON, JSON with a `__proto__` key, not JSON at all, or too large. */
function bodyText(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: jsonBody(fields).map((value) => JSON.stringify(value) ?? '') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__": {"code": "000000", "factorId": "x"}, "type": "totp"}',
        '{"type": "totp", "name": "\\u0000\\u0007"}',
        '{"code": "000000", "code": {"a": 1}}',
        `{"code": "${'9'.repeat(70_000)}"}`,
        `{"type": "totp", "name": "${'n'.repeat(65_000)}"}`,
        '[1, 2, 3]',
        'null',
        '{',
        '\uFEFF{}',
      ),
    },
  );
}

const CONTENT_TYPES = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  undefined,
);

/** What is done to the browser's cookies and headers: nothing, or tampering a page script or proxy could do. */
type Tamper =
  | { kind: 'none' }
  | { kind: 'cookie'; name: string; value: string }
  | { kind: 'flip'; at: number }
  | { kind: 'headers'; acceptLanguage: string; contentLength: string };

const cookieText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '.', '..', 'a.b.c', '%', '%zz', 'x'.repeat(5000), '"quoted"'),
);

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({
    kind: fc.constant('cookie' as const),
    name: fc.constantFrom('__Host-factorkit-pending', '__Host-factorkit-step-up', '__Host-factorkit-device', 'sid'),
    value: cookieText,
  }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('headers' as const),
    acceptLanguage: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('de;q=NaN', 'x'.repeat(10_000), ',;,;=')),
    contentLength: fc.constantFrom('0', '1', '-1', '999999999', 'NaN', '1e400', ''),
  }),
);

/** The browser's cookies, or a copy of it with one cookie changed (a replaced value, one character flipped). */
function tampered(browser: Browser, change: Tamper): Browser {
  if (change.kind === 'none' || change.kind === 'headers') return browser;
  const copy = new Browser(browser.userAgent);
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  if (change.kind === 'cookie') {
    copy.cookies.set(change.name, change.value);
    return copy;
  }
  const [name, value] = [...copy.cookies].at(change.at % copy.cookies.size)!;
  const at = change.at % value.length;
  const flipped = value[at] === 'A' ? 'B' : 'A';
  copy.cookies.set(name, `${value.slice(0, at)}${flipped}${value.slice(at + 1)}`);
  return copy;
}

interface WebCall {
  route: string;
  tamper: Tamper;
  body: string;
  contentType: string | undefined;
  query: string;
}

function webCall(web: WebFixture, route: string): fc.Arbitrary<WebCall> {
  return fc.record({
    route: fc.constant(route),
    tamper,
    body: bodyText(routeFields(web)[route]!),
    contentType: CONTENT_TYPES,
    query: fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 20 }).map((q) => `?challengeId=${encodeURIComponent(q)}`),
    ),
  });
}

/** A browser signed in as `ada` (the app's session), and one between the password and the second step. */
async function browsers(web: WebFixture): Promise<{ account: Browser; signIn: Browser }> {
  const account = new Browser();
  account.cookies.set('sid', web.app.sessions.create(USER));
  const signIn = new Browser();
  await passPassword(web.app, signIn, USER);
  return { account, signIn };
}

function requestOf(browser: Browser, { route, body, contentType, query, tamper }: WebCall): Request {
  const [method, path] = route.split(' ') as [string, string];
  const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
  if (tamper.kind === 'headers') {
    headers['accept-language'] = tamper.acceptLanguage;
    headers['content-length'] = tamper.contentLength;
  }
  const request = browser.request(method, `/2fa${path}${query}`, undefined, headers);
  if (method === 'GET') return request;
  // The body as raw text (a string body is sent as it is), without the helper's content type when none is wanted.
  const init: RequestInit = { method, headers: new Headers(request.headers), body };
  if (contentType === undefined) (init.headers as Headers).delete('content-type');
  return new Request(request.url, init);
}

/** Sends the call through the handler: never a throw, never a 5xx, always a JSON answer that shows no secret. */
async function answerOf(web: WebFixture, browser: Browser, call: WebCall): Promise<{ status: number; text: string }> {
  let response: Response | undefined;
  try {
    response = await withinTime(web.app.secondStep.handle(requestOf(browser, call), undefined), call.route);
  } catch (error) {
    const detail = error instanceof Error ? `${error.name} ${(error as { code?: string }).code}: ${error.message}` : '';
    throw new Error(`${call.route} threw instead of answering: ${detail}`, { cause: error });
  }
  expect(response, `${call.route} has no route`).toBeDefined();
  const text = await response!.text();
  expect(() => JSON.parse(text), `${call.route} answered no JSON: ${text.slice(0, 80)}`).not.toThrow();
  return { status: response!.status, text };
}

/** The reasons docs/web.md answers with 401: the request did not authenticate. */
const AUTHENTICATION_REASONS = [
  'invalid',
  'replayed',
  'ticket-invalid',
  'ticket-expired',
  'ticket-used',
  'not-signed-in',
];
/** The routes of docs/web.md; a test below checks the table has them all. */
const ROUTE_NAMES = [
  'POST /sign-in/verify',
  'POST /sign-in/send-code',
  'POST /sign-in/webauthn-options',
  'POST /sign-in/approval',
  'GET /sign-in/approval',
  'GET /sign-in',
  'GET /status',
  'POST /enrollment/begin',
  'POST /enrollment/confirm',
  'POST /backup-codes/regenerate',
  'POST /disable',
  'POST /step-up',
  'POST /factors/rename',
  'POST /factors/remove',
  'POST /send-code',
  'POST /webauthn-options',
  'GET /devices',
  'POST /devices/forget',
];
describe('factorkit/http, fuzzed bodies on every route', () => {
  it('POST /enrollment/begin enrolls a user of any id a store accepts, with the default account name', async () => {
    // Ids with a colon ('github:42'), edge spaces or control characters are valid user ids.
    const storableId = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 255 })
      .filter((id) => !id.includes('\u0000') && !/[\ud800-\udfff]/u.test(id));
    await fc.assert(
      fc.asyncProperty(fc.oneof(storableId, fc.constantFrom('github:42', ' ada ', 'a\tb', ':')), async (id) => {
        const app = makeApp();
        const browser = new Browser();
        browser.cookies.set('sid', app.sessions.create(id));
        const call: WebCall = {
          route: 'POST /enrollment/begin',
          tamper: { kind: 'none' },
          body: '{"type":"totp"}',
          contentType: 'application/json',
          query: '',
        };
        const { status, text } = await answerOf({ app } as WebFixture, browser, call);
        expect(status, text).toBe(200);
      }),
      { seed: SEED, numRuns: RUNS / 2 },
    );
  });

  it('fuzzes every route docs/web.md lists, each with its fields', () => {
    const doc = readFileSync(new URL('../../docs/web.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `((?:GET|POST) \/[^`?]*)/gm)].map((match) => match[1]);
    expect([...new Set(documented)].sort()).toEqual([...ROUTE_NAMES].sort());
    expect(Object.keys(routeFields({ backupCodes: ['x'] } as WebFixture)).sort()).toEqual([...ROUTE_NAMES].sort());
  });

  for (const route of ROUTE_NAMES) {
    it(`${route}: a 2xx or a 4xx with JSON, never a 5xx or a throw, and never a secret or code`, async () => {
      const web = await webFixture();
      await fc.assert(
        fc.asyncProperty(webCall(web, route), async (call) => {
          await restore(web.app.store, web.enrolled);
          const { account, signIn } = await browsers(web);
          const browser = call.route.includes('/sign-in') ? signIn : account;
          const before = await snapshot(web.app.store, [USER]);
          const { status, text } = await answerOf(web, tampered(browser, call.tamper), call);
          const what = `${call.route} ${call.body.slice(0, 120)} -> ${text.slice(0, 200)}`;
          // A refused request writes nothing, but a wrong code is counted: answered 401 invalid, 429 when
          // it starts a lockout, and 403 hard-locked when it reaches the hard lock.
          const counted = status === 401 || status === 429 || JSON.parse(text).reason === 'hard-locked';
          if (status >= 400 && !counted) {
            expect(await snapshot(web.app.store, [USER]), `${what} wrote`).toBe(before);
          }
          expect(status, what).toBeGreaterThanOrEqual(200);
          expect(status, what).toBeLessThan(500);
          // 401 tells the page the user did not authenticate (docs/web.md): never the answer to a bad field.
          if (status === 401) expect(AUTHENTICATION_REASONS, what).toContain(JSON.parse(text).reason);
          const delivered = web.outbox.flatMap((m) => (m.kind === 'code' ? [m.code] : []));
          expectNoSecret(text, [web.secret, ...web.backupCodes]);
          // Delivered codes are six digits, which an answer may hold by chance (in a time): only as a whole value.
          for (const code of delivered) expect(text).not.toContain(`"${code}"`);
        }),
        { seed: SEED, numRuns: RUNS / 2 },
      );
    });
  }
});

type Json = Record<string, unknown>;

/** A change to one field of a browser's response: a new value (undefined deletes it), or its text altered. */
type Mutation =
  | { path: string; kind: 'set'; value: unknown }
  | { path: string; kind: 'text'; how: 'flip' | 'cut' | 'append' | 'double'; at: number };

/** Every field path of `object`, nested ones too (`response.clientDataJSON`). */
function pathsOf(object: Json, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? [path, ...pathsOf(value as Json, `${path}.`)] : [path];
  });
}

function mutations(response: Json): fc.Arbitrary<Mutation[]> {
  const paths = [...pathsOf(response), 'response.transports', 'response.userHandle', 'toJSON'];
  const path = fc.constantFrom(...paths);
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    oddStrings,
    fc.constantFrom(undefined, '', 'A', 'x'.repeat(70_000), ['usb', 'bogus'], [{}], 'usb', ['usb', 'usb']),
    fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  );
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ path, kind: fc.constant('set' as const), value }),
    fc.record({
      path,
      kind: fc.constant('text' as const),
      how: fc.constantFrom('flip' as const, 'cut' as const, 'append' as const, 'double' as const),
      at: fc.nat(),
    }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

function altered(text: string, how: 'flip' | 'cut' | 'append' | 'double', at: number): string {
  const i = text.length === 0 ? 0 : at % text.length;
  if (how === 'flip') return `${text.slice(0, i)}${text[i] === 'A' ? 'B' : 'A'}${text.slice(i + 1)}`;
  if (how === 'cut') return text.slice(0, i);
  if (how === 'append') return `${text}=+/`;
  return text + text;
}

/** A deep copy of the response with the mutations applied; a client data field is changed inside its JSON. */
function mutated(response: Json, changes: readonly Mutation[]): Json {
  const copy = structuredClone(response);
  for (const change of changes) {
    const keys = change.path.split('.');
    const last = keys.pop()!;
    let parent: Json = copy;
    for (const key of keys) {
      const next = parent[key];
      if (typeof next !== 'object' || next === null) break;
      parent = next as Json;
    }
    const current = parent[last];
    if (change.kind === 'set') parent[last] = change.value;
    else if (typeof current === 'string') parent[last] = altered(current, change.how, change.at);
  }
  return copy;
}

const CLIENT_DATA_FIELDS = ['type', 'challenge', 'origin', 'crossOrigin', 'topOrigin'];

/** The response with one field of its client data JSON replaced: still base64url of JSON, so the parsing goes deeper. */
function withClientData(response: Json, field: string, value: unknown): Json {
  const copy = structuredClone(response);
  const inner = copy.response as Json;
  const clientData = JSON.parse(Buffer.from(inner.clientDataJSON as string, 'base64url').toString('utf8'));
  clientData[field] = value;
  inner.clientDataJSON = Buffer.from(JSON.stringify(clientData) ?? '').toString('base64url');
  return copy;
}

function responses(recorded: Json): fc.Arbitrary<Json> {
  const clientData = fc
    .tuple(fc.constantFrom(...CLIENT_DATA_FIELDS), fc.oneof(fc.jsonValue({ maxDepth: 1 }), oddStrings))
    .map(([field, value]) => withClientData(recorded, field, value));
  return fc.oneof(
    { weight: 3, arbitrary: mutations(recorded).map((changes) => mutated(recorded, changes)) },
    { weight: 1, arbitrary: clientData },
  );
}

/** A fresh lifecycle over the same store reads the user's record: no write left it corrupt. */
async function expectReadable(store: MemoryStore): Promise<void> {
  const fresh = makeLifecycle(store, new TestClock());
  await fresh.twoFactor.status(USER);
  await fresh.twoFactor.listFactors(USER);
  await fresh.twoFactor.throttleStatus(USER);
}

function expectArgumentErrorOnly(settled: Settled, what: string): void {
  if (settled.ok) return;
  const detail = settled.error instanceof Error ? settled.error.message : String(settled.error);
  expect((settled.error as { code?: unknown }).code, `${what}: ${detail}`).toBe('INVALID_ARGUMENT');
}

/** What a client may choose in a registration under attestation 'none', which signs none of it. */
interface Crafted {
  credentialIdBytes: number;
  extraKeyBytes: number;
  counter: number;
  flags: number;
}

const crafted: fc.Arbitrary<Crafted> = fc.record({
  credentialIdBytes: fc.oneof(fc.integer({ min: 1, max: 1200 }), fc.constantFrom(16, 1023, 1024)),
  extraKeyBytes: fc.oneof(fc.integer({ min: 0, max: 2200 }), fc.constantFrom(0, 1400)),
  counter: fc.oneof(fc.nat(), fc.constant(0xffffffff)),
  // Attested credential data (0x40) and user presence (0x01) kept: the rest as the client likes.
  flags: fc.integer({ min: 0, max: 255 }).map((flags) => flags | 0x41),
});

/** The recorded registration rebuilt with a credential id, a public key size, a counter and flags of the client's choosing. */
function craftedRegistration(c: Crafted): Json {
  const response = structuredClone(SECURITY_KEY.registration.response) as Json & { response: Json };
  const attestation = isoCBOR.decodeFirst<Map<string, unknown>>(
    Buffer.from(response.response.attestationObject as string, 'base64url'),
  );
  const authData = new Uint8Array(attestation.get('authData') as Uint8Array);
  const parsed = parseAuthenticatorData(authData);
  const key = isoCBOR.decodeFirst<Map<number, unknown>>(parsed.credentialPublicKey!);
  // An extra COSE parameter: ignored by every check, but stored with the key.
  if (c.extraKeyBytes > 0) key.set(-100, new Uint8Array(c.extraKeyBytes));
  const credentialId = new Uint8Array(c.credentialIdBytes).fill(7);
  const head = authData.slice(0, 37);
  head[32] = c.flags & ~0x80;
  new DataView(head.buffer, head.byteOffset).setUint32(33, c.counter);
  const idLength = [credentialId.length >> 8, credentialId.length & 0xff];
  const rebuilt = new Uint8Array([
    ...head,
    ...parsed.aaguid!,
    ...idLength,
    ...credentialId,
    ...isoCBOR.encode(key as never),
  ]);
  const encoded = isoCBOR.encode(new Map([...attestation.entries(), ['authData', rebuilt]]) as never);
  response.response.attestationObject = Buffer.from(encoded).toString('base64url');
  response.id = Buffer.from(credentialId).toString('base64url');
  response.rawId = response.id;
  return response;
}

/** Stands for the options `{ challengeToken }` with the token of a passwordless sign-in begun for the call. */
const LIVE_TOKEN = 'the live challenge token';

/** The module's own operations and a WebAuthn enrollment, with arbitrary arguments around plausible ones. */
function webauthnCalls(factorId: string): fc.Arbitrary<[string, unknown[]]> {
  const passwordless = fc.oneof(
    fc.constant(PASSKEY.passwordless[0]!.response as Json),
    responses(PASSKEY.passwordless[0]!.response as Json),
    weird,
  );
  return fc.oneof(
    fc.tuple(fc.constant('requestAssertion'), fc.tuple(userId, optionsOf({ factorId: fc.constant(factorId) }))),
    fc.tuple(
      fc.constant('reactivateFactor'),
      fc.tuple(userId, fc.oneof(fc.constant(factorId), weird), fc.oneof(weird, fc.constant('000000'))),
    ),
    fc.tuple(
      fc.constant('finishPasskeySignIn'),
      fc.tuple(
        passwordless,
        fc.oneof({ weight: 2, arbitrary: fc.constant(LIVE_TOKEN) }, optionsOf({ challengeToken: oddStrings })),
      ),
    ),
    fc.tuple(
      fc.constant('beginEnrollment'),
      fc.tuple(
        userId,
        optionsOf({
          type: fc.constant('webauthn'),
          kind: fc.constantFrom('security-key', 'passkey'),
          userName: fc.oneof(fc.constant('ada'), oddStrings),
          name: oddStrings,
        }),
      ),
    ),
  );
}

describe('factorkit/webauthn, fuzzed browser responses', () => {
  it('its operations with arbitrary arguments: a result or a documented code, a readable record, nothing written by a refusal', async () => {
    const store = new MemoryStore();
    const findUserByHandle = async (handle: string) => (handle === FIXTURES.userHandle ? USER : null);
    const l = makeLifecycle(store, new TestClock(), { findUserByHandle });
    const { factorId } = await enrollRecorded(l, USER, 'passkey');
    const enrolled = (await store.get(USER))!;
    const codes: FactorkitErrorCode[] = [...ENROLLING, 'WEBAUTHN_NOT_CONFIGURED'];
    await fc.assert(
      fc.asyncProperty(webauthnCalls(factorId), async ([method, args]) => {
        await restore(store, enrolled);
        // A real passwordless challenge token, for the calls that keep the one given.
        l.replay.next(PASSKEY.passwordless[0]!);
        const { challengeToken } = await l.twoFactor.beginPasskeySignIn();
        const given = args[1] === LIVE_TOKEN ? [args[0], { challengeToken }] : args;
        const before = await snapshot(store, [USER]);
        const settled = await call(l.twoFactor as unknown as TwoFactor, method, given.map(materialize));
        checkSettled(settled, { method, codes }, []);
        await expectReadable(store);
        if (!settled.ok) expect(await snapshot(store, [USER]), `${method} refused but wrote`).toBe(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a registration with any field changed is confirmed or refused, and leaves a record the next read accepts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(responses(SECURITY_KEY.registration.response as Json), crafted.map(craftedRegistration)),
        async (response) => {
          const store = new MemoryStore();
          const l = makeLifecycle(store, new TestClock());
          l.replay.next(SECURITY_KEY.registration);
          const begun = await l.twoFactor.beginEnrollment(USER, {
            type: 'webauthn',
            kind: 'security-key',
            userName: 'ada',
          });
          const settled = await call(l.twoFactor as unknown as TwoFactor, 'confirmEnrollment', [
            USER,
            { webauthn: response },
            { factorId: begun.factorId },
          ]);
          expectArgumentErrorOnly(settled, 'confirmEnrollment');
          await expectReadable(store);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('an assertion with any field changed is accepted or refused, and leaves a record the next read accepts', async () => {
    const store = new MemoryStore();
    const l = makeLifecycle(store, new TestClock());
    await enrollRecorded(l, USER, 'security-key');
    const enrolled = (await store.get(USER))!;
    const [ceremony] = SECURITY_KEY.assertions;
    await fc.assert(
      fc.asyncProperty(responses(ceremony!.response as Json), async (response) => {
        await restore(store, enrolled);
        await askRecorded(l, USER, ceremony!);
        const settled = await call(l.twoFactor as unknown as TwoFactor, 'verify', [USER, { webauthn: response }]);
        expectArgumentErrorOnly(settled, 'verify');
        await expectReadable(store);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/** A factory called with `options`: its product, or the FactorkitError it threw; anything else fails the test. */
function construct(name: string, make: () => unknown, codes: readonly FactorkitErrorCode[]): unknown {
  try {
    return make();
  } catch (error) {
    if (error === CALLER_ERROR) return undefined;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    expect(isFactorkitError(error), `${name} threw ${detail}`).toBe(true);
    expect(codes, `${name} threw ${detail}`).toContain((error as { code: FactorkitErrorCode }).code);
    expect(JSON.stringify(messages(error))).not.toContain(KEYRING_TEXT);
    return undefined;
  }
}

/** The options with one more, as an app adds its own; an object whose reads throw is passed as it is. */
function adding(options: unknown, key: string, value: unknown): unknown {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  try {
    return { ...options, [key]: value };
  } catch {
    return options;
  }
}

const KEYRING_TEXT = Buffer.from(KEYRING.keys.k1).toString('hex');

/** Each factory's options: every option plausible or arbitrary, or no options object at all. */
function factoryOptions() {
  const keyring = fc.oneof(
    fc.constant(KEYRING),
    weird,
    optionsOf({ currentKeyId: fc.constant('k1'), keys: fc.constant(KEYRING.keys) }),
  );
  const lifecycle = optionsOf({
    issuer: fc.constant('Example'),
    keyring,
    clock: fc.constant(() => 1_767_225_600_000),
    totp: optionsOf({ algorithm: fc.constant('SHA256'), digits: fc.constant(8), period: fc.constant(60) }),
    enrollmentTtlMs: fc.integer({ min: 1, max: 2 ** 40 }),
    backupCodes: optionsOf({
      count: fc.nat(30),
      kdf: fc.constant({ N: 16, r: 1, p: 1 }),
      allowWeakKdf: fc.boolean(),
    }),
    throttle: optionsOf({ maxFailures: fc.nat(30), baseDelayMs: fc.nat(), maxConsecutiveFailures: fc.nat(120) }),
    manage: fc.constantFrom('by-strength', 'any-factor'),
    warn: fc.constant(() => {}),
    migratePlaintextSecrets: fc.boolean(),
  });
  const delivered = optionsOf({
    deliver: fc.constant(async () => {}),
    codeTtlMs: fc.nat(),
    maxAttemptsPerCode: fc.nat(20),
    maxSendsPerHour: fc.nat(20),
    voiceCallsBeforeSms: fc.nat(5),
  });
  const passkeys = optionsOf({
    rpID: fc.constantFrom('example.com', 'localhost', ''),
    rpName: fc.constant('Example'),
    origins: fc.constantFrom(['https://example.com'], [], ['not a url'], 'https://example.com'),
  });
  const web = optionsOf({
    keyring,
    origins: fc.constantFrom([ORIGIN], [], ['*']),
    basePath: fc.constantFrom('/2fa', '', '/', '2fa', '/a/../b'),
    session: fc.constant({ currentUserId: () => undefined, establish: () => undefined, endOtherSessions: () => {} }),
    ticketTtlMs: fc.integer(),
    stepUpTtlMs: fc.integer(),
  });
  return { lifecycle, delivered, passkeys, web };
}

describe('the factories, fuzzed options', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('createTwoFactor, deliveredCodes, webauthn() and createSecondStep: built, or a typed error', async () => {
    // Options without `warn` print the no-keyring warning on the console: not this test's concern.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { lifecycle, delivered, passkeys, web } = factoryOptions();
    const factoryCodes: FactorkitErrorCode[] = [
      'INVALID_ARGUMENT',
      'INVALID_KEYRING',
      'WEAK_KDF',
      'INVALID_ALGORITHM',
      'INVALID_DIGITS',
      'INVALID_PERIOD',
    ];
    await fc.assert(
      fc.asyncProperty(
        lifecycle,
        delivered,
        passkeys,
        web,
        async (options, deliveredOptions, passkeyOptions, webOptions) => {
          const given = materialize(options);
          const withStore = adding(given, 'store', new MemoryStore());
          construct('deliveredCodes', () => deliveredCodes(materialize(deliveredOptions) as never), factoryCodes);
          construct('webauthn', () => webauthn(materialize(passkeyOptions) as never), factoryCodes);
          const twoFactor = construct('createTwoFactor', () => createTwoFactor(withStore as never), factoryCodes);
          const webGiven = materialize(webOptions);
          const withLifecycle = twoFactor === undefined ? webGiven : adding(webGiven, 'twoFactor', twoFactor);
          construct('createSecondStep', () => createSecondStep(withLifecycle as never), factoryCodes);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

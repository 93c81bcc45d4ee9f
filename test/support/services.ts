// The real servers the store tests run against. An unreachable server fails the test file
// loudly with what to do about it: a green run must mean the adapters were really exercised.
import pg from 'pg';
import { Redis } from 'ioredis';
import { createClient, createClientPool } from 'redis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFactorkitError, type RecordWrite, type TwoFactorStore } from 'factorkit';

export const PG_URL = process.env.FACTORKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.FACTORKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';

const CONNECT_TIMEOUT_MS = 5_000;

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function unreachable(service: string, url: string, variable: string, cause: unknown): Error {
  return new Error(
    `${service} is not reachable at ${redact(url)}. These tests never skip: start it ` +
      `(bash .ci/services.sh) or point ${variable} at a running server.`,
    { cause },
  );
}

/** A short random suffix, so concurrent and repeated runs never share a table or key prefix. */
export function uniqueSuffix(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

// Test data is named after the run's start time, so leftovers of a run killed before its
// cleanup can be recognised and swept by a later run, without touching a run in progress.
const STALE_AFTER_MS = 60 * 60 * 1000;
const RUN_NAME = /^([0-9a-z]+)_[0-9a-f]{12}$/;

/** `<start time base36>_<random hex>`: lower-case, valid in a PostgreSQL identifier and a Redis key. */
export function runName(): string {
  return `${Date.now().toString(36)}_${uniqueSuffix()}`;
}

function isStale(name: string): boolean {
  const match = RUN_NAME.exec(name);
  return match !== null && Date.now() - Number.parseInt(match[1]!, 36) > STALE_AFTER_MS;
}

/** Drops the schemas `<prefix><runName>` of runs that started over an hour ago. */
export async function sweepStaleSchemas(pool: pg.Pool, prefix: string): Promise<void> {
  const { rows } = await pool.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)',
    [prefix],
  );
  for (const { nspname } of rows) {
    if (isStale(nspname.slice(prefix.length))) await pool.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  }
}

/** Deletes every key under `<prefix><runName>:` left by runs that started over an hour ago. */
export async function sweepStaleKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    const stale = keys.filter((key) => isStale(key.slice(prefix.length).split(':')[0] ?? ''));
    if (stale.length > 0) await client.del(...stale);
    cursor = next;
  } while (cursor !== '0');
}

/** A pg Pool with several connections; throws loudly if PostgreSQL cannot be reached. */
export async function connectPostgres(max = 5): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: PG_URL, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client's socket error must not crash the test process.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw unreachable('PostgreSQL', PG_URL, 'FACTORKIT_PG_URL', error);
  }
  return pool;
}

/** `count` separate ioredis connections; throws loudly if Redis cannot be reached. */
export async function connectIoredis(count = 1): Promise<Redis[]> {
  const clients = Array.from(
    { length: count },
    () =>
      new Redis(REDIS_URL, {
        lazyConnect: true,
        connectTimeout: CONNECT_TIMEOUT_MS,
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
      }),
  );
  try {
    await Promise.all(
      clients.map(async (client) => {
        await client.connect();
        await client.ping();
      }),
    );
  } catch (error) {
    for (const client of clients) client.disconnect();
    throw unreachable('Redis', REDIS_URL, 'FACTORKIT_REDIS_URL', error);
  }
  return clients;
}

function nodeRedisOptions() {
  return {
    url: REDIS_URL,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false as const },
  };
}

/** A connected node-redis client; throws loudly if Redis cannot be reached. */
export async function connectNodeRedis() {
  const client = createClient(nodeRedisOptions());
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.destroy();
    throw unreachable('Redis', REDIS_URL, 'FACTORKIT_REDIS_URL', error);
  }
  return client;
}

/** A node-redis pool of `minimum` connections; throws loudly if Redis cannot be reached. */
export async function connectNodeRedisPool(minimum = 5) {
  const pool = createClientPool(nodeRedisOptions(), { minimum, maximum: minimum });
  pool.on('error', () => {});
  try {
    await pool.connect();
    await pool.ping();
  } catch (error) {
    pool.destroy();
    throw unreachable('Redis', REDIS_URL, 'FACTORKIT_REDIS_URL', error);
  }
  return pool;
}

// ---------------------------------------------------------------------------------------
// Behaviour every database adapter must show, run by test/postgres-store.test.ts and
// test/redis-store.test.ts against the real servers. It complements runStoreConformance
// (factorkit/testing) with adapter-specific edges: Unicode, input refusal, real parallelism.

const write = (
  data: string,
  status: RecordWrite['status'] = 'pending',
  updatedAt = 1_700_000_000_000,
): RecordWrite => ({
  status,
  data,
  updatedAt,
});

async function expectInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isFactorkitError(error, 'INVALID_ARGUMENT')).toBe(true);
}

async function listAll(store: TwoFactorStore, limit: number, status?: RecordWrite['status']): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await store.list({
      limit,
      ...(status ? { status } : {}),
      ...(cursor === undefined ? {} : { cursor }),
    });
    ids.push(...page.records.map((record) => record.userId));
    if (page.nextCursor === undefined) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('list never ended');
}

/** JavaScript's default string order: UTF-16 code units, which the list contract promises. */
const codeUnitSort = (ids: string[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Unicode text exercising every UTF-8 length, combining marks, RTL, line separators, JSON escapes. */
export const UNICODE_SAMPLES = [
  'ascii only',
  'café ☕ — naïve',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀👩‍👩‍👧‍👦 🇺🇳',
  'e\u0301 (decomposed) vs \u00e9',
  'עברית العربية',
  'line\u2028separator\u2029and\r\ntabs\t',
  '{"json":"\\"quoted\\" \\\\ back\\u0000slash"}',
  '\uFEFF BOM and \uFFFD replacement and \uFFFF',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x}, as an attacker would type it.
  "'; DROP TABLE users; -- %s ${x} \\x00",
];

export interface AdapterBehaviourOptions {
  /** Replaces {@link UNICODE_SAMPLES}, for a backend with a known, separately tested quirk. */
  unicodeSamples?: string[];
}

export function describeAdapterBehaviour(
  name: string,
  makeStore: () => Promise<TwoFactorStore>,
  options: AdapterBehaviourOptions = {},
): void {
  const unicodeSamples = options.unicodeSamples ?? UNICODE_SAMPLES;
  describe(`${name}: adapter behaviour`, () => {
    it('creates once, with version 1, and refuses a second create without writing', async () => {
      const store = await makeStore();
      expect(await store.get('alice')).toBeNull();
      const created = await store.create('alice', write('first'));
      expect(created).toEqual({
        userId: 'alice',
        version: 1,
        status: 'pending',
        data: 'first',
        updatedAt: 1_700_000_000_000,
      });
      expect(await store.create('alice', write('second', 'activated'))).toBeNull();
      expect(await store.get('alice')).toEqual(created);
    });

    it('compareAndSet writes only at the expected version and bumps it', async () => {
      const store = await makeStore();
      await store.create('bob', write('v1'));
      const second = await store.compareAndSet('bob', 1, write('v2', 'activated', 1_700_000_000_123.5));
      expect(second).toEqual({
        userId: 'bob',
        version: 2,
        status: 'activated',
        data: 'v2',
        updatedAt: 1_700_000_000_123.5,
      });
      expect(await store.compareAndSet('bob', 1, write('stale'))).toBeNull();
      expect(await store.compareAndSet('bob', 3, write('future'))).toBeNull();
      expect(await store.compareAndSet('nobody', 1, write('missing'))).toBeNull();
      expect(await store.get('nobody')).toBeNull();
      expect(await store.get('bob')).toEqual(second);
      const third = await store.compareAndSet('bob', 2, write('v3', 'not-activated', 0));
      expect(third?.version).toBe(3);
      expect(await store.get('bob')).toEqual(third);
    });

    it('delete removes only at the expected version; a new create starts again at 1', async () => {
      const store = await makeStore();
      await store.create('carol', write('x', 'activated'));
      await store.compareAndSet('carol', 1, write('y', 'activated'));
      expect(await store.delete('carol', 1)).toBe(false);
      expect(await store.get('carol')).toMatchObject({ version: 2, data: 'y' });
      expect(await store.delete('carol', 2)).toBe(true);
      expect(await store.get('carol')).toBeNull();
      expect(await store.delete('carol', 2)).toBe(false);
      expect(await store.list({ limit: 10 })).toEqual({ records: [] });
      expect(await store.list({ limit: 10, status: 'activated' })).toEqual({ records: [] });
      expect(await store.create('carol', write('again'))).toMatchObject({ version: 1, data: 'again' });
    });

    it('keeps Unicode data and ids byte for byte', async () => {
      const store = await makeStore();
      const big = 'Ω😀'.repeat(50_000);
      const samples = [...unicodeSamples, big];
      for (const [index, data] of samples.entries()) {
        const userId = `${unicodeSamples[index % unicodeSamples.length]!.slice(0, 20)}#${index}`;
        await store.create(userId, write(data));
        const read = await store.get(userId);
        expect(read?.userId).toBe(userId);
        expect(read?.data).toBe(data);
        expect(new TextEncoder().encode(read?.data)).toEqual(new TextEncoder().encode(data));
      }
      const listed = await store.list({ limit: 1000 });
      expect(listed.records.map((record) => record.data).sort()).toEqual([...samples].sort());
    });

    it('lists in JavaScript string order across pages, filtered by status', async () => {
      const store = await makeStore();
      // U+FF01 sorts before an astral character in UTF-16 but after it in UTF-8 and code points.
      const ids = ['b', 'a', 'A', 'az', '\uFF01', '😀', 'é', 'e\u0301', 'user:10', 'user:9', '~', ' '];
      const statuses = ['activated', 'pending', 'not-activated'] as const;
      for (const [index, id] of ids.entries()) {
        await store.create(id, write(`d${index}`, statuses[index % 3]));
      }
      const expected = codeUnitSort(ids);
      for (const limit of [1, 2, 5, ids.length, 1000]) {
        expect(await listAll(store, limit)).toEqual(expected);
      }
      for (const [index, status] of statuses.entries()) {
        const wanted = codeUnitSort(ids.filter((_, i) => i % 3 === index));
        expect(await listAll(store, 2, status)).toEqual(wanted);
      }
      const exact = await store.list({ limit: ids.length });
      expect(exact.nextCursor).toBeUndefined();
      const first = await store.list({ limit: 3 });
      expect(first.records.map((record) => record.userId)).toEqual(expected.slice(0, 3));
      expect(first.nextCursor).toBeDefined();
      // A status change moves the record between filtered lists at once.
      const moved = await store.get(ids[1]!);
      await store.compareAndSet(ids[1]!, moved!.version, write('moved', 'activated'));
      expect(await listAll(store, 3, 'activated')).toContain(ids[1]);
      expect(await listAll(store, 3, 'pending')).not.toContain(ids[1]);
    });

    it('pages through any set of Unicode ids in code-unit order (property)', async () => {
      const idArbitrary = fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
        .filter((id) => !id.includes('\u0000'));
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(idArbitrary, { maxLength: 15 }),
          fc.integer({ min: 1, max: 6 }),
          async (ids, limit) => {
            const store = await makeStore();
            await Promise.all(ids.map((id) => store.create(id, write(id))));
            expect(await listAll(store, limit)).toEqual(codeUnitSort(ids));
          },
        ),
        { numRuns: 12 },
      );
    });

    it('refuses bad input with INVALID_ARGUMENT and writes nothing', async () => {
      const store = await makeStore();
      const bad = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const userId of ['', 'x'.repeat(256), 'lone \uD800 surrogate', 'nul\u0000', 42, null]) {
        await expectInvalid(bad.get!(userId));
        await expectInvalid(bad.create!(userId, write('d')));
      }
      const badWrites = [
        { status: 'enabled', data: 'd', updatedAt: 1 },
        { status: 'pending', data: 7, updatedAt: 1 },
        { status: 'pending', data: 'bad \uDC00', updatedAt: 1 },
        { status: 'pending', data: 'nul\u0000', updatedAt: 1 },
        { status: 'pending', data: 'd', updatedAt: Number.NaN },
        { status: 'pending', data: 'd', updatedAt: -1 },
        null,
      ];
      for (const badWrite of badWrites) {
        await expectInvalid(bad.create!('dave', badWrite));
      }
      await store.create('dave', write('ok'));
      for (const badWrite of badWrites) {
        await expectInvalid(bad.compareAndSet!('dave', 1, badWrite));
      }
      await expectInvalid(bad.compareAndSet!('dave', 1.5, write('d')));
      await expectInvalid(bad.compareAndSet!('dave', '1', write('d')));
      await expectInvalid(bad.delete!('dave', Number.NaN));
      for (const options of [
        { limit: 0 },
        { limit: 1001 },
        { limit: 1.5 },
        { limit: 5, status: 'on' },
        { limit: 5, cursor: 3 },
        null,
      ]) {
        await expectInvalid(bad.list!(options));
      }
      expect(await store.get('dave')).toMatchObject({ version: 1, data: 'ok' });
      expect((await store.list({ limit: 10 })).records).toHaveLength(1);
    });

    it('lets exactly one of 20 concurrent writers with the same expected version win', async () => {
      const store = await makeStore();
      const creates = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.create('erin', write(`create ${i}`))),
      );
      expect(creates.filter((result) => result !== null)).toHaveLength(1);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.compareAndSet('erin', 1, write(`writer ${i}`, 'activated'))),
      );
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.version).toBe(2);
      expect(await store.get('erin')).toEqual(winners[0]);
      const deletes = await Promise.all(Array.from({ length: 20 }, () => store.delete('erin', 2)));
      expect(deletes.filter(Boolean)).toHaveLength(1);
      expect(await store.get('erin')).toBeNull();
    });

    it('loses no update when parallel workers retry get + compareAndSet', async () => {
      const store = await makeStore();
      await store.create('counter', write('0'));
      const increment = async () => {
        for (;;) {
          const current = await store.get('counter');
          const next = await store.compareAndSet('counter', current!.version, write(String(Number(current!.data) + 1)));
          if (next) return;
        }
      };
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 10; i++) await increment();
        }),
      );
      expect(await store.get('counter')).toMatchObject({ data: '80', version: 81 });
    });
  });
}

// The real servers the store tests run against. An unreachable server fails the test file
// loudly with what to do about it: a green run must mean the adapters were really exercised.
import pg from 'pg';
import mysql from 'mysql2/promise';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cluster, Redis } from 'ioredis';
import { createClient, createClientPool, createCluster } from 'redis';

export const PG_URL = process.env.FACTORKIT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.FACTORKIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The three masters of the test cluster (scripts/redis-cluster.sh starts them if they are not running). */
export const REDIS_CLUSTER_PORTS = (process.env.FACTORKIT_REDIS_CLUSTER_PORTS ?? '7001 7002 7003')
  .split(/\s+/)
  .filter(Boolean)
  .map(Number);
export const MYSQL_URL = process.env.FACTORKIT_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

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
      `(bash scripts/test-setup.sh, as root) or point ${variable} at a running server.`,
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

/** Drops the tables `<prefix><runName>_...` of runs that started over an hour ago. */
export async function sweepStaleTables(pool: mysql.Pool, prefix: string): Promise<void> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
    [`${prefix}%`],
  );
  for (const { name } of rows) {
    const run = String(name).slice(prefix.length).split('_').slice(0, 2).join('_');
    if (isStale(run)) await pool.query(`DROP TABLE IF EXISTS \`${name}\``);
  }
}

/** A mysql2 promise Pool with several connections; throws loudly if MySQL/MariaDB cannot be reached. */
export async function connectMysql(connectionLimit = 5): Promise<mysql.Pool> {
  const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit, connectTimeout: CONNECT_TIMEOUT_MS });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw unreachable('MySQL/MariaDB', MYSQL_URL, 'FACTORKIT_MYSQL_URL', error);
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

// Text for the adapters' own restart tests (the conformance suite has its own samples).
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

/**
 * Starts the three-master test cluster unless it is already up (the same script scripts/test-setup.sh
 * runs), then connects an ioredis Cluster; throws loudly if that fails.
 */
export async function connectIoredisCluster(): Promise<Cluster> {
  const where = `redis://127.0.0.1:${REDIS_CLUSTER_PORTS.join(',')}`;
  try {
    execFileSync('bash', [fileURLToPath(new URL('../../scripts/redis-cluster.sh', import.meta.url))], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
  } catch (error) {
    throw unreachable('Redis Cluster', where, 'FACTORKIT_REDIS_CLUSTER_PORTS', error);
  }
  const cluster = new Cluster(
    REDIS_CLUSTER_PORTS.map((port) => ({ host: '127.0.0.1', port })),
    { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: { connectTimeout: CONNECT_TIMEOUT_MS } },
  );
  cluster.on('error', () => {});
  try {
    await cluster.connect();
    await cluster.ping();
  } catch (error) {
    cluster.disconnect();
    throw unreachable('Redis Cluster', where, 'FACTORKIT_REDIS_CLUSTER_PORTS', error);
  }
  return cluster;
}

/** A connected node-redis cluster client over the test cluster; throws loudly if that fails. */
export async function connectNodeRedisCluster() {
  const cluster = createCluster({
    rootNodes: REDIS_CLUSTER_PORTS.map((port) => ({ url: `redis://127.0.0.1:${port}` })),
    defaults: { socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false as const } },
  });
  cluster.on('error', () => {});
  try {
    await cluster.connect();
  } catch (error) {
    cluster.destroy();
    throw unreachable('Redis Cluster', REDIS_CLUSTER_PORTS.join(','), 'FACTORKIT_REDIS_CLUSTER_PORTS', error);
  }
  return cluster;
}

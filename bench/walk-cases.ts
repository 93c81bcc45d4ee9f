// Issue 28: a full listUsers walk of 100k users on every store, beside the same walk done the way
// it was before (every record parsed and validated whole to count its active factors). Both
// walks page through the same store in the same process, interleaved round by round; the ratio
// is taken between their fastest rounds. Every record is a real one (an authenticator app and a
// backup-code set, as createTwoFactor wrote it), copied to each user id.
//
// Needs the services `npm test` starts: PostgreSQL, MariaDB and Redis on 127.0.0.1.
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MemoryStore, type TwoFactorStore, createTwoFactor, generateTotp } from 'factorkit';
import { MysqlStore } from 'factorkit/mysql';
import { PostgresStore } from 'factorkit/postgres';
import { RedisStore } from 'factorkit/redis';
import { SqliteStore } from 'factorkit/sqlite';
import { resolveOptions } from '../src/lifecycle/engine/options.js';
import { createRegistry } from '../src/lifecycle/engine/registry.js';
import { parseState } from '../src/lifecycle/engine/state.js';
import { totpModule } from '../src/lifecycle/factors/totp/index.js';
import { activeFactors } from '../src/lifecycle/kernel/record.js';
import { formatDuration } from './harness.js';

const USERS = 100_000;
const PAGE_LIMIT = 1000;
const ROUNDS = 5;
const FILL_CONCURRENCY = 32;
/** Issue 28: the walk at least 2.5x faster than parsing every record whole. */
export const WALK_TARGET = {
  min: 2.5,
  description: 'listUsers walk of 100k users, at least 2.5x faster than parsing every record',
};

interface BenchStore {
  name: string;
  store: TwoFactorStore;
  close: () => Promise<void>;
}

async function stores(): Promise<BenchStore[]> {
  const table = 'factorkit_bench_walk';
  const sqliteFile = `/tmp/factorkit-bench-walk-${process.pid}.db`;
  const sqlite = new Database(sqliteFile);
  const pool = new pg.Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 8 });
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  const maria = mysql.createPool({ host: '127.0.0.1', user: 'root', database: 'test', connectionLimit: 8 });
  await maria.query(`DROP TABLE IF EXISTS ${table}`);
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const prefix = `factorkit-bench-walk-${process.pid}:`;
  const made: BenchStore[] = [
    { name: 'MemoryStore', store: new MemoryStore(), close: async () => {} },
    {
      name: 'SqliteStore (file, WAL)',
      store: new SqliteStore({ client: sqlite, table }),
      close: async () => {
        sqlite.close();
      },
    },
    { name: 'PostgresStore (pg)', store: new PostgresStore({ client: pool, table }), close: () => pool.end() },
    { name: 'MysqlStore (MariaDB)', store: new MysqlStore({ client: maria, table }), close: () => maria.end() },
    {
      name: 'RedisStore (ioredis)',
      store: new RedisStore({ client: redis, prefix }),
      close: () => dropRedis(redis, prefix),
    },
  ];
  for (const { store } of made) await (store as { migrate?: () => Promise<void> }).migrate?.();
  return made;
}

async function dropRedis(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

/** A record as createTwoFactor writes it for a user with an authenticator app and backup codes. */
async function realRecord(): Promise<string> {
  const store = new MemoryStore();
  const keyring = { currentKeyId: 'k', keys: { k: crypto.getRandomValues(new Uint8Array(32)) } };
  const twoFactor = createTwoFactor({ store, issuer: 'Bench', keyring });
  const { secret } = await twoFactor.beginEnrollment('template', { account: 'ada@example.com' });
  await twoFactor.confirmEnrollment('template', generateTotp(secret));
  return (await store.get('template'))!.data;
}

async function fill(store: TwoFactorStore, data: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < USERS) {
      const i = next++;
      await store.create(`user-${String(i).padStart(6, '0')}`, { status: 'activated', data, updatedAt: i });
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
}

/** Pages through `walkPage` until the end; returns how many users it saw, so no walk is skipped. */
async function walk(walkPage: (cursor?: string) => Promise<{ count: number; nextCursor?: string }>): Promise<number> {
  let seen = 0;
  let cursor: string | undefined;
  do {
    const page = await walkPage(cursor);
    seen += page.count;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return seen;
}

function walkers(store: TwoFactorStore) {
  const twoFactor = createTwoFactor({ store, issuer: 'Bench' });
  const registry = createRegistry(totpModule('Bench', resolveOptions({ store, issuer: 'Bench' }).totp), undefined);
  return {
    listUsers: async (cursor?: string) => {
      const page = await twoFactor.listUsers({ limit: PAGE_LIMIT, ...(cursor === undefined ? {} : { cursor }) });
      return { count: page.users.filter((u) => u.activeFactors?.totp === 1).length, nextCursor: page.nextCursor };
    },
    // Before issue 28: the store's page, then every record parsed and validated whole.
    parseWhole: async (cursor?: string) => {
      const page = await store.list({ limit: PAGE_LIMIT, ...(cursor === undefined ? {} : { cursor }) });
      let count = 0;
      for (const record of page.records) {
        if (activeFactors(parseState(record.userId, record.data, registry)).length === 1) count += 1;
      }
      return { count, nextCursor: page.nextCursor };
    },
  };
}

export interface WalkResult {
  store: string;
  listUsersMs: number;
  parseWholeMs: number;
  speedup: number;
  met: boolean;
}

async function measure(bench: BenchStore): Promise<WalkResult> {
  const subjects = walkers(bench.store);
  const fastest = { listUsers: Infinity, parseWhole: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['listUsers', 'parseWhole'] as const) : (['parseWhole', 'listUsers'] as const);
    for (const name of order) {
      const start = performance.now();
      const seen = await walk(subjects[name]);
      fastest[name] = Math.min(fastest[name], performance.now() - start);
      if (seen !== USERS) throw new Error(`${bench.name}: the ${name} walk counted ${seen} of ${USERS} users`);
    }
  }
  const speedup = fastest.parseWhole / fastest.listUsers;
  return {
    store: bench.name,
    listUsersMs: fastest.listUsers,
    parseWholeMs: fastest.parseWhole,
    speedup,
    met: speedup >= WALK_TARGET.min,
  };
}

/** Runs the walk on every store, prints its table and target lines, and returns the results. */
export async function runWalkCases(): Promise<WalkResult[]> {
  const data = await realRecord();
  const results: WalkResult[] = [];
  console.log(
    `\nlistUsers full walk, ${USERS.toLocaleString('en-US')} users, ${PAGE_LIMIT} a page, fastest of ${ROUNDS} interleaved rounds  [list-walk-100k]`,
  );
  for (const bench of await stores()) {
    try {
      const fillStart = performance.now();
      await fill(bench.store, data);
      const fillMs = performance.now() - fillStart;
      const result = await measure(bench);
      results.push(result);
      console.log(
        `${result.met ? 'met   ' : 'MISSED'}  ${bench.name.padEnd(24)} listUsers ${formatDuration(result.listUsersMs * 1e6).padStart(9)}` +
          `  parsing whole ${formatDuration(result.parseWholeMs * 1e6).padStart(9)}  ${result.speedup.toFixed(2)}x faster` +
          `  (filled in ${(fillMs / 1000).toFixed(1)} s)`,
      );
    } finally {
      await bench.close();
    }
  }
  return results;
}

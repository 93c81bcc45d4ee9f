// Redis store. Each user is a hash; sorted sets with every member at score 0 index the users
// for listing (ZRANGEBYLEX), overall and per status. Every write is one Lua script, so the
// record and its index entries change together and a version check and its write cannot
// interleave with another client's, however many connections are in use. Every script touches
// only the keys it is given (KEYS), as Redis Cluster requires; on a cluster the prefix carries a
// hash tag, so all of a store's keys share one slot and a write script may touch several.
// Nothing expires.
/**
 * `factorkit/redis`: a TwoFactorStore on Redis, for `ioredis` or `redis` (node-redis), atomic through Lua scripts.
 *
 * @module factorkit/redis
 */
import { FactorkitError } from '../../errors/index.js';
import type {
  ListRecordsOptions,
  ListRecordsPage,
  RecordWrite,
  StoredRecord,
  TwoFactorStatus,
  TwoFactorStore,
} from '../types.js';
import { STATUSES } from '../status.js';
import {
  checkExpectedVersion,
  checkListOptions,
  checkUserId,
  checkWrite,
  fromSortKeyHex,
  sortKeyHex,
} from '../args.js';
import { redisScript, toScriptRunner, type IoredisLike, type NodeRedisLike, type RedisScriptRunner } from './client.js';

export {
  fromIoredis,
  fromNodeRedis,
  redisScript,
  type IoredisLike,
  type NodeRedisLike,
  type RedisScript,
  type RedisScriptRunner,
} from './client.js';

/**
 * Options for {@link RedisStore}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import type { RedisStoreOptions } from 'factorkit/redis';
 *
 * const options: RedisStoreOptions = { client: new Redis(), prefix: 'myapp:2fa:' };
 * ```
 */
export interface RedisStoreOptions {
  /**
   * An `ioredis` client, a `redis` (node-redis) client or pool, or any {@link RedisScriptRunner}.
   * Do not set ioredis's own `keyPrefix`: use `prefix` instead.
   */
  client: IoredisLike | NodeRedisLike | RedisScriptRunner;
  /**
   * Prepended to every key the store uses. Default `factorkit:`. On Redis Cluster it must hold
   * a hash tag, such as `{factorkit}:`, so that all of the store's keys (a user's hash and the
   * indexes a write updates with it) are in one hash slot; the store refuses an ioredis
   * `Cluster` or node-redis `createCluster` client with a prefix that has none.
   */
  prefix?: string;
}

/**
 * The default key prefix of {@link RedisStore}.
 *
 * @example
 * ```ts
 * import { DEFAULT_REDIS_PREFIX } from 'factorkit/redis';
 *
 * console.log(`${DEFAULT_REDIS_PREFIX}index:all`); // 'factorkit:index:all', the key listing every user
 * ```
 */
export const DEFAULT_REDIS_PREFIX = 'factorkit:';

const MAX_PREFIX_LENGTH = 256;
const FIELDS = "'userId', 'version', 'status', 'data', 'updatedAt'";

// KEYS[1] user hash. A missing hash comes back as five nils.
const GET = redisScript(`return redis.call('HMGET', KEYS[1], ${FIELDS})`);

// KEYS: user hash, all-users index, index of the new status. ARGV: member, userId, status, data, updatedAt.
const CREATE = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'version', '1', 'status', ARGV[3], 'data', ARGV[4], 'updatedAt', ARGV[5])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return 1
`);

// KEYS: user hash, then the activated, not-activated and pending indexes.
// ARGV: member, expected version, status, data, updatedAt. Returns the new version, or 0.
const COMPARE_AND_SET = redisScript(`
local current = redis.call('HMGET', KEYS[1], 'version', 'status')
if current[1] ~= ARGV[2] then return 0 end
if current[2] ~= ARGV[3] then
  local index = { ['activated'] = KEYS[2], ['not-activated'] = KEYS[3], ['pending'] = KEYS[4] }
  redis.call('ZREM', index[current[2]], ARGV[1])
  redis.call('ZADD', index[ARGV[3]], 0, ARGV[1])
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'data', ARGV[4], 'updatedAt', ARGV[5])
return redis.call('HINCRBY', KEYS[1], 'version', 1)
`);

// KEYS: user hash, all-users index, the three status indexes. ARGV: member, expected version.
const DELETE = redisScript(`
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, 5 do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
`);

// KEYS[1] the index to page through. ARGV: exclusive lower bound ('-' or '(' .. member), how many.
const LIST = redisScript(`return redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))`);

// KEYS: the user hashes of one page, named by the caller (a script may only touch keys it is
// given, or Redis Cluster cannot route it). One reply per key, five nils for a missing hash.
const READ_PAGE = redisScript(`
local page = {}
for i, key in ipairs(KEYS) do page[i] = redis.call('HMGET', key, ${FIELDS}) end
return page
`);

/** Whether every key under `prefix` hashes to one slot: a `{...}` with something inside. */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

/** An ioredis `Cluster` says so; a node-redis cluster has `masters` and `slots` where a client has none. */
function isClusterClient(client: unknown): boolean {
  if (typeof client !== 'object' || client === null) return false;
  const candidate = client as Record<string, unknown>;
  return candidate.isCluster === true || (Array.isArray(candidate.masters) && Array.isArray(candidate.slots));
}

function toRecord(reply: unknown): StoredRecord | null {
  if (!Array.isArray(reply) || reply[1] === null || reply[1] === undefined) return null;
  const [userId, version, status, data, updatedAt] = reply as unknown[];
  return {
    userId: String(userId),
    version: Number(version),
    status: String(status) as TwoFactorStatus,
    data: String(data),
    updatedAt: Number(updatedAt),
  };
}

/**
 * A {@link TwoFactorStore} on Redis, a single server or Redis Cluster. Works with `ioredis`
 * (`Redis` or `Cluster`) and `redis` (node-redis: a client, a pool or `createCluster`), both
 * optional peer dependencies that this module never imports: the client is recognised by its
 * methods. Atomicity comes from Lua scripts (EVALSHA), so any number of connections may share
 * the data. Keys, all under `prefix`: `user:<id>` (a hash per user, the id as UTF-16 hex so
 * any characters are safe), `index:all` and `index:status:<status>` (sorted sets). Every
 * script touches only the keys it is passed. On Redis Cluster, give a prefix with a hash tag
 * (`{factorkit}:`): all of the store's keys then live in one slot, on one master, which a
 * write needs to update a record and its indexes atomically.
 * No key has a TTL; use a Redis with persistence (AOF or RDB) if 2FA state must survive restarts.
 *
 * User ids, data and cursors must be well-formed Unicode without U+0000 (so records stay
 * portable to PostgreSQL); anything else is refused with `INVALID_ARGUMENT`. Client errors
 * (connection refused, ...) are thrown as a copy with the error's name, message and code only,
 * never the command's arguments.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createTwoFactor } from 'factorkit';
 * import { RedisStore } from 'factorkit/redis';
 *
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') });
 * const twoFactor = createTwoFactor({ store, issuer: 'Example' });
 * ```
 */
export class RedisStore implements TwoFactorStore {
  readonly #runner: RedisScriptRunner;
  readonly #prefix: string;
  readonly #allIndex: string;
  readonly #statusIndexes: string[];

  /**
   * @param options - the client and, optionally, the key prefix
   * @throws `FactorkitError` `INVALID_ARGUMENT` for an unrecognised client or a bad prefix
   */
  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new FactorkitError('INVALID_ARGUMENT', 'options must be an object');
    }
    const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    if (typeof prefix !== 'string' || prefix.length < 1 || prefix.length > MAX_PREFIX_LENGTH) {
      throw new FactorkitError('INVALID_ARGUMENT', `prefix must be a string of 1 to ${MAX_PREFIX_LENGTH} characters`);
    }
    if (isClusterClient(options.client) && !hasHashTag(prefix)) {
      throw new FactorkitError(
        'INVALID_ARGUMENT',
        "prefix must contain a hash tag on Redis Cluster, such as '{factorkit}:', so the store's keys share one slot",
      );
    }
    this.#runner = toScriptRunner(options.client);
    this.#prefix = prefix;
    this.#allIndex = `${prefix}index:all`;
    this.#statusIndexes = STATUSES.map((status) => `${prefix}index:status:${status}`);
  }

  #userKey(member: string): string {
    return `${this.#prefix}user:${member}`;
  }

  /**
   * @param userId - the application's user id
   * @returns the user's record, or `null` if there is none
   * @throws `FactorkitError` `INVALID_ARGUMENT` for a bad user id; the client's error on failure
   * @example
   * ```ts
   * import { Redis } from 'ioredis';
   * import { RedisStore } from 'factorkit/redis';
   *
   * const store = new RedisStore({ client: new Redis() });
   * const record = await store.get('user-1');
   * ```
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const member = sortKeyHex(checkUserId(userId));
    return toRecord(await this.#runner.runScript(GET, [this.#userKey(member)], []));
  }

  /**
   * Creates the user's record with version 1.
   *
   * @param userId - the application's user id
   * @param write - status, data and updatedAt
   * @returns the new record, or `null` if the user already has one (nothing written)
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the client's error on failure
   * @example
   * ```ts
   * import { Redis } from 'ioredis';
   * import { RedisStore } from 'factorkit/redis';
   *
   * const store = new RedisStore({ client: new Redis() });
   * const created = await store.create('user-1', { status: 'pending', data: '{}', updatedAt: Date.now() });
   * ```
   */
  async create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const { status, data, updatedAt } = checkWrite(write);
    const member = sortKeyHex(id);
    const created = await this.#runner.runScript(
      CREATE,
      [this.#userKey(member), this.#allIndex, this.#statusIndex(status)],
      [member, id, status, data, String(updatedAt)],
    );
    return Number(created) === 1 ? { userId: id, version: 1, status, data, updatedAt } : null;
  }

  /**
   * Replaces the user's record if its version is still `expectedVersion`.
   *
   * @param userId - the application's user id
   * @param expectedVersion - the version the caller read
   * @param write - status, data and updatedAt
   * @returns the new record (version + 1), or `null` if the version changed or the record is gone
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the client's error on failure
   * @example
   * ```ts
   * import { Redis } from 'ioredis';
   * import { RedisStore } from 'factorkit/redis';
   *
   * const store = new RedisStore({ client: new Redis() });
   * const current = await store.get('user-1');
   * if (current) {
   *   const next = await store.compareAndSet('user-1', current.version, { ...current, status: 'activated' });
   * }
   * ```
   */
  async compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    const { status, data, updatedAt } = checkWrite(write);
    const member = sortKeyHex(id);
    const newVersion = Number(
      await this.#runner.runScript(
        COMPARE_AND_SET,
        [this.#userKey(member), ...this.#statusIndexes],
        [member, String(version), status, data, String(updatedAt)],
      ),
    );
    return newVersion > 0 ? { userId: id, version: newVersion, status, data, updatedAt } : null;
  }

  /**
   * Deletes the user's record if its version is still `expectedVersion`.
   *
   * @param userId - the application's user id
   * @param expectedVersion - the version the caller read
   * @returns whether a record was deleted
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad arguments; the client's error on failure
   * @example
   * ```ts
   * import { Redis } from 'ioredis';
   * import { RedisStore } from 'factorkit/redis';
   *
   * const store = new RedisStore({ client: new Redis() });
   * const current = await store.get('user-1');
   * if (current) await store.delete('user-1', current.version);
   * ```
   */
  async delete(userId: string, expectedVersion: number): Promise<boolean> {
    const member = sortKeyHex(checkUserId(userId));
    const version = checkExpectedVersion(expectedVersion);
    const deleted = await this.#runner.runScript(
      DELETE,
      [this.#userKey(member), this.#allIndex, ...this.#statusIndexes],
      [member, String(version)],
    );
    return Number(deleted) === 1;
  }

  /**
   * One page of records ordered by user id (JavaScript string order), optionally filtered by status.
   *
   * @param options - `limit` (1..1000), optional `status` and the previous page's `nextCursor`
   * @returns the records and, when more follow, `nextCursor`
   * @throws `FactorkitError` `INVALID_ARGUMENT` for bad options; the client's error on failure
   * @example
   * ```ts
   * import { Redis } from 'ioredis';
   * import { RedisStore } from 'factorkit/redis';
   *
   * const store = new RedisStore({ client: new Redis() });
   * let page = await store.list({ limit: 100 });
   * while (page.nextCursor !== undefined) {
   *   page = await store.list({ limit: 100, cursor: page.nextCursor });
   * }
   * ```
   */
  async list(options: ListRecordsOptions): Promise<ListRecordsPage> {
    const { status, limit, cursor } = checkListOptions(options);
    const index = status === undefined ? this.#allIndex : this.#statusIndex(status);
    const from = cursor === undefined ? '-' : `(${sortKeyHex(cursor)}`;
    // One extra member tells whether another page follows.
    const reply = await this.#runner.runScript(LIST, [index], [from, String(limit + 1)]);
    const members = (Array.isArray(reply) ? reply : []).map(String);
    const pageMembers = members.slice(0, limit);
    const rows =
      pageMembers.length === 0
        ? []
        : await this.#runner.runScript(
            READ_PAGE,
            pageMembers.map((member) => this.#userKey(member)),
            [],
          );
    // The index and the hashes are read in two steps: a record deleted or moved to another
    // status in between is left out of this page.
    const records: StoredRecord[] = [];
    for (const row of Array.isArray(rows) ? rows : []) {
      const record = toRecord(row);
      if (record !== null && (status === undefined || record.status === status)) records.push(record);
    }
    const lastMember = pageMembers[pageMembers.length - 1];
    if (members.length <= limit || lastMember === undefined) return { records };
    // The cursor is the user id of the page's last index member, also when that record was left out.
    return { records, nextCursor: fromSortKeyHex(lastMember) };
  }

  #statusIndex(status: TwoFactorStatus): string {
    return this.#statusIndexes[STATUSES.indexOf(status)] as string;
  }
}

// One calling convention over the two Redis clients, so the store needs nothing but "run this
// Lua script". Detected by method shape; neither client package is imported. Their errors
// leave redacted (src/stores/driver-error.ts): ioredis attaches the script's arguments.
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { FactorkitError } from '../../errors/index.js';
import { redactedDriverError } from '../driver-error.js';

/**
 * A Lua script with its SHA-1, so a {@link RedisScriptRunner} can send `EVALSHA` and fall
 * back to `EVAL` only when the server does not have it cached.
 *
 * @example
 * ```ts
 * import { redisScript } from 'factorkit/redis';
 *
 * const ping = redisScript("return redis.call('PING')");
 * console.log(ping.sha1.length); // 40
 * ```
 */
export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

/**
 * Prepares a {@link RedisScript}: keeps the source and computes its SHA-1.
 *
 * @param source - the Lua source
 * @returns the script and its SHA-1 in lower-case hex, as Redis names it
 * @example
 * ```ts
 * import { redisScript } from 'factorkit/redis';
 *
 * const script = redisScript("return redis.call('GET', KEYS[1])");
 * ```
 */
export function redisScript(source: string): RedisScript {
  return { source, sha1: bytesToHex(sha1(utf8ToBytes(source))) };
}

/**
 * What {@link RedisStore} needs from Redis: run a Lua script with keys and arguments and
 * return the reply (strings, integers, `null` and nested arrays, as both clients decode RESP).
 * Make one with {@link fromIoredis} or {@link fromNodeRedis}, or write your own, for example
 * to spread calls over several connections.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { fromIoredis, type RedisScriptRunner } from 'factorkit/redis';
 *
 * const connections = [new Redis(), new Redis(), new Redis()].map(fromIoredis);
 * let next = 0;
 * const roundRobin: RedisScriptRunner = {
 *   runScript: (script, keys, args) => connections[next++ % connections.length]!.runScript(script, keys, args),
 * };
 * ```
 */
export interface RedisScriptRunner {
  runScript(script: RedisScript, keys: string[], args: string[]): Promise<unknown>;
}

/**
 * The part of an `ioredis` client (`Redis`, `Cluster`) that {@link fromIoredis} uses.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import type { IoredisLike } from 'factorkit/redis';
 *
 * const client: IoredisLike = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface IoredisLike {
  evalsha(sha1: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(source: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/**
 * The part of a `redis` (node-redis 5) client, pool or cluster that {@link fromNodeRedis} uses.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import type { NodeRedisLike } from 'factorkit/redis';
 *
 * const client: NodeRedisLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * ```
 */
export interface NodeRedisLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(source: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

function isNoScript(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message.startsWith('NOSCRIPT');
}

/**
 * Wraps an `ioredis` client as a {@link RedisScriptRunner} (EVALSHA, then EVAL if the script
 * is not cached).
 *
 * @param client - a connected `ioredis` `Redis` or `Cluster`
 * @returns a runner for {@link RedisStore}
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisStore, fromIoredis } from 'factorkit/redis';
 *
 * const store = new RedisStore({ client: fromIoredis(new Redis()) });
 * ```
 */
export function fromIoredis(client: IoredisLike): RedisScriptRunner {
  return {
    async runScript(script, keys, args) {
      try {
        return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
      } catch (error) {
        if (!isNoScript(error)) throw redactedDriverError(error);
        return await client.eval(script.source, keys.length, ...keys, ...args).catch((retryError: unknown) => {
          throw redactedDriverError(retryError);
        });
      }
    },
  };
}

/**
 * Wraps a `redis` (node-redis) client, pool or cluster as a {@link RedisScriptRunner}
 * (EVALSHA, then EVAL if the script is not cached).
 *
 * @param client - a connected node-redis client (`createClient(...).connect()`), or a pool
 * @returns a runner for {@link RedisStore}
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisStore, fromNodeRedis } from 'factorkit/redis';
 *
 * const client = await createClient().connect();
 * const store = new RedisStore({ client: fromNodeRedis(client) });
 * ```
 */
export function fromNodeRedis(client: NodeRedisLike): RedisScriptRunner {
  return {
    async runScript(script, keys, args) {
      const options = { keys, arguments: args };
      try {
        return await client.evalSha(script.sha1, options);
      } catch (error) {
        if (!isNoScript(error)) throw redactedDriverError(error);
        return await client.eval(script.source, options).catch((retryError: unknown) => {
          throw redactedDriverError(retryError);
        });
      }
    },
  };
}

/** Accepts a runner, an ioredis client or a node-redis client, told apart by method names. */
export function toScriptRunner(client: unknown): RedisScriptRunner {
  if (typeof client === 'object' && client !== null) {
    const candidate = client as Record<string, unknown>;
    if (typeof candidate.runScript === 'function') return client as RedisScriptRunner;
    // node-redis spells it evalSha (it also has EVALSHA); ioredis only has evalsha.
    if (typeof candidate.evalSha === 'function' && typeof candidate.eval === 'function') {
      return fromNodeRedis(client as NodeRedisLike);
    }
    if (typeof candidate.evalsha === 'function' && typeof candidate.eval === 'function') {
      return fromIoredis(client as IoredisLike);
    }
  }
  throw new FactorkitError(
    'INVALID_ARGUMENT',
    'client must be an ioredis client, a node-redis client or pool, or a RedisScriptRunner',
  );
}

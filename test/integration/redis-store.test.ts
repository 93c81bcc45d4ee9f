import { inspect } from 'node:util';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoFactor, isFactorkitError } from 'factorkit';
import { RedisStore, fromIoredis, fromNodeRedis, type RedisScriptRunner } from 'factorkit/redis';
import { runStoreConformance } from 'factorkit/testing';
import {
  UNICODE_SAMPLES,
  connectIoredis,
  connectIoredisCluster,
  connectNodeRedis,
  connectNodeRedisCluster,
  connectNodeRedisPool,
  runName,
  sweepStaleKeys,
} from '../support/services.js';
import { PIN_FACTOR } from '../support/pin-factor.js';
import { webauthnConformance } from '../support/webauthn-conformance.js';

// Every store gets its own key prefix under this run's namespace; all of it is deleted at the end.
const KEY_PREFIX = 'factorkit-test:';
const runPrefix = `${KEY_PREFIX}${runName()}:`;
let stores = 0;
let ioredisClients: Redis[];
let nodeRedisPool: Awaited<ReturnType<typeof connectNodeRedisPool>>;
let ioredisCluster: Cluster;
let nodeRedisCluster: Awaited<ReturnType<typeof connectNodeRedisCluster>>;

beforeAll(async () => {
  ioredisClients = await connectIoredis(5);
  await sweepStaleKeys(ioredisClients[0]!, KEY_PREFIX);
  nodeRedisPool = await connectNodeRedisPool(5);
  ioredisCluster = await connectIoredisCluster();
  nodeRedisCluster = await connectNodeRedisCluster();
  for (const master of ioredisCluster.nodes('master')) await sweepStaleKeys(master, `{${KEY_PREFIX}`);
}, 90_000);

afterAll(async () => {
  const admin = ioredisClients?.[0];
  if (admin) {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(await admin.keys(`${runPrefix}*`)).toEqual([]);
  }
  for (const master of ioredisCluster?.nodes('master') ?? []) {
    const keys = await master.keys(`{${runPrefix}*`);
    // One DEL per key: a multi-key DEL must not cross slots.
    for (const key of keys) await master.del(key);
  }
  for (const client of ioredisClients ?? []) client.disconnect();
  await nodeRedisPool?.close();
  ioredisCluster?.disconnect();
  nodeRedisCluster?.destroy();
});

function nextPrefix(): string {
  return `${runPrefix}${++stores}:`;
}

/** Spreads scripts over several runners, so concurrent calls really use separate connections. */
function roundRobin(runners: RedisScriptRunner[]): RedisScriptRunner {
  let next = 0;
  return { runScript: (script, keys, args) => runners[next++ % runners.length]!.runScript(script, keys, args) };
}

const viaIoredis = async () =>
  new RedisStore({ client: roundRobin(ioredisClients.map(fromIoredis)), prefix: nextPrefix() });
const viaNodeRedis = async () => new RedisStore({ client: nodeRedisPool, prefix: nextPrefix() });

/** A hash-tagged prefix: on the cluster all of one store's keys share a slot. */
function nextClusterPrefix(): string {
  return `{${runPrefix}${++stores}}:`;
}

const viaIoredisCluster = async () => new RedisStore({ client: ioredisCluster, prefix: nextClusterPrefix() });
const viaNodeRedisCluster = async () => new RedisStore({ client: nodeRedisCluster, prefix: nextClusterPrefix() });

runStoreConformance(viaIoredis, {
  name: 'RedisStore conformance (ioredis, 5 connections round-robin)',
  factors: [PIN_FACTOR],
});
runStoreConformance(viaNodeRedis, { name: 'RedisStore conformance (node-redis pool of 5)', factors: [PIN_FACTOR] });
runStoreConformance(viaIoredisCluster, {
  factors: [PIN_FACTOR],
  name: 'RedisStore conformance (Redis Cluster of 3 masters, ioredis Cluster)',
});
runStoreConformance(viaNodeRedisCluster, {
  factors: [PIN_FACTOR],
  name: 'RedisStore conformance (Redis Cluster of 3 masters, node-redis createCluster)',
});
webauthnConformance(viaIoredis, 'RedisStore (ioredis)');
webauthnConformance(viaNodeRedis, 'RedisStore (node-redis)');
webauthnConformance(viaIoredisCluster, 'RedisStore (Redis Cluster, ioredis)');
webauthnConformance(viaNodeRedisCluster, 'RedisStore (Redis Cluster, node-redis)');

describe('RedisStore on Redis Cluster', () => {
  it('the cluster really has three masters, and the stores under test spread over them', async () => {
    expect(ioredisCluster.nodes('master')).toHaveLength(3);
    expect(nodeRedisCluster.masters).toHaveLength(3);
    const slots = new Set<number>();
    for (let i = 0; i < 12; i++) slots.add(Number(await ioredisCluster.cluster('KEYSLOT', nextClusterPrefix())));
    const owners = new Set(
      [...slots].map((slot) => nodeRedisCluster.slots[slot]?.master.port).filter((port) => port !== undefined),
    );
    expect(owners.size).toBeGreaterThan(1);
  });

  it("keeps all of a store's keys in the slot of the prefix's hash tag", async () => {
    const prefix = nextClusterPrefix();
    const store = new RedisStore({ client: ioredisCluster, prefix });
    await store.create('a:b{c}*?', { status: 'activated', data: 'x', updatedAt: 1 });
    await store.create('😀', { status: 'pending', data: 'y', updatedAt: 1 });
    const slot = Number(await ioredisCluster.cluster('KEYSLOT', prefix));
    const keys = (await Promise.all(ioredisCluster.nodes('master').map((node) => node.keys(`${prefix}*`)))).flat();
    expect(keys.sort()).toEqual(
      [
        `${prefix}index:all`,
        `${prefix}index:status:activated`,
        `${prefix}index:status:pending`,
        `${prefix}user:0061003a0062007b0063007d002a003f`,
        `${prefix}user:d83dde00`,
      ].sort(),
    );
    for (const key of keys) expect(Number(await ioredisCluster.cluster('KEYSLOT', key))).toBe(slot);
  });

  it('refuses a cluster client with a prefix that has no hash tag', () => {
    for (const client of [ioredisCluster, nodeRedisCluster]) {
      for (const prefix of [undefined, 'factorkit:', '{}:', 'factorkit:{', '}{x:']) {
        expect(() => new RedisStore({ client, ...(prefix === undefined ? {} : { prefix }) }), String(prefix)).toThrow(
          expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
        );
      }
    }
  });

  it('the same data through ioredis Cluster and node-redis createCluster', async () => {
    const prefix = nextClusterPrefix();
    const viaIoredis = new RedisStore({ client: ioredisCluster, prefix });
    const viaNodeRedis = new RedisStore({ client: nodeRedisCluster, prefix });
    const created = await viaIoredis.create('shared', { status: 'pending', data: 'ž', updatedAt: 1 });
    expect(await viaNodeRedis.get('shared')).toEqual(created);
    const updated = await viaNodeRedis.compareAndSet('shared', 1, { status: 'activated', data: 'ř', updatedAt: 2 });
    expect(await viaIoredis.list({ limit: 5, status: 'activated' })).toEqual({ records: [updated] });
  });
});

describe('RedisStore specifics', () => {
  it('accepts ioredis and node-redis clients directly, and they share the data', async () => {
    const prefix = nextPrefix();
    const single = await connectNodeRedis();
    try {
      const viaIoredis = new RedisStore({ client: ioredisClients[1]!, prefix });
      const viaNodeRedis = new RedisStore({ client: single, prefix });
      const viaPool = new RedisStore({ client: fromNodeRedis(nodeRedisPool), prefix });
      const created = await viaIoredis.create('shared', { status: 'pending', data: 'ž', updatedAt: 1 });
      expect(await viaNodeRedis.get('shared')).toEqual(created);
      const updated = await viaNodeRedis.compareAndSet('shared', 1, { status: 'activated', data: 'ř', updatedAt: 2 });
      expect(await viaPool.get('shared')).toEqual(updated);
      expect(await viaIoredis.list({ limit: 5, status: 'activated' })).toEqual({ records: [updated] });
    } finally {
      single.destroy();
    }
  });

  it('works after SCRIPT FLUSH (falls back from EVALSHA to EVAL)', async () => {
    const store = new RedisStore({ client: ioredisClients[2]!, prefix: nextPrefix() });
    const nodeStore = new RedisStore({ client: nodeRedisPool, prefix: nextPrefix() });
    await ioredisClients[2]!.script('FLUSH');
    expect(await store.create('after-flush', { status: 'pending', data: 'x', updatedAt: 1 })).toMatchObject({
      version: 1,
    });
    await ioredisClients[2]!.script('FLUSH');
    expect(await nodeStore.create('after-flush', { status: 'pending', data: 'y', updatedAt: 1 })).toMatchObject({
      version: 1,
    });
  });

  it('keeps every key under the prefix, with no TTL, ids hex-encoded', async () => {
    const prefix = nextPrefix();
    const store = new RedisStore({ client: ioredisClients[0]!, prefix });
    await store.create('a:b{c}*?', { status: 'activated', data: 'x', updatedAt: 1 });
    await store.create('😀', { status: 'pending', data: 'y', updatedAt: 1 });
    const admin = ioredisClients[0]!;
    const keys = (await admin.keys(`${prefix}*`)).sort();
    expect(keys).toEqual(
      [
        `${prefix}index:all`,
        `${prefix}index:status:activated`,
        `${prefix}index:status:pending`,
        `${prefix}user:0061003a0062007b0063007d002a003f`,
        `${prefix}user:d83dde00`,
      ].sort(),
    );
    for (const key of keys) expect(await admin.ttl(key)).toBe(-1);
    expect(await admin.hgetall(`${prefix}user:d83dde00`)).toEqual({
      userId: '😀',
      version: '1',
      status: 'pending',
      data: 'y',
      updatedAt: '1',
    });
    // Moving the only pending user out of that status leaves no empty index key behind.
    await store.compareAndSet('😀', 1, { status: 'activated', data: 'y', updatedAt: 2 });
    expect(await admin.exists(`${prefix}index:status:pending`)).toBe(0);
    expect(await admin.zcard(`${prefix}index:status:activated`)).toBe(2);
  });

  it('keeps state across a restart: clients quit, new clients read it back unchanged', async () => {
    const prefix = nextPrefix();
    const [first] = await connectIoredis(1);
    const writer = new RedisStore({ client: first!, prefix });
    const written = [];
    for (const [index, data] of UNICODE_SAMPLES.entries()) {
      await writer.create(`restart-${index}`, { status: 'pending', data, updatedAt: 1_700_000_000_000 + index });
      written.push(
        await writer.compareAndSet(`restart-${index}`, 1, {
          status: 'activated',
          data,
          updatedAt: 1_700_000_000_000.25,
        }),
      );
    }
    await first!.quit();

    const [second] = await connectIoredis(1);
    const nodeClient = await connectNodeRedis();
    try {
      for (const client of [second!, nodeClient]) {
        const reader = new RedisStore({ client, prefix });
        for (const [index, record] of written.entries()) {
          expect(await reader.get(`restart-${index}`)).toEqual(record);
        }
        expect((await reader.list({ limit: 100, status: 'activated' })).records).toHaveLength(written.length);
      }
    } finally {
      await second!.quit();
      nodeClient.destroy();
    }
  });

  it('throws client errors as they are (connection refused, wrong key type)', async () => {
    const { Redis } = await import('ioredis');
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    dead.on('error', () => {});
    try {
      const error = await new RedisStore({ client: dead }).get('user').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(isFactorkitError(error)).toBe(false);
    } finally {
      dead.disconnect();
    }
    const prefix = nextPrefix();
    await ioredisClients[0]!.set(`${prefix}index:all`, 'not a sorted set');
    const store = new RedisStore({ client: nodeRedisPool, prefix });
    const error = await store
      .create('x', { status: 'pending', data: '', updatedAt: 0 })
      .catch((caught: unknown) => caught);
    expect(isFactorkitError(error)).toBe(false);
    expect(String((error as Error).message)).toContain('WRONGTYPE');
  });

  it('a real Redis error during a write carries neither the command nor the record (issue 14, item 5)', async () => {
    const secretData = JSON.stringify({ planted: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP-record-data' });
    for (const client of [ioredisClients[0]!, nodeRedisPool]) {
      const prefix = nextPrefix();
      // The index is not a sorted set: the write script fails inside Redis with WRONGTYPE.
      await ioredisClients[0]!.set(`${prefix}index:all`, 'not a sorted set');
      const store = new RedisStore({ client, prefix });
      const direct = await store
        .create('x', { status: 'pending', data: secretData, updatedAt: 0 })
        .catch((caught: unknown) => caught);
      const viaLifecycle = await createTwoFactor({ store, issuer: 'X', warn: () => {} })
        .beginEnrollment('y', { account: 'a' })
        .catch((caught: unknown) => caught);
      expect(isFactorkitError(viaLifecycle, 'STORE_ERROR')).toBe(true);
      for (const error of [direct, (viaLifecycle as Error).cause]) {
        expect(String((error as Error).message)).toContain('WRONGTYPE');
        const everything = inspect(error, { depth: 10, showHidden: true });
        expect(everything).not.toContain('planted');
        expect(everything).not.toContain('"v":1');
        expect(Object.keys(error as object)).not.toContain('command');
      }
    }
  });

  it('refuses unknown clients and bad prefixes', () => {
    for (const client of [undefined, null, {}, { eval: () => null }, 'redis://']) {
      expect(() => new RedisStore({ client: client as unknown as RedisScriptRunner })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    for (const prefix of ['', 'x'.repeat(257), 7]) {
      expect(() => new RedisStore({ client: ioredisClients[0]!, prefix: prefix as string })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});

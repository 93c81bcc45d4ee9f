import { describe, expect, it } from 'vitest';
import { MemoryStore, isFactorkitError } from 'factorkit';
import { runStoreConformance } from 'factorkit/testing';
import { PIN_FACTOR } from '../support/pin-factor.js';
import { webauthnConformance } from '../support/webauthn-conformance.js';

// The whole conformance suite, twice: with zero latency (interleaving at every await) and with
// random round-trip delays, so parallel calls overlap in many different orders.
runStoreConformance(() => new MemoryStore(), { name: 'MemoryStore', factors: [PIN_FACTOR] });
runStoreConformance(() => new MemoryStore({ latencyMs: 2 }), {
  name: 'MemoryStore with random latency',
  factors: [PIN_FACTOR],
});

webauthnConformance(() => new MemoryStore(), 'MemoryStore');
webauthnConformance(() => new MemoryStore({ latencyMs: 2 }), 'MemoryStore with random latency');

describe('MemoryStore options and arguments', () => {
  it('refuses a negative or non-finite latency', () => {
    for (const latencyMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(() => new MemoryStore({ latencyMs } as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('refuses bad user ids, versions, writes and list limits with INVALID_ARGUMENT', async () => {
    const store = new MemoryStore();
    const write = { status: 'pending', data: 'x', updatedAt: 1 } as const;
    const attempts: Array<() => Promise<unknown>> = [
      () => store.get(''),
      () => store.get('x'.repeat(256)),
      () => store.get(42 as never),
      () => store.create('u', { ...write, status: 'enabled' } as never),
      () => store.create('u', { ...write, data: 7 } as never),
      () => store.create('u', { ...write, updatedAt: Number.NaN }),
      () => store.compareAndSet('u', 0, write),
      () => store.compareAndSet('u', 1.5, write),
      () => store.delete('u', -1),
      () => store.list({ limit: 0 }),
      () => store.list({ limit: 1001 }),
      () => store.list({ limit: 10, cursor: 5 as never }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(isFactorkitError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('MemoryStore list index', () => {
  // Enough records that the sorted index splits and merges its blocks many times over.
  it('pages like a sorted copy of a reference map through 6,000 random creates, status changes and deletes', async () => {
    const store = new MemoryStore();
    const reference = new Map<string, { status: 'activated' | 'not-activated' | 'pending'; version: number }>();
    const statuses = ['activated', 'not-activated', 'pending'] as const;
    let seed = 0x2f6b_1d3;
    const random = (below: number) => {
      // xorshift32: a fixed sequence, so a failure is reproducible.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % below;
    };
    const alphabet = ['a', 'B', 'é', '\uFF01', '😀', '0', '-', 'z'];
    for (let step = 0; step < 6_000; step++) {
      const id = Array.from({ length: 1 + random(4) }, () => alphabet[random(alphabet.length)]).join('');
      const current = reference.get(id);
      const status = statuses[random(3)]!;
      if (current === undefined) {
        expect(await store.create(id, { status, data: id, updatedAt: step })).not.toBeNull();
        reference.set(id, { status, version: 1 });
      } else if (random(3) === 0) {
        expect(await store.delete(id, current.version)).toBe(true);
        reference.delete(id);
      } else {
        expect(await store.compareAndSet(id, current.version, { status, data: id, updatedAt: step })).not.toBeNull();
        reference.set(id, { status, version: current.version + 1 });
      }
    }
    const walk = async (limit: number, status?: (typeof statuses)[number]) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.list({ limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
        ids.push(...page.records.map((record) => record.userId));
        if (page.nextCursor === undefined) return ids;
        cursor = page.nextCursor;
      }
    };
    const sorted = [...reference.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted.length).toBeGreaterThan(1_500);
    for (const limit of [1, 7, 1000]) expect(await walk(limit)).toEqual(sorted);
    for (const status of statuses) {
      expect(await walk(13, status)).toEqual(sorted.filter((id) => reference.get(id)!.status === status));
    }
    const middle = sorted[Math.floor(sorted.length / 2)]!;
    const page = await store.list({ limit: 5, cursor: middle });
    expect(page.records.map((record) => record.userId)).toEqual(sorted.filter((id) => id > middle).slice(0, 5));
  });

  it('accepts exactly what the database stores accept: refuses U+0000 and lone surrogates', async () => {
    const store = new MemoryStore();
    for (const attempt of [
      () => store.get('nul\u0000'),
      () => store.create('lone \uD800', { status: 'pending', data: 'x', updatedAt: 1 }),
      () => store.create('u', { status: 'pending', data: 'bad \uDC00', updatedAt: 1 }),
      () => store.create('u', { status: 'pending', data: 'x', updatedAt: -1 }),
      () => store.list({ limit: 5, cursor: 'nul\u0000' }),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(isFactorkitError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(await store.list({ limit: 5 })).toEqual({ records: [] });
  });
});

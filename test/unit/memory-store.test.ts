import { describe, expect, it } from 'vitest';
import { MemoryStore, isFactorkitError } from 'factorkit';
import { runStoreConformance } from 'factorkit/testing';

// The whole conformance suite, twice: with zero latency (interleaving at every await) and with
// random round-trip delays, so parallel calls overlap in many different orders.
runStoreConformance(() => new MemoryStore(), { name: 'MemoryStore' });
runStoreConformance(() => new MemoryStore({ latencyMs: 2 }), { name: 'MemoryStore with random latency' });

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

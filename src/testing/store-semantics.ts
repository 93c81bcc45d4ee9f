// The store-level contract of TwoFactorStore: what each of the five calls must do, alone and
// under concurrency. An adapter passing these is enough for the lifecycle to be correct.
import { describe, expect, it } from 'vitest';
import type { RecordWrite, StoredRecord, TwoFactorStore } from '../stores/index.js';
import { uniquePrefix } from './harness.js';

const write = (
  data: string,
  status: RecordWrite['status'] = 'pending',
  updatedAt = 1_700_000_000_123,
): RecordWrite => ({
  status,
  data,
  updatedAt,
});

/** Text a careless adapter mangles: non-BMP characters, combining marks, RTL, escapes, JSON. */
const AWKWARD_DATA = [
  '{"v":1,"note":"plain"}',
  'emoji 🔐👩🏽‍💻 and CJK 二要素認証',
  'combining é vs é, RTL שלום مرحبا',
  'quotes \' " ` and backslashes \\ \\\\ \\u0041 and %s %d $1',
  'newlines\r\n\ttabs and trailing spaces   ',
  JSON.stringify({ nested: { array: [1, 2.5, null, true], text: 'a"b\\c' } }),
  'x'.repeat(100_000),
];

async function pageAll(
  store: TwoFactorStore,
  limit: number,
  status?: RecordWrite['status'],
): Promise<StoredRecord[][]> {
  const pages: StoredRecord[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100_000; guard++) {
    const page = await store.list({
      limit,
      ...(status ? { status } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    expect(page.records.length).toBeLessThanOrEqual(limit);
    pages.push(page.records);
    if (page.nextCursor === undefined) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('list never ended');
}

export function storeSemanticsSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('store semantics', () => {
    it('get returns null for a user without a record', async () => {
      const store = await useStore();
      expect(await store.get(`${uniquePrefix()}nobody`)).toBeNull();
    });

    it('create inserts version 1 once; a second create returns null and changes nothing', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      const created = await store.create(userId, write('first', 'pending', 1_700_000_000_001));
      expect(created).toEqual({ userId, version: 1, status: 'pending', data: 'first', updatedAt: 1_700_000_000_001 });
      expect(await store.get(userId)).toEqual(created);
      expect(await store.create(userId, write('second', 'activated'))).toBeNull();
      expect(await store.get(userId)).toEqual(created);
    });

    it('compareAndSet writes only at the expected version and increments it', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      await store.create(userId, write('v1'));
      const second = await store.compareAndSet(userId, 1, write('v2', 'activated', 1_700_000_000_222));
      expect(second).toEqual({ userId, version: 2, status: 'activated', data: 'v2', updatedAt: 1_700_000_000_222 });
      expect(await store.compareAndSet(userId, 1, write('stale'))).toBeNull();
      expect(await store.compareAndSet(userId, 3, write('future'))).toBeNull();
      expect(await store.get(userId)).toEqual(second);
      const third = await store.compareAndSet(userId, 2, write('v3', 'not-activated'));
      expect(third?.version).toBe(3);
      expect((await store.get(userId))?.status).toBe('not-activated');
    });

    it('compareAndSet on a missing user returns null and creates nothing', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}ghost`;
      expect(await store.compareAndSet(userId, 1, write('x'))).toBeNull();
      expect(await store.get(userId)).toBeNull();
    });

    it('delete removes only at the expected version; create works again afterwards', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      await store.create(userId, write('v1'));
      await store.compareAndSet(userId, 1, write('v2'));
      expect(await store.delete(userId, 1)).toBe(false);
      expect((await store.get(userId))?.data).toBe('v2');
      expect(await store.delete(userId, 2)).toBe(true);
      expect(await store.get(userId)).toBeNull();
      expect(await store.delete(userId, 2)).toBe(false);
      expect((await store.create(userId, write('again')))?.version).toBe(1);
    });

    it('keeps data, status and updatedAt byte for byte, including non-ASCII and large text', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      for (const [i, data] of AWKWARD_DATA.entries()) {
        const userId = `${prefix}${i}`;
        await store.create(userId, write(data, 'activated', 1_700_000_000_000 + i));
        const got = await store.get(userId);
        expect(got?.data).toBe(data);
        expect(got?.status).toBe('activated');
        expect(got?.updatedAt).toBe(1_700_000_000_000 + i);
        const updated = await store.compareAndSet(userId, 1, write(`${data}+`, 'pending', 1_700_000_000_500));
        expect(updated?.data).toBe(`${data}+`);
        expect((await store.get(userId))?.data).toBe(`${data}+`);
      }
    });

    it('accepts user ids up to 255 characters, with non-ASCII characters', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      const ids = [`${prefix}ünïcødé-用户-🔑`, `${prefix}${'z'.repeat(255 - prefix.length)}`];
      for (const userId of ids) {
        expect((await store.create(userId, write('d')))?.userId).toBe(userId);
        expect((await store.get(userId))?.userId).toBe(userId);
      }
    });

    it('returns copies: changing a returned record does not change the stored one', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      const created = (await store.create(userId, write('original')))!;
      created.data = 'mutated';
      created.version = 99;
      const got = (await store.get(userId))!;
      expect(got).toMatchObject({ data: 'original', version: 1 });
      got.data = 'mutated again';
      expect((await store.get(userId))?.data).toBe('original');
    });

    it('20 parallel creates of one user: exactly one succeeds', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.create(userId, write(`writer ${i}`))),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect((await store.get(userId))?.data).toBe(winners[0]!.data);
    });

    it('20 parallel compareAndSet at one version: exactly one succeeds', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}user`;
      await store.create(userId, write('base'));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.compareAndSet(userId, 1, write(`writer ${i}`))),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await store.get(userId)).toEqual(winners[0]);
    });

    it('read-modify-compareAndSet loops lose no update (10 workers x 5 increments = 50)', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}counter`;
      await store.create(userId, write('0'));
      const worker = async () => {
        for (let done = 0; done < 5; ) {
          const current = (await store.get(userId))!;
          const next = await store.compareAndSet(userId, current.version, write(String(Number(current.data) + 1)));
          if (next !== null) done++;
        }
      };
      await Promise.all(Array.from({ length: 10 }, worker));
      const final = (await store.get(userId))!;
      expect(final.data).toBe('50');
      expect(final.version).toBe(51);
    });

    it('list pages through every record in user-id code-unit order, filtered by status', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      // 'B' < 'a' in code-unit order (a locale collation would sort them the other way).
      const mine: Array<[string, RecordWrite['status']]> = [
        ['a', 'activated'],
        ['B', 'pending'],
        ['c', 'activated'],
        ['A', 'not-activated'],
        ['b', 'activated'],
        ['C', 'pending'],
        ['é', 'activated'],
      ];
      for (const [suffix, status] of mine) await store.create(prefix + suffix, write(`data ${suffix}`, status));

      for (const limit of [1, 3, 1000]) {
        const pages = await pageAll(store, limit);
        const all = pages.flat();
        const ids = all.map((r) => r.userId);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort(codeUnitOrder)).toEqual(ids);
        const ours = all.filter((r) => r.userId.startsWith(prefix));
        expect(ours.map((r) => r.userId.slice(prefix.length))).toEqual(['A', 'B', 'C', 'a', 'b', 'c', 'é']);
        expect(ours.find((r) => r.userId === `${prefix}B`)).toMatchObject({
          status: 'pending',
          data: 'data B',
          version: 1,
        });
      }

      const activated = (await pageAll(store, 2, 'activated')).flat();
      expect(activated.every((r) => r.status === 'activated')).toBe(true);
      expect(activated.filter((r) => r.userId.startsWith(prefix)).map((r) => r.userId.slice(prefix.length))).toEqual([
        'a',
        'b',
        'c',
        'é',
      ]);
      const pending = (await pageAll(store, 1000, 'pending')).flat().filter((r) => r.userId.startsWith(prefix));
      expect(pending.map((r) => r.userId.slice(prefix.length))).toEqual(['B', 'C']);
    });

    it('list reflects writes and deletes', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      await store.create(`${prefix}1`, write('x', 'pending'));
      await store.create(`${prefix}2`, write('y', 'pending'));
      await store.compareAndSet(`${prefix}1`, 1, write('x2', 'activated'));
      await store.delete(`${prefix}2`, 1);
      const ours = (await pageAll(store, 1000)).flat().filter((r) => r.userId.startsWith(prefix));
      expect(ours).toEqual([
        { userId: `${prefix}1`, version: 2, status: 'activated', data: 'x2', updatedAt: 1_700_000_000_123 },
      ]);
    });
  });
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

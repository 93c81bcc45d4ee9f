// The edges of the store contract that database adapters get wrong: text a driver or a
// collation mangles, the order of pages over any set of Unicode ids, bad input that must be
// refused before it reaches the server, and concurrent deletes. Every test uses its own id
// prefix, so a store shared with other data passes too.
import { describe, expect, it } from 'vitest';
import { isFactorkitError } from '../errors/index.js';
import type { RecordWrite, StoredRecord, TwoFactorStatus, TwoFactorStore } from '../stores/index.js';
import { uniquePrefix } from './harness.js';

const write = (data: string, status: TwoFactorStatus = 'pending', updatedAt = 1_700_000_000_000): RecordWrite => ({
  status,
  data,
  updatedAt,
});

/** Unicode text exercising every UTF-8 length, combining marks, RTL, line separators, JSON escapes. */
const UNICODE_SAMPLES = [
  'ascii only',
  'café ☕ — naïve',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀👩‍👩‍👧‍👦 🇺🇳',
  'e\u0301 (decomposed) vs \u00e9',
  'עברית العربية',
  'line\u2028separator\u2029and\r\ntabs\t',
  '{"json":"\\"quoted\\" \\\\ back\\u0000slash"}',
  // Not leading: the lifecycle writes JSON, and PGlite drops a leading U+FEFF (docs/stores.md).
  'a BOM \uFEFF and \uFFFD replacement and \uFFFF',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x}, as an attacker would type it.
  "'; DROP TABLE users; -- %s ${x} \\x00 \\' \\\\'",
  'Ω😀'.repeat(50_000),
];

/** Ids whose code-unit order differs from UTF-8 byte order, code-point order and any collation. */
const ORDER_IDS = ['b', 'a', 'A', 'az', '\uFF01', '😀', 'é', 'e\u0301', 'user:10', 'user:9', '~', ' ', 'ß', 'SS'];

/** Code units a fuzzed id is drawn from: every UTF-8 length, surrogate pairs, the ends of the BMP. */
const ID_UNITS = ['a', 'Z', '0', ' ', '~', '%', '_', "'", '\\', 'é', '\u00FF', '\u0100', '\u07FF', '\u0800', '\uFFFD'];
const ID_PAIRS = ['😀', '𝔘', '\u{10FFFF}', '\u{10000}'];
const ID_BMP_TOP = ['\uE000', '\uFF01', '\uFFFF'];

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every record with this prefix, page by page in the store's order, checking each page's size. */
async function listMine(
  store: TwoFactorStore,
  prefix: string,
  limit: number,
  status?: TwoFactorStatus,
): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100_000; pages++) {
    const page = await store.list({
      limit,
      ...(status === undefined ? {} : { status }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    expect(page.records.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== undefined) expect(page.records).toHaveLength(limit);
    for (const record of page.records) if (record.userId.startsWith(prefix)) records.push(record);
    if (page.nextCursor === undefined) return records;
    cursor = page.nextCursor;
  }
  throw new Error('list never ended');
}

async function expectInvalid(label: string, attempt: () => Promise<unknown>): Promise<void> {
  let error: unknown;
  try {
    await attempt();
  } catch (caught) {
    error = caught;
  }
  expect(isFactorkitError(error, 'INVALID_ARGUMENT'), label).toBe(true);
}

/** xorshift32 with a fixed seed: the fuzzed ids are the same on every run, so a failure reproduces. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

function fuzzedId(random: (below: number) => number): string {
  let id = '';
  for (let length = 1 + random(8); id.length < length; ) {
    const pool = [ID_UNITS, ID_PAIRS, ID_BMP_TOP][random(3)] as string[];
    id += pool[random(pool.length)];
  }
  return id;
}

export function storeEdgesSuite(useStore: () => Promise<TwoFactorStore>): void {
  describe('store edges: Unicode, order, bad input, concurrent deletes', () => {
    it('keeps Unicode data and ids byte for byte, through create, compareAndSet, get and list', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      const encoder = new TextEncoder();
      for (const [index, data] of UNICODE_SAMPLES.entries()) {
        // Whole code points, so no id ends in half a surrogate pair.
        const userId = `${prefix}${Array.from(data).slice(0, 12).join('')}#${index}`;
        await store.create(userId, write(data));
        const read = await store.get(userId);
        expect(read?.userId).toBe(userId);
        expect(encoder.encode(read?.data)).toEqual(encoder.encode(data));
        const updated = await store.compareAndSet(userId, 1, write(`${data}\u2028`, 'activated'));
        expect(updated?.data).toBe(`${data}\u2028`);
      }
      const listed = await listMine(store, prefix, 3);
      expect(listed.map((record) => record.data).sort()).toEqual(UNICODE_SAMPLES.map((data) => `${data}\u2028`).sort());
    });

    it('keeps updatedAt exactly: fractional milliseconds, 0 and the largest safe integer', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      for (const [index, updatedAt] of [1_700_000_000_123.5, 0, Number.MAX_SAFE_INTEGER, 0.25].entries()) {
        const created = await store.create(`${prefix}${index}`, write('d', 'pending', updatedAt));
        expect(created?.updatedAt).toBe(updatedAt);
        expect((await store.get(`${prefix}${index}`))?.updatedAt).toBe(updatedAt);
      }
    });

    it('lists in JavaScript string order across pages of every size, filtered by status', async () => {
      const store = await useStore();
      const prefix = uniquePrefix();
      const statuses = ['activated', 'pending', 'not-activated'] as const;
      for (const [index, id] of ORDER_IDS.entries()) {
        await store.create(prefix + id, write(`d${index}`, statuses[index % 3]));
      }
      const expected = ORDER_IDS.map((id) => prefix + id).sort(codeUnitOrder);
      for (const limit of [1, 2, 5, ORDER_IDS.length, 1000]) {
        expect((await listMine(store, prefix, limit)).map((record) => record.userId)).toEqual(expected);
      }
      for (const [index, status] of statuses.entries()) {
        const wanted = ORDER_IDS.filter((_, i) => i % 3 === index)
          .map((id) => prefix + id)
          .sort(codeUnitOrder);
        const listed = await listMine(store, prefix, 2, status);
        expect(listed.map((record) => record.userId)).toEqual(wanted);
        expect(listed.every((record) => record.status === status)).toBe(true);
      }
      // A status change moves the record between the filtered lists at once.
      const moved = prefix + ORDER_IDS[1];
      await store.compareAndSet(moved, 1, write('moved', 'activated'));
      expect((await listMine(store, prefix, 3, 'activated')).map((record) => record.userId)).toContain(moved);
      expect((await listMine(store, prefix, 3, 'pending')).map((record) => record.userId)).not.toContain(moved);
    });

    it('the last page has no nextCursor, also when it is exactly full; a delete leaves the lists at once', async () => {
      const store = await useStore();
      // U+FFFF U+FFFF first, so these ids sort after anything a shared store is likely to hold.
      const prefix = `\uFFFF\uFFFF${uniquePrefix()}`;
      const ids = ['1', '2', '3', '4'].map((suffix) => prefix + suffix);
      for (const id of ids) await store.create(id, write('d', 'activated'));
      // A cursor is the user id of a page's last record, so one of ours is a valid one.
      const rest = await store.list({ limit: 3, cursor: ids[0] });
      expect(rest.records.map((record) => record.userId)).toEqual(ids.slice(1));
      expect(rest.nextCursor).toBeUndefined();
      const partial = await store.list({ limit: 2, cursor: ids[0] });
      expect(partial.records.map((record) => record.userId)).toEqual(ids.slice(1, 3));
      expect(partial.nextCursor).toBe(ids[2]);
      const filtered = await store.list({ limit: 3, status: 'activated', cursor: ids[0] });
      expect(filtered.records.map((record) => record.userId)).toEqual(ids.slice(1));
      expect(filtered.nextCursor).toBeUndefined();
      for (const id of ids) expect(await store.delete(id, 1)).toBe(true);
      expect(await listMine(store, prefix, 10)).toEqual([]);
      expect(await listMine(store, prefix, 10, 'activated')).toEqual([]);
      expect((await store.create(ids[0]!, write('again')))?.version).toBe(1);
    });

    it('pages through any set of Unicode ids in code-unit order (12 fuzzed sets, fixed seed)', async () => {
      const store = await useStore();
      const random = seededRandom(0x5eed_2fa);
      for (let run = 0; run < 12; run++) {
        const prefix = uniquePrefix();
        const ids = [...new Set(Array.from({ length: random(16) }, () => prefix + fuzzedId(random)))];
        const limit = 1 + random(6);
        await Promise.all(ids.map((id) => store.create(id, write(id))));
        const listed = await listMine(store, prefix, limit);
        expect(
          listed.map((record) => record.userId),
          `run ${run}: ${JSON.stringify(ids)}`,
        ).toEqual([...ids].sort(codeUnitOrder));
        expect(listed.every((record) => record.data === record.userId)).toBe(true);
      }
    });

    it('refuses bad input with INVALID_ARGUMENT before writing anything', async () => {
      const store = await useStore();
      const bad = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const prefix = uniquePrefix();
      const userId = `${prefix}dave`;
      const badIds = ['', 'x'.repeat(256), `${prefix}lone \uD800 surrogate`, `${prefix}nul\u0000`, 42, null, undefined];
      for (const id of badIds) {
        await expectInvalid(`get(${String(id).slice(0, 30)})`, () => bad.get!(id));
        await expectInvalid(`create(${String(id).slice(0, 30)})`, () => bad.create!(id, write('d')));
        await expectInvalid(`compareAndSet(${String(id).slice(0, 30)})`, () => bad.compareAndSet!(id, 1, write('d')));
        await expectInvalid(`delete(${String(id).slice(0, 30)})`, () => bad.delete!(id, 1));
      }
      const badWrites = [
        { status: 'enabled', data: 'd', updatedAt: 1 },
        { status: 'pending', data: 7, updatedAt: 1 },
        { status: 'pending', data: 'bad \uDC00', updatedAt: 1 },
        { status: 'pending', data: 'nul\u0000', updatedAt: 1 },
        { status: 'pending', data: 'd', updatedAt: Number.NaN },
        { status: 'pending', data: 'd', updatedAt: Number.POSITIVE_INFINITY },
        { status: 'pending', data: 'd', updatedAt: -1 },
        { status: 'pending', data: 'd', updatedAt: '1' },
        { status: 'pending', data: 'd' },
        null,
        'write',
      ];
      for (const [index, badWrite] of badWrites.entries()) {
        await expectInvalid(`create with bad write #${index}`, () => bad.create!(userId, badWrite));
      }
      expect(await store.get(userId)).toBeNull();
      await store.create(userId, write('ok'));
      for (const [index, badWrite] of badWrites.entries()) {
        await expectInvalid(`compareAndSet with bad write #${index}`, () => bad.compareAndSet!(userId, 1, badWrite));
      }
      for (const version of [0, -1, 1.5, '1', Number.NaN, 2 ** 53, null]) {
        await expectInvalid(`compareAndSet at version ${String(version)}`, () =>
          bad.compareAndSet!(userId, version, write('d')),
        );
        await expectInvalid(`delete at version ${String(version)}`, () => bad.delete!(userId, version));
      }
      for (const options of [
        { limit: 0 },
        { limit: 1001 },
        { limit: 1.5 },
        { limit: '5' },
        {},
        { limit: 5, status: 'on' },
        { limit: 5, cursor: 3 },
        { limit: 5, cursor: 'lone \uD800' },
        null,
        undefined,
      ]) {
        await expectInvalid(`list(${JSON.stringify(options)})`, () => bad.list!(options));
      }
      expect(await store.get(userId)).toMatchObject({ version: 1, data: 'ok' });
      expect((await listMine(store, prefix, 10)).map((record) => record.userId)).toEqual([userId]);
    });

    it('20 concurrent deletes at one version: exactly one succeeds', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}erin`;
      await store.create(userId, write('v1'));
      await store.compareAndSet(userId, 1, write('v2'));
      const deletes = await Promise.all(Array.from({ length: 20 }, () => store.delete(userId, 2)));
      expect(deletes.filter(Boolean)).toHaveLength(1);
      expect(await store.get(userId)).toBeNull();
    });

    it('create, compareAndSet and delete racing on one user: the store ends in a state one order of them explains', async () => {
      const store = await useStore();
      const userId = `${uniquePrefix()}race`;
      await store.create(userId, write('base'));
      const [updated, deleted, recreated] = await Promise.all([
        store.compareAndSet(userId, 1, write('updated', 'activated')),
        store.delete(userId, 1),
        store.create(userId, write('recreated')),
      ]);
      // Whichever of the update and the delete runs first finds version 1, so one of them wins.
      expect(updated !== null || deleted).toBe(true);
      const final = await store.get(userId);
      if (updated !== null) {
        // Last write: after the first version, or after delete + re-create (version 1 again).
        expect(final).toEqual(updated);
        expect(updated.version).toBe(2);
      } else {
        // The create came before the delete (and failed) or after it (and won).
        expect(final).toEqual(recreated);
      }
    });
  });
}

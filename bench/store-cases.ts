// MemoryStore.list at two store sizes (issue 15): a page must cost in proportion to the page, not
// to the store. A store that sorts everything for every page (quadratic) made a page of 100k
// records 22x as dear as a page of 10k. The guard (issue 28: fastest of interleaved batches,
// stable under load) times batches of pages in each store, each batch from a random cursor: a
// page over 100k records may cost at most 4x a page over 10k. The full walks are printed too, by
// their medians: a walk of 100k records also outgrows the CPU's caches and always includes
// garbage collection, which a 10k walk often does not, so their ratio (14x-45x measured, at loads
// 1 to 9) says more about the machine than about the store, and is not guarded.
import { MemoryStore, type TwoFactorStatus } from 'factorkit';
import { formatDuration } from './harness.js';

const SIZES = [10_000, 100_000] as const;
const PAGE_LIMIT = 100;
const ROUNDS = 31;
/** Uncounted rounds first, so both sizes run optimised code when measured. */
const WARMUP_ROUNDS = 3;
/** A timed batch reads the same run of pages this many times: 100 pages in all. */
const PAGES_PER_RUN = 10;
const RUNS_PER_BATCH = 10;
const BATCH_ROUNDS = 60;
/**
 * A page over 100k records may cost at most this many times a page over 10k. A store that sorts
 * its ids for every page measured 22x (O(n) a page); this one 2.2x-2.5x at load 4-5, the records
 * of the larger heap being farther apart (TLB and cache misses), see fastestPageRatio.
 */
const MAX_PAGE_RATIO = 4;
const STATUSES: TwoFactorStatus[] = ['activated', 'not-activated', 'pending'];

/** The outcome of one target, in the shape the benchmark's JSON report keeps. */
export interface StoreTarget {
  caseId: string;
  description: string;
  subject: string;
  against: string;
  ratio: number;
  max: number;
  met: boolean;
}

async function filledStore(size: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  // Ids in random order, so the store's index is built by inserts all over it, as sign-ups are.
  const ids = Array.from({ length: size }, (_, i) => `user-${((i * 7_919) % size).toString(36)}-${i}`);
  for (const [i, id] of ids.entries()) {
    await store.create(id, { status: STATUSES[i % 3]!, data: `{"v":1,"n":${i}}`, updatedAt: i });
  }
  return store;
}

/** Pages through every record; returns how many it saw, so the walk cannot be skipped. */
async function walk(store: MemoryStore): Promise<number> {
  let seen = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await store.list(cursor === undefined ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, cursor });
    seen += page.records.length;
    if (page.nextCursor === undefined) return seen;
    cursor = page.nextCursor;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Reads `pages` pages from the first id after `cursor`, going round to the start at the end. */
async function readPages(store: MemoryStore, cursor: string | undefined, pages: number): Promise<void> {
  let after = cursor;
  for (let page = 0; page < pages; page++) {
    const found = await store.list(after === undefined ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, cursor: after });
    after = found.nextCursor;
  }
}

/** Every id of `store`, in order. */
async function allIds(store: MemoryStore): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(cursor === undefined ? { limit: 1000 } : { limit: 1000, cursor });
    for (const record of page.records) ids.push(record.userId);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

/**
 * The fastest batch over the 100k store divided by the fastest over the 10k store, the two timed
 * in turn (in alternating order) in every round. A batch reads {@link PAGES_PER_RUN} pages from a
 * cursor drawn at random from the store's ids, once untimed and then {@link RUNS_PER_BATCH} times
 * timed: the pages' records are then in the CPU's caches in both stores, so what differs is the
 * store's own work per page (finding the cursor, copying the page), which is what must not grow
 * with the store. Timed on the first read, 10k records of the 100k store come from main memory
 * and those of the 10k store from the caches: 4.6x per page measured that way (2.7x with the
 * first of ten reads timed), the machine's memory and not the store's algorithm.
 */
async function fastestPageRatio(stores: MemoryStore[]): Promise<number> {
  const cursors = await Promise.all(stores.map(allIds));
  const fastest = stores.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < WARMUP_ROUNDS + BATCH_ROUNDS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const ids = cursors[index]!;
      const cursor = ids[Math.floor(Math.random() * ids.length)];
      // Read once untimed, so that the timed reads find the pages' records in the caches.
      await readPages(stores[index]!, cursor, PAGES_PER_RUN);
      const start = process.hrtime.bigint();
      for (let run = 0; run < RUNS_PER_BATCH; run++) await readPages(stores[index]!, cursor, PAGES_PER_RUN);
      const elapsed = Number(process.hrtime.bigint() - start);
      if (round >= WARMUP_ROUNDS) fastest[index] = Math.min(fastest[index]!, elapsed);
    }
  }
  return fastest[1]! / fastest[0]!;
}

/** Runs the MemoryStore.list walk case, prints its table and target line, and returns the target. */
export async function storeCases(): Promise<StoreTarget[]> {
  // One after the other: filled at once, the two stores' records would be interleaved in memory.
  const stores: MemoryStore[] = [];
  for (const size of SIZES) stores.push(await filledStore(size));
  const times: number[][] = SIZES.map(() => []);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const roundTimes: number[] = [];
    // Subjects interleaved, in alternating order, so drift in machine load hits both alike.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const start = process.hrtime.bigint();
      const seen = await walk(stores[index]!);
      const elapsed = Number(process.hrtime.bigint() - start);
      if (seen !== SIZES[index]) throw new Error(`the walk saw ${seen} of ${SIZES[index]} records`);
      roundTimes[index] = elapsed;
    }
    if (round < WARMUP_ROUNDS) continue;
    for (const [index, elapsed] of roundTimes.entries()) times[index]!.push(elapsed);
  }
  console.log(`\nMemoryStore.list full walk, ${PAGE_LIMIT} records a page  [memory-list-walk, ${ROUNDS} rounds]`);
  for (const [index, size] of SIZES.entries()) {
    const walkMedian = median(times[index]!);
    console.log(
      `${`${size.toLocaleString('en-US')} records`.padEnd(16)}  walk ${formatDuration(walkMedian).padStart(9)}` +
        `  page ${formatDuration(walkMedian / (size / PAGE_LIMIT)).padStart(9)}`,
    );
  }
  const ratio = await fastestPageRatio(stores);
  const target: StoreTarget = {
    caseId: 'memory-list-walk',
    description: `a page of MemoryStore.list over 100k records at most ${MAX_PAGE_RATIO}x a page over 10k`,
    subject: 'MemoryStore.list page, 100k records',
    against: 'MemoryStore.list page, 10k records',
    ratio,
    max: MAX_PAGE_RATIO,
    met: ratio <= MAX_PAGE_RATIO,
  };
  console.log(
    `${target.met ? 'met   ' : 'MISSED'}  ${target.description}: ${ratio.toFixed(2)}x ` +
      `(fastest of ${BATCH_ROUNDS} interleaved batches of ${PAGES_PER_RUN} pages read ${RUNS_PER_BATCH} times; full walks 100k / 10k ` +
      `by medians ${(median(times[1]!) / median(times[0]!)).toFixed(1)}x, not guarded)`,
  );
  return [target];
}

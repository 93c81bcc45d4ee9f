// MemoryStore.list at two store sizes (issue 15): a full walk, page by page, of 10k and of 100k
// records. A page must cost in proportion to the page, so the walk of ten times as many
// records may take about ten times as long; the target allows 20x (logarithmic searches
// and the garbage of a larger heap), while a store that sorts everything for every page
// (quadratic) measured about 100x. Self-contained: prints its own table and target line.
import { MemoryStore, type TwoFactorStatus } from 'factorkit';
import { formatDuration } from './harness.js';

const SIZES = [10_000, 100_000] as const;
const PAGE_LIMIT = 100;
const ROUNDS = 31;
/** Uncounted rounds first, so both sizes run optimised code when measured. */
const WARMUP_ROUNDS = 3;
const MAX_RATIO = 20;
const STATUSES: TwoFactorStatus[] = ['activated', 'not-activated', 'pending'];

/** The outcome of one target, in the shape the benchmark's JSON report keeps. */
export interface StoreTarget {
  caseId: string;
  description: string;
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
  // The ratio of the two medians: a 10k walk takes well under a millisecond, so a single
  // round's ratio swings with every scheduler hiccup, while each median is steady.
  const ratio = median(times[1]!) / median(times[0]!);
  const target: StoreTarget = {
    caseId: 'memory-list-walk',
    description: 'a full MemoryStore.list walk of 100k records at most 20x that of 10k',
    ratio,
    max: MAX_RATIO,
    met: ratio <= MAX_RATIO,
  };
  console.log(
    `${target.met ? 'met   ' : 'MISSED'}  ${target.description}: 100k / 10k = ${ratio.toFixed(2)} (max ${MAX_RATIO})`,
  );
  return [target];
}

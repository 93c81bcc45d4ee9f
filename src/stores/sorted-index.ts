// Records sorted by user id in code-unit order, for MemoryStore.list. It is a list of short
// sorted blocks (the layout of Python's sortedcontainers): finding a user is two binary
// searches, an insert or delete moves at most one block's worth of entries, and reading a
// page after a cursor touches only that page. One sorted array would make every insert O(n);
// sorting on every list call made a full walk of a large store quadratic. The blocks hold the
// records themselves, so a page is read without one hash-table look-up per record.

/** Blocks split at twice this size; small enough that a splice inside one is cheap. */
const BLOCK_SIZE = 512;

interface Keyed {
  readonly userId: string;
}

/** The index of the first entry whose user id is greater than `key` (or >= when `inclusive`). */
function bound(sorted: readonly Keyed[], key: string, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const value = (sorted[middle] as Keyed).userId;
    if (value < key || (!inclusive && value === key)) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class SortedIndex<T extends Keyed> {
  // Invariants: no block is empty; every user id of blocks[i] is below every one of
  // blocks[i + 1]; lastEntries[i] is the last entry of blocks[i], kept to search blocks by.
  readonly #blocks: T[][] = [];
  readonly #lastEntries: T[] = [];

  /** Inserts `entry`, or replaces the entry with its user id. */
  set(entry: T): void {
    if (this.#blocks.length === 0) {
      this.#blocks.push([entry]);
      this.#lastEntries.push(entry);
      return;
    }
    // An id above every block's last goes to the end of the last block.
    const index = Math.min(bound(this.#lastEntries, entry.userId, true), this.#blocks.length - 1);
    const block = this.#blocks[index] as T[];
    const position = bound(block, entry.userId, true);
    if (block[position]?.userId === entry.userId) {
      block[position] = entry;
    } else {
      block.splice(position, 0, entry);
    }
    if (position === block.length - 1) this.#lastEntries[index] = entry;
    if (block.length >= 2 * BLOCK_SIZE) {
      const upper = block.splice(BLOCK_SIZE);
      this.#blocks.splice(index + 1, 0, upper);
      this.#lastEntries.splice(index, 0, block[block.length - 1] as T);
    }
  }

  /** Removes the entry with this user id, if there is one. */
  delete(userId: string): void {
    const index = bound(this.#lastEntries, userId, true);
    const block = this.#blocks[index];
    if (block === undefined) return;
    const position = bound(block, userId, true);
    if (block[position]?.userId !== userId) return;
    block.splice(position, 1);
    if (block.length === 0) {
      this.#blocks.splice(index, 1);
      this.#lastEntries.splice(index, 1);
    } else if (position === block.length) {
      this.#lastEntries[index] = block[block.length - 1] as T;
    }
  }

  /** Up to `count` entries with user ids greater than `after` (from the first when undefined), in order. */
  after(after: string | undefined, count: number): T[] {
    const entries: T[] = [];
    let index = after === undefined ? 0 : bound(this.#lastEntries, after, false);
    let position = after === undefined ? 0 : bound(this.#blocks[index] ?? [], after, false);
    for (; index < this.#blocks.length && entries.length < count; index++, position = 0) {
      const block = this.#blocks[index] as T[];
      const end = Math.min(block.length, position + count - entries.length);
      for (let at = position; at < end; at++) entries.push(block[at] as T);
    }
    return entries;
  }
}

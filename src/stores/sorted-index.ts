// The user ids of MemoryStore's records in code-unit order, for MemoryStore.list. It is a list
// of short sorted blocks (the layout of Python's sortedcontainers): finding an id is two binary
// searches, an insert or delete moves at most one block's worth of entries, and reading a page
// after a cursor touches only that page. One sorted array would make every insert O(n); sorting
// on every list call made a full walk of a large store quadratic.
//
// Only ids are kept: a write that changes a record's data (every sign-in) does not touch the
// index at all, only the creation or removal of a record, or a change of its status, does.
// Before, the index kept each record's fields, and updating them cost two binary searches over
// other users' ids on every write: a tenth of a sign-in over MemoryStore.

/** Blocks split at twice this size; small enough that a splice inside one is cheap. */
const BLOCK_SIZE = 512;

/** The index of the first id in `sorted` greater than `key` (or >= when `inclusive`). */
function bound(sorted: readonly string[], key: string, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle] as string;
    if (value < key || (!inclusive && value === key)) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class SortedIds {
  // Invariants: no block is empty; every id of blocks[i] is below every id of blocks[i + 1];
  // lastIds[i] is the greatest id of blocks[i], kept to find a block by binary search.
  readonly #blocks: string[][] = [];
  readonly #lastIds: string[] = [];

  /** Adds `userId`; nothing happens when it is there already. */
  add(userId: string): void {
    if (this.#blocks.length === 0) {
      this.#blocks.push([userId]);
      this.#lastIds.push(userId);
      return;
    }
    // An id above every block's last goes to the end of the last block.
    const index = Math.min(bound(this.#lastIds, userId, true), this.#blocks.length - 1);
    const block = this.#blocks[index] as string[];
    const position = bound(block, userId, true);
    if (block[position] === userId) return;
    block.splice(position, 0, userId);
    if (position === block.length - 1) this.#lastIds[index] = userId;
    if (block.length >= 2 * BLOCK_SIZE) {
      this.#blocks.splice(index + 1, 0, block.splice(BLOCK_SIZE));
      this.#lastIds.splice(index, 0, block[BLOCK_SIZE - 1] as string);
    }
  }

  /** Removes `userId`, if it is there. */
  delete(userId: string): void {
    const index = bound(this.#lastIds, userId, true);
    const block = this.#blocks[index];
    if (block === undefined) return;
    const position = bound(block, userId, true);
    if (block[position] !== userId) return;
    block.splice(position, 1);
    if (block.length === 0) {
      this.#blocks.splice(index, 1);
      this.#lastIds.splice(index, 1);
    } else if (position === block.length) {
      this.#lastIds[index] = block[position - 1] as string;
    }
  }

  /** Up to `count` ids greater than `after` (from the first when undefined), in order. */
  after(after: string | undefined, count: number): string[] {
    const ids: string[] = [];
    let index = after === undefined ? 0 : bound(this.#lastIds, after, false);
    let position = after === undefined ? 0 : bound(this.#blocks[index] ?? [], after, false);
    for (; index < this.#blocks.length && ids.length < count; index++, position = 0) {
      const block = this.#blocks[index] as string[];
      const end = Math.min(block.length, position + count - ids.length);
      for (let at = position; at < end; at++) ids.push(block[at] as string);
    }
    return ids;
  }
}

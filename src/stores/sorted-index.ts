// Records sorted by user id in code-unit order, for MemoryStore.list. It is a list of short
// sorted blocks (the layout of Python's sortedcontainers): finding a user is two binary
// searches, an insert or delete moves at most one block's worth of entries, and reading a
// page after a cursor touches only that page. One sorted array would make every insert O(n);
// sorting on every list call made a full walk of a large store quadratic.
//
// Each block keeps its records column by column (one array per field), so a page is read from
// a few contiguous arrays rather than from record objects spread over the heap: on a store
// larger than the CPU cache, that is what keeps a page's cost the same at any store size.
import type { StoredRecord, TwoFactorStatus } from './types.js';

/** Blocks split at twice this size; small enough that a splice inside one is cheap. */
const BLOCK_SIZE = 512;

interface Block {
  userId: string[];
  version: number[];
  status: TwoFactorStatus[];
  data: string[];
  updatedAt: number[];
}

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

function blockOf(record: StoredRecord): Block {
  return {
    userId: [record.userId],
    version: [record.version],
    status: [record.status],
    data: [record.data],
    updatedAt: [record.updatedAt],
  };
}

/** Removes and returns the entries of `block` from `start` on, as a block of their own. */
function splitOff(block: Block, start: number): Block {
  return {
    userId: block.userId.splice(start),
    version: block.version.splice(start),
    status: block.status.splice(start),
    data: block.data.splice(start),
    updatedAt: block.updatedAt.splice(start),
  };
}

export class SortedIndex {
  // Invariants: no block is empty; every id of blocks[i] is below every id of blocks[i + 1];
  // lastIds[i] is the greatest id of blocks[i], kept to find a block by binary search.
  readonly #blocks: Block[] = [];
  readonly #lastIds: string[] = [];

  /** Inserts a copy of `record`, or overwrites the entry with its user id. */
  set(record: StoredRecord): void {
    const { userId } = record;
    if (this.#blocks.length === 0) {
      this.#blocks.push(blockOf(record));
      this.#lastIds.push(userId);
      return;
    }
    // An id above every block's last goes to the end of the last block.
    const index = Math.min(bound(this.#lastIds, userId, true), this.#blocks.length - 1);
    const block = this.#blocks[index] as Block;
    const position = bound(block.userId, userId, true);
    if (block.userId[position] === userId) {
      block.version[position] = record.version;
      block.status[position] = record.status;
      block.data[position] = record.data;
      block.updatedAt[position] = record.updatedAt;
      return;
    }
    block.userId.splice(position, 0, userId);
    block.version.splice(position, 0, record.version);
    block.status.splice(position, 0, record.status);
    block.data.splice(position, 0, record.data);
    block.updatedAt.splice(position, 0, record.updatedAt);
    if (position === block.userId.length - 1) this.#lastIds[index] = userId;
    if (block.userId.length >= 2 * BLOCK_SIZE) {
      this.#blocks.splice(index + 1, 0, splitOff(block, BLOCK_SIZE));
      this.#lastIds.splice(index, 0, block.userId[BLOCK_SIZE - 1] as string);
    }
  }

  /** Removes the entry with this user id, if there is one. */
  delete(userId: string): void {
    const index = bound(this.#lastIds, userId, true);
    const block = this.#blocks[index];
    if (block === undefined) return;
    const position = bound(block.userId, userId, true);
    if (block.userId[position] !== userId) return;
    for (const column of [block.userId, block.version, block.status, block.data, block.updatedAt]) {
      column.splice(position, 1);
    }
    if (block.userId.length === 0) {
      this.#blocks.splice(index, 1);
      this.#lastIds.splice(index, 1);
    } else if (position === block.userId.length) {
      this.#lastIds[index] = block.userId[position - 1] as string;
    }
  }

  /** Up to `count` new record objects with user ids greater than `after` (from the first when undefined), in order. */
  after(after: string | undefined, count: number): StoredRecord[] {
    const records: StoredRecord[] = [];
    let index = after === undefined ? 0 : bound(this.#lastIds, after, false);
    let position = after === undefined ? 0 : bound(this.#blocks[index]?.userId ?? [], after, false);
    for (; index < this.#blocks.length && records.length < count; index++, position = 0) {
      const block = this.#blocks[index] as Block;
      const end = Math.min(block.userId.length, position + count - records.length);
      for (let at = position; at < end; at++) {
        records.push({
          userId: block.userId[at] as string,
          version: block.version[at] as number,
          status: block.status[at] as TwoFactorStatus,
          data: block.data[at] as string,
          updatedAt: block.updatedAt[at] as number,
        });
      }
    }
    return records;
  }
}

import { FactorkitError } from '../errors/index.js';
import { checkExpectedVersion, checkListOptions, checkUserId, checkWrite } from './args.js';
import { SortedIds } from './sorted-index.js';
import { STATUSES } from './status.js';
import type {
  ListRecordsOptions,
  ListRecordsPage,
  RecordWrite,
  StoredRecord,
  TwoFactorStatus,
  TwoFactorStore,
} from './types.js';

/** Awaited for the request's trip without latency: still a turn of the microtask queue, so concurrent calls interleave. */
const RESOLVED: Promise<void> = Promise.resolve();
/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Each operation waits a random 0..`latencyMs` milliseconds before and after its atomic
   * step, like a database round trip, so concurrent lifecycle calls really interleave in
   * tests. Default 0: the operation still yields to other tasks once, before its step.
   */
  latencyMs?: number;
}

/**
 * A {@link TwoFactorStore} in process memory: for tests, demos and single-process apps that
 * accept losing 2FA state on restart. Records are copied in and out, so nothing a caller holds
 * aliases what the store keeps, and every operation is atomic between its awaits, exactly the
 * guarantee a database adapter gives. It accepts exactly what the database stores accept (user
 * ids of 1 to 255 characters, well-formed Unicode without U+0000), so records move between
 * stores. A page of {@link MemoryStore.list} costs in proportion to the page, not the store:
 * user ids are kept sorted, overall and per status.
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 *
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
 * console.log(await twoFactor.status('user-1')); // 'not-activated'
 * ```
 */
export class MemoryStore implements TwoFactorStore {
  private readonly records = new Map<string, StoredRecord>();
  private readonly all = new SortedIds();
  private readonly byStatus = new Map<TwoFactorStatus, SortedIds>(STATUSES.map((status) => [status, new SortedIds()]));
  private readonly latencyMs: number;

  /**
   * @param options - `latencyMs`: simulated round-trip delay, default 0
   * @throws {@link FactorkitError} `INVALID_ARGUMENT` for a negative or non-finite `latencyMs`
   */
  constructor(options?: MemoryStoreOptions) {
    const latencyMs = options?.latencyMs ?? 0;
    if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new FactorkitError('INVALID_ARGUMENT', 'latencyMs must be a finite, non-negative number');
    }
    this.latencyMs = latencyMs;
  }

  /** {@inheritDoc TwoFactorStore.get} */
  async get(userId: string): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    await this.pause();
    const record = this.records.get(id);
    const copy = record === undefined ? null : { ...record };
    if (this.latencyMs > 0) await this.reply();
    return copy;
  }

  /** {@inheritDoc TwoFactorStore.create} */
  async create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const checked = checkWrite(write);
    await this.pause();
    let created: StoredRecord | null = null;
    if (!this.records.has(id)) {
      created = { userId: id, version: 1, ...checked };
      this.records.set(id, created);
      this.all.add(id);
      this.statusIndex(checked.status).add(id);
      created = { ...created };
    }
    if (this.latencyMs > 0) await this.reply();
    return created;
  }

  /** {@inheritDoc TwoFactorStore.compareAndSet} */
  async compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    const checked = checkWrite(write);
    await this.pause();
    const current = this.records.get(id);
    let updated: StoredRecord | null = null;
    if (current !== undefined && current.version === version) {
      updated = { userId: id, version: version + 1, ...checked };
      this.records.set(id, updated);
      if (current.status !== checked.status) {
        this.statusIndex(current.status).delete(id);
        this.statusIndex(checked.status).add(id);
      }
      updated = { ...updated };
    }
    if (this.latencyMs > 0) await this.reply();
    return updated;
  }

  /** {@inheritDoc TwoFactorStore.delete} */
  async delete(userId: string, expectedVersion: number): Promise<boolean> {
    const id = checkUserId(userId);
    const version = checkExpectedVersion(expectedVersion);
    await this.pause();
    const current = this.records.get(id);
    const deleted = current !== undefined && current.version === version;
    if (deleted) {
      this.records.delete(id);
      this.all.delete(id);
      this.statusIndex(current.status).delete(id);
    }
    if (this.latencyMs > 0) await this.reply();
    return deleted;
  }

  /** {@inheritDoc TwoFactorStore.list} */
  async list(options: ListRecordsOptions): Promise<ListRecordsPage> {
    const { status, limit, cursor } = checkListOptions(options);
    await this.pause();
    const index = status === undefined ? this.all : this.statusIndex(status);
    // One extra record tells whether another page follows. Copies, as every read returns.
    const found = index.after(cursor, limit + 1);
    const records = found.slice(0, limit).map((id) => ({ ...(this.records.get(id) as StoredRecord) }));
    const page: ListRecordsPage = { records };
    const last = records[records.length - 1];
    if (found.length > limit && last !== undefined) page.nextCursor = last.userId;
    if (this.latencyMs > 0) await this.reply();
    return page;
  }

  private statusIndex(status: TwoFactorStatus): SortedIds {
    return this.byStatus.get(status) as SortedIds;
  }

  /** The request's trip: always at least one turn of the event loop, so concurrent calls interleave. */
  private pause(): Promise<void> {
    if (this.latencyMs === 0) return RESOLVED;
    return new Promise((resolve) => setTimeout(resolve, Math.random() * this.latencyMs));
  }

  /** The reply's trip: only with a simulated latency (one turn per call is enough to interleave). */
  private reply(): Promise<void> {
    return this.pause();
  }
}

import { FactorkitError } from '../errors/index.js';
import { isTwoFactorStatus } from './status.js';
import type { ListRecordsOptions, ListRecordsPage, RecordWrite, StoredRecord, TwoFactorStore } from './types.js';

/** Options for {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Each operation waits a random 0..`latencyMs` milliseconds before and after its atomic
   * step, like a database round trip, so concurrent lifecycle calls really interleave in
   * tests. Default 0: the operation still yields to other tasks once each way.
   */
  latencyMs?: number;
}

const MAX_LIST_LIMIT = 1000;

/**
 * A {@link TwoFactorStore} in process memory: for tests, demos and single-process apps that
 * accept losing 2FA state on restart. Records are copied in and out, so nothing a caller holds
 * aliases what the store keeps, and every operation is atomic between its awaits, exactly the
 * guarantee a database adapter gives.
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
    checkUserId(userId);
    await this.pause();
    const record = this.records.get(userId);
    const copy = record === undefined ? null : { ...record };
    await this.pause();
    return copy;
  }

  /** {@inheritDoc TwoFactorStore.create} */
  async create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    checkUserId(userId);
    checkWrite(write);
    await this.pause();
    let created: StoredRecord | null = null;
    if (!this.records.has(userId)) {
      created = { userId, version: 1, status: write.status, data: write.data, updatedAt: write.updatedAt };
      this.records.set(userId, created);
      created = { ...created };
    }
    await this.pause();
    return created;
  }

  /** {@inheritDoc TwoFactorStore.compareAndSet} */
  async compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null> {
    checkUserId(userId);
    checkVersion(expectedVersion);
    checkWrite(write);
    await this.pause();
    const current = this.records.get(userId);
    let updated: StoredRecord | null = null;
    if (current !== undefined && current.version === expectedVersion) {
      updated = {
        userId,
        version: expectedVersion + 1,
        status: write.status,
        data: write.data,
        updatedAt: write.updatedAt,
      };
      this.records.set(userId, updated);
      updated = { ...updated };
    }
    await this.pause();
    return updated;
  }

  /** {@inheritDoc TwoFactorStore.delete} */
  async delete(userId: string, expectedVersion: number): Promise<boolean> {
    checkUserId(userId);
    checkVersion(expectedVersion);
    await this.pause();
    const current = this.records.get(userId);
    const deleted = current !== undefined && current.version === expectedVersion;
    if (deleted) this.records.delete(userId);
    await this.pause();
    return deleted;
  }

  /** {@inheritDoc TwoFactorStore.list} */
  async list(options: ListRecordsOptions): Promise<ListRecordsPage> {
    const { status, limit, cursor } = options ?? ({} as ListRecordsOptions);
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new FactorkitError('INVALID_ARGUMENT', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
    }
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw new FactorkitError('INVALID_ARGUMENT', 'cursor must be a string');
    }
    await this.pause();
    // Plain `<` compares UTF-16 code units, the order the interface promises.
    const matching = [...this.records.values()]
      .filter(
        (record) =>
          (status === undefined || record.status === status) && (cursor === undefined || record.userId > cursor),
      )
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    const records = matching.slice(0, limit).map((record) => ({ ...record }));
    const page: ListRecordsPage = { records };
    if (matching.length > limit) page.nextCursor = records[records.length - 1]!.userId;
    await this.pause();
    return page;
  }

  private async pause(): Promise<void> {
    if (this.latencyMs === 0) {
      await Promise.resolve();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * this.latencyMs));
  }
}

function checkUserId(userId: unknown): void {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 255) {
    throw new FactorkitError('INVALID_ARGUMENT', 'userId must be a string of 1 to 255 characters');
  }
}

function checkVersion(version: unknown): void {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new FactorkitError('INVALID_ARGUMENT', 'expectedVersion must be a positive integer');
  }
}

function checkWrite(write: unknown): void {
  const w = write as Partial<RecordWrite> | null;
  if (
    typeof w !== 'object' ||
    w === null ||
    !isTwoFactorStatus(w.status) ||
    typeof w.data !== 'string' ||
    typeof w.updatedAt !== 'number' ||
    !Number.isFinite(w.updatedAt)
  ) {
    throw new FactorkitError('INVALID_ARGUMENT', 'write must be { status, data: string, updatedAt: number }');
  }
}

import type {
  ListRecordsOptions,
  ListRecordsPage,
  RecordWrite,
  StoredRecord,
  TwoFactorStore,
} from '../stores/index.js';

/**
 * When an injected fault strikes: `'before'` the call reaches the wrapped store (nothing
 * happens, like a refused connection), or `'after'` it completed (the write is committed but
 * the caller sees an error, like a connection lost while the reply was on its way).
 */
export type FaultTiming = 'before' | 'after';

/**
 * The error a {@link FaultyStore} throws; `callNumber` is the 1-based call it struck. The
 * lifecycle reports it as a `FactorkitError` with code `STORE_ERROR` and this as its `cause`.
 *
 * @example
 * ```ts
 * import { MemoryStore } from 'factorkit';
 * import { FaultyStore, InjectedStoreFault } from 'factorkit/testing';
 *
 * const store = new FaultyStore(new MemoryStore());
 * store.arm(1);
 * const error = await store.get('user-1').catch((caught: unknown) => caught);
 * console.log(error instanceof InjectedStoreFault && error.callNumber); // 1
 * ```
 */
export class InjectedStoreFault extends Error {
  /** Which call since {@link FaultyStore.arm} failed, counting from 1. */
  readonly callNumber: number;

  /** @param callNumber - the 1-based number of the failing call */
  constructor(callNumber: number) {
    super(`injected store fault at call ${callNumber}`);
    this.name = 'InjectedStoreFault';
    this.callNumber = callNumber;
  }
}

/**
 * A {@link TwoFactorStore} wrapper that throws at the k-th call after being armed, to prove
 * that every lifecycle operation either completes or leaves the previous state whole, and
 * that a store failure surfaces as `STORE_ERROR`, never as a wrong code.
 *
 * @example
 * ```ts
 * import { MemoryStore } from 'factorkit';
 * import { FaultyStore } from 'factorkit/testing';
 *
 * const store = new FaultyStore(new MemoryStore());
 * store.arm(2, 'before'); // the second store call from now on throws
 * await store.get('user-1'); // fine
 * await store.get('user-1').catch((error) => console.log(error.name)); // 'InjectedStoreFault'
 * ```
 */
export class FaultyStore implements TwoFactorStore {
  /** Store calls made since the last {@link FaultyStore.arm} (or since creation). */
  calls = 0;
  private failAt = 0;
  private timing: FaultTiming = 'before';

  /** @param inner - the store every call is forwarded to */
  constructor(readonly inner: TwoFactorStore) {}

  /**
   * Resets the call count and makes call number `failAt` (1-based) throw an
   * {@link InjectedStoreFault}. Calls after it work again.
   *
   * @param failAt - which call fails, from 1
   * @param timing - `'before'` (default) or `'after'` the wrapped store runs it
   */
  arm(failAt: number, timing: FaultTiming = 'before'): void {
    this.calls = 0;
    this.failAt = failAt;
    this.timing = timing;
  }

  /** Stops injecting faults and resets the call count. */
  disarm(): void {
    this.calls = 0;
    this.failAt = 0;
  }

  get(userId: string): Promise<StoredRecord | null> {
    return this.run(() => this.inner.get(userId));
  }

  create(userId: string, write: RecordWrite): Promise<StoredRecord | null> {
    return this.run(() => this.inner.create(userId, write));
  }

  compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null> {
    return this.run(() => this.inner.compareAndSet(userId, expectedVersion, write));
  }

  delete(userId: string, expectedVersion: number): Promise<boolean> {
    return this.run(() => this.inner.delete(userId, expectedVersion));
  }

  list(options: ListRecordsOptions): Promise<ListRecordsPage> {
    return this.run(() => this.inner.list(options));
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    const callNumber = ++this.calls;
    const strikes = callNumber === this.failAt;
    if (strikes && this.timing === 'before') throw new InjectedStoreFault(callNumber);
    const result = await call();
    if (strikes) throw new InjectedStoreFault(callNumber);
    return result;
  }
}

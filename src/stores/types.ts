/**
 * The 2FA status of one user account.
 * - `activated`: a confirmed TOTP secret is in use; sign-in asks for a second factor.
 * - `pending`: enrollment begun, not yet confirmed with a code.
 * - `not-activated`: no 2FA (never enrolled, or disabled).
 */
export type TwoFactorStatus = 'activated' | 'not-activated' | 'pending';

/**
 * One user's 2FA state as a store keeps it. The store treats `data` as opaque text (the
 * lifecycle serialises and encrypts into it) and copies `status` out so it can be filtered.
 *
 * @example
 * ```ts
 * import type { StoredRecord } from 'factorkit';
 *
 * const record: StoredRecord = {
 *   userId: 'user-1',
 *   version: 1,
 *   status: 'pending',
 *   data: '{"v":1}',
 *   updatedAt: Date.now(),
 * };
 * ```
 */
export interface StoredRecord {
  /** The application's user id (1..255 characters). */
  userId: string;
  /** Set by the store: 1 on create, incremented by every successful write. */
  version: number;
  /** Copied from the lifecycle state so stores can filter without reading `data`. */
  status: TwoFactorStatus;
  /** Opaque serialised lifecycle state. Stores must keep it byte for byte. */
  data: string;
  /** Unix milliseconds of the last write, as given by the lifecycle in {@link RecordWrite}. */
  updatedAt: number;
}

/**
 * What the lifecycle writes: everything in a {@link StoredRecord} but the key and the version,
 * which the store owns.
 *
 * @example
 * ```ts
 * import type { RecordWrite } from 'factorkit';
 *
 * const write: RecordWrite = { status: 'activated', data: '{"v":1}', updatedAt: Date.now() };
 * ```
 */
export interface RecordWrite {
  status: TwoFactorStatus;
  data: string;
  updatedAt: number;
}

/**
 * Options for {@link TwoFactorStore.list}.
 *
 * @example
 * ```ts
 * import type { ListRecordsOptions } from 'factorkit';
 *
 * const firstPage: ListRecordsOptions = { status: 'activated', limit: 50 };
 * ```
 */
export interface ListRecordsOptions {
  /** Only records with this status. Default: all. */
  status?: TwoFactorStatus;
  /** Page size, 1..1000. */
  limit: number;
  /** The `nextCursor` of the previous page; pages are ordered by `userId` (code-unit order). */
  cursor?: string;
}

/**
 * A page of {@link TwoFactorStore.list}.
 *
 * @example
 * ```ts
 * import type { ListRecordsPage } from 'factorkit';
 *
 * const page: ListRecordsPage = { records: [] }; // no nextCursor: last page
 * ```
 */
export interface ListRecordsPage {
  records: StoredRecord[];
  /** Present when more records may follow: pass it as `cursor`. */
  nextCursor?: string;
}

/**
 * The storage-adapter interface. Five operations, each atomic on its own; every lifecycle
 * operation is built from `get` followed by a conditional write, retried on conflict, so an
 * adapter needs no locks and no knowledge of 2FA.
 *
 * Contract (checked by `runStoreConformance` from `factorkit/testing`):
 * - `get` returns the latest committed record or `null`.
 * - `create` inserts with version 1 and returns it, or returns `null` if the user already has a record.
 * - `compareAndSet` writes only if the current version equals `expectedVersion`, returning the
 *   new record (version + 1); otherwise (changed, or missing) returns `null` and writes nothing.
 * - `delete` removes only if the current version equals `expectedVersion`; returns whether it did.
 * - `list` pages through records ordered by `userId`, filtered by `status`.
 * - Any other failure (connection lost, timeout) is thrown; the lifecycle reports it as a
 *   `FactorkitError` with code `STORE_ERROR` and never as a wrong code.
 *
 * @example
 * ```ts
 * import { MemoryStore, type TwoFactorStore } from 'factorkit';
 *
 * const store: TwoFactorStore = new MemoryStore();
 * const created = await store.create('user-1', { status: 'pending', data: '{}', updatedAt: Date.now() });
 * ```
 */
export interface TwoFactorStore {
  /** The latest committed record for `userId`, or `null` when there is none. */
  get(userId: string): Promise<StoredRecord | null>;
  /** Inserts a record with version 1 and returns it; `null` (nothing written) if the user already has one. */
  create(userId: string, write: RecordWrite): Promise<StoredRecord | null>;
  /** Writes only if the current version is `expectedVersion`; returns the new record (version + 1) or `null`. */
  compareAndSet(userId: string, expectedVersion: number, write: RecordWrite): Promise<StoredRecord | null>;
  /** Removes the record only if its current version is `expectedVersion`; returns whether it did. */
  delete(userId: string, expectedVersion: number): Promise<boolean>;
  /** One page of records ordered by `userId`, optionally filtered by `status`. */
  list(options: ListRecordsOptions): Promise<ListRecordsPage>;
}

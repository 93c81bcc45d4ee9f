// The store contract the lifecycle runs over, and the in-memory store. Database adapters
// live in their own folders, each its own subpath entry (factorkit/postgres, factorkit/redis).
export type {
  TwoFactorStore,
  TwoFactorStatus,
  StoredRecord,
  RecordWrite,
  ListRecordsOptions,
  ListRecordsPage,
} from './types.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';

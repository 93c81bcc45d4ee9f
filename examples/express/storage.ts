// Where the example keeps its data: everything in memory by default, or PostgreSQL (factorkit's
// PostgresStore for 2FA state, one small table for the example's own users) when DATABASE_URL
// is set. The `pg` and adapter imports are dynamic so the in-memory path never loads them.
import { MemoryStore, type TwoFactorStore } from 'factorkit';
import { MemoryUserStore, PostgresUserStore, type UserStore } from './users.js';

export interface Storage {
  kind: 'memory' | 'postgres';
  store: TwoFactorStore;
  users: UserStore;
  close(): Promise<void>;
}

export async function openStorage(databaseUrl: string | undefined): Promise<Storage> {
  if (!databaseUrl) {
    return { kind: 'memory', store: new MemoryStore(), users: new MemoryUserStore(), close: async () => {} };
  }
  const { default: pg } = await import('pg');
  const { PostgresStore } = await import('factorkit/postgres');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  try {
    const store = new PostgresStore({ client: pool });
    await store.migrate();
    const users = new PostgresUserStore(pool);
    await users.migrate();
    return { kind: 'postgres', store, users, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

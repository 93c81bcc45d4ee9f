// The app's own tables in PostgreSQL (nothing of 2FA): its users and its sessions. factorkit's
// table (factorkit/postgres) sits beside them; the app's user list joins onto it (app.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { checkPassword, hashPassword } from './password.js';

/** The app's table names: one prefix, so that test runs sharing a database never meet. */
export function tableNames(prefix: string) {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error('prefix must be a lower-case SQL identifier');
  return { users: `${prefix}users`, sessions: `${prefix}sessions`, twoFactor: `${prefix}two_factor` };
}
export type TableNames = ReturnType<typeof tableNames>;

export function appDatabase(pool: pg.Pool, tables: TableNames) {
  const { users, sessions } = tables;
  return {
    async migrate(): Promise<void> {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${users} (id text PRIMARY KEY, name text UNIQUE NOT NULL, password_hash text NOT NULL);
        CREATE TABLE IF NOT EXISTS ${sessions} (id text PRIMARY KEY, user_id text NOT NULL REFERENCES ${users}(id), created_at timestamptz NOT NULL DEFAULT now())`);
    },
    async addUser(name: string, password: string): Promise<string> {
      const id = `u_${randomUUID()}`;
      await pool.query(`INSERT INTO ${users} (id, name, password_hash) VALUES ($1, $2, $3)`, [
        id,
        name,
        await hashPassword(password),
      ]);
      return id;
    },
    async userName(id: string): Promise<string | undefined> {
      return (await pool.query(`SELECT name FROM ${users} WHERE id = $1`, [id])).rows[0]?.name;
    },
    /** The user id for a right name and password, else undefined. */
    async checkPassword(name: unknown, password: unknown): Promise<string | undefined> {
      if (typeof name !== 'string' || typeof password !== 'string') return undefined;
      const row = (await pool.query(`SELECT id, password_hash FROM ${users} WHERE name = $1`, [name])).rows[0];
      return (await checkPassword(password, row?.password_hash)) ? row?.id : undefined;
    },
    async newSession(userId: string): Promise<string> {
      const id = randomBytes(32).toString('base64url');
      await pool.query(`INSERT INTO ${sessions} (id, user_id) VALUES ($1, $2)`, [id, userId]);
      return id;
    },
    async sessionUser(id: string | undefined): Promise<string | undefined> {
      if (id === undefined) return undefined;
      return (await pool.query(`SELECT user_id FROM ${sessions} WHERE id = $1`, [id])).rows[0]?.user_id;
    },
    async endSession(id: string | undefined): Promise<void> {
      if (id !== undefined) await pool.query(`DELETE FROM ${sessions} WHERE id = $1`, [id]);
    },
    async endOtherSessions(userId: string, keep: string | undefined): Promise<void> {
      await pool.query(`DELETE FROM ${sessions} WHERE user_id = $1 AND id IS DISTINCT FROM $2`, [userId, keep ?? null]);
    },
  };
}
export type AppDatabase = ReturnType<typeof appDatabase>;

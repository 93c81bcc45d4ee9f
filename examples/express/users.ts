// The example's own user accounts: what an app already has before it adds 2FA. factorkit keeps
// only 2FA state keyed by `userId`; names and password hashes live here.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

const USERNAME = /^[a-z0-9._-]{3,32}$/;

/** User names are 3 to 32 lower-case letters, digits, dots, dashes or underscores. */
export function isUsername(name: string): boolean {
  return USERNAME.test(name);
}

export interface User {
  /** Opaque and stable: the `userId` given to factorkit, so renaming a user keeps their 2FA. */
  id: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash`, see password.ts. */
  passwordHash: string;
  createdAt: number;
}

export interface UserStore {
  /** Returns null when the name is taken. */
  create(username: string, passwordHash: string, now: number): Promise<User | null>;
  findById(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Every user, by name. Fine for an example; a real admin page would page through. */
  list(): Promise<User[]>;
}

export class MemoryUserStore implements UserStore {
  readonly #byId = new Map<string, User>();
  readonly #idByName = new Map<string, string>();

  async create(username: string, passwordHash: string, now: number): Promise<User | null> {
    if (this.#idByName.has(username)) return null;
    const user: User = { id: randomUUID(), username, passwordHash, createdAt: now };
    this.#byId.set(user.id, user);
    this.#idByName.set(username, user.id);
    return { ...user };
  }

  async findById(id: string): Promise<User | null> {
    const user = this.#byId.get(id);
    return user ? { ...user } : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const id = this.#idByName.get(username);
    return id === undefined ? null : this.findById(id);
  }

  async list(): Promise<User[]> {
    return [...this.#byId.values()].map((user) => ({ ...user })).sort((a, b) => (a.username < b.username ? -1 : 1));
  }
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: string; // bigint arrives as text from pg
}

const fromRow = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  createdAt: Number(row.created_at),
});

export class PostgresUserStore implements UserStore {
  constructor(private readonly pool: Pool) {}

  async migrate(): Promise<void> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS example_users (
      id text PRIMARY KEY,
      username text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      created_at bigint NOT NULL
    )`);
  }

  async create(username: string, passwordHash: string, now: number): Promise<User | null> {
    const result = await this.pool.query<UserRow>(
      `INSERT INTO example_users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING *`,
      [randomUUID(), username, passwordHash, now],
    );
    const row = result.rows[0];
    return row ? fromRow(row) : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = (await this.pool.query<UserRow>('SELECT * FROM example_users WHERE id = $1', [id])).rows[0];
    return row ? fromRow(row) : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const row = (await this.pool.query<UserRow>('SELECT * FROM example_users WHERE username = $1', [username])).rows[0];
    return row ? fromRow(row) : null;
  }

  async list(): Promise<User[]> {
    return (await this.pool.query<UserRow>('SELECT * FROM example_users ORDER BY username')).rows.map(fromRow);
  }
}

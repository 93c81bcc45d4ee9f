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

/** The columns as User's fields; bigint arrives as text from pg, so created_at comes as float8. */
const COLUMNS = 'id, username, password_hash AS "passwordHash", created_at::float8 AS "createdAt"';

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
    const result = await this.pool.query<User>(
      `INSERT INTO example_users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
      [randomUUID(), username, passwordHash, now],
    );
    return result.rows[0] ?? null;
  }

  findById(id: string): Promise<User | null> {
    return this.#findBy('id', id);
  }

  findByUsername(username: string): Promise<User | null> {
    return this.#findBy('username', username);
  }

  async list(): Promise<User[]> {
    return (await this.pool.query<User>(`SELECT ${COLUMNS} FROM example_users ORDER BY username`)).rows;
  }

  async #findBy(column: 'id' | 'username', value: string): Promise<User | null> {
    const result = await this.pool.query<User>(`SELECT ${COLUMNS} FROM example_users WHERE ${column} = $1`, [value]);
    return result.rows[0] ?? null;
  }
}

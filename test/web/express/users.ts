// The Express app's own user table (nothing of 2FA): user ids, names and password hashes, in
// memory. factorkit never sees it: the app passes a user id to startSignIn once the password
// is right, and joins the 2FA status onto this table for its user list.
import { randomUUID } from 'node:crypto';
import { checkPassword, hashPassword } from '../../../examples/hono/password.js';

export interface AppUser {
  id: string;
  name: string;
  passwordHash: string;
}

export class UserTable {
  readonly #users = new Map<string, AppUser>();

  async add(name: string, password: string): Promise<AppUser> {
    const user = { id: `u_${randomUUID()}`, name, passwordHash: await hashPassword(password) };
    this.#users.set(user.id, user);
    return user;
  }

  byId(id: string): AppUser | undefined {
    return this.#users.get(id);
  }

  all(): AppUser[] {
    return [...this.#users.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The user id for a right name and password, else undefined. */
  async check(name: unknown, password: unknown): Promise<string | undefined> {
    if (typeof name !== 'string' || typeof password !== 'string') return undefined;
    const user = this.all().find((candidate) => candidate.name === name);
    return (await checkPassword(password, user?.passwordHash)) ? user?.id : undefined;
  }
}

// Which sessions belong to which user, so that enabling 2FA can end every OTHER session of that
// user: a session stolen before 2FA was turned on must not survive it. express-session has no
// such index, so the app keeps one next to the session store.
import type { Store } from 'express-session';

export class UserSessionIndex {
  readonly #sessionIds = new Map<string, Set<string>>();

  constructor(private readonly store: Store) {}

  add(userId: string, sessionId: string): void {
    let ids = this.#sessionIds.get(userId);
    if (!ids) {
      ids = new Set();
      this.#sessionIds.set(userId, ids);
    }
    ids.add(sessionId);
  }

  remove(userId: string, sessionId: string): void {
    const ids = this.#sessionIds.get(userId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.#sessionIds.delete(userId);
  }

  /** Destroys every session of `userId` except `keepSessionId`; returns how many were ended. */
  async endOtherSessions(userId: string, keepSessionId: string | undefined): Promise<number> {
    const ids = [...(this.#sessionIds.get(userId) ?? [])].filter((id) => id !== keepSessionId);
    await Promise.all(
      ids.map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            this.store.destroy(id, (error?: unknown) => (error ? reject(error) : resolve()));
          }),
      ),
    );
    for (const id of ids) this.remove(userId, id);
    return ids.length;
  }
}

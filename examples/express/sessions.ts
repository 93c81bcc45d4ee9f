// Which sessions belong to which user, so that enabling 2FA can end every OTHER session of that
// user: a session stolen before 2FA was turned on must not survive it. express-session has no
// such index, so the app keeps one next to the session store.
//
// An ended session is not simply deleted: it is replaced by a marker holding only why it ended,
// so that its browser, on its next request (a reload, a form sent again), lands on the log-in
// page saying so instead of a bare one (the ended-session middleware in app.ts).
import type { SessionData, Store } from 'express-session';
import type { TwoFactorEvent } from 'factorkit';

/** Why a session was ended from elsewhere: the change factorkit's `sessions-should-end` names. */
export type EndedBecause = Extract<TwoFactorEvent, { type: 'sessions-should-end' }>['change'];

export class UserSessionIndex {
  readonly #sessionIds = new Map<string, Set<string>>();

  constructor(private readonly store: Store) {}

  add(userId: string, sessionId: string): void {
    this.#sessionIds.set(userId, (this.#sessionIds.get(userId) ?? new Set<string>()).add(sessionId));
  }

  remove(userId: string, sessionId: string): void {
    const ids = this.#sessionIds.get(userId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.#sessionIds.delete(userId);
  }

  /** Ends every session of `userId` except `keepSessionId`, each left as a marker of why; returns how many. */
  async endOtherSessions(userId: string, keepSessionId: string | undefined, because: EndedBecause): Promise<number> {
    const ids = [...(this.#sessionIds.get(userId) ?? [])].filter((id) => id !== keepSessionId);
    await Promise.all(ids.map((id) => this.#markEnded(id, because)));
    for (const id of ids) this.remove(userId, id);
    return ids.length;
  }

  /** Replaces the session by `{ endedBecause }` alone: nothing of the signed-in state is left in it. */
  async #markEnded(sessionId: string, because: EndedBecause): Promise<void> {
    const session = await new Promise<SessionData | null | undefined>((resolve, reject) =>
      this.store.get(sessionId, (error: unknown, data?: SessionData | null) => (error ? reject(error) : resolve(data))),
    );
    if (!session) return;
    const marker = { cookie: session.cookie, endedBecause: because } as SessionData;
    await new Promise<void>((resolve, reject) =>
      this.store.set(sessionId, marker, (error?: unknown) => (error ? reject(error) : resolve())),
    );
  }
}

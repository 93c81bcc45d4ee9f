// Operations that may check a backup code run one at a time per user within a process (issue
// 25, D8). A backup-code check costs a key derivation (scrypt, tens of milliseconds by design);
// twenty wrong codes sent in parallel used to pass the lock check together and cost twenty
// derivations before the first failure was counted. In a queue, each one reads the record the
// one before it wrote: after `maxFailures` wrong codes the account is locked and the rest are
// refused unseen, with no derivation. Sign-ins with a TOTP or delivered code (digits) do not
// queue: they cost microseconds. Across processes the queue does not reach; docs/security.md
// says what bounds the work there.

/** A per-user queue: `run(userId, task)` starts `task` when the user's earlier tasks have settled. */
export function perUserQueue(): <T>(userId: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (userId, task) => {
    const before = tails.get(userId) ?? Promise.resolve();
    const mine = before.then(task, task);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    tails.set(userId, tail);
    try {
      return await mine;
    } finally {
      if (tails.get(userId) === tail) tails.delete(userId);
    }
  };
}

/** Whether a proof may be a backup code: a string with something other than digits and spaces in it. */
export function mayBeBackupCode(proof: unknown): boolean {
  return typeof proof === 'string' && /[^\d\s]/.test(proof);
}

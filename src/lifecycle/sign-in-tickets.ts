// The public types of single-use sign-in tickets: what the lifecycle keeps of a pending sign-in
// (issued by factorkit/http after the app's password check) once it has been redeemed.

/**
 * The part of a pending sign-in ticket the lifecycle needs to use it up once: its random id,
 * when it was issued (when the password step passed) and when it expires, all in Unix ms.
 *
 * @example
 * ```ts
 * import type { SignInTicket } from 'factorkit';
 *
 * const ticket: SignInTicket = { ticketId: 't_3kq9Zx1YwVf0aQ', issuedAt: Date.now(), expiresAt: Date.now() + 600_000 };
 * ```
 */
export interface SignInTicket {
  /** 1 to 64 characters, random (factorkit/http uses 128 bits). */
  ticketId: string;
  /** Unix ms when the ticket was issued. */
  issuedAt: number;
  /** Unix ms from which the ticket is refused. */
  expiresAt: number;
}

/**
 * What {@link SignInTicketOperations.redeemSignInTicket} and
 * {@link SignInTicketOperations.checkSignInTicket} answer: `ticket-used` for a ticket redeemed
 * before (or older than the oldest one the record still remembers), `ticket-expired` past its
 * expiry, `not-enrolled` for a user without a 2FA record.
 *
 * @example
 * ```ts
 * import type { SignInTicketResult } from 'factorkit';
 *
 * function refused(result: SignInTicketResult): boolean {
 *   return !result.ok && result.reason === 'ticket-used';
 * }
 * ```
 */
export type SignInTicketResult =
  | { ok: true }
  | { ok: false; reason: 'ticket-used' | 'ticket-expired' | 'not-enrolled' };

/**
 * The operations that make a pending sign-in ticket single use, on the `TwoFactor` object.
 * factorkit/http calls them; an app that builds its own web half can too.
 *
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 *
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example' });
 * const ticket = { ticketId: 't_1', issuedAt: Date.now(), expiresAt: Date.now() + 600_000 };
 * const redeemed = await twoFactor.redeemSignInTicket('user-1', ticket);
 * console.log(redeemed.ok || redeemed.reason); // not-enrolled (no 2FA record for user-1)
 * ```
 */
export interface SignInTicketOperations {
  /**
   * Uses up `ticket` in `userId`'s record, once: of any number of calls with one ticket, in
   * parallel or not, exactly one answers `{ ok: true }` (the store's compare-and-set decides).
   * Expired entries are pruned on each write, and the record keeps at most a few; when it is
   * full, the oldest is dropped and every ticket issued no later than it is refused from then on,
   * so the bound never lets a used ticket through.
   * @throws FactorkitError `INVALID_ARGUMENT` for a malformed ticket
   */
  redeemSignInTicket(userId: string, ticket: SignInTicket): Promise<SignInTicketResult>;
  /** Whether `ticket` could be redeemed now, without using it up (a read, no write). */
  checkSignInTicket(userId: string, ticket: SignInTicket): Promise<SignInTicketResult>;
}

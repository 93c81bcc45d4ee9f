/**
 * What {@link createTwoFactor} reports through `onEvent`, always after the change is committed
 * to the store. Typical uses: end the user's other sessions on `enabled`, e-mail the user on
 * every event, alert on `locked-out`.
 *
 * @example
 * ```ts
 * import type { TwoFactorEvent } from 'factorkit';
 *
 * function describe(event: TwoFactorEvent): string {
 *   switch (event.type) {
 *     case 'backup-code-used':
 *       return `a backup code was used; ${event.remaining} left`;
 *     case 'locked-out':
 *       return `too many wrong codes; locked for ${event.retryAfterMs} ms`;
 *     default:
 *       return event.type;
 *   }
 * }
 * ```
 */
export type TwoFactorEvent =
  | { type: 'enabled'; userId: string; at: number }
  | { type: 'disabled'; userId: string; at: number }
  | { type: 'backup-codes-regenerated'; userId: string; at: number; count: number }
  | { type: 'backup-code-used'; userId: string; at: number; remaining: number }
  | { type: 'locked-out'; userId: string; at: number; retryAfterMs: number }
  | { type: 'replay-refused'; userId: string; at: number };

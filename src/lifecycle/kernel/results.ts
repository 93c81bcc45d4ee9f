// The refusals every operation may answer with, whatever the factor: shared by the engine,
// the operations and each factor module's own operations.

/**
 * Why a lifecycle call refused a code:
 * - `invalid`: wrong code (counts towards throttling); with `retryAfterMs` when this failure started a lockout.
 * - `malformed`: not the shape of a TOTP or backup code, or longer than any code (not counted).
 * - `replayed`: a TOTP step already accepted or a backup code already used (not counted).
 * - `locked`: too many failures; try again after `retryAfterMs` (the code was not looked at).
 * - `hard-locked`: `maxConsecutiveFailures` wrong codes in a row; refused until support calls
 *   {@link TwoFactor.unlock} (the code was not looked at).
 * - `current-code-required`: confirming a new factor on an account with 2FA active needs
 *   `currentCode`, a code from a factor it already has (or a backup code).
 * - `not-enrolled`: nothing to confirm, or 2FA not active for verify/regenerate/disable.
 * - `expired`: the pending enrollment expired (begin again); for a delivered factor also: no
 *   code to check (none sent, expired, used, or out of attempts; send a new one, not counted).
 * - `unknown-factor`: no factor (or remembered device) of that id (of the right kind).
 * - `stronger-factor-required`: a right proof of a factor too weak for the change asked for (an
 *   e-mail code cannot remove the authenticator app, a voice code manages nothing): ask for a
 *   proof of a stronger factor the account has (not counted; the proof is not used up).
 * - `user-verification-required`: a passkey answered without verifying the user (PIN,
 *   biometrics) where that is required (not counted).
 * - `factor-suspended`: the factor is suspended (a cloned security key was caught): reactivate
 *   it with another factor, or remove it (not counted).
 * - `enrollment-replaced`: confirming a new authenticator with a code from the QR code shown
 *   before it (a newer `beginEnrollment` replaced that one, e.g. in another tab), or naming the
 *   replaced factor's id: show the current QR code ({@link TwoFactor.pendingEnrollment}); the
 *   user's clock is fine (not counted).
 * - `invalid-name`: a factor name the user typed is refused by {@link TwoFactor.renameFactor}:
 *   blank, over 64 characters, or with control characters.
 *
 * @example
 * ```ts
 * import type { TwoFactorFailure } from 'factorkit';
 *
 * const failure: TwoFactorFailure = { ok: false, reason: 'locked', retryAfterMs: 2000 };
 * ```
 */
export interface TwoFactorFailure {
  ok: false;
  reason:
    | 'invalid'
    | 'malformed'
    | 'replayed'
    | 'locked'
    | 'hard-locked'
    | 'current-code-required'
    | 'not-enrolled'
    | 'expired'
    | 'unknown-factor'
    | 'stronger-factor-required'
    | 'user-verification-required'
    | 'factor-suspended'
    | 'enrollment-replaced'
    | 'invalid-name';
  retryAfterMs?: number;
}

/**
 * A send refused by the resend limits: the cooldown after the last send, or the hourly cap.
 *
 * @example
 * ```ts
 * import type { RateLimited } from 'factorkit';
 *
 * const refused: RateLimited = { ok: false, reason: 'rate-limited', retryAfterMs: 30_000 };
 * ```
 */
export interface RateLimited {
  ok: false;
  reason: 'rate-limited';
  /** Milliseconds until a send is allowed again. */
  retryAfterMs: number;
}

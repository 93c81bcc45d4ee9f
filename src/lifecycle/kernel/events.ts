// The audit events of the lifecycle and the vocabulary they share, for every factor type.

/**
 * How a delivered factor reaches the user: `'email'`, `'sms'`, `'telegram'`, `'voice'` (a phone
 * call whose calling number ends with the code), or a channel the app names itself (lower-case
 * letters, digits and dashes, e.g. `'push'` for its own mobile app). factorkit never sends
 * anything: the app's `deliver` callback does, by whatever means the channel names.
 *
 * @example
 * ```ts
 * import type { DeliveryChannel } from 'factorkit';
 *
 * const channels: DeliveryChannel[] = ['email', 'sms', 'telegram', 'voice', 'push'];
 * ```
 */
export type DeliveryChannel = 'email' | 'sms' | 'telegram' | 'voice' | (string & {});

/**
 * What a delivered code is for: confirming a destination being enrolled, or signing in.
 *
 * @example
 * ```ts
 * import type { CodePurpose } from 'factorkit';
 *
 * const subject = (purpose: CodePurpose) => (purpose === 'enrollment' ? 'Confirm your e-mail address' : 'Your sign-in code');
 * ```
 */
export type CodePurpose = 'enrollment' | 'sign-in';

/**
 * The kinds of second factor: `'totp'`, an authenticator app; `'delivered'`, a destination the
 * app's `deliver` callback sends codes (and approval requests) to, whose `channel` says how
 * (e-mail, SMS, Telegram, voice or one the app names); or the `type` of another registered
 * factor module (passkeys, an app's own). A `switch` over it needs a default branch.
 *
 * @example
 * ```ts
 * import type { FactorType } from 'factorkit';
 *
 * const label = (type: FactorType) => (type === 'totp' ? 'Authenticator app' : type);
 * ```
 */
export type FactorType = 'totp' | 'delivered' | (string & {});

/**
 * Which proof a check took the input for: a TOTP code (digits), a code delivered by e-mail,
 * SMS, Telegram, voice or an app's channel (`'delivered'`), another registered factor's proof
 * (its type), a backup code, or neither (`'unknown'`: not a proof of any factor, or refused
 * before its shape was looked at, e.g. while locked).
 *
 * @example
 * ```ts
 * import type { CodeMethod } from 'factorkit';
 *
 * const method: CodeMethod = 'backup';
 * ```
 */
export type CodeMethod = FactorType | 'backup' | 'unknown';

/**
 * The lifecycle call a code check belonged to, in audit events.
 *
 * @example
 * ```ts
 * import type { CodeCheckOperation } from 'factorkit';
 *
 * const operation: CodeCheckOperation = 'verify';
 * ```
 */
export type CodeCheckOperation =
  | 'confirm-enrollment'
  | 'verify'
  | 'regenerate-backup-codes'
  | 'disable'
  | 'remove-factor'
  | 'step-up'
  | 'reactivate-factor'
  | 'passkey-sign-in';

/**
 * What {@link createTwoFactor} reports through `onEvent`, always after the change is committed
 * to the store. Typical uses: end the user's other sessions on `sessions-should-end`, which
 * comes exactly once per operation that changes how the account is protected (2FA turned on,
 * an active factor added or removed, backup codes regenerated, 2FA turned off, a support reset;
 * `change` says which), e-mail the user on
 * every event, alert on `locked-out`, `hard-locked` and `clone-suspected` (a passkey or security
 * key whose signature counter went backwards: a copy of it may be in use), and keep `verify-succeeded` /
 * `verify-failed` (one per code check) and the support events (`reset-by-admin`, `unlocked`,
 * with the `actor` who did it) in an audit log. `code-sent` follows each code `deliver` accepted
 * (with the channel it went out on, never the code or the destination), `approval-requested`
 * each approval request delivered, `approval-answered` each approve or deny. No event carries a
 * code, a token, a secret, a destination or record data.
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
 *     case 'verify-failed':
 *       return `${event.operation}: ${event.method} code refused (${event.reason})`;
 *     case 'unlocked':
 *       return `unlocked by ${event.actor}`;
 *     default:
 *       return event.type;
 *   }
 * }
 * ```
 */
export type TwoFactorEvent =
  | { type: 'enabled'; userId: string; at: number }
  | { type: 'disabled'; userId: string; at: number }
  | { type: 'factor-added'; userId: string; at: number; factorId: string; factorType: FactorType }
  | { type: 'factor-removed'; userId: string; at: number; factorId: string; factorType: FactorType }
  | { type: 'device-remembered'; userId: string; at: number; deviceId: string }
  | { type: 'device-forgotten'; userId: string; at: number; deviceId: string }
  | { type: 'backup-codes-regenerated'; userId: string; at: number; count: number }
  | { type: 'backup-code-used'; userId: string; at: number; remaining: number }
  | { type: 'locked-out'; userId: string; at: number; retryAfterMs: number }
  | { type: 'hard-locked'; userId: string; at: number; failures: number }
  | { type: 'replay-refused'; userId: string; at: number }
  | {
      type: 'verify-succeeded';
      userId: string;
      at: number;
      operation: CodeCheckOperation;
      method: FactorType | 'backup';
    }
  | {
      type: 'verify-failed';
      userId: string;
      at: number;
      operation: CodeCheckOperation;
      method: CodeMethod;
      reason:
        | 'invalid'
        | 'malformed'
        | 'replayed'
        | 'locked'
        | 'hard-locked'
        | 'expired'
        | 'current-code-required'
        | 'stronger-factor-required'
        | 'user-verification-required'
        | 'factor-suspended'
        | 'enrollment-replaced';
    }
  | {
      type: 'clone-suspected';
      userId: string;
      at: number;
      factorId: string;
      factorType: FactorType;
      /** True: the factor is suspended until reactivated with another factor; false: only reported (a synced passkey). */
      suspended: boolean;
    }
  | { type: 'factor-reactivated'; userId: string; at: number; factorId: string; factorType: FactorType }
  | { type: 'reset-by-admin'; userId: string; at: number; actor: string }
  | {
      type: 'code-sent';
      userId: string;
      at: number;
      factorId: string;
      /** The channel it went out on: `'sms'` when a voice factor fell back to SMS. */
      channel: DeliveryChannel;
      purpose: CodePurpose;
    }
  | { type: 'approval-requested'; userId: string; at: number; factorId: string; challengeId: string }
  | {
      type: 'approval-answered';
      userId: string;
      at: number;
      factorId: string;
      challengeId: string;
      answer: 'approved' | 'denied';
      /** An approve with a missing or wrong match number: taken as a denial. */
      wrongNumber?: true;
    }
  | { type: 'unlocked'; userId: string; at: number; actor: string }
  | {
      type: 'sessions-should-end';
      userId: string;
      at: number;
      /** The change that calls for it; the change's own event comes just before this one. */
      change:
        | 'enabled'
        | 'factor-added'
        | 'factor-removed'
        | 'backup-codes-regenerated'
        | 'disabled'
        | 'reset-by-admin';
    };

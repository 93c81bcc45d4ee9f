// The shape of a language's messages: one text per failure reason (the key is the reason
// itself), texts for a reason in a given context (`invalid.totp`), and the plural forms of a
// wait. The reasons come from the lifecycle's own result types, so a new reason there makes
// every language file below fail to compile until it has a message.
import type { ApprovalAnswerResult, ApprovalStatus } from '../lifecycle/factors/delivered/types.js';
import type { CheckRememberedDeviceResult, RateLimited, TwoFactorFailure } from '../lifecycle/index.js';

/**
 * Every reason a lifecycle call can answer `{ ok: false, reason }` with: {@link TwoFactorFailure},
 * {@link RateLimited}, the answers of `approve` and `deny` (`answered`, `wrong-number`) and of
 * `checkRememberedDevice`, and the web half's own ({@link WebReason}).
 *
 * @example
 * ```ts
 * import type { MessageReason } from 'factorkit/messages';
 *
 * const reason: MessageReason = 'wrong-number';
 * ```
 */
export type MessageReason =
  | TwoFactorFailure['reason']
  | RateLimited['reason']
  | Extract<ApprovalAnswerResult, { ok: false }>['reason']
  | Extract<CheckRememberedDeviceResult, { ok: false }>['reason']
  | WebReason;

/**
 * The reasons only the web half (factorkit/http, its `HttpReason`) answers with: `cross-origin`
 * (CSRF), `ticket-invalid` / `ticket-expired` / `ticket-used` (the pending sign-in),
 * `not-signed-in`, `step-up-required`, `bad-request` and `not-configured`. Kept here, with
 * their texts, so the messages' declarations do not pull in the web half's.
 *
 * @example
 * ```ts
 * import type { WebReason } from 'factorkit/messages';
 *
 * const reason: WebReason = 'ticket-expired';
 * ```
 */
export type WebReason =
  | 'cross-origin'
  | 'ticket-invalid'
  | 'ticket-expired'
  | 'ticket-used'
  | 'not-signed-in'
  | 'step-up-required'
  | 'bad-request'
  | 'not-configured';

/**
 * The texts of a reason in a context the reason alone does not tell: which kind of code was
 * typed (`totp`, `backup`, a delivered channel), or that the call answered an approval.
 *
 * @example
 * ```ts
 * import type { ContextKey } from 'factorkit/messages';
 *
 * const key: ContextKey = 'invalid.backup';
 * ```
 */
export type ContextKey =
  | 'invalid.totp'
  | 'invalid.backup'
  | 'invalid.email'
  | 'invalid.sms'
  | 'invalid.telegram'
  | 'invalid.voice'
  | 'invalid.delivered'
  | 'invalid.approval'
  | 'malformed.totp'
  | 'malformed.backup'
  | 'malformed.delivered'
  | 'malformed.voice'
  | 'replayed.totp'
  | 'replayed.backup'
  | 'expired.totp'
  | 'expired.delivered'
  | 'expired.approval'
  | 'rate-limited.approval';

/**
 * Texts that are not a reason: the sentence added to `invalid` when that failure started a
 * lockout, the waiting page's approval statuses, and the wait of unknown length.
 *
 * @example
 * ```ts
 * import type { ExtraKey } from 'factorkit/messages';
 *
 * const key: ExtraKey = 'status.pending';
 * ```
 */
export type ExtraKey = 'lockout-started' | 'status.pending' | 'status.approved' | 'status.denied' | 'wait.moment';

/**
 * The keys whose value is one sentence or more. `{wait}` in a text is replaced by the wait
 * (`5 minutes`); nothing else is ever put into a message.
 *
 * @example
 * ```ts
 * import type { TextKey } from 'factorkit/messages';
 *
 * const key: TextKey = 'locked';
 * ```
 */
export type TextKey = MessageReason | ContextKey | ExtraKey;

/**
 * The keys whose value has plural forms: a wait in seconds, minutes, hours or days.
 *
 * @example
 * ```ts
 * import type { PluralKey } from 'factorkit/messages';
 *
 * const key: PluralKey = 'wait.minutes';
 * ```
 */
export type PluralKey = 'wait.seconds' | 'wait.minutes' | 'wait.hours' | 'wait.days';

/**
 * Every key of a language's messages.
 *
 * @example
 * ```ts
 * import type { MessageKey } from 'factorkit/messages';
 *
 * const keys: MessageKey[] = ['invalid.totp', 'wait.seconds'];
 * ```
 */
export type MessageKey = TextKey | PluralKey;

/**
 * A text in each plural category of `Intl.PluralRules` the language uses (English `one` and
 * `other`; Russian `one`, `few`, `many` and `other`); `{count}` is the number, formatted for
 * the language. A category the language has but the text lacks falls back to `other`.
 *
 * @example
 * ```ts
 * import type { PluralText } from 'factorkit/messages';
 *
 * const minutes: PluralText = { one: '{count} minute', other: '{count} minutes' };
 * ```
 */
export interface PluralText {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

/**
 * All the messages of one language.
 *
 * @example
 * ```ts
 * import { messages, type LocaleMessages } from 'factorkit/messages';
 *
 * const german: LocaleMessages = messages.de;
 * console.log(german['hard-locked'].length > 0); // prints true
 * ```
 */
export type LocaleMessages = { readonly [K in TextKey]: string } & { readonly [K in PluralKey]: PluralText };

/**
 * What was typed, which the reason alone does not say: `totp`, `backup`, `delivered` or its
 * channel (another channel reads as `delivered`), or `approval` (`requestApproval`, `approve`,
 * `deny`). A `CodeMethod` fits; `unknown` reads as none.
 *
 * @example
 * ```ts
 * import type { MessageMethod } from 'factorkit/messages';
 *
 * const method: MessageMethod = 'email';
 * ```
 */
export type MessageMethod =
  | 'totp'
  | 'backup'
  | 'delivered'
  | 'approval'
  | 'email'
  | 'sms'
  | 'telegram'
  | 'voice'
  | (string & {});

/**
 * What {@link message} renders: a failed lifecycle result or `approvalStatus`'s result. Other
 * fields are ignored: no message shows a code, token or destination.
 *
 * @example
 * ```ts
 * import type { MessageSubject } from 'factorkit/messages';
 *
 * const subjects: MessageSubject[] = [{ ok: false, reason: 'locked', retryAfterMs: 60_000 }, { status: 'denied' }];
 * ```
 */
export type MessageSubject = { ok?: false; reason: MessageReason; retryAfterMs?: number } | { status: ApprovalStatus };

// The public types of delivered codes and approvals: the module's options, the message handed
// to the app's `deliver`, and the results of its operations.
import type { CodePurpose, DeliveryChannel } from '../../kernel/events.js';
import type { RateLimited, TwoFactorFailure } from '../../kernel/results.js';

/**
 * Where an approval request stands, for the waiting sign-in page: `pending` (no answer yet),
 * `approved` (told once: that read signs the session in), `denied`, or `expired` (not answered
 * in time, already picked up, or unknown).
 *
 * @example
 * ```ts
 * import type { ApprovalStatus } from 'factorkit/delivered';
 *
 * const keepWaiting = (status: ApprovalStatus) => status === 'pending';
 * ```
 */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/**
 * Tuning of delivered codes and approvals (options of {@link deliveredCodes}). Every value is
 * an integer; out of its bounds it is `INVALID_ARGUMENT` at `deliveredCodes`.
 *
 * @example
 * ```ts
 * import type { DeliveryOptions } from 'factorkit/delivered';
 *
 * // The defaults, spelled out.
 * const delivery: DeliveryOptions = {
 *   codeTtlMs: 5 * 60_000,
 *   maxAttemptsPerCode: 5,
 *   resendCooldownMs: 30_000,
 *   maxSendsPerHour: 5,
 *   voiceCallsBeforeSms: 3,
 *   approvalTtlMs: 2 * 60_000,
 * };
 * ```
 */
export interface DeliveryOptions {
  /** How long a sent code can be typed: 30 s to 10 minutes (NIST SP 800-63B §5.1.3.2). Default 5 minutes. */
  codeTtlMs?: number;
  /** Wrong codes one sent code tolerates before it is discarded, 1 to 10. Default 5. */
  maxAttemptsPerCode?: number;
  /** The shortest time between two sends to one factor, 0 to 1 hour. Default 30 s. */
  resendCooldownMs?: number;
  /**
   * Sends (codes and approval requests) per factor in any hour, 1 to 100; the same cap applies
   * per account to the codes sent to destinations being enrolled. Default 5.
   */
  maxSendsPerHour?: number;
  /**
   * A voice factor's calls without a successful code before `sendCode` sends an SMS to the same
   * number instead (the calls may be going unanswered), 1 to 10. Default 3.
   */
  voiceCallsBeforeSms?: number;
  /** How long an approval request can be answered: 30 s to 10 minutes. Default 2 minutes. */
  approvalTtlMs?: number;
}

/**
 * Options of {@link deliveredCodes}: your `deliver` and the tuning of {@link DeliveryOptions}.
 *
 * @example
 * ```ts
 * import type { DeliveredCodesOptions } from 'factorkit/delivered';
 *
 * const options: DeliveredCodesOptions = {
 *   deliver: async (message) => {
 *     // hand the message to your provider; never log it
 *   },
 *   maxSendsPerHour: 3,
 * };
 * ```
 */
export interface DeliveredCodesOptions extends DeliveryOptions {
  /**
   * Sends what factorkit hands it: a code (`kind: 'code'`) or an approval request (`kind:
   * 'approval'`) to `message.destination` over `message.channel`, through your e-mail, SMS,
   * voice or Telegram provider. factorkit sends nothing itself. Resolve once the provider has
   * accepted the message; throw (or reject) when it has not: the operation then fails with
   * `DELIVERY_FAILED` and nothing is written or counted. Never log the message: it holds the
   * code or the tokens.
   */
  deliver: (message: DeliveryMessage) => Promise<void>;
}

/**
 * What factorkit hands to your `deliver` callback: send it to `destination` over `channel`.
 * - `kind: 'code'`: a code for the user to type. For a voice call, `code` is what the calling
 *   number must end with (4 digits); when a voice factor falls back to SMS, `channel` is
 *   `'sms'` while `factorId` stays the voice factor's. `purpose` says whether it confirms a new
 *   destination (`'enrollment'`) or signs in (`'sign-in'`).
 * - `kind: 'approval'`: an approval request. Give the user two buttons (or links) that make
 *   your server call `approve(approveToken)` or `deny(denyToken)`; each token works once, until
 *   `expiresAt`.
 *
 * The message holds the code or the tokens in clear: never log it.
 *
 * @example
 * ```ts
 * import type { DeliveryMessage } from 'factorkit/delivered';
 *
 * declare function sendMail(to: string, subject: string, text: string): Promise<void>;
 * declare function sendSms(to: string, text: string): Promise<void>;
 *
 * async function deliver(message: DeliveryMessage): Promise<void> {
 *   if (message.kind === 'approval') throw new Error(`no approvals over ${message.channel}`);
 *   if (message.channel === 'email') {
 *     await sendMail(message.destination, 'Your sign-in code', `Your code is ${message.code}. It expires in 5 minutes.`);
 *   } else if (message.channel === 'sms') {
 *     await sendSms(message.destination, `${message.code} is your Example code. Not you? Change your password.`);
 *   } else {
 *     throw new Error(`no provider for ${message.channel}`);
 *   }
 * }
 * ```
 */
export type DeliveryMessage =
  | {
      kind: 'code';
      purpose: CodePurpose;
      channel: DeliveryChannel;
      /** The e-mail address, E.164 phone number, Telegram chat id or app destination. */
      destination: string;
      userId: string;
      factorId: string;
      /** Unix ms from which the code is refused. */
      expiresAt: number;
      /** The code: 6 digits, or for a voice call the 4 digits the calling number ends with. */
      code: string;
    }
  | {
      kind: 'approval';
      channel: DeliveryChannel;
      destination: string;
      userId: string;
      factorId: string;
      /** Unix ms from which an answer is refused. */
      expiresAt: number;
      /** The id the waiting sign-in page polls `TwoFactor.approvalStatus` with. */
      challengeId: string;
      /**
       * Pass to `TwoFactor.approve`. Opaque and URL-safe: the user id in base64url and 38
       * characters more (at most about 380), so it names its user: for a link or a push to
       * your own app.
       */
      approveToken: string;
      /** Pass to `TwoFactor.deny`. */
      denyToken: string;
      /**
       * The same one-time answer without the user id: 37 URL-safe characters, which fit a
       * Telegram button's 64-byte `callback_data` whatever your user ids. Answer it with
       * `approve(token, { userId })`, naming the user your bot knows the sender as (the chat
       * linked to that user); with another user id it is refused as `invalid`.
       */
      shortApproveToken: string;
      /** As `shortApproveToken`, for `TwoFactor.deny`. */
      shortDenyToken: string;
    };

/**
 * Options of `TwoFactor.beginEnrollment` for a delivered factor: a destination that
 * codes are sent to.
 *
 * @example
 * ```ts
 * import type { BeginDeliveredEnrollmentOptions } from 'factorkit/delivered';
 *
 * const options: BeginDeliveredEnrollmentOptions = { channel: 'sms', destination: '+44 20 7946 0958', name: 'Work phone' };
 * ```
 */
export interface BeginDeliveredEnrollmentOptions {
  /** How codes reach the user; `'voice'` only beside an active factor that is not voice. */
  channel: DeliveryChannel;
  /**
   * E-mail: an address. SMS and voice: a number in international format (`+`, country code;
   * spaces, dashes, dots and parentheses are dropped). Telegram: the numeric chat id. Another
   * channel: 1 to 512 characters. Anything else is `INVALID_DESTINATION`.
   */
  destination: string;
  /** What the user calls it, 1 to 64 characters. Default by channel: `'E-mail'`, `'SMS'`, `'Telegram'`, `'Phone call'`, else the channel. */
  name?: string;
}

/**
 * What `TwoFactor.beginEnrollment` returns for a delivered factor: the code is on its
 * way (or why not).
 *
 * @example
 * ```ts
 * import type { BeginDeliveredEnrollmentResult } from 'factorkit/delivered';
 *
 * const page = (r: BeginDeliveredEnrollmentResult) =>
 *   r.ok ? `We sent a code to ${r.maskedDestination}.` : r.reason === 'rate-limited' ? `Wait ${Math.ceil(r.retryAfterMs / 1000)} s.` : r.reason;
 * ```
 */
export type BeginDeliveredEnrollmentResult =
  | {
      ok: true;
      /** The id of the new (pending) factor: pass it to confirmEnrollment and sendCode. */
      factorId: string;
      /** The channel the code went out on. */
      channel: DeliveryChannel;
      /** The destination as the page may show it, e.g. `a***@example.com`, `+*******4567`. */
      maskedDestination: string;
      /** Unix ms from which the code is refused. */
      expiresAt: number;
    }
  | RateLimited
  | TwoFactorFailure;

/**
 * Options of `TwoFactor.sendCode`.
 *
 * @example
 * ```ts
 * import type { SendCodeOptions } from 'factorkit/delivered';
 *
 * const options: SendCodeOptions = { factorId: 'f_8dJ2kq0aZx1' };
 * ```
 */
export interface SendCodeOptions {
  /** The delivered factor (active, or pending: a new enrollment code) to send a code to. */
  factorId: string;
}

/**
 * The result of `TwoFactor.sendCode`.
 *
 * @example
 * ```ts
 * import type { SendCodeResult } from 'factorkit/delivered';
 *
 * const text = (r: SendCodeResult) =>
 *   r.ok ? (r.channel === 'voice' ? 'We are calling you.' : `Code sent by ${r.channel}.`) : `Not sent: ${r.reason}`;
 * ```
 */
export type SendCodeResult =
  | {
      ok: true;
      /** Unix ms from which the code is refused. */
      expiresAt: number;
      /** The channel it went out on: `'sms'` when a voice factor fell back to SMS. */
      channel: DeliveryChannel;
    }
  | RateLimited
  | TwoFactorFailure;

/**
 * Options of `TwoFactor.requestApproval`.
 *
 * @example
 * ```ts
 * import type { RequestApprovalOptions } from 'factorkit/delivered';
 *
 * const options: RequestApprovalOptions = { factorId: 'f_8dJ2kq0aZx1' };
 * ```
 */
export interface RequestApprovalOptions {
  /** An active delivered factor whose channel can carry two buttons: not `'sms'` or `'voice'`. */
  factorId: string;
}

/**
 * The result of `TwoFactor.requestApproval`.
 *
 * @example
 * ```ts
 * import type { RequestApprovalResult } from 'factorkit/delivered';
 *
 * const wait = (r: RequestApprovalResult) => (r.ok ? `/login/wait?until=${r.expiresAt}` : '/login/2fa');
 * ```
 */
export type RequestApprovalResult =
  | {
      ok: true;
      /** Keep it in the sign-in session and poll `TwoFactor.approvalStatus` with it. */
      challengeId: string;
      /** Unix ms from which an answer is refused. */
      expiresAt: number;
    }
  | RateLimited
  | TwoFactorFailure;

/**
 * The result of `TwoFactor.approve` and `TwoFactor.deny`:
 * - `invalid`: not a token of a request (or not this answer's token);
 * - `expired`: the request can no longer be answered;
 * - `answered`: it was already approved or denied.
 *
 * @example
 * ```ts
 * import type { ApprovalAnswerResult } from 'factorkit/delivered';
 *
 * const reply = (r: ApprovalAnswerResult) => (r.ok ? 'Done.' : r.reason === 'answered' ? 'Already answered.' : 'This request is no longer valid.');
 * ```
 */
export type ApprovalAnswerResult = { ok: true } | { ok: false; reason: 'invalid' | 'expired' | 'answered' };

/**
 * Options of `TwoFactor.approve` and `TwoFactor.deny`: `userId`, the user the app
 * answers for. Needed for a short token (`shortApproveToken` / `shortDenyToken`, which do not
 * name their user); with a full token it must be the user the token names.
 *
 * @example
 * ```ts
 * import type { TwoFactor } from 'factorkit';
 * import type { ApprovalAnswerOptions } from 'factorkit/delivered';
 *
 * declare const twoFactor: TwoFactor;
 * declare function userOfChat(chatId: number): Promise<string | undefined>;
 *
 * // A Telegram callback query: the button's callback_data is "a:" + shortApproveToken.
 * async function onCallback(chatId: number, data: string) {
 *   const userId = await userOfChat(chatId);
 *   if (userId === undefined || !data.startsWith('a:')) return;
 *   const options: ApprovalAnswerOptions = { userId };
 *   return twoFactor.approve(data.slice(2), options);
 * }
 * ```
 */
export interface ApprovalAnswerOptions {
  /** Your user id of the user answering. */
  userId?: string;
}

/**
 * The result of `TwoFactor.approvalStatus`.
 *
 * @example
 * ```ts
 * import type { ApprovalStatusResult } from 'factorkit/delivered';
 *
 * const signedIn = (r: ApprovalStatusResult) => r.status === 'approved';
 * ```
 */
export interface ApprovalStatusResult {
  status: ApprovalStatus;
}

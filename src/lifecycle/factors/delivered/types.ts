// The public types of delivered codes and approvals: the module's options, the message handed
// to the app's `deliver`, and the results of its operations.
import type { CodePurpose, DeliveryChannel } from '../../kernel/events.js';
import type { RateLimited, TwoFactorFailure } from '../../kernel/results.js';

/**
 * Where an approval request stands, for the waiting sign-in page: `pending` (no answer yet),
 * `approved` (told once: that read signs the session in), `denied`, `expired` (not answered
 * in time, already picked up, or unknown), or `hard-locked` (the account was hard-locked since:
 * no approval signs in until support unlocks it, whatever was answered).
 *
 * @example
 * ```ts
 * import type { ApprovalStatus } from 'factorkit/delivered';
 *
 * const keepWaiting = (status: ApprovalStatus) => status === 'pending';
 * ```
 */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'hard-locked';

/**
 * Tuning of delivered codes and approvals (options of {@link deliveredCodes}). Every number is
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
 *   maxSendsPerDay: 10,
 *   trustedSendsPerDay: 5,
 *   maxUnverifiedDestinationsPerDay: 5,
 *   maxApprovalsPerDay: 10,
 *   maxUnansweredApprovals: 3,
 *   approvalPauseMs: 24 * 3_600_000,
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
   * Codes per factor in any hour, 1 to 100; the same cap applies per account to the codes sent
   * to destinations being enrolled. Default 5.
   */
  maxSendsPerHour?: number;
  /**
   * Codes per factor in any 24 hours, 1 to 100; the same cap applies per account to the codes
   * sent to destinations being enrolled. Default 10. Sends with `trustedSession` count apart.
   */
  maxSendsPerDay?: number;
  /**
   * Codes per factor in any 24 hours for requests your app vouches for
   * (`sendCode(userId, { factorId, trustedSession: true })`), 0 to 100, counted apart from
   * every other send, so that someone who knows only the password cannot use them up. Default 5.
   */
  trustedSendsPerDay?: number;
  /**
   * Destinations not yet verified (being enrolled) that one account may have codes sent to in
   * any 24 hours, 1 to 100. Default 5: against SMS pumping through `beginEnrollment`.
   */
  maxUnverifiedDestinationsPerDay?: number;
  /** Approval requests per account in any 24 hours, however many factors each goes to, 1 to 100. Default 10. */
  maxApprovalsPerDay?: number;
  /**
   * Approval requests in a row that were denied, answered with a wrong match number or left
   * unanswered (expired, or replaced by a newer request) after which no approval is requested
   * until the user signs in another way (any other proof: a code, a backup code) or
   * `approvalPauseMs` has passed since the last of them, 1 to 100. Default 3 (push fatigue).
   */
  maxUnansweredApprovals?: number;
  /** How long approvals stay paused after `maxUnansweredApprovals`: 1 minute to 24 hours. Default 24 hours. */
  approvalPauseMs?: number;
  /**
   * Asked before each message is handed to `deliver`, once factorkit's own limits allowed it:
   * your veto per destination, for limits across accounts (one phone number enrolled by many
   * accounts, a country you do not send to). Resolve `true` to send; `false` or
   * `{ retryAfterMs }` to refuse: the send is undone as if `deliver` had failed, and the call
   * answers `rate-limited` (with your `retryAfterMs`, else one hour). A throw is a failed
   * delivery (`DELIVERY_FAILED`). See docs/delivered-codes.md for a store-backed example.
   */
  allowSend?: AllowSend;
  /**
   * A voice factor's calls without a successful code before `sendCode` sends an SMS to the same
   * number instead (the calls may be going unanswered), 1 to 10. Default 3.
   */
  voiceCallsBeforeSms?: number;
  /** How long an approval request can be answered: 30 s to 10 minutes. Default 2 minutes. */
  approvalTtlMs?: number;
}

/**
 * What {@link AllowSend} is asked about: a message about to be handed to `deliver`, without its
 * code or tokens. `unverified` is true for a destination being enrolled (not yet proven).
 *
 * @example
 * ```ts
 * import type { SendRequest } from 'factorkit/delivered';
 *
 * const isPhone = (request: SendRequest) => request.channel === 'sms' || request.channel === 'voice';
 * ```
 */
export interface SendRequest {
  kind: 'code' | 'approval';
  channel: DeliveryChannel;
  /** The e-mail address, E.164 phone number, Telegram chat id or app destination. */
  destination: string;
  userId: string;
  factorId: string;
  /** True for a destination being enrolled, that nobody has proven yet. */
  unverified: boolean;
}

/**
 * The app's veto on a send ({@link DeliveryOptions.allowSend}): `true` to send; `false` or
 * `{ retryAfterMs }` to refuse it as rate-limited.
 *
 * @example
 * ```ts
 * import type { AllowSend } from 'factorkit/delivered';
 *
 * const blocked = new Set(['+447700900123']);
 * const allowSend: AllowSend = async (request) => !blocked.has(request.destination);
 * ```
 */
export type AllowSend = (request: SendRequest) => Promise<boolean | { retryAfterMs: number }>;

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
 * - `kind: 'approval'`: an approval request. Give the user a button per number of
 *   `matchChoices` that makes your server call `approve(approveToken, { matchNumber })` with
 *   that number, and one that calls `deny(denyToken)`; each token works once, until `expiresAt`.
 *   A request to several factors sends one message to each; the first answer decides.
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
       * Number matching (NIST SP 800-63B-4): show these as buttons (or a list) beside Approve;
       * the one the sign-in page shows (`matchNumber` of `requestApproval`) is among them. Pass
       * the one the user picked to `approve(token, { matchNumber })`: a wrong one is a denial.
       */
      matchChoices: string[];
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
  /**
   * True only when your app has more than the password behind this request: the session has
   * already passed another factor, or it comes from a device that completed a sign-in of this
   * user before (a long-lived device cookie of yours). The code then counts towards
   * `trustedSendsPerDay` instead of `maxSendsPerDay`, so an attacker who knows only the
   * password cannot starve the user's own sign-in. Ignored for a pending factor.
   */
  trustedSession?: boolean;
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
 * const toOne: RequestApprovalOptions = { factorId: 'f_8dJ2kq0aZx1' };
 * const toEvery: RequestApprovalOptions = {};
 * ```
 */
export interface RequestApprovalOptions {
  /**
   * An active delivered factor whose channel can carry two buttons: not `'sms'` or `'voice'`.
   * Without it, one request goes to every active factor that can carry it and is not e-mail
   * (every linked Telegram chat, your app's push): the first answer on any decides.
   */
  factorId?: string;
}

/**
 * The result of `TwoFactor.requestApproval`.
 *
 * @example
 * ```ts
 * import type { RequestApprovalResult } from 'factorkit/delivered';
 *
 * const wait = (r: RequestApprovalResult) => (r.ok ? `Pick ${r.matchNumber} on your phone.` : 'Use another way to sign in.');
 * ```
 */
export type RequestApprovalResult =
  | {
      ok: true;
      /** Keep it in the sign-in session and poll `TwoFactor.approvalStatus` with it. */
      challengeId: string;
      /**
       * Show it on the waiting sign-in page: the user picks it among the message's
       * `matchChoices` (2 digits). Keep it out of logs and URLs.
       */
      matchNumber: string;
      /** The factors the request was delivered to. */
      factorIds: string[];
      /** Unix ms from which an answer is refused. */
      expiresAt: number;
    }
  | RateLimited
  | TwoFactorFailure;

/**
 * The result of `TwoFactor.approve` and `TwoFactor.deny`:
 * - `invalid`: not a token of a request (or not this answer's token);
 * - `expired`: the request can no longer be answered;
 * - `answered`: it was already approved or denied;
 * - `wrong-number`: `approve` with a missing or wrong `matchNumber`: the request is now denied,
 *   and that counts towards `maxUnansweredApprovals`.
 *
 * @example
 * ```ts
 * import type { ApprovalAnswerResult } from 'factorkit/delivered';
 *
 * const reply = (r: ApprovalAnswerResult) => (r.ok ? 'Done.' : r.reason === 'answered' ? 'Already answered.' : 'This request is no longer valid.');
 * ```
 */
export type ApprovalAnswerResult =
  | { ok: true }
  | { ok: false; reason: 'invalid' | 'expired' | 'answered' | 'wrong-number' };

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
 * // A Telegram callback query: the button's callback_data is "a:" + the picked number + ":" + shortApproveToken.
 * async function onCallback(chatId: number, data: string) {
 *   const userId = await userOfChat(chatId);
 *   const [action, matchNumber, token] = data.split(':');
 *   if (userId === undefined || action !== 'a' || token === undefined) return;
 *   const options: ApprovalAnswerOptions = { userId, matchNumber };
 *   return twoFactor.approve(token, options);
 * }
 * ```
 */
export interface ApprovalAnswerOptions {
  /** Your user id of the user answering. */
  userId?: string;
  /**
   * For `approve`: the number the user picked among the message's `matchChoices`. Missing or
   * wrong, the approval is a denial (`wrong-number`). Not needed for `deny`.
   */
  matchNumber?: string;
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

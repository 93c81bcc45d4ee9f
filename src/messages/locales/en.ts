// English: the reference every other language is checked against, and the fallback of any key
// a language (or an app's own language) lacks.
import type { LocaleMessages } from '../keys.js';

export const en: LocaleMessages = {
  invalid: 'That code is not right. Check it and try again.',
  'invalid.totp':
    "That code is not right. If you typed it carefully, your phone's clock is probably off: codes depend on the exact time, so turn on automatic date and time in your phone's settings, then enter the newest code.",
  'invalid.backup': 'That backup code is not valid, or it was replaced by newer backup codes.',
  'invalid.email': 'That code is not right. Enter the code from the newest e-mail we sent you, or ask for a new one.',
  'invalid.sms':
    'That code is not right. Enter the code from the newest text message we sent you, or ask for a new one.',
  'invalid.telegram': 'That code is not right. Enter the code from our newest Telegram message, or ask for a new one.',
  'invalid.voice': 'Those are not the right digits. Enter the last four digits of the number that called you.',
  'invalid.delivered':
    'That code is not right. Enter the code from the newest message we sent you, or ask for a new one.',
  'invalid.approval': 'This approval request is not valid.',
  'lockout-started': 'Too many wrong codes: wait {wait} before you try again.',
  malformed: 'That does not look like a code. Check it and type it again.',
  'malformed.totp': 'That does not look like a code: enter the digits your authenticator app shows.',
  'malformed.backup': 'That does not look like a backup code: type it as it is printed.',
  'malformed.delivered': 'That does not look like a code: enter the digits from the message we sent you.',
  'malformed.voice': 'Enter the last four digits of the number that called you.',
  replayed: 'That code was already used. Use a new one.',
  'replayed.totp': 'That code was already used. Wait for your app to show the next code, then enter it.',
  'replayed.backup': 'That backup code was already used: each one works once. Use another.',
  locked: 'Too many wrong codes. Wait {wait}, then try again.',
  'hard-locked': 'Too many wrong codes: this account is locked. Contact support to unlock it.',
  'current-code-required':
    'Two-factor authentication is already on: also enter a code from a sign-in method you already have, or a backup code.',
  'not-enrolled': 'Two-factor authentication is not set up for this account.',
  expired: 'This has expired. Start again.',
  'expired.totp': 'This setup has expired. Start again to get a new QR code.',
  'expired.delivered':
    'There is no code to check: it expired, was already used or was tried too often. Ask for a new code.',
  'expired.approval': 'This approval request has expired. Start signing in again.',
  'unknown-factor': 'That sign-in method is no longer on this account. Reload the page.',
  'stronger-factor-required':
    'That code is right, but this change needs a stronger sign-in method, such as an authenticator app or a backup code.',
  'user-verification-required':
    'Your passkey did not confirm it is you (PIN, fingerprint or face). Try again and unlock it when asked.',
  'factor-suspended':
    'That security key is suspended because a copy of it was detected. Sign in another way, then reactivate or remove it.',
  'rate-limited': 'Too many codes asked for. Wait {wait} before asking for a new one.',
  'rate-limited.approval': 'Too many approval requests. Wait {wait}, or sign in another way.',
  answered: 'This request has already been answered.',
  'wrong-number':
    'That is not the number shown on the sign-in page, so the request was denied. If you are signing in, start again.',
  // The web half (factorkit/http).
  'cross-origin': 'This request came from another site and was refused. Reload the page and try again.',
  'ticket-invalid': 'Your sign-in could not be continued. Sign in again with your password.',
  'ticket-expired': 'Your sign-in took too long and has expired. Sign in again with your password.',
  'ticket-used': 'This sign-in was already completed. Sign in again with your password if you need to.',
  'not-signed-in': 'You are not signed in. Sign in, then try again.',
  'step-up-required': 'For this change, confirm it is you: enter a code from one of your sign-in methods first.',
  'bad-request': 'Something in this request is missing or not right. Reload the page and try again.',
  'not-configured': 'This sign-in method is not available here.',
  'status.pending': 'Open the request we sent to your phone and pick the number shown here.',
  'status.approved': 'Approved. You are signed in.',
  'status.denied': 'The request was denied. Sign in again, or use another way.',
  'wait.moment': 'a moment',
  'wait.seconds': { one: '{count} second', other: '{count} seconds' },
  'wait.minutes': { one: '{count} minute', other: '{count} minutes' },
  'wait.hours': { one: '{count} hour', other: '{count} hours' },
  'wait.days': { one: '{count} day', other: '{count} days' },
};

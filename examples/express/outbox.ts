// The demo's stand-in for the real providers: the `deliver` callback given to factorkit.
// factorkit sends nothing itself; it hands every code and approval request to `deliver`, and
// the app sends it through its providers (an e-mail relay, an SMS/voice API, a Telegram bot).
// Here:
//   - e-mail goes for real, over SMTP to the demo's own mail server on 127.0.0.1 (mail.ts); the
//     outbox lists what that server received;
//   - SMS, Telegram and voice calls are only recorded in memory, as the phone would show them.
// /dev/outbox shows all of it, and exists only in the demo (createExampleApp mounts it when it is
// given an outbox; server.ts always gives one). A real app has no such page: it would show
// every user's codes to whoever opens it.
import type { DeliveryMessage } from 'factorkit/delivered';
import type { MailSender, MailServer, ReceivedMail } from './mail.js';

interface EntryBase {
  /** 1, 2, 3...: the order in which `deliver` was called. */
  id: number;
  at: number;
  userId: string;
  factorId: string;
  expiresAt: number;
}

/** A text message, as the phone would show it. */
export interface SmsEntry extends EntryBase {
  channel: 'sms';
  to: string;
  text: string;
}

/** A voice call whose calling number ends with the code (the user reads it off the caller ID). */
export interface VoiceEntry extends EntryBase {
  channel: 'voice';
  to: string;
  /** The calling number, spaced for reading: "+1 555 010 1234"; its last digits are the code. */
  callerId: string;
  code: string;
}

/** A Telegram message from the app's bot: a code, or an approval request with two buttons. */
export type TelegramEntry = EntryBase & { channel: 'telegram'; chatId: string; text: string } & (
    | { kind: 'code' }
    | {
        kind: 'approval';
        challengeId: string;
        /** The bot's inline buttons carry these; pressing one sends it back (a callback query). */
        approveToken: string;
        denyToken: string;
        /**
         * Number matching (NIST SP 800-63B-4): one Approve button per choice; the user presses
         * the one their sign-in page shows. factorkit made them; the right one is among them.
         */
        matchChoices: string[];
        /** Set once a button was pressed (Telegram, too, lets a message's buttons be answered once). */
        answer?: 'approved' | 'denied' | 'wrong-number' | 'refused';
      }
  );

export type PhoneEntry = SmsEntry | VoiceEntry | TelegramEntry;

export interface Outbox {
  /** The `deliver` option of createTwoFactor. */
  deliver(message: DeliveryMessage): Promise<void>;
  /** What the demo's SMTP server received, oldest first. */
  emails(): readonly ReceivedMail[];
  /** SMS, voice calls and Telegram messages, oldest first. */
  phoneEntries(): readonly PhoneEntry[];
  /** One Telegram approval message, by entry id. */
  approvalEntry(id: number): ApprovalEntry | undefined;
  /** Marks an approval message's buttons as pressed, so it shows the answer instead of them. */
  recordAnswer(id: number, answer: NonNullable<ApprovalEntry['answer']>): void;
}

export type ApprovalEntry = Extract<TelegramEntry, { kind: 'approval' }>;

export interface OutboxOptions {
  /** Sends e-mail (nodemailer to the demo's SMTP server). */
  mailSender: MailSender;
  /** The demo's SMTP server, whose received messages the outbox lists. */
  mailServer: MailServer;
  /** The app's name in every message. */
  appName: string;
  /** Unix ms, for the entries' times. */
  clock?: () => number;
  /** How many phone entries to keep; default 200. */
  maxEntries?: number;
}

/** Stands in for the caller-ID prefix of a provider's number pool: +1 555 01xx is fictional. */
const CALLER_PREFIX = '1555010';

/** "+1 555 010 1234" for code "1234": the code is the last digits of the calling number. */
export function callerIdFor(code: string): string {
  // Eleven digits in all (+1 and ten), the last ones the code.
  const digits = CALLER_PREFIX.slice(0, Math.max(0, 11 - code.length)) + code;
  return `+${digits.slice(0, 1)} ${digits.slice(1, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
}

const utcTime = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

function minutesLeft(expiresAt: number, now: number): string {
  const minutes = Math.max(1, Math.round((expiresAt - now) / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The codes are spaced for reading ("493 817"); factorkit ignores the space when checking. */
const spaced = (code: string) => (code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code);

export function createOutbox(options: OutboxOptions): Outbox {
  const clock = options.clock ?? Date.now;
  const maxEntries = options.maxEntries ?? 200;
  const entries: PhoneEntry[] = [];
  let lastId = 0;

  const record = (entry: PhoneEntry) => {
    entries.push(entry);
    if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries);
  };

  async function deliver(message: DeliveryMessage): Promise<void> {
    const now = clock();
    const base = {
      at: now,
      userId: message.userId,
      factorId: message.factorId,
      expiresAt: message.expiresAt,
    };
    if (message.kind === 'code') {
      const what = message.purpose === 'enrollment' ? 'confirmation code' : 'sign-in code';
      // Where someone else may read it (a lock screen), the message says what to do if the
      // user did not ask for it; it never says which account it is for beyond the app's name.
      const warning =
        message.purpose === 'sign-in'
          ? 'If you are not signing in right now, someone has your password: change it.'
          : 'If you did not ask for this, ignore it.';
      switch (message.channel) {
        case 'email':
          // The subject has no code: it shows in notifications and mail lists.
          await options.mailSender.send({
            to: message.destination,
            subject: `Your ${options.appName} ${what}`,
            text:
              `Your ${options.appName} ${what} is ${spaced(message.code)}.\n\n` +
              `It expires in ${minutesLeft(message.expiresAt, now)} (${utcTime(message.expiresAt)}) and works once.\n` +
              `${warning}\n`,
          });
          return;
        case 'sms':
          lastId += 1;
          record({
            ...base,
            id: lastId,
            channel: 'sms',
            to: message.destination,
            text: `${spaced(message.code)} is your ${options.appName} ${what}. ${warning}`,
          });
          return;
        case 'telegram':
          lastId += 1;
          record({
            ...base,
            id: lastId,
            channel: 'telegram',
            kind: 'code',
            chatId: message.destination,
            text: `Your ${options.appName} ${what} is ${spaced(message.code)}. It expires in ${minutesLeft(message.expiresAt, now)}. ${warning}`,
          });
          return;
        case 'voice':
          lastId += 1;
          record({
            ...base,
            id: lastId,
            channel: 'voice',
            to: message.destination,
            callerId: callerIdFor(message.code),
            code: message.code,
          });
          return;
        default:
          // factorkit's channels are open (an app may name its own); this demo sends these four.
          throw new Error(`The demo has no provider for the channel ${message.channel}`);
      }
    }
    // Approval requests: the demo sends them through Telegram only (a bot message with buttons).
    if (message.channel !== 'telegram') {
      throw new Error(`The demo sends approval requests by Telegram only, not by ${message.channel}`);
    }
    lastId += 1;
    record({
      ...base,
      id: lastId,
      channel: 'telegram',
      kind: 'approval',
      chatId: message.destination,
      challengeId: message.challengeId,
      approveToken: message.approveToken,
      denyToken: message.denyToken,
      matchChoices: message.matchChoices,
      text:
        `Someone is signing in to ${options.appName} with your password. Is it you? ` +
        'Press the number your sign-in page shows; if you see no such page, press Deny. ' +
        `This request expires in ${minutesLeft(message.expiresAt, now)}.`,
    });
  }

  return {
    deliver,
    emails: () => options.mailServer.received(),
    phoneEntries: () => entries,
    approvalEntry(id) {
      const entry = entries.find((candidate) => candidate.id === id);
      return entry?.channel === 'telegram' && entry.kind === 'approval' ? { ...entry } : undefined;
    },
    recordAnswer(id, answer) {
      const entry = entries.find((candidate) => candidate.id === id);
      if (entry?.channel === 'telegram' && entry.kind === 'approval') entry.answer = answer;
    },
  };
}

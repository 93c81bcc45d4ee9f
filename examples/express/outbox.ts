// The demo's stand-in for the real providers: the `deliver` callback given to factorkit, which
// sends nothing itself. E-mail goes for real, over SMTP to the demo's own mail server on
// 127.0.0.1 (mail.ts); SMS, Telegram messages and voice calls are kept in memory, as the phone
// would show them. /dev/outbox shows all of it: a real app has no such page (it would show
// every user's codes to whoever opens it).
import type { DeliveryMessage } from 'factorkit/delivered';
import type { MailSender, MailServer, ReceivedMail } from './mail.js';

/** 1, 2, 3...: the order in which `deliver` was called. */
type Entry = { id: number; at: number; userId: string; factorId: string; expiresAt: number };

/** A voice call's code is the end of the calling number (`callerId`): the user reads it off the caller ID. */
export type PhoneEntry =
  | (Entry & { channel: 'sms'; to: string; text: string })
  | (Entry & { channel: 'voice'; to: string; callerId: string; code: string })
  | (Entry & { channel: 'telegram'; chatId: string; text: string; kind: 'code' })
  | ApprovalEntry;

/**
 * A Telegram approval request: one button per number of `matchChoices` (number matching, NIST SP
 * 800-63B-4) and Deny, carrying the tokens; `answer` once one was pressed (Telegram, too, lets a
 * message's buttons be answered once).
 */
export type ApprovalEntry = Entry & {
  channel: 'telegram';
  chatId: string;
  text: string;
  kind: 'approval';
  challengeId: string;
  approveToken: string;
  denyToken: string;
  matchChoices: string[];
  answer?: 'approved' | 'denied' | 'wrong-number' | 'refused';
};

export interface Outbox {
  /** The `deliver` option of factorkit/delivered. */
  deliver(message: DeliveryMessage): Promise<void>;
  /** What the demo's SMTP server received, oldest first. */
  emails(): readonly ReceivedMail[];
  /** SMS, voice calls and Telegram messages, oldest first. */
  phoneEntries(): readonly PhoneEntry[];
  approvalEntry(id: number): ApprovalEntry | undefined;
  recordAnswer(id: number, answer: NonNullable<ApprovalEntry['answer']>): void;
}

export interface OutboxOptions {
  mailSender: MailSender;
  mailServer: MailServer;
  /** The app's name in every message. */
  appName: string;
  clock?: () => number;
  /** How many phone entries to keep; default 200. */
  maxEntries?: number;
}

/** "+1 555 010 1234" for code "1234": +1 555 01xx is fictional, and the last digits are the code. */
export function callerIdFor(code: string): string {
  const digits = '1555010'.slice(0, Math.max(0, 11 - code.length)) + code;
  return `+${digits.slice(0, 1)} ${digits.slice(1, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
}

/** The codes are spaced for reading ("493 817"); factorkit ignores the space when checking. */
const spaced = (code: string) => (code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code);

export function createOutbox(options: OutboxOptions): Outbox {
  const clock = options.clock ?? Date.now;
  const entries: PhoneEntry[] = [];
  const app = options.appName;

  async function deliver(message: DeliveryMessage): Promise<void> {
    const at = clock();
    const minutes = Math.max(1, Math.round((message.expiresAt - at) / 60_000));
    const expires = `It expires in ${minutes} minute${minutes === 1 ? '' : 's'}`;
    const { userId, factorId, expiresAt, destination } = message;
    const base = { id: (entries.at(-1)?.id ?? 0) + 1, at, userId, factorId, expiresAt };
    const record = (entry: PhoneEntry) => {
      entries.push(entry);
      entries.splice(0, Math.max(0, entries.length - (options.maxEntries ?? 200)));
    };
    if (message.kind === 'approval') {
      // The demo sends approval requests through Telegram only (a bot message with buttons).
      if (message.channel !== 'telegram') throw new Error(`No approval requests by ${message.channel}`);
      const { challengeId, approveToken, denyToken, matchChoices } = message;
      const text = `Someone is signing in to ${app} with your password. Is it you? Press the number your sign-in page shows; if you see no such page, press Deny. ${expires}.`;
      const approval = { challengeId, approveToken, denyToken, matchChoices, text };
      return record({ ...base, channel: 'telegram', kind: 'approval', chatId: destination, ...approval });
    }
    const what = message.purpose === 'enrollment' ? 'confirmation code' : 'sign-in code';
    // Where someone else may read it (a lock screen), it says what to do if the user did not ask.
    const warning =
      message.purpose === 'sign-in'
        ? 'If you are not signing in right now, someone has your password: change it.'
        : 'If you did not ask for this, ignore it.';
    const code = spaced(message.code);
    switch (message.channel) {
      case 'email': {
        // The subject has no code: it shows in notifications and mail lists.
        const text = `Your ${app} ${what} is ${code}.\n\n${expires} and works once.\n${warning}\n`;
        return options.mailSender.send({ to: destination, subject: `Your ${app} ${what}`, text });
      }
      case 'sms':
        return record({ ...base, channel: 'sms', to: destination, text: `${code} is your ${app} ${what}. ${warning}` });
      case 'telegram': {
        const text = `Your ${app} ${what} is ${code}. ${expires}. ${warning}`;
        return record({ ...base, channel: 'telegram', kind: 'code', chatId: destination, text });
      }
      case 'voice':
        return record({
          ...base,
          channel: 'voice',
          to: destination,
          callerId: callerIdFor(message.code),
          code: message.code,
        });
      default:
        // factorkit's channels are open (an app may name its own); this demo sends these four.
        throw new Error(`The demo has no provider for the channel ${message.channel}`);
    }
  }

  const approval = (id: number) => entries.find((e): e is ApprovalEntry => e.id === id && 'approveToken' in e);
  return {
    deliver,
    emails: () => options.mailServer.received(),
    phoneEntries: () => entries,
    approvalEntry: (id) => {
      const entry = approval(id);
      return entry && { ...entry };
    },
    recordAnswer(id, answer) {
      const entry = approval(id);
      if (entry) entry.answer = answer;
    },
  };
}

// The demo's mail path, end to end on this machine: a real SMTP server (smtp-server, from the
// Nodemailer project) listening on 127.0.0.1, and the app sending to it with a real SMTP client
// (nodemailer), as it would send to a provider's relay. What the server received is parsed with
// mailparser and shown on /dev/outbox. factorkit itself sends nothing: this is all the app's side.
//
// Loopback only and without TLS: nothing leaves the machine. A real app sends to its provider's
// relay over TLS with credentials (`secure: true` or STARTTLS, and `auth`), never in clear.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message as the SMTP server received it, and as mailparser read it. */
export interface ReceivedMail {
  /** 1, 2, 3...: the order of arrival. */
  id: number;
  receivedAt: number;
  /** The SMTP envelope (MAIL FROM / RCPT TO), which is where the server delivers. */
  envelope: { from: string; to: string[] };
  /** Header fields, as parsed. */
  from: string;
  to: string;
  subject: string;
  /** The text/plain body. */
  text: string;
  /** The message exactly as it came over the wire (RFC 5322), for whoever wants to parse it again. */
  raw: string;
}

export interface MailServer {
  /** The port the server listens on (127.0.0.1). */
  readonly port: number;
  /** Every message received, oldest first (bounded: the oldest are dropped beyond `maxMessages`). */
  received(): readonly ReceivedMail[];
  close(): Promise<void>;
}

export interface MailServerOptions {
  /** 0 (the default) picks a free port, so parallel tests and a running demo never clash. */
  port?: number;
  /** How many received messages to keep; default 200. */
  maxMessages?: number;
}

/** A message far larger than a code e-mail is refused (RFC 1870 SIZE). */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** Starts the stand-in mail server on 127.0.0.1; it accepts mail for any address. */
export async function startMailServer(options: MailServerOptions = {}): Promise<MailServer> {
  const maxMessages = options.maxMessages ?? 200;
  const messages: ReceivedMail[] = [];
  let lastId = 0;

  const smtp = new SMTPServer({
    banner: 'factorkit example mail stand-in',
    // Loopback only: no TLS and no login (see the top of this file).
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    // The demo's own machine: no reverse DNS look-up of 127.0.0.1.
    disableReverseLookup: true,
    // Its logger would print whole SMTP transcripts, codes included.
    logger: false,
    onData(stream, session, callback) {
      // Only once it is listed the 250 reply: when the sender's sendMail resolves, the message is there.
      receive(stream, session).then(
        () => callback(),
        (error: unknown) => callback(error instanceof Error ? error : new Error('Unreadable message')),
      );
    },
  });

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw Object.assign(new Error('Message too large'), { responseCode: 552 });
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw);
    const { mailFrom, rcptTo } = session.envelope;
    const to = [parsed.to ?? []].flat().map((address) => address.text);
    lastId += 1;
    messages.push({
      id: lastId,
      receivedAt: Date.now(),
      envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((recipient) => recipient.address) },
      from: parsed.from?.text ?? '',
      to: to.join(', '),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      raw: raw.toString('utf8'),
    });
    if (messages.length > maxMessages) messages.splice(0, messages.length - maxMessages);
  }

  const port = await new Promise<number>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.port ?? 0, '127.0.0.1', () => {
      smtp.off('error', reject);
      resolve((smtp.server.address() as AddressInfo).port);
    });
  });
  // A broken client connection must not take the demo down.
  smtp.on('error', () => {});

  return {
    port,
    received: () => messages,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** What the app hands its mail client: one plain-text message to one address. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export const DEMO_MAIL_FROM = '"factorkit example" <no-reply@factorkit-example.test>';

/** nodemailer's SMTP transport, pointed at the stand-in server on 127.0.0.1:`port`. */
export function createMailSender(port: number): MailSender {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    // The stand-in offers no STARTTLS (loopback only); a real relay is reached over TLS.
    ignoreTLS: true,
    name: 'localhost',
    // Its logger would print the messages, codes included.
    logger: false,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: DEMO_MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}

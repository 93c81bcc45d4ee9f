// The demo's mail path over a real SMTP conversation on 127.0.0.1: nodemailer sends, smtp-server
// receives, mailparser reads; and the raw message, parsed again here, says the same.
import { createConnection } from 'node:net';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSender, DEMO_MAIL_FROM, type MailServer, type MailSender, startMailServer } from './mail.js';

let server: MailServer;
let sender: MailSender;

beforeAll(async () => {
  server = await startMailServer({ maxMessages: 3 });
  sender = createMailSender(server.port);
});

afterAll(async () => {
  sender?.close();
  await server?.close();
});

/** One SMTP conversation by hand: each line sent after the previous reply, replies returned. */
async function converse(port: number, lines: string[]): Promise<string[]> {
  const socket = createConnection({ host: '127.0.0.1', port });
  const replies: string[] = [];
  let buffer = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A complete reply ends with a line "NNN text" (no hyphen after the code).
    const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
    if (match) {
      replies.push(buffer);
      buffer = '';
      waiting?.();
    }
  });
  const nextReply = () => new Promise<void>((resolve) => (waiting = resolve));
  await nextReply(); // the greeting
  for (const line of lines) {
    const reply = nextReply();
    socket.write(`${line}\r\n`);
    await reply;
  }
  socket.end();
  return replies;
}

describe('the demo mail path (nodemailer -> smtp-server -> mailparser)', () => {
  it('listens on a free port of 127.0.0.1, different for each server', async () => {
    const other = await startMailServer();
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(other.port).not.toBe(server.port);
    } finally {
      await other.close();
    }
  });

  it('delivers a message that arrives parsed, with its envelope and raw source', async () => {
    const before = server.received().length;
    await sender.send({
      to: 'alice@example.test',
      subject: 'Your factorkit example code',
      text: 'Your code is 493 817.\nIt expires in 10 minutes. Ünïcødé survives the trip.',
    });
    // sendMail resolves on the server's 250 reply, which comes after the message is listed.
    const received = server.received();
    expect(received).toHaveLength(before + 1);
    const mail = received.at(-1)!;
    expect(mail.envelope).toEqual({ from: 'no-reply@factorkit-example.test', to: ['alice@example.test'] });
    expect(mail.from).toBe(DEMO_MAIL_FROM);
    expect(mail.to).toBe('alice@example.test');
    expect(mail.subject).toBe('Your factorkit example code');
    expect(mail.text.trim()).toBe('Your code is 493 817.\nIt expires in 10 minutes. Ünïcødé survives the trip.');

    // The raw message is a real RFC 5322 message: headers, a blank line, an encoded body.
    expect(mail.raw).toMatch(/^[\s\S]*\r\n\r\n/);
    expect(mail.raw).toMatch(/^Subject: Your factorkit example code\r$/m);
    expect(mail.raw).toMatch(/^Message-ID: <[^>]+>\r$/im);
    const again = await simpleParser(mail.raw);
    expect(again.subject).toBe(mail.subject);
    expect(again.text?.trim()).toBe(mail.text.trim());
  });

  it('keeps the newest messages only, in order of arrival', async () => {
    for (const n of [1, 2, 3, 4]) await sender.send({ to: `user${n}@example.test`, subject: `n${n}`, text: `${n}` });
    const received = server.received();
    expect(received.map((mail) => mail.subject)).toEqual(['n2', 'n3', 'n4']);
    expect(received.map((mail) => mail.id)).toEqual([...received.map((mail) => mail.id)].sort((a, b) => a - b));
  });

  it('speaks plain SMTP without STARTTLS or AUTH, and refuses an oversized message', async () => {
    const replies = await converse(server.port, [
      'EHLO test.local',
      'MAIL FROM:<x@example.test> SIZE=10000000',
      'QUIT',
    ]);
    const ehlo = replies[1]!;
    expect(ehlo).toMatch(/^250[- ]SIZE 262144\r$/m);
    expect(ehlo).not.toMatch(/STARTTLS/);
    expect(ehlo).not.toMatch(/AUTH/);
    expect(replies[2]).toMatch(/^552 /);
  });

  it('fails the send when the server is gone, so the app can tell the user', async () => {
    const gone = await startMailServer();
    const port = gone.port;
    await gone.close();
    const orphan = createMailSender(port);
    try {
      await expect(orphan.send({ to: 'bob@example.test', subject: 's', text: 't' })).rejects.toThrow();
    } finally {
      orphan.close();
    }
  });
});

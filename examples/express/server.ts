// `npm start`: the Express demo on http://127.0.0.1:3000, with the settings of README.md (PORT,
// DATABASE_URL, FACTORKIT_KEYS, SESSION_SECRET, ADMIN_USERS, DEMO_SHORT_LIMITS). In memory it
// also starts its own SMTP server on a free port of 127.0.0.1 (mail.ts) and the outbox
// (outbox.ts) that stands in for the SMS, Telegram and voice providers: nothing leaves the machine.
import { randomBytes } from 'node:crypto';
import { type Keyring, isFactorkitError, keyringFromEnv } from 'factorkit';
import { SHORT_LIMITS, createExampleApp } from './app.js';
import { createMailSender, startMailServer } from './mail.js';
import { createOutbox } from './outbox.js';
import { openStorage } from './storage.js';
import { isUsername } from './users.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function readKeyring(persistent: boolean): Keyring {
  if (!process.env.FACTORKIT_KEYS) {
    if (persistent)
      fail('FACTORKIT_KEYS is required with DATABASE_URL: FACTORKIT_KEYS="k1:$(openssl rand -base64 32)".');
    // In memory the secrets die with the process anyway, so a throwaway key loses nothing more.
    console.warn(
      'FACTORKIT_KEYS is not set: TOTP secrets are sealed with a THROWAWAY key made at start-up. ' +
        'Set FACTORKIT_KEYS="k1:$(openssl rand -base64 32)" to keep them across restarts.',
    );
    return { currentKeyId: 'throwaway', keys: { throwaway: new Uint8Array(randomBytes(32)) } };
  }
  try {
    return keyringFromEnv(process.env.FACTORKIT_KEYS);
  } catch (error) {
    // The message names the variable and the entry, never the key.
    if (isFactorkitError(error, 'INVALID_KEYRING')) fail(error.message);
    throw error;
  }
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT must be a port number (0-65535).');
const admins = (process.env.ADMIN_USERS ?? '').split(',').map((name) => name.trim().toLowerCase());
const adminUsernames = admins.filter((name) => name !== '');
for (const name of adminUsernames) {
  if (!isUsername(name))
    fail(`ADMIN_USERS: "${name}" is not a user name (3 to 32 letters, digits, . _ -), comma-separated.`);
}
const shortLimits = process.env.DEMO_SHORT_LIMITS === '1';
const storage = await openStorage(process.env.DATABASE_URL);
const issuer = 'factorkit example';
// The outbox page shows every user's codes: tolerable for throwaway accounts that die with the
// process, not for a database that outlives it (E10 of issue 25).
const mailServer = storage.kind === 'memory' ? await startMailServer({ port: 0 }) : undefined;
const mailSender = mailServer && createMailSender(mailServer.port);
const { app } = createExampleApp({
  store: storage.store,
  users: storage.users,
  keyring: readKeyring(storage.kind === 'postgres'),
  sessionSecret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  adminUsernames,
  issuer,
  ...(shortLimits && SHORT_LIMITS),
  ...(mailServer &&
    mailSender && {
      outbox: { outbox: createOutbox({ mailSender, mailServer, appName: issuer }), smtpPort: mailServer.port },
    }),
  // Browsers refuse WebAuthn on an IP address: http://localhost:PORT offers it (not with PORT=0, known too late).
  ...(port !== 0 && { webauthn: { origin: `http://localhost:${port}` } }),
});

// An admin name nobody has signed up with yet goes to whoever signs up with it first.
const unclaimed = [];
for (const name of adminUsernames) if (!(await storage.users.findByUsername(name))) unclaimed.push(name);
if (unclaimed.length > 0) {
  console.warn(
    `ADMIN_USERS names without an account yet: ${unclaimed.join(', ')}. Whoever signs up first with such a name ` +
      'becomes an admin: sign them up yourself now, before anyone else can reach the app.',
  );
}

const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`factorkit Express example: http://127.0.0.1:${actual}/`);
  if (port !== 0) console.log(`Security keys and passkeys: open http://localhost:${actual}/ instead.`);
  console.log(
    `Storage: ${storage.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'in memory (set DATABASE_URL for PostgreSQL)'}. ` +
      'Sessions: in memory (express-session MemoryStore).',
  );
  console.log(
    mailServer
      ? `Outbox (a stand-in for real e-mail, SMS, Telegram and voice providers, for requests from 127.0.0.1 only): ` +
          `http://127.0.0.1:${actual}/dev/outbox (e-mail goes over SMTP to the demo's own server on 127.0.0.1:${mailServer.port}).`
      : 'No outbox with DATABASE_URL: e-mail, Telegram, SMS and voice factors are offered in the in-memory mode only.',
  );
  if (shortLimits) {
    console.log(
      'DEMO_SHORT_LIMITS=1: the 6th wrong code in a row locks the account until support unlocks it; 3 codes an hour.',
    );
  }
  console.log(
    adminUsernames.length > 0
      ? `Admins (ADMIN_USERS): ${adminUsernames.join(', ')}.`
      : 'No admins: set ADMIN_USERS=name1,name2 for the All users and support pages.',
  );
});
server.on('error', (error) => fail(`Cannot listen on 127.0.0.1:${port}: ${error.message}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`${signal}: stopping.`);
    server.close();
    server.closeAllConnections();
    mailSender?.close();
    void Promise.all([mailServer?.close(), storage.close()]).finally(() => process.exit(0));
  });
}

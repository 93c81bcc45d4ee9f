// `npm start`: the Express example on http://127.0.0.1:3000 (PORT to change it).
//   In memory by default: everything is lost on restart.
//   FACTORKIT_KEYS="k1:$(openssl rand -base64 32)" is the keyring that encrypts the TOTP secrets
//   at rest (keyId:key entries, the first current: factorkit's keyringFromEnv). Unset, the demo
//   says so and uses a throwaway key, and nothing sealed under it opens after a restart.
//   DATABASE_URL=postgres://... keeps users and 2FA state in PostgreSQL; then FACTORKIT_KEYS must
//   be set and kept, or every enrolled user loses 2FA at the next restart. SESSION_SECRET signs session cookies (random if unset,
//   which signs everyone out on restart).
//   ADMIN_USERS=alice,bob: the user names allowed on the admin pages (All users, support);
//   none when unset. Each must also turn 2FA on for their own account before those pages open.
//   DEMO_SHORT_LIMITS=1 lowers factorkit's throttle and delivery limits (app.ts, SHORT_LIMITS) so
//   that the pauses, the hard lock ("contact support") and the send caps show in minutes.
//   The demo also starts its own SMTP server on a free port of 127.0.0.1 (mail.ts) and sends the
//   e-mail codes there with nodemailer; /dev/outbox shows them, and the SMS, Telegram messages and
//   calls that a real app would send through its providers (outbox.ts). Nothing leaves the machine.
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

function readAdminUsernames(): string[] {
  const names = (process.env.ADMIN_USERS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!isUsername(name)) {
      fail(`ADMIN_USERS: "${name}" is not a user name (3 to 32 letters, digits, . _ -), comma-separated.`);
    }
  }
  return names;
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT must be a port number (0-65535).');

const adminUsernames = readAdminUsernames();
const shortLimits = process.env.DEMO_SHORT_LIMITS === '1';
const storage = await openStorage(process.env.DATABASE_URL);
const ISSUER = 'factorkit example';
// The stand-in providers and their /dev/outbox page, in the in-memory mode only: the page shows
// every user's codes, which is tolerable for throwaway accounts that die with the process, not
// for a database that outlives it (E10 of issue 25). With DATABASE_URL there is no sender, and
// the e-mail, Telegram, SMS and voice factors are not offered.
const demo =
  storage.kind === 'memory'
    ? await (async () => {
        // Port 0: a free port, so the demo never clashes with another one, or with tests.
        const mailServer = await startMailServer({ port: 0 });
        const mailSender = createMailSender(mailServer.port);
        return { mailServer, mailSender, outbox: createOutbox({ mailSender, mailServer, appName: ISSUER }) };
      })()
    : undefined;
const { app } = createExampleApp({
  store: storage.store,
  users: storage.users,
  keyring: readKeyring(storage.kind === 'postgres'),
  sessionSecret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  adminUsernames,
  issuer: ISSUER,
  ...(shortLimits ? SHORT_LIMITS : {}),
  // The demo's stand-in providers, and the /dev/outbox page that shows what they "sent".
  ...(demo ? { outbox: { outbox: demo.outbox, smtpPort: demo.mailServer.port } } : {}),
  // Security keys and passkeys need a host name (browsers refuse them on an IP address): the
  // pages at http://localhost:PORT offer them. Not with PORT=0, whose port is known too late.
  ...(port === 0 ? {} : { webauthn: { origin: `http://localhost:${port}` } }),
});

// An admin name nobody has signed up with yet goes to whoever signs up with it first.
const unclaimed: string[] = [];
for (const name of adminUsernames) if (!(await storage.users.findByUsername(name))) unclaimed.push(name);
if (unclaimed.length > 0) {
  console.warn(
    `ADMIN_USERS names without an account yet: ${unclaimed.join(', ')}. Whoever signs up first with such a name ` +
      'becomes an admin: sign them up yourself now, before anyone else can reach the app.',
  );
}

const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`factorkit Express example: http://127.0.0.1:${actualPort}/`);
  if (port !== 0) console.log(`Security keys and passkeys: open http://localhost:${actualPort}/ instead.`);
  console.log(
    storage.kind === 'postgres'
      ? 'Storage: PostgreSQL (DATABASE_URL). Sessions: in memory (express-session MemoryStore).'
      : 'Storage: in memory (set DATABASE_URL for PostgreSQL). Sessions: in memory (express-session MemoryStore).',
  );
  console.log(
    demo
      ? `Outbox (a stand-in for real e-mail, SMS, Telegram and voice providers, for requests from 127.0.0.1 only): ` +
          `http://127.0.0.1:${actualPort}/dev/outbox (e-mail goes over SMTP to the demo's own server on 127.0.0.1:${demo.mailServer.port}).`
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
    demo?.mailSender.close();
    void Promise.all([demo?.mailServer.close(), storage.close()]).finally(() => process.exit(0));
  });
}

// `npm start`: the Express example on http://127.0.0.1:3000 (PORT to change it).
//   In memory by default: everything is lost on restart.
//   DATABASE_URL=postgres://... keeps users and 2FA state in PostgreSQL; then FACTORKIT_KEY
//   (32 random bytes, base64: `openssl rand -base64 32`) must be set and kept, because it
//   encrypts the TOTP secrets at rest. SESSION_SECRET signs session cookies (random if unset,
//   which signs everyone out on restart).
import { randomBytes } from 'node:crypto';
import type { Keyring } from 'factorkit';
import { createExampleApp } from './app.js';
import { openStorage } from './storage.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function readKeyring(persistent: boolean): Keyring {
  const encoded = process.env.FACTORKIT_KEY;
  if (!encoded) {
    if (persistent)
      fail('FACTORKIT_KEY is required with DATABASE_URL: 32 random bytes, base64 (openssl rand -base64 32).');
    // In memory the secrets die with the process, so a per-process key is enough.
    return { currentKeyId: 'ephemeral', keys: { ephemeral: new Uint8Array(randomBytes(32)) } };
  }
  const key = new Uint8Array(Buffer.from(encoded, 'base64'));
  if (key.length !== 32) fail('FACTORKIT_KEY must be 32 bytes, base64-encoded.');
  return { currentKeyId: 'k1', keys: { k1: key } };
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PORT must be a port number (0-65535).');

const storage = await openStorage(process.env.DATABASE_URL);
const { app } = createExampleApp({
  store: storage.store,
  users: storage.users,
  keyring: readKeyring(storage.kind === 'postgres'),
  sessionSecret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
});

const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`factorkit Express example: http://127.0.0.1:${actualPort}/`);
  console.log(
    storage.kind === 'postgres'
      ? 'Storage: PostgreSQL (DATABASE_URL). Sessions: in memory (express-session MemoryStore).'
      : 'Storage: in memory (set DATABASE_URL for PostgreSQL). Sessions: in memory (express-session MemoryStore).',
  );
});
server.on('error', (error) => fail(`Cannot listen on 127.0.0.1:${port}: ${error.message}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    void storage.close().finally(() => process.exit(0));
  });
}

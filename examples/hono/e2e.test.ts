// Every 2FA flow and the web half's defences in Chromium, through factorkit/hono: the Hono
// example on PostgreSQL (factorkit/postgres with pg; the app's users and sessions in its own
// tables), served by @hono/node-server. Each run has its own table names.
import { randomBytes } from 'node:crypto';
import type { DeliveryMessage } from 'factorkit/delivered';
import { connectPostgres } from '../../test/support/services.js';
import { PASSWORD, webFlowSuite } from '../../test/web/suite.js';
import { tableNames } from './db.js';
import { listenHonoExample } from './server.js';

webFlowSuite('hono', async (clock) => {
  const pool = await connectPostgres(4);
  const tables = tableNames(`e2e_hono_${randomBytes(4).toString('hex')}_`);
  const outbox: DeliveryMessage[] = [];
  const listening = await listenHonoExample({
    pool,
    tables,
    keyring: { currentKeyId: 'e2e', keys: { e2e: crypto.getRandomValues(new Uint8Array(32)) } },
    deliver: async (message) => void outbox.push(message),
    now: clock,
    port: 0,
    hostname: '127.0.0.1',
  });
  return {
    baseUrl: listening.origin,
    outbox,
    addUser: async (name) => void (await listening.db.addUser(name, PASSWORD)),
    close: async () => {
      await listening.close();
      await pool.query(`DROP TABLE IF EXISTS ${tables.sessions}, ${tables.users}, ${tables.twoFactor}`);
      await pool.end();
    },
  };
});

// Serves the Hono example with @hono/node-server. `npx tsx examples/hono/server.ts` runs it (see
// README.md); the end-to-end tests call listenHonoExample with a port of 0 and their own clock.
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { keyringFromEnv } from 'factorkit';
import type { Hono } from 'hono';
import pg from 'pg';
import { type HonoAppOptions, createHonoApp } from './app.js';
import { type AppDatabase, tableNames } from './db.js';

export interface Listening {
  server: ReturnType<typeof createAdaptorServer>;
  origin: string;
  db: AppDatabase;
  close(): Promise<void>;
}

/**
 * Listens first, then builds the app for the origin it got (the CSRF check needs it): with
 * port 0 the port is known only then.
 */
export async function listenHonoExample(
  options: Omit<HonoAppOptions, 'origin'> & { port: number; hostname: string; origin?: string },
): Promise<Listening> {
  let app: Hono | undefined;
  const server = createAdaptorServer({ fetch: (request, env) => app!.fetch(request, env) });
  await new Promise<void>((resolve) => server.listen(options.port, options.hostname, resolve));
  const origin = options.origin ?? `http://${options.hostname}:${(server.address() as AddressInfo).port}`;
  const built = await createHonoApp({ ...options, origin });
  app = built.app;
  const close = async () => {
    (server as import('node:http').Server).closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { server, origin, db: built.db, close };
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  const tables = tableNames(process.env.TABLE_PREFIX ?? 'hono_demo_');
  const listening = await listenHonoExample({
    pool,
    tables,
    keyring: keyringFromEnv(process.env.FACTORKIT_KEYS),
    // The demo's stand-in for an e-mail provider: the code goes to this terminal only.
    deliver: async (message) => {
      if (message.kind === 'code') console.log(`[demo e-mail to ${message.destination}] your code: ${message.code}`);
    },
    port: Number(process.env.PORT ?? 3000),
    hostname: '127.0.0.1',
    ...(process.env.ORIGIN === undefined ? {} : { origin: process.env.ORIGIN }),
  });
  const existing = await pool.query(`SELECT name FROM ${tables.users}`);
  for (const name of ['alice', 'bob']) {
    if (!existing.rows.some((row) => row.name === name)) await listening.db.addUser(name, 'demo password');
  }
  console.log(`Hono example on ${listening.origin}: users alice and bob, password "demo password"`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

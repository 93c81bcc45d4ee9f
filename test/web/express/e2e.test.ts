// Every 2FA flow and the web half's defences in Chromium, through factorkit/express: the
// minimal Express 5 app of ./app.ts (sessions in express-session's MemoryStore, users in memory).
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryMessage } from 'factorkit/delivered';
import { PASSWORD, webFlowSuite } from '../suite.js';
import { createExpressApp } from './app.js';
import { UserTable } from './users.js';

webFlowSuite('express', async (clock) => {
  const users = new UserTable();
  const outbox: DeliveryMessage[] = [];
  const keyring = { currentKeyId: 'e2e', keys: { e2e: crypto.getRandomValues(new Uint8Array(32)) } };
  // Listen first: the app's CSRF check needs the origin, which port 0 gives only then.
  const server = await new Promise<Server>((resolve) => {
    const listening = createServer().listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { app } = createExpressApp({ origin: baseUrl, keyring, users, outbox, now: clock });
  server.on('request', app);
  return {
    baseUrl,
    outbox,
    addUser: async (name) => void (await users.add(name, PASSWORD)),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
});

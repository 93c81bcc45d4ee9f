// factorkit/express and factorkit/hono as an app installs them: the packed tarball, with Express
// and Hono brought by the app (optional peers). Each mounts factorkit/http's second step and
// answers its JSON routes through the real framework; both are ES modules only, so require()
// is told so by Node itself.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedApp, packedApp } from './packed-app.js';

let app: PackedApp;
beforeAll(() => {
  app = packedApp();
  for (const peer of ['express', 'hono']) app.link(peer);
}, 120_000);
afterAll(() => app?.remove());

function node(script: string, name: string) {
  writeFileSync(join(app.dir, name), script);
  const result = spawnSync(process.execPath, [name], { cwd: app.dir, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr, stdout: result.stdout };
}

// The second step both apps mount: no one is signed in, so /2fa/status answers 401.
const SECOND_STEP = `
import { MemoryStore, createTwoFactor } from 'factorkit';
import { createSecondStep } from 'factorkit/http';
const keyring = { currentKeyId: 'k', keys: { k: new Uint8Array(32).fill(1) } };
const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Packed', keyring });
const secondStep = createSecondStep({
  twoFactor, keyring, origins: ['http://127.0.0.1'],
  session: { currentUserId: () => undefined, establish: () => {}, endOtherSessions: () => {} },
});
`;

describe('the web adapters from the packed package', () => {
  it('factorkit/express answers /2fa routes in an Express app and passes other paths on', () => {
    const result = node(
      `${SECOND_STEP}
import express from 'express';
import { expressSecondStep } from 'factorkit/express';
const server = express().use(expressSecondStep(secondStep)).get('/', (_req, res) => res.send('app')).listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const status = await fetch(base + '/2fa/status');
  console.log(JSON.stringify([status.status, (await status.json()).reason, await (await fetch(base + '/')).text()]));
  server.close();
});`,
      'express-app.mjs',
    );
    expect(result.status, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([401, 'not-signed-in', 'app']);
  });

  it('factorkit/hono answers /2fa routes in a Hono app and passes other paths on', () => {
    const result = node(
      `${SECOND_STEP}
import { Hono } from 'hono';
import { honoSecondStep } from 'factorkit/hono';
const app = new Hono().use(honoSecondStep(secondStep)).get('/', (c) => c.text('app'));
const status = await app.request('http://127.0.0.1/2fa/status');
console.log(JSON.stringify([status.status, (await status.json()).reason, await (await app.request('http://127.0.0.1/')).text()]));`,
      'hono-app.mjs',
    );
    expect(result.status, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([401, 'not-signed-in', 'app']);
  });

  it.each(['express', 'hono'])('factorkit/%s has no CommonJS entry: require() names the missing export', (name) => {
    const result = node(`require('factorkit/${name}');`, `require-${name}.cjs`);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

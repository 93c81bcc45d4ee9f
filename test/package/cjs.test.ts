// The CommonJS build is self-contained: its ESM-only dependencies are bundled into the .cjs
// files (tsup.config.ts), so `require()` works where require(esm) does not: Node with
// `--no-experimental-require-module` (and Node before 20.19), and CommonJS loaders such as
// tsx's for `.cts` files, which crashed with ERR_VM_MODULE_LINK_FAILURE when index.cjs
// required base32-encode and @noble/hashes. Run over the built dist/ and the packed package.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RFC4226_SECRET_BASE32 } from '../support/vectors.js';
import { type PackedApp, packedApp, root } from './packed-app.js';

const NO_REQUIRE_ESM = '--no-experimental-require-module';

function node(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr, stdout: result.stdout };
}

// What the entries print in the app below; each value comes through a bundled dependency:
// @noble/hashes (HOTP's HMAC-SHA-1, the Redis script's SHA-1), base32-encode, and qrcode-svg
// (CommonJS, left external).
const expected = {
  hotp: '755224', // RFC 4226 Appendix D, count 0
  base32: RFC4226_SECRET_BASE32,
  svg: true,
  schema: true,
  scriptSha1: createHash('sha1').update('return 1').digest('hex'),
};

let app: PackedApp;
beforeAll(() => {
  app = packedApp();
}, 120_000);
afterAll(() => app?.remove());

describe('CommonJS build without require(esm)', () => {
  it.each(['index', 'postgres', 'redis', 'sqlite', 'mysql'])('dist/%s.cjs loads', (entry) => {
    const result = node([NO_REQUIRE_ESM, '-e', `require('./dist/${entry}.cjs')`], root);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('the packed package works through require() of every entry but testing', () => {
    const script = `const { encodeBase32, generateHotp, renderQrSvg } = require('factorkit');
const { postgresSchemaSql } = require('factorkit/postgres');
const { redisScript } = require('factorkit/redis');
const secret = new TextEncoder().encode('12345678901234567890');
console.log(JSON.stringify({
  hotp: generateHotp(secret, 0),
  base32: encodeBase32(secret),
  svg: renderQrSvg('otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Example').startsWith('<svg'),
  schema: postgresSchemaSql().includes('factorkit_two_factor'),
  scriptSha1: redisScript('return 1').sha1,
}));`;
    const result = node([NO_REQUIRE_ESM, '-e', script], app.dir);
    expect(result.status, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  it('a .cts file importing factorkit runs under tsx', () => {
    copyFileSync(join(root, 'test/package/fixtures/require-factorkit.cts'), join(app.dir, 'main.cts'));
    const result = node([join(root, 'node_modules/tsx/dist/cli.mjs'), 'main.cts'], app.dir);
    expect(result.status, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  // factorkit/testing registers vitest suites, and vitest is the app's (an optional peer, left
  // external). Vitest ships no CommonJS entry that loads (its `require` export throws by
  // design), so factorkit/testing is ES modules only: require() is told so by Node itself.
  it('factorkit/testing has no CommonJS entry: require() names the missing export', () => {
    const result = node(['-e', "require('factorkit/testing')"], app.dir);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  // factorkit/messages is ES modules only (its five languages again as CommonJS would push the
  // tarball past its budget): CommonJS code imports it.
  it('factorkit/messages: require() names the missing export, import() from CommonJS works', () => {
    const required = node(['-e', "require('factorkit/messages')"], app.dir);
    expect(required.status).not.toBe(0);
    expect(required.output).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const script = "import('factorkit/messages').then((m) => console.log(m.formatWait(2000, { locale: 'de' })));";
    const imported = node(['-e', script], app.dir);
    expect(imported.status, imported.output).toBe(0);
    expect(imported.stdout.trim()).toBe('2 Sekunden');
  });
});

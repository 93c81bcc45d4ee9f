import { HotpKey } from '../src/_hotp.js';
import { decodeBase32 } from '../src/base32.js';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { createHmac } from 'node:crypto';
import { SECRET_BASE32, SECRET_BYTES } from './fixtures.js';
let s: unknown;
function t(name: string, f: () => unknown, n = 200000) {
  for (let i = 0; i < n / 4; i++) s = f();
  const a = performance.now();
  for (let i = 0; i < n; i++) s = f();
  console.log(name.padEnd(30), (((performance.now() - a) / n) * 1e6).toFixed(0), 'ns');
}
const msg = new Uint8Array(8);
const k = new HotpKey(SECRET_BYTES, 'SHA1');
for (let r = 0; r < 2; r++) {
t('fk decodeBase32', () => decodeBase32(SECRET_BASE32));
t('oslo decode', () => decodeBase32IgnorePadding(SECRET_BASE32));
t('new HotpKey', () => new HotpKey(SECRET_BYTES, 'SHA1'));
t('truncated', () => k.truncated(56666667));
t('noble hmac one-shot', () => hmac(sha1, SECRET_BYTES, msg));
t('sha1 of 64 bytes', () => sha1(new Uint8Array(64)));
t('sha1 of 8 bytes', () => sha1(msg));
t('node createHmac', () => createHmac('sha1', SECRET_BYTES).update(msg).digest());
}

// The platform AES-256-GCM (node:crypto, Web Crypto) against @noble/ciphers, the audited
// portable implementation: the same bytes for the same inputs, and every tampered byte refused.
import { gcm } from '@noble/ciphers/aes.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FactorkitError } from '../../src/errors/index.js';
import { SecretSealer } from '../../src/lifecycle/kernel/crypto.js';
import { platformAesGcm } from '../../src/platform/aes-gcm.js';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const implementations = [platformAesGcm('node:crypto'), platformAesGcm('web-crypto')];

describe('platform AES-256-GCM', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each(implementations)('$name gives @noble/ciphers bytes for plaintexts of 0 to 80 bytes', async (cipher) => {
    for (let length = 0; length <= 80; length++) {
      const [key, iv, aad, plaintext] = [random(32), random(12), random(length % 40), random(length)];
      const expected = gcm(key, iv, aad).encrypt(plaintext);
      expect(await cipher.encrypt(key, iv, aad, plaintext)).toEqual(expected);
      expect(await cipher.decrypt(key, iv, aad, expected)).toEqual(plaintext);
    }
  });

  it.each(implementations)(
    '$name refuses every flipped bit of the ciphertext and tag, and another AAD',
    async (cipher) => {
      const [key, iv, aad, plaintext] = [random(32), random(12), random(20), random(20)];
      const sealed = await cipher.encrypt(key, iv, aad, plaintext);
      for (let index = 0; index < sealed.length; index++) {
        const tampered = sealed.slice();
        tampered[index] = (tampered[index] ?? 0) ^ (1 << (index % 8));
        await expect(cipher.decrypt(key, iv, aad, tampered)).rejects.toThrow();
      }
      await expect(cipher.decrypt(key, iv, random(20), sealed)).rejects.toThrow();
      await expect(cipher.decrypt(key, iv, aad, sealed.subarray(0, 15))).rejects.toThrow();
    },
  );

  it('auto picks node:crypto under Node', () => {
    expect(platformAesGcm().name).toBe('node:crypto');
  });

  it('a keyring in a runtime with neither cipher is refused where it is given, with CIPHER_UNAVAILABLE', () => {
    vi.stubGlobal('process', { ...process, getBuiltinModule: undefined });
    vi.stubGlobal('crypto', {});
    const keyring = { currentKeyId: 'k', keys: { k: new Uint8Array(32) } };
    let thrown: unknown;
    try {
      new SecretSealer(keyring);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FactorkitError);
    expect((thrown as FactorkitError).code).toBe('CIPHER_UNAVAILABLE');
    // Without a keyring nothing is encrypted, so no cipher is needed.
    expect(new SecretSealer(undefined).encrypts).toBe(false);
  });

  it('a secret sealed through node:crypto opens through Web Crypto and back, bound to its user', async () => {
    const keyring = { currentKeyId: 'k', keys: { k: random(32) } };
    const viaNode = new SecretSealer(keyring, false, 'node:crypto');
    const viaWeb = new SecretSealer(keyring, false, 'web-crypto');
    const secret = random(20);
    expect(await viaWeb.open('ada', await viaNode.seal('ada', secret))).toEqual(secret);
    expect(await viaNode.open('ada', await viaWeb.seal('ada', secret))).toEqual(secret);
    await expect(viaWeb.open('bob', await viaNode.seal('ada', secret))).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
  });
});

describe('SecretSealer.openPrepared', () => {
  const keyring = { currentKeyId: 'k', keys: { k: random(32) } };

  it('prepares once per secret and preparation, hands over a copy that is zeroed after, and still refuses what fails', async () => {
    const sealer = new SecretSealer(keyring);
    const secret = random(20);
    const sealed = await sealer.seal('ada', secret);
    if (sealed.enc !== 'A256GCM') throw new Error('a keyring seals with AES-256-GCM');
    const given: Uint8Array[] = [];
    const prepare = (bytes: Uint8Array) => {
      given.push(bytes);
      return { sum: bytes.reduce((a, b) => a + b, 0) };
    };
    const first = await sealer.openPrepared('ada', sealed, prepare);
    expect(first.sum).toBe(secret.reduce((a, b) => a + b, 0));
    expect(await sealer.openPrepared('ada', { ...sealed }, prepare)).toBe(first);
    expect(given).toHaveLength(1);
    expect(given[0]).toEqual(new Uint8Array(20));
    // Another preparation of the same secret is its own entry.
    const other = await sealer.openPrepared('ada', sealed, (bytes) => ({ length: bytes.length }));
    expect(other).toEqual({ length: 20 });
    // The cache is keyed by user and exact text: neither another user nor a changed byte hits it.
    await expect(sealer.openPrepared('bob', sealed, prepare)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    const flipped = { ...sealed, ct: `${sealed.ct.slice(0, -2)}${sealed.ct.endsWith('AA') ? 'AB' : 'AA'}` };
    await expect(sealer.openPrepared('ada', flipped, prepare)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(given).toHaveLength(1);
  });
});

describe('SecretSealer: what it sealed it opens without decrypting', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the sealed text opens from the cache, for that user only; an edited text is decrypted (and refused)', async () => {
    const nodeCrypto = process.getBuiltinModule('node:crypto');
    const decrypts = vi.spyOn(nodeCrypto, 'createDecipheriv');
    const sealer = new SecretSealer({ currentKeyId: 'k', keys: { k: random(32) } });
    const secret = random(20);
    const sealed = await sealer.seal('ada', secret);
    secret.fill(0); // the caller zeroes its bytes: the cache kept a copy
    if (sealed.enc !== 'A256GCM') throw new Error('a keyring seals with AES-256-GCM');
    const opened = await sealer.open('ada', { ...sealed });
    expect(opened).not.toEqual(new Uint8Array(20));
    expect(decrypts).not.toHaveBeenCalled();
    await expect(sealer.open('bob', sealed)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    const flipped = { ...sealed, ct: `${sealed.ct.slice(0, -2)}${sealed.ct.endsWith('AA') ? 'AB' : 'AA'}` };
    await expect(sealer.open('ada', flipped)).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(decrypts).toHaveBeenCalledTimes(2);
  });
});

describe('SecretSealer: the cache of opened secrets is bounded by bytes as well as entries (issue 28)', () => {
  const keyring = { currentKeyId: 'k', keys: { k: random(32) } };
  const prepare = (bytes: Uint8Array) => ({ first: bytes[0] });

  it('10,000 users with 255-character ids and 64-byte secrets stay under 16 MiB; the oldest go first and open again', async () => {
    const sealer = new SecretSealer(keyring);
    const users = Array.from({ length: 10_000 }, (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(249)}`);
    const sealed = await Promise.all(users.map((userId) => sealer.seal(userId, random(64))));
    for (const [i, userId] of users.entries()) await sealer.openPrepared(userId, sealed[i]!, prepare);
    const { entries, bytes } = sealer.openedCacheSize;
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    // Each such entry counts about 2.1 kB: the byte budget, not the entry limit, bounds the cache.
    expect(entries).toBeGreaterThan(7000);
    expect(entries).toBeLessThan(9000);
    // The first user's secret was evicted: it opens again (a miss), right.
    expect(await sealer.open(users[0]!, sealed[0]!)).toHaveLength(64);
  });

  it('short ids and secrets are bounded by the entry count, 10,000, and the byte count follows every eviction', async () => {
    const sealer = new SecretSealer(keyring);
    const sealed = await Promise.all(Array.from({ length: 10_050 }, (_, i) => sealer.seal(`u${i}`, random(20))));
    for (const [i, one] of sealed.entries()) await sealer.openPrepared(`u${i}`, one, prepare);
    const { entries, bytes } = sealer.openedCacheSize;
    expect(entries).toBe(10_000);
    expect(bytes).toBeGreaterThan(10_000 * 1024);
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

// keyringFromEnv: the documented format, a loud typed failure for every bad value (never showing
// the key), and the "no keyring" warning once per process.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore, createTwoFactor, generateTotp, isFactorkitError, keyringFromEnv } from 'factorkit';

const FAST_BACKUP = { kdf: { N: 16, r: 1, p: 1 }, allowWeakKdf: true };
const bytes = (fill: number, length = 32) => new Uint8Array(length).fill(fill);
const base64 = (key: Uint8Array) => btoa(String.fromCharCode(...key));
const base64url = (key: Uint8Array) => base64(key).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The error keyringFromEnv throws for `value`, checked to be INVALID_KEYRING. */
function refusal(value: string | undefined, options?: { name?: string }): Error {
  try {
    keyringFromEnv(value, options);
  } catch (error) {
    expect(isFactorkitError(error, 'INVALID_KEYRING'), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('keyringFromEnv', () => {
  it('reads keyId:key entries, the first one current, in standard or URL-safe base64', () => {
    const a = bytes(0xfb); // 0xfb bytes encode with '+' and '/' in standard base64
    const b = bytes(7);
    const keyring = keyringFromEnv(` 2026-07:${base64(a)} ,\n2026-01:${base64url(b)}\n`);
    expect(keyring.currentKeyId).toBe('2026-07');
    expect(Object.keys(keyring.keys)).toEqual(['2026-07', '2026-01']);
    expect(keyring.keys['2026-07']).toEqual(a);
    expect(keyring.keys['2026-01']).toEqual(b);
    expect(keyringFromEnv(`k:${base64(a).replace(/=+$/, '')}`).keys.k).toEqual(a);
  });

  it('gives a keyring createTwoFactor seals with, and a rotated one still opens', async () => {
    const store = new MemoryStore();
    const old = `old:${base64(bytes(1))}`;
    const first = createTwoFactor({ store, issuer: 'X', keyring: keyringFromEnv(old), backupCodes: FAST_BACKUP });
    const { secret } = await first.beginEnrollment('u', { account: 'a' });
    expect(JSON.parse((await store.get('u'))!.data).factors[0].secret.keyId).toBe('old');
    const rotated = keyringFromEnv(`new:${base64(bytes(2))},${old}`);
    const second = createTwoFactor({ store, issuer: 'X', keyring: rotated, backupCodes: FAST_BACKUP });
    expect((await second.confirmEnrollment('u', generateTotp(secret))).ok).toBe(true);
    expect(JSON.parse((await store.get('u'))!.data).factors[0].secret.keyId).toBe('new');
  });

  it('refuses a missing or empty value, naming the variable', () => {
    for (const value of [undefined, '', '  \n']) expect(refusal(value).message).toMatch(/^FACTORKIT_KEYS is not set/);
    expect(refusal(undefined, { name: 'APP_2FA_KEYS' }).message).toMatch(/^APP_2FA_KEYS is not set/);
  });

  it('refuses every malformed entry with INVALID_KEYRING, and never shows the key', () => {
    const key = base64(bytes(0xab));
    const cases: [string, RegExp][] = [
      [key, /entry 1 is not keyId:key/], // a bare key: the id is missing
      [`a:${base64(bytes(1))},${key}`, /entry 2 is not keyId:key/],
      [`a:${key},`, /entry 2 is not keyId:key/],
      [`:${key}`, /key ids must be 1 to 64 characters/],
      [`${'i'.repeat(65)}:${key}`, /key ids must be 1 to 64 characters/],
      [`a:${key},a:${base64(bytes(1))}`, /key id 'a' appears twice/],
      [`a:${key.slice(0, -3)}!!=`, /key 'a' is not base64/],
      [`a:${key}====`, /key 'a' is not base64/],
      [`a:${key.slice(2)}`, /key 'a' is not base64/], // 42 characters and '=': misplaced padding
      [`a:${key.slice(0, 10)}`, /key 'a' must be a Uint8Array of exactly 32 bytes/],
      [`a:${base64(bytes(0xab, 33))}`, /exactly 32 bytes/],
      [`a:${base64(bytes(0xab, 16))}`, /exactly 32 bytes/],
      [`a:`, /exactly 32 bytes|not base64/],
    ];
    for (const [value, message] of cases) {
      const error = refusal(value);
      expect(error.message, value).toMatch(message);
      expect(error.message).toMatch(/^FACTORKIT_KEYS: /);
      expect(error.message).not.toContain(key);
      expect(error.message).not.toContain(key.slice(0, 16));
    }
  });

  it('refuses bad arguments with INVALID_ARGUMENT', () => {
    for (const value of [null, 42, {}, new Uint8Array(32)]) {
      expect(() => keyringFromEnv(value as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    for (const options of [null, 'x', { name: '' }, { name: 7 }]) {
      expect(() => keyringFromEnv(`a:${base64(bytes(1))}`, options as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});

describe('the "no keyring" warning', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints once per process on the console, however many createTwoFactor calls', () => {
    const printed = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (let i = 0; i < 5; i++) createTwoFactor({ store: new MemoryStore(), issuer: 'X' });
    expect(printed).toHaveBeenCalledTimes(1);
    expect(String(printed.mock.calls[0]?.[0])).toMatch(/NO KEYRING CONFIGURED/);
    // With a keyring there is nothing to say.
    createTwoFactor({ store: new MemoryStore(), issuer: 'X', keyring: keyringFromEnv(`k:${base64(bytes(3))}`) });
    expect(printed).toHaveBeenCalledTimes(1);
  });

  it('reaches each warn function the app passes once', () => {
    const printed = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const heard: string[] = [];
    const warn = (message: string) => heard.push(message);
    createTwoFactor({ store: new MemoryStore(), issuer: 'X', warn });
    createTwoFactor({ store: new MemoryStore(), issuer: 'X', warn });
    expect(heard).toHaveLength(1);
    const other: string[] = [];
    createTwoFactor({ store: new MemoryStore(), issuer: 'X', warn: (message) => other.push(message) });
    expect(other).toHaveLength(1);
    expect(printed).not.toHaveBeenCalled();
  });
});

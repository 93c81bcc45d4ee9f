// Steam Guard codes against codes the Steam mobile app showed (KeePassXC, tests/TestTotp.cpp:
// "created by running the Steam Guard function of the Steam mobile app with a throw-away steam
// account") and against steam-totp (DoctorMcKay/node-steam-totp), an independent implementation.
import fc from 'fast-check';
import SteamTotp from 'steam-totp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeBase32,
  encodeBase32,
  generateSteamGuardCode,
  generateTotp,
  isFactorkitError,
  verifySteamGuardCode,
} from 'factorkit';

const KEEPASSXC_SECRET = '63BEDWCQZKTQWPESARIERL5DTTQFCJTK';
const KEEPASSXC_VECTORS: [number, string][] = [
  [1_511_200_518, 'FR8RV'],
  [1_511_200_714, '9P3VP'],
];

/** steam-totp reads the clock itself; pin it to `seconds` for one call. */
function steamTotpAt(secret: Uint8Array, seconds: number): string {
  const spy = vi.spyOn(Date, 'now').mockReturnValue(seconds * 1000);
  try {
    // As Steam's maFiles store it: base64.
    return SteamTotp.generateAuthCode(Buffer.from(secret).toString('base64'));
  } finally {
    spy.mockRestore();
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFactorkitError(error) ? error.code : 'not a FactorkitError';
  }
  return undefined;
}

afterEach(() => vi.restoreAllMocks());

describe('generateSteamGuardCode', () => {
  it.each(KEEPASSXC_VECTORS)('at %i s gives what the Steam app showed: %s', (seconds, code) => {
    expect(generateSteamGuardCode(KEEPASSXC_SECRET, { time: seconds * 1000 })).toBe(code);
    expect(generateSteamGuardCode(decodeBase32(KEEPASSXC_SECRET), { time: seconds * 1000 + 999 })).toBe(code);
    expect(steamTotpAt(decodeBase32(KEEPASSXC_SECRET), seconds)).toBe(code);
  });

  it('equals steam-totp for random secrets and times (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        // steam-totp writes a 32-bit step, so stay below 2^32 steps of 30 s.
        fc.integer({ min: 0, max: 2 ** 32 * 30 - 1 }),
        (secret, seconds) => {
          expect(generateSteamGuardCode(secret, { time: seconds * 1000 })).toBe(steamTotpAt(secret, seconds));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is 5 characters of the Steam alphabet, never the 6-digit TOTP code of the same step', () => {
    for (let seconds = 0; seconds < 30 * 200; seconds += 30) {
      const code = generateSteamGuardCode(KEEPASSXC_SECRET, { time: seconds * 1000 });
      expect(code).toMatch(/^[23456789BCDFGHJKMNPQRTVWXY]{5}$/);
      expect(code).not.toBe(generateTotp(KEEPASSXC_SECRET, { time: seconds * 1000 }));
    }
  });

  it('refuses what Steam fixes and bad arguments, with typed errors', () => {
    expect(codeOf(() => generateSteamGuardCode(KEEPASSXC_SECRET, { digits: 5 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => generateSteamGuardCode(KEEPASSXC_SECRET, { period: 30 } as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => generateSteamGuardCode(KEEPASSXC_SECRET, { algorithm: 'SHA1' } as never))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => generateSteamGuardCode('JBSWY3DPEHPK3PXP'))).toBe('WEAK_SECRET');
    expect(generateSteamGuardCode('JBSWY3DPEHPK3PXP', { allowWeakSecret: true, time: 0 })).toHaveLength(5);
    expect(codeOf(() => generateSteamGuardCode('not base32!'))).toBe('INVALID_SECRET');
    expect(codeOf(() => generateSteamGuardCode(KEEPASSXC_SECRET, { time: -1 }))).toBe('INVALID_TIME');
    expect(codeOf(() => generateSteamGuardCode(KEEPASSXC_SECRET, null as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('verifySteamGuardCode', () => {
  const [[seconds, code]] = KEEPASSXC_VECTORS as [[number, string]];
  const time = seconds * 1000;
  const step = Math.floor(seconds / 30);

  it('accepts the code, in lower case and with spaces, and returns its step', () => {
    for (const typed of [code, code.toLowerCase(), `${code.slice(0, 2)} ${code.slice(2)}`]) {
      expect(verifySteamGuardCode(typed, KEEPASSXC_SECRET, { time })).toEqual({ valid: true, step, delta: 0 });
    }
  });

  it('accepts the previous and next step within window 1, not with window 0', () => {
    expect(verifySteamGuardCode(code, KEEPASSXC_SECRET, { time: time + 30_000 })).toEqual({
      valid: true,
      step,
      delta: -1,
    });
    expect(verifySteamGuardCode(code, KEEPASSXC_SECRET, { time: time - 30_000 })).toEqual({
      valid: true,
      step,
      delta: 1,
    });
    expect(verifySteamGuardCode(code, KEEPASSXC_SECRET, { time: time + 30_000, window: 0 })).toEqual({
      valid: false,
      reason: 'invalid',
    });
  });

  it('refuses a replay with afterStep', () => {
    expect(verifySteamGuardCode(code, KEEPASSXC_SECRET, { time, afterStep: step })).toEqual({
      valid: false,
      reason: 'replayed',
    });
  });

  it('reports malformed input without throwing: digits, wrong length, letters outside the alphabet', () => {
    for (const typed of ['123456', 'FR8R', 'FR8RVV', 'FR8RA', 'FR0RV', '', 'x'.repeat(100), 42 as unknown as string]) {
      expect(verifySteamGuardCode(typed, KEEPASSXC_SECRET, { time })).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('a wrong code of the right shape is invalid, and the 6-digit TOTP code is malformed', () => {
    expect(verifySteamGuardCode('BBBBB', KEEPASSXC_SECRET, { time })).toEqual({ valid: false, reason: 'invalid' });
    expect(verifySteamGuardCode(generateTotp(KEEPASSXC_SECRET, { time }), KEEPASSXC_SECRET, { time })).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('round-trips with generate for random secrets and times (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 32 }), fc.nat({ max: 2 ** 40 }), (secret, ms) => {
        const generated = generateSteamGuardCode(encodeBase32(secret), { time: ms });
        expect(verifySteamGuardCode(generated, secret, { time: ms, window: 0 }).valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('bad options are typed errors', () => {
    expect(codeOf(() => verifySteamGuardCode(code, KEEPASSXC_SECRET, { window: 11 }))).toBe('INVALID_WINDOW');
    expect(codeOf(() => verifySteamGuardCode(code, KEEPASSXC_SECRET, { afterStep: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => verifySteamGuardCode(code, KEEPASSXC_SECRET, { digits: 5 } as never))).toBe('INVALID_ARGUMENT');
  });
});

// "No early exit": verification computes and compares every candidate, wherever the match
// is (or whether there is one), so its running time does not say which step matched. Counted
// as HMACs finished by @noble/hashes, the library every code goes through: each candidate
// finishes two noble hashes, its HMAC's inner and outer one (keying a key no longer than a
// block finishes none).
import { HashMD } from '@noble/hashes/_md.js';
import { _HMAC } from '@noble/hashes/hmac.js';
import { generateHotp, generateTotp, totpStep, verifyHotp, verifyTotp } from 'factorkit';
import { afterEach, describe, expect, it, vi } from 'vitest';

function countHmacs() {
  const digests = vi.spyOn(HashMD.prototype, 'digest');
  return () => digests.mock.calls.length / 2;
}

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const TIME = 1_700_000_000_000;
const PERIOD_MS = 30_000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('verifyTotp does the same work for every outcome', () => {
  const window = 4;
  const step = totpStep({ time: TIME });
  const codeAt = (delta: number) => generateTotp(SECRET, { time: (step + delta) * PERIOD_MS });
  const outcomes: Array<[string, string, number | undefined]> = [
    ['match at the oldest step', codeAt(-window), undefined],
    ['match at the current step', codeAt(0), undefined],
    ['match at the newest step', codeAt(window), undefined],
    ['no match', codeAt(window + 7), undefined],
    ['replayed match', codeAt(0), step],
  ];

  for (const [what, code, afterStep] of outcomes) {
    it(`${what}: ${2 * window + 1} candidates computed`, () => {
      const hmacs = countHmacs();
      verifyTotp(code, SECRET, { time: TIME, window, afterStep });
      expect(hmacs()).toBe(2 * window + 1);
    });
  }

  it('a malformed code computes nothing (no secret-dependent work to time)', () => {
    const hmacs = countHmacs();
    expect(verifyTotp('12a456', SECRET, { time: TIME, window })).toEqual({ valid: false, reason: 'malformed' });
    expect(hmacs()).toBe(0);
  });
});

describe('verifyHotp does the same work for every outcome', () => {
  const lookAhead = 6;
  for (const k of [0, 3, lookAhead, lookAhead + 5]) {
    it(`code for counter + ${k}: ${lookAhead + 1} candidates computed`, () => {
      const code = generateHotp(SECRET, 100 + k);
      const hmacs = countHmacs();
      verifyHotp(code, SECRET, 100, { lookAhead });
      expect(hmacs()).toBe(lookAhead + 1);
    });
  }
});

// The keyed HMAC states are as good as the key: every call destroys (zeroes) its own keyed HMAC
// before it returns.
describe('every HOTP/TOTP call destroys its keyed state', () => {
  const step = totpStep({ time: TIME });
  const now = generateTotp(SECRET, { time: TIME });
  const later = generateTotp(SECRET, { time: TIME + 9 * PERIOD_MS });
  const hotp = generateHotp(SECRET, 9);
  const calls: Array<[string, () => unknown]> = [
    ['generateTotp', () => generateTotp(SECRET, { time: TIME })],
    ['verifyTotp, match', () => verifyTotp(now, SECRET, { time: TIME })],
    ['verifyTotp, no match', () => verifyTotp(later, SECRET, { time: TIME })],
    ['verifyTotp, replayed', () => verifyTotp(now, SECRET, { time: TIME, afterStep: step })],
    ['generateHotp', () => generateHotp(SECRET, 7)],
    ['verifyHotp', () => verifyHotp(hotp, SECRET, 7)],
  ];
  for (const [what, call] of calls) {
    it(what, () => {
      const destroy = vi.spyOn(_HMAC.prototype, 'destroy');
      call();
      expect(destroy).toHaveBeenCalledTimes(1);
    });
  }

  it('the keyed HMAC a verification destroys computes nothing more', () => {
    const destroy = vi.spyOn(_HMAC.prototype, 'destroy');
    verifyTotp(now, SECRET, { time: TIME, window: 3 });
    const keyed = destroy.mock.contexts[0] as _HMAC<never>;
    expect(() => keyed.update(new Uint8Array(8))).toThrow(/destroyed/);
  });
});

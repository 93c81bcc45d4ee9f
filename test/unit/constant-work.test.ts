// "No early exit": verification computes and compares every candidate, wherever the match
// is (or whether there is one), so its running time does not say which step matched. Counted
// as HMAC computations finished by @noble/hashes, the library every code goes through.
import { _HMAC } from '@noble/hashes/hmac.js';
import { generateHotp, generateTotp, totpStep, verifyHotp, verifyTotp } from 'factorkit';
import { afterEach, describe, expect, it, vi } from 'vitest';

const countHmacs = () => vi.spyOn(_HMAC.prototype, 'digestInto');

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
      const spy = countHmacs();
      verifyTotp(code, SECRET, { time: TIME, window, afterStep });
      expect(spy).toHaveBeenCalledTimes(2 * window + 1);
    });
  }

  it('a malformed code computes nothing (no secret-dependent work to time)', () => {
    const spy = countHmacs();
    expect(verifyTotp('12a456', SECRET, { time: TIME, window })).toEqual({ valid: false, reason: 'malformed' });
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('verifyHotp does the same work for every outcome', () => {
  const lookAhead = 6;
  for (const k of [0, 3, lookAhead, lookAhead + 5]) {
    it(`code for counter + ${k}: ${lookAhead + 1} candidates computed`, () => {
      const code = generateHotp(SECRET, 100 + k);
      const spy = countHmacs();
      verifyHotp(code, SECRET, 100, { lookAhead });
      expect(spy).toHaveBeenCalledTimes(lookAhead + 1);
    });
  }
});

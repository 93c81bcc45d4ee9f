import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeBase32,
  encodeBase32,
  generateHotp,
  generateTotp,
  totpStep,
  verifyHotp,
  verifyTotp,
  type HashAlgorithm,
  type VerifyTotpResult,
} from 'factorkit';

const SEED = 0x4648;
const RUNS = 1_000;
const params = { seed: SEED, numRuns: RUNS };

const bytes = fc.uint8Array({ minLength: 1, maxLength: 80 });
const secret = fc.uint8Array({ minLength: 16, maxLength: 64 });
const algorithm = fc.constantFrom<HashAlgorithm>('SHA1', 'SHA256', 'SHA512');
const digits = fc.integer({ min: 6, max: 10 });
const periodSeconds = fc.oneof(fc.constant(30), fc.integer({ min: 1, max: 600 }));
const timeMs = fc.integer({ min: 0, max: 20_000_000_000_000 });
const side = fc.integer({ min: 0, max: 10 });
/** A window as the caller writes it, and the [past, future] it means. */
const windowArb = fc.oneof(
  side.map((w) => ({ window: w as number | [number, number], past: w, future: w })),
  fc.tuple(side, side).map(([past, future]) => ({ window: [past, future] as [number, number], past, future })),
);

describe('base32', () => {
  it('decode(encode(bytes)) is the bytes, and the text has a length an encoder can produce', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const text = encodeBase32(input);
        expect(text).toMatch(/^[A-Z2-7]+$/);
        expect([0, 2, 4, 5, 7]).toContain(text.length % 8);
        expect(decodeBase32(text)).toEqual(input);
      }),
      params,
    );
  });

  it('lower-case, grouped and padded variants of the same text decode to the same bytes', () => {
    fc.assert(
      fc.property(
        bytes,
        fc.infiniteStream(fc.boolean()),
        fc.infiniteStream(fc.constantFrom('', '', '', ' ', '-', '  ', ' - ')),
        fc.boolean(),
        (input, lower, separators, pad) => {
          const text = encodeBase32(input);
          const lowerIt = lower[Symbol.iterator]();
          const sepIt = separators[Symbol.iterator]();
          let variant = '';
          for (const char of text) {
            variant += (lowerIt.next().value ? char.toLowerCase() : char) + sepIt.next().value;
          }
          if (pad) variant += '='.repeat((8 - (text.length % 8)) % 8);
          expect(decodeBase32(variant)).toEqual(input);
        },
      ),
      params,
    );
  });
});

/**
 * What verifyTotp must answer, computed the slow obvious way from generateTotp (itself pinned by
 * the RFC vectors and the otpauth differential test): among the steps in the window that
 * produce `code`, the one closest to now that is not a replay; on a tie the earlier step.
 */
function oracle(
  code: string,
  key: Uint8Array,
  opts: { time: number; period: number; algorithm: HashAlgorithm; digits: number },
  past: number,
  future: number,
  afterStep?: number,
): VerifyTotpResult {
  const now = totpStep(opts);
  let best: number | undefined;
  let replayed = false;
  // 0 - past, not -past: with past 0 that would be -0, which no caller expects in `delta`.
  for (let delta = 0 - past; delta <= future; delta++) {
    const step = now + delta;
    if (step < 0) continue;
    if (generateTotp(key, { ...opts, time: step * opts.period * 1000 }) !== code) continue;
    if (afterStep !== undefined && step <= afterStep) replayed = true;
    else if (best === undefined || Math.abs(delta) < Math.abs(best)) best = delta;
  }
  if (best !== undefined) return { valid: true, step: now + best, delta: best };
  return { valid: false, reason: replayed ? 'replayed' : 'invalid' };
}

const totpCase = fc.record({ key: secret, time: timeMs, algorithm, digits, period: periodSeconds, w: windowArb });

describe('TOTP generate -> verify', () => {
  it('a code verifies at delta 0 with its own step, whatever the window', () => {
    fc.assert(
      fc.property(totpCase, ({ key, time, algorithm: alg, digits: dig, period, w }) => {
        const opts = { time, algorithm: alg, digits: dig, period };
        const code = generateTotp(key, opts);
        expect(verifyTotp(code, key, { ...opts, window: w.window })).toEqual({
          valid: true,
          step: totpStep(opts),
          delta: 0,
        });
      }),
      params,
    );
  });

  it('a code from any step within the window is valid, reported with its step and delta', () => {
    fc.assert(
      fc.property(
        totpCase,
        fc.integer({ min: -10, max: 10 }),
        ({ key, time, algorithm: alg, digits: dig, period, w }, pick) => {
          // Map the pick into [-past, future].
          const delta = Math.max(-w.past, Math.min(w.future, pick));
          const opts = { time, algorithm: alg, digits: dig, period };
          const step = totpStep(opts);
          fc.pre(step + delta >= 0);
          const code = generateTotp(key, { ...opts, time: (step + delta) * period * 1000 });
          const result = verifyTotp(code, key, { ...opts, window: w.window });
          expect(result.valid).toBe(true);
          expect(result).toEqual(oracle(code, key, opts, w.past, w.future));
          // Only a code collision with a step nearer to now may report another delta.
          if (result.valid && result.delta !== delta)
            expect(Math.abs(result.delta)).toBeLessThanOrEqual(Math.abs(delta));
        },
      ),
      params,
    );
  });

  it('a code from a step outside the window is invalid (barring a code collision inside it)', () => {
    let invalid = 0;
    fc.assert(
      fc.property(
        totpCase,
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        ({ key, time, algorithm: alg, digits: dig, period, w }, beyond, late) => {
          const opts = { time, algorithm: alg, digits: dig, period };
          const step = totpStep(opts);
          const delta = late ? w.future + beyond : -w.past - beyond;
          fc.pre(step + delta >= 0);
          const code = generateTotp(key, { ...opts, time: (step + delta) * period * 1000 });
          const result = verifyTotp(code, key, { ...opts, window: w.window });
          expect(result).toEqual(oracle(code, key, opts, w.past, w.future));
          if (!result.valid) invalid++;
        },
      ),
      params,
    );
    // Collisions are rare (at most 21 candidates against >= 10^6 codes): nearly every case is a refusal.
    expect(invalid).toBeGreaterThan(RUNS * 0.95);
  });

  it('afterStep refuses the step it names and every earlier one (replay), and only those', () => {
    fc.assert(
      fc.property(
        totpCase,
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: -3, max: 3 }),
        ({ key, time, algorithm: alg, digits: dig, period, w }, pick, afterOffset) => {
          const delta = Math.max(-w.past, Math.min(w.future, pick));
          const opts = { time, algorithm: alg, digits: dig, period };
          const codeStep = totpStep(opts) + delta;
          fc.pre(codeStep >= 0);
          const code = generateTotp(key, { ...opts, time: codeStep * period * 1000 });
          const afterStep = codeStep + afterOffset;
          const result = verifyTotp(code, key, { ...opts, window: w.window, afterStep });
          expect(result).toEqual(oracle(code, key, opts, w.past, w.future, afterStep));
          if (afterOffset >= 0) {
            // The code's own step is used up: it can only pass through a collision at a later step.
            if (result.valid) expect(result.step).toBeGreaterThan(afterStep);
            else expect(result.reason).toBe('replayed');
          } else {
            expect(result.valid).toBe(true);
          }
        },
      ),
      params,
    );
  });

  it('the epoch shifts steps: (time, epoch) gives the code of (time - epoch, 0)', () => {
    fc.assert(
      fc.property(secret, timeMs, timeMs, periodSeconds, (key, a, b, period) => {
        const [epoch, time] = a <= b ? [a, b] : [b, a];
        expect(generateTotp(key, { time, epoch, period })).toBe(generateTotp(key, { time: time - epoch, period }));
      }),
      { ...params, numRuns: 300 },
    );
  });
});

describe('HOTP generate -> verify', () => {
  it('look-ahead accepts counter + k for k <= lookAhead, with that delta', () => {
    fc.assert(
      fc.property(
        secret,
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2 ** 53 - 200 })),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 120 }),
        digits,
        (key, counter, lookAhead, k, dig) => {
          const code = generateHotp(key, counter + k, { digits: dig });
          const result = verifyHotp(code, key, counter, { lookAhead, digits: dig });
          // Expected: the first counter in [counter, counter + lookAhead] that produces the code.
          let first = -1;
          for (let d = 0; d <= lookAhead && first === -1; d++) {
            if (generateHotp(key, counter + d, { digits: dig }) === code) first = d;
          }
          if (k <= lookAhead) expect(first).not.toBe(-1);
          expect(result).toEqual(
            first === -1
              ? { valid: false, reason: 'invalid' }
              : { valid: true, counter: counter + first, delta: first },
          );
        },
      ),
      { ...params, numRuns: 300 },
    );
  });

  it('never looks behind: the previous counter code is refused (barring a collision ahead)', () => {
    let refused = 0;
    fc.assert(
      fc.property(secret, fc.integer({ min: 1, max: 1_000_000 }), (key, counter) => {
        const code = generateHotp(key, counter - 1);
        const result = verifyHotp(code, key, counter, { lookAhead: 5 });
        if (!result.valid) refused++;
        else expect(generateHotp(key, result.counter)).toBe(code);
      }),
      params,
    );
    expect(refused).toBeGreaterThan(RUNS * 0.95);
  });
});

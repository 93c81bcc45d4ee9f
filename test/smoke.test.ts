import { describe, expect, it } from 'vitest';
import { generateHotp, generateTotp, verifyTotp } from 'factorkit';

const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('core smoke', () => {
  it('computes the first RFC 4226 code', () => {
    expect(generateHotp(RFC_SECRET, 0)).toBe('755224');
  });
  it('verifies a code one step ahead and reports the step and delta', () => {
    const code = generateTotp(RFC_SECRET, { time: 89_000 });
    expect(verifyTotp(code, RFC_SECRET, { time: 59_000 })).toEqual({ valid: true, step: 2, delta: 1 });
  });
});

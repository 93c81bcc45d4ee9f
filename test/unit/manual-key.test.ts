import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, formatManualKey, isFactorkitError } from 'factorkit';

describe('formatManualKey', () => {
  it('groups unpadded upper-case base32 in fours', () => {
    // The Key-Uri-Format example secret (google/google-authenticator wiki).
    expect(formatManualKey('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(formatManualKey('HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ')).toBe('HXDM VJEC JJWS RB3H WIZR 4IFU GFTM XBOZ');
  });

  it('accepts lenient input: lower case, spaces, dashes, padding', () => {
    expect(formatManualKey('jbsw-y3dp ehpk 3pxp')).toBe('JBSW Y3DP EHPK 3PXP');
    // 26 data characters: the last group is short and the padding is gone.
    const padded = `${encodeBase32(new Uint8Array(16).fill(255))}======`;
    const formatted = formatManualKey(padded.toLowerCase());
    expect(formatted).toMatch(/^([A-Z2-7]{4} ){6}[A-Z2-7]{2}$/);
    expect(formatted).not.toContain('=');
  });

  it('round-trips through decodeBase32 for any secret (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const formatted = formatManualKey(encodeBase32(bytes));
        expect(formatted).toMatch(/^[A-Z2-7]{1,4}( [A-Z2-7]{1,4})*$/);
        expect(
          formatted
            .split(' ')
            .slice(0, -1)
            .every((group) => group.length === 4),
        ).toBe(true);
        expect(decodeBase32(formatted)).toEqual(bytes);
        expect(formatManualKey(formatted)).toBe(formatted);
      }),
    );
  });

  it('refuses what is not base32 with INVALID_SECRET, without echoing it', () => {
    for (const bad of ['', 'JBSWY3DPEHPK3PX1', 'ABC', 'JBSW!Y3DP', 42, null, undefined]) {
      let caught: unknown;
      try {
        formatManualKey(bad as string);
      } catch (error) {
        caught = error;
      }
      expect(isFactorkitError(caught, 'INVALID_SECRET'), String(bad)).toBe(true);
      if (typeof bad === 'string' && bad.length > 3) expect((caught as Error).message).not.toContain(bad);
    }
  });
});

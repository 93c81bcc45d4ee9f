// Issue 14, item 6: input is bounded before any work is spent on it. A code longer than any
// valid code is malformed at once (the lifecycle then does not count it); a secret above the
// documented maximum (1024 bytes) is refused, as text before decoding and as bytes.
import {
  buildOtpauthUri,
  encodeBase32,
  generateHotp,
  generateTotp,
  isFactorkitError,
  parseOtpauthUri,
  verifyHotp,
  verifyTotp,
} from 'factorkit';
import { describe, expect, it } from 'vitest';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const thrownCode = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return isFactorkitError(error) ? error.code : error;
  }
  return undefined;
};

describe('codes longer than any valid code', () => {
  it('10 MB of spaces around a right code is malformed, for TOTP and HOTP', () => {
    const right = generateTotp(SECRET, { time: 59_000 });
    const padded = `${' '.repeat(10 * 1024 * 1024)}${right}`;
    expect(verifyTotp(padded, SECRET, { time: 59_000 })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyHotp(`${' '.repeat(65)}${generateHotp(SECRET, 0)}`, SECRET, 0)).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('up to 64 characters, grouping spaces are still ignored', () => {
    const right = generateTotp(SECRET, { time: 59_000, digits: 10 });
    const spaced = `${right.slice(0, 5)}${' '.repeat(64 - 10)}${right.slice(5)}`;
    expect(spaced).toHaveLength(64);
    expect(verifyTotp(spaced, SECRET, { time: 59_000, digits: 10 }).valid).toBe(true);
    expect(verifyTotp(`${spaced} `, SECRET, { time: 59_000, digits: 10 })).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });
});

describe('secrets above 1024 bytes', () => {
  const bytes = (length: number) => new Uint8Array(length).map((_, i) => i);

  it('are refused as bytes and as base32 text with INVALID_SECRET; 1024 bytes still work', () => {
    expect(generateTotp(bytes(1024), { time: 0 })).toMatch(/^\d{6}$/);
    expect(generateTotp(encodeBase32(bytes(1024)), { time: 0 })).toBe(generateTotp(bytes(1024), { time: 0 }));
    expect(thrownCode(() => generateTotp(bytes(1025), { time: 0 }))).toBe('INVALID_SECRET');
    expect(thrownCode(() => generateTotp(encodeBase32(bytes(1025)), { time: 0 }))).toBe('INVALID_SECRET');
    expect(thrownCode(() => verifyTotp('123456', bytes(1025), { time: 0 }))).toBe('INVALID_SECRET');
  });

  it('a megabyte of base32 is refused before it is decoded', () => {
    expect(thrownCode(() => verifyTotp('123456', 'A'.repeat(1024 * 1024)))).toBe('INVALID_SECRET');
  });

  it('Key URIs: building and parsing refuse them', () => {
    const long = encodeBase32(bytes(1025));
    expect(thrownCode(() => buildOtpauthUri({ type: 'totp', account: 'a', secret: long }))).toBe('INVALID_SECRET');
    expect(thrownCode(() => parseOtpauthUri(`otpauth://totp/a?secret=${long}`))).toBe('URI_INVALID_SECRET');
    // Over 16 KiB the whole URI is refused before it is even split.
    expect(thrownCode(() => parseOtpauthUri(`otpauth://totp/a?secret=${'A'.repeat(1024 * 1024)}`))).toBe(
      'URI_MALFORMED',
    );
    expect(thrownCode(() => parseOtpauthUri(`otpauth://totp/a?secret=${'A'.repeat(4097)}`))).toBe('URI_INVALID_SECRET');
    const ok = encodeBase32(bytes(1024));
    expect(parseOtpauthUri(buildOtpauthUri({ type: 'totp', account: 'a', secret: ok })).secret).toBe(ok);
  });
});

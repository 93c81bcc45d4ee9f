// Warnings follow the Key-Uri-Format (google/google-authenticator wiki): Google Authenticator
// ignores algorithm, digits and period; old versions read the issuer only from the label
// prefix, new ones from the issuer parameter, so both are recommended; padding "should be omitted".
import { describe, expect, it } from 'vitest';
import { buildOtpauthUri, generateSecret, isFactorkitError, lintOtpauthUri, type OtpauthRecord } from 'factorkit';

const SECRET = 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ';
const codes = (input: string | OtpauthRecord) =>
  lintOtpauthUri(input)
    .map((warning) => warning.code)
    .sort();

describe('lintOtpauthUri', () => {
  it('has nothing to say about a default URI built with an issuer', () => {
    const record: OtpauthRecord = { type: 'totp', issuer: 'Example', account: 'alice', secret: generateSecret() };
    expect(lintOtpauthUri(record)).toEqual([]);
    expect(lintOtpauthUri(buildOtpauthUri(record))).toEqual([]);
    expect(
      lintOtpauthUri(`otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example&algorithm=SHA1&digits=6&period=30`),
    ).toEqual([]);
  });

  it('warns about settings apps ignore, and a missing issuer', () => {
    const record: OtpauthRecord = {
      type: 'totp',
      account: 'alice',
      secret: SECRET,
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    };
    const expected = ['ALGORITHM_NOT_SHA1', 'DIGITS_NOT_6', 'MISSING_ISSUER', 'PERIOD_NOT_30'];
    expect(codes(record)).toEqual(expected);
    expect(codes(buildOtpauthUri(record))).toEqual(expected);
    for (const warning of lintOtpauthUri(record)) {
      expect(typeof warning.message).toBe('string');
      expect(warning.message.length).toBeGreaterThan(10);
      expect(warning.message).not.toContain(SECRET);
    }
  });

  it('does not warn about period for hotp', () => {
    expect(codes({ type: 'hotp', issuer: 'X', account: 'a', secret: SECRET, counter: 3 })).toEqual([]);
  });

  it('warns about weak secrets instead of throwing', () => {
    expect(codes({ type: 'totp', issuer: 'GitHub', account: 'octocat', secret: 'JBSWY3DPEHPK3PXP' })).toEqual([
      'WEAK_SECRET',
    ]);
    expect(codes('otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub')).toEqual(['WEAK_SECRET']);
  });

  it('reports where the issuer is written in a URI string', () => {
    expect(codes(`otpauth://totp/Example:alice?secret=${SECRET}`)).toEqual(['ISSUER_ONLY_IN_LABEL']);
    expect(codes(`otpauth://totp/Example%3A%20alice?secret=${SECRET}`)).toEqual(['ISSUER_ONLY_IN_LABEL']);
    expect(codes(`otpauth://totp/alice?secret=${SECRET}&issuer=Example`)).toEqual(['ISSUER_ONLY_IN_PARAMETER']);
    expect(codes(`otpauth://totp/alice?secret=${SECRET}`)).toEqual(['MISSING_ISSUER']);
    expect(codes(`otpauth://totp/alice?secret=${SECRET}&issuer=`)).toEqual(['MISSING_ISSUER']);
  });

  it('reports a secret that is not unpadded upper-case base32 (Google issues lower case)', () => {
    expect(
      codes('otpauth://totp/Google%3Afoo%40example.com?secret=qlt6vmy6svfx4bt4rpmisaiyol6hihca&issuer=Google'),
    ).toEqual(['SECRET_NOT_CANONICAL']);
    expect(codes(`otpauth://totp/X:a?secret=${SECRET.slice(0, 26)}%3D%3D%3D%3D%3D%3D&issuer=X`)).toEqual([
      'SECRET_NOT_CANONICAL',
    ]);
    expect(codes(`otpauth://totp/X:a?secret=${SECRET.slice(0, 16)}%20${SECRET.slice(16)}&issuer=X`)).toEqual([
      'SECRET_NOT_CANONICAL',
    ]);
  });

  it('ignores unknown parameters, even ones whose value does not decode', () => {
    expect(codes(`otpauth://totp/X:a?secret=${SECRET}&issuer=X&image=%zz&icon`)).toEqual([]);
  });

  it('throws the parse or build codes for input that is not a valid URI or record', () => {
    const codeOf = (input: unknown) => {
      try {
        lintOtpauthUri(input as string);
      } catch (error) {
        return isFactorkitError(error) ? error.code : 'other';
      }
      return undefined;
    };
    expect(codeOf('https://example.com')).toBe('URI_INVALID_SCHEME');
    expect(codeOf(`otpauth://totp/A:a?secret=${SECRET}&issuer=B`)).toBe('URI_ISSUER_MISMATCH');
    expect(codeOf({ type: 'totp', account: 'a:b', secret: SECRET })).toBe('INVALID_LABEL');
    expect(codeOf({ type: 'totp', account: 'a', secret: SECRET, digits: 4 })).toBe('INVALID_DIGITS');
    expect(codeOf(null)).toBe('INVALID_ARGUMENT');
    expect(codeOf(42)).toBe('INVALID_ARGUMENT');
  });
});

// Lenient Key URI parsing over a corpus of real-world URIs (test/support/uri-corpus.ts, each
// with its source): the strict result stays what it was, the lenient one is the record the
// authenticator apps read, with its deviations as warnings; round trips build -> lenient parse.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildOtpauthUri,
  encodeBase32,
  generateSteamGuardCode,
  generateTotp,
  isFactorkitError,
  lintOtpauthUri,
  parseOtpauthUri,
  type CompleteOtpauthRecord,
  type OtpauthRecord,
  type OtpauthWarningCode,
} from 'factorkit';
import { URI_CORPUS } from '../support/uri-corpus.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return error.code;
    throw error;
  }
  return undefined;
}

// Warnings for what the lenient parser reads differently from the strict one.
const REINTERPRETING: readonly OtpauthWarningCode[] = ['LABEL_PLUS_AS_SPACE', 'STEAM_ISSUER'];
// Warnings only a URI the strict parser refuses can carry.
const LENIENT_ONLY: readonly OtpauthWarningCode[] = [
  'ISSUER_MISMATCH',
  'MISSING_ACCOUNT',
  'COLON_IN_ACCOUNT',
  'COLON_IN_ISSUER',
  'SECRET_BAD_LENGTH',
  'SECRET_BAD_PADDING',
  'MISSING_COUNTER',
  'STEAM_GUARD',
];

describe('the corpus', () => {
  it('has about 40 real-world shapes, each with a source, and a strict refusal for about half', () => {
    expect(URI_CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(URI_CORPUS.map((entry) => entry.id)).size).toBe(URI_CORPUS.length);
    for (const entry of URI_CORPUS) expect(entry.source, entry.id).toMatch(/^(https?:\/\/|[\w.-]+\/[\w.-]+, |@otplib)/);
    const refused = URI_CORPUS.filter((entry) => entry.strict !== 'ok');
    expect(refused.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(URI_CORPUS)('$id', (entry) => {
    it(`strict: ${entry.strict}`, () => {
      if (entry.strict === 'ok') {
        expect(codeOf(() => parseOtpauthUri(entry.uri))).toBeUndefined();
      } else {
        expect(codeOf(() => parseOtpauthUri(entry.uri))).toBe(entry.strict);
      }
    });

    it('lenient: the expected record and warnings, and lint reports the same warnings', () => {
      const { record, warnings } = parseOtpauthUri(entry.uri, { lenient: true });
      expect(record).toStrictEqual(entry.lenient.record);
      expect(warnings.map((w) => w.code)).toEqual(entry.lenient.warnings);
      expect(lintOtpauthUri(entry.uri, { lenient: true })).toEqual(warnings);
      for (const warning of warnings) {
        expect(warning.message.length).toBeGreaterThan(20);
        expect(warning.message).not.toContain(record.secret);
      }
    });

    it('lenient agrees with strict wherever strict accepts, unless a warning says why not', () => {
      if (entry.strict !== 'ok') {
        // Something the strict parser refuses always leaves a trace in the warnings.
        const codes = parseOtpauthUri(entry.uri, { lenient: true }).warnings.map((w) => w.code);
        const explained = codes.some((code) => LENIENT_ONLY.includes(code)) || entry.uri.startsWith('steam:');
        expect(explained, codes.join()).toBe(true);
        return;
      }
      const strict = parseOtpauthUri(entry.uri);
      const lenient = parseOtpauthUri(entry.uri, { lenient: true });
      const codes = lenient.warnings.map((w) => w.code);
      expect(codes.filter((code) => LENIENT_ONLY.includes(code))).toEqual([]);
      if (!codes.some((code) => REINTERPRETING.includes(code))) {
        expect(lenient.record).toStrictEqual(strict);
        expect(lenient.warnings).toEqual(lintOtpauthUri(entry.uri));
      }
    });

    it('round trip: build -> lenient parse gives the same record, or build refuses the label', () => {
      const { record } = parseOtpauthUri(entry.uri, { lenient: true });
      if (record.type === 'steam') {
        // A Steam Guard record's codes are Steam Guard's 5 characters.
        expect(generateSteamGuardCode(record.secret, { time: 0, allowWeakSecret: true })).toMatch(
          /^[23456789BCDFGHJKMNPQRTVWXY]{5}$/,
        );
        return;
      }
      let uri: string;
      try {
        uri = buildOtpauthUri(record, { allowWeakSecret: true });
      } catch (error) {
        // Only the label parts the lenient parser lets through and the builder refuses.
        expect(isFactorkitError(error, 'INVALID_LABEL')).toBe(true);
        expect(record.account === '' || `${record.issuer}${record.account}`.includes(':')).toBe(true);
        return;
      }
      const again = parseOtpauthUri(uri, { lenient: true });
      expect(again.record).toStrictEqual(record);
      expect(again.warnings.map((w) => w.code).filter((code) => LENIENT_ONLY.includes(code))).toEqual([]);
      expect(parseOtpauthUri(uri)).toStrictEqual(record);
    });
  });
});

describe('issuer precedence', () => {
  const secret = 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ';
  const parse = (uri: string) => parseOtpauthUri(uri, { lenient: true });

  it('the parameter wins; a prefix differing only in case is dropped, any other stays in the account', () => {
    expect(parse(`otpauth://totp/example:alice?secret=${secret}&issuer=Example`).record).toMatchObject({
      issuer: 'Example',
      account: 'alice',
    });
    expect(parse(`otpauth://totp/Contoso:alice?secret=${secret}&issuer=Microsoft`).record).toMatchObject({
      issuer: 'Microsoft',
      account: 'Contoso:alice',
    });
  });

  it('a label starting with the parameter and a colon splits there, even when the issuer holds colons', () => {
    const { record, warnings } = parse(`otpauth://totp/A%3AB%3AC%3Abob?secret=${secret}&issuer=A%3AB%3AC`);
    expect(record).toMatchObject({ issuer: 'A:B:C', account: 'bob' });
    expect(warnings.map((w) => w.code)).toEqual(['COLON_IN_ISSUER']);
  });
});

describe('+ in the label', () => {
  const secret = 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ';
  const parse = (uri: string) => parseOtpauthUri(uri, { lenient: true });

  it('stays a plus in a label without form-encoding evidence (an e-mail tag)', () => {
    expect(parse(`otpauth://totp/Example:alice+tag@example.com?secret=${secret}&issuer=Example`).record.account).toBe(
      'alice+tag@example.com',
    );
    // Go's url.PathEscape: %20 for spaces, '+' and '@' raw.
    expect(parse(`otpauth://totp/Big%20Co:alice+tag@example.com?secret=${secret}&issuer=Big%20Co`).record.account).toBe(
      'alice+tag@example.com',
    );
  });

  it('is a space beside an escaped @ or :, or when only that reading makes the issuers agree', () => {
    expect(parse(`otpauth://totp/Big+Co%3Aalice%40example.com?secret=${secret}&issuer=Big+Co`).record).toMatchObject({
      issuer: 'Big Co',
      account: 'alice@example.com',
    });
    const { record, warnings } = parse(`otpauth://totp/Big+Co:alice?secret=${secret}&issuer=Big%20Co`);
    expect(record).toMatchObject({ issuer: 'Big Co', account: 'alice' });
    expect(warnings[0]!.code).toBe('LABEL_PLUS_AS_SPACE');
  });
});

describe('what stays refused with lenient: true', () => {
  const cases: [string, string][] = [
    ['otpauth://totp/a', 'URI_MISSING_SECRET'],
    ['otpauth://totp/a?secret=A', 'URI_INVALID_SECRET'], // one character: no byte at all
    ['otpauth://totp/a?secret=JBSW1Y3D', 'URI_INVALID_SECRET'],
    ['otpauth://totp/a?secret=JBSW=Y3DPEHPK3PXP', 'URI_INVALID_SECRET'],
    ['otpauth://motp/a?secret=JBSWY3DPEHPK3PXP', 'URI_INVALID_TYPE'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&encoder=yandex', 'URI_INVALID_TYPE'],
    ['otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&encoder=steam', 'URI_INVALID_TYPE'],
    ['otpauth://steam/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256', 'URI_INVALID_ALGORITHM'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&encoder=steam&period=60', 'URI_INVALID_PERIOD'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP', 'URI_DUPLICATE_PARAMETER'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=5', 'URI_INVALID_DIGITS'],
    ['otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1', 'URI_INVALID_COUNTER'],
    ['otpauth://totp/a%00b?secret=JBSWY3DPEHPK3PXP', 'URI_MALFORMED'],
    ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&issuer=%07', 'URI_MALFORMED'],
    ['otpauth://totp/caf%C3?secret=JBSWY3DPEHPK3PXP', 'URI_MALFORMED_ENCODING'],
    ['https://example.com/?secret=JBSWY3DPEHPK3PXP', 'URI_INVALID_SCHEME'],
    ['steam://', 'URI_MISSING_SECRET'],
    [`otpauth://totp/a?secret=${'A'.repeat(5000)}`, 'URI_INVALID_SECRET'],
  ];
  it.each(cases)('%s -> %s', (uri, code) => {
    expect(codeOf(() => parseOtpauthUri(uri, { lenient: true }))).toBe(code);
  });

  it('INVALID_ARGUMENT for a non-string and for a bad lenient option', () => {
    expect(codeOf(() => parseOtpauthUri(42 as unknown as string, { lenient: true }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => parseOtpauthUri('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', { lenient: 'yes' } as never))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => lintOtpauthUri('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', { lenient: 1 } as never))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('Steam Guard is never a silently wrong 6-digit code', () => {
  const secret = '63BEDWCQZKTQWPESARIERL5DTTQFCJTK';
  const time = 1_511_200_518_000; // KeePassXC tests/TestTotp.cpp: the Steam app showed FR8RV

  it('strict refuses encoder=steam, which it used to read as a 6-digit TOTP', () => {
    expect(codeOf(() => parseOtpauthUri(`otpauth://totp/Steam:a?secret=${secret}&issuer=Steam&encoder=steam`))).toBe(
      'URI_INVALID_TYPE',
    );
    expect(codeOf(() => parseOtpauthUri(`otpauth://totp/a?secret=${secret}&encoder=STEAM`))).toBe('URI_INVALID_TYPE');
  });

  it('every Steam form read leniently gives the code the Steam app showed', () => {
    for (const uri of [
      `otpauth://totp/Steam:a?secret=${secret}&issuer=Steam&encoder=steam`,
      `otpauth://steam/Steam:a?secret=${secret}&issuer=Steam`,
      `steam://${secret}`,
      `otpauth://totp/Steam:a?secret=${secret}&issuer=Steam`,
    ]) {
      const { record } = parseOtpauthUri(uri, { lenient: true });
      expect(record.type, uri).toBe('steam');
      expect(generateSteamGuardCode(record.secret, { time })).toBe('FR8RV');
    }
  });

  it('strict lint warns that a Steam-issued totp URI is no 6-digit TOTP', () => {
    const uri = `otpauth://totp/Steam:a?secret=${secret}&issuer=Steam`;
    expect(parseOtpauthUri(uri).type).toBe('totp');
    expect(lintOtpauthUri(uri).map((w) => w.code)).toEqual(['STEAM_ISSUER']);
    expect(lintOtpauthUri({ type: 'totp', issuer: 'Steam', account: 'a', secret }).map((w) => w.code)).toEqual([
      'STEAM_ISSUER',
    ]);
  });
});

// Label parts that build accepts (no colon, no edge whitespace, no control character) and that
// are not Steam.
const labelPart = fc
  .string({
    unit: fc.constantFrom('a', 'Z', '0', ' ', '@', '&', '#', '?', '%', '+', '=', '/', '.', 'é', '東', '🙂'),
    minLength: 1,
    maxLength: 10,
  })
  .filter((s) => s.trim() === s && s.toLowerCase() !== 'steam');
const recordArb: fc.Arbitrary<OtpauthRecord> = fc
  .record({
    type: fc.constantFrom('totp' as const, 'hotp' as const),
    issuer: fc.option(labelPart, { nil: undefined }),
    account: labelPart,
    secret: fc.uint8Array({ minLength: 1, maxLength: 64 }).map(encodeBase32),
    algorithm: fc.constantFrom('SHA1' as const, 'SHA256' as const, 'SHA512' as const),
    digits: fc.integer({ min: 6, max: 10 }),
    period: fc.integer({ min: 1, max: 120 }),
    counter: fc.nat(),
  })
  .map(({ type, issuer, period, counter, ...rest }) => ({
    type,
    ...rest,
    ...(issuer === undefined ? {} : { issuer }),
    ...(type === 'totp' ? { period } : { counter }),
  }));

describe('properties (fast-check)', () => {
  it('lenient parse of a built URI equals strict parse, and its warnings equal strict lint', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const uri = buildOtpauthUri(record, { allowWeakSecret: true });
        const lenient = parseOtpauthUri(uri, { lenient: true });
        expect(lenient.record).toStrictEqual(parseOtpauthUri(uri) as CompleteOtpauthRecord);
        expect(lenient.warnings).toEqual(lintOtpauthUri(uri));
      }),
      { numRuns: 400 },
    );
  });

  it('never crashes: mutated URIs give a record or a typed URI_* error', () => {
    const noise = fc.string({
      unit: fc.constantFrom(
        ':',
        '%',
        '%3A',
        '%2',
        '&',
        '=',
        '?',
        '#',
        '/',
        '+',
        ' ',
        'é',
        '\u0000',
        'secret=',
        'A',
        '1',
        'encoder=steam',
      ),
      maxLength: 5,
    });
    fc.assert(
      fc.property(recordArb, fc.nat(), noise, (record, at, insert) => {
        const uri = buildOtpauthUri(record, { allowWeakSecret: true });
        const position = at % (uri.length + 1);
        const mutated = uri.slice(0, position) + insert + uri.slice(position);
        try {
          const { record: parsed } = parseOtpauthUri(mutated, { lenient: true });
          if (parsed.type !== 'steam') {
            expect(generateTotp(parsed.secret, { allowWeakSecret: true, time: 0, digits: parsed.digits })).toHaveLength(
              parsed.digits,
            );
          }
        } catch (error) {
          expect(isFactorkitError(error)).toBe(true);
          expect((error as { code: string }).code).toMatch(/^URI_/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

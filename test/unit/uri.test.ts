// Key URIs: build, parse, round trips, real-world shapes and one error code per bad-URI class.
//
// Sources:
// - Key-Uri-Format, the Google Authenticator wiki (https://github.com/google/google-authenticator/wiki/Key-Uri-Format):
//   the `Example` and `ACME Co` URIs and the `Big%20Corporation%3A%20alice%40bigco.com` label.
// - pquerna/otp, otp_test.go (TestKeyIssuerOnlyInPath, TestKeyNoIssuer, TestKeyWithNewLine) and
//   totp/totp_test.go (TestGoogleLowerCaseSecret: the shape of a Google account QR code, with an
//   encoded colon and a lower-case 32-character secret).
// - skaji/1password-otp, README.md: otpauth URIs exported from 1Password for Amazon Web Services
//   (`Amazon%20Web%20Services:root-account-mfa-device@123456`) and Dropbox; secrets replaced here.
// - MitchelAnthony/totp-cli, README.md: issuer only as a parameter (`John%20Doe?...&issuer=Acme%20Corp`).
// - @otplib/uri 13, README.md: the GitHub shape `otpauth://totp/GitHub:user@example.com?...&issuer=GitHub`.
import fc from 'fast-check';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import {
  buildOtpauthUri,
  decodeBase32,
  encodeBase32,
  isFactorkitError,
  parseOtpauthUri,
  type FactorkitErrorCode,
  type OtpauthRecord,
} from 'factorkit';

const SECRET_160 = 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('buildOtpauthUri', () => {
  it('writes the Key-Uri-Format example: encoded label, issuer twice, defaults left out', () => {
    expect(
      buildOtpauthUri({ type: 'totp', issuer: 'ACME Co', account: 'john.doe@email.com', secret: SECRET_160 }),
    ).toBe(`otpauth://totp/ACME%20Co:john.doe%40email.com?secret=${SECRET_160}&issuer=ACME%20Co`);
  });

  it('writes only non-default settings, and always the hotp counter', () => {
    const base = { issuer: 'X', account: 'y', secret: SECRET_160 };
    expect(buildOtpauthUri({ type: 'totp', ...base, algorithm: 'SHA1', digits: 6, period: 30 })).toBe(
      `otpauth://totp/X:y?secret=${SECRET_160}&issuer=X`,
    );
    expect(buildOtpauthUri({ type: 'totp', ...base, algorithm: 'SHA512', digits: 8, period: 60 })).toBe(
      `otpauth://totp/X:y?secret=${SECRET_160}&issuer=X&algorithm=SHA512&digits=8&period=60`,
    );
    expect(buildOtpauthUri({ type: 'hotp', ...base, counter: 0 })).toBe(
      `otpauth://hotp/X:y?secret=${SECRET_160}&issuer=X&counter=0`,
    );
  });

  it('leaves the issuer out of label and query when there is none', () => {
    expect(buildOtpauthUri({ type: 'totp', account: 'alice', secret: SECRET_160 })).toBe(
      `otpauth://totp/alice?secret=${SECRET_160}`,
    );
  });

  it('percent-encodes every reserved character, spaces as %20 and + as %2B', () => {
    const uri = buildOtpauthUri({ type: 'totp', issuer: 'A&B #1?', account: 'j+x@ü %/=', secret: SECRET_160 });
    expect(uri).toBe(
      `otpauth://totp/A%26B%20%231%3F:j%2Bx%40%C3%BC%20%25%2F%3D?secret=${SECRET_160}&issuer=A%26B%20%231%3F`,
    );
    expect(uri).not.toMatch(/[ +#]/);
  });

  it('writes the secret canonically: upper case, no padding, no spaces', () => {
    const uri = buildOtpauthUri({ type: 'totp', account: 'a', secret: 'hxdm vjec-jjws rb3h wizr 4ifu gftm xboz' });
    expect(uri).toContain(`secret=${SECRET_160}`);
    const padded = encodeBase32(new Uint8Array(16).fill(7)); // 26 characters, would need padding
    expect(buildOtpauthUri({ type: 'totp', account: 'a', secret: `${padded}======` })).toBe(
      `otpauth://totp/a?secret=${padded}`,
    );
  });

  it('refuses colons, empty parts, edge whitespace and control characters in the label', () => {
    const bad = ['Ex:ample', '', ' lead', 'trail ', 'tab\there', 'nul\u0000', 'lone\uD800'];
    for (const value of bad) {
      expect(codeOf(() => buildOtpauthUri({ type: 'totp', issuer: value, account: 'a', secret: SECRET_160 }))).toBe(
        'INVALID_LABEL',
      );
      expect(codeOf(() => buildOtpauthUri({ type: 'totp', account: value, secret: SECRET_160 }))).toBe('INVALID_LABEL');
    }
  });

  it('refuses weak secrets unless allowWeakSecret, and invalid settings with the core codes', () => {
    const weak = 'JBSWY3DPEHPK3PXP'; // 80 bits
    const ok = { type: 'totp' as const, account: 'a', secret: SECRET_160 };
    expect(codeOf(() => buildOtpauthUri({ ...ok, secret: weak }))).toBe('WEAK_SECRET');
    expect(buildOtpauthUri({ ...ok, secret: weak }, { allowWeakSecret: true })).toContain(`secret=${weak}`);
    const cases: Array<[Record<string, unknown>, FactorkitErrorCode]> = [
      [{ secret: 'not base32!' }, 'INVALID_SECRET'],
      [{ secret: 42 }, 'INVALID_SECRET'],
      [{ algorithm: 'MD5' }, 'INVALID_ALGORITHM'],
      [{ algorithm: 'sha1' }, 'INVALID_ALGORITHM'],
      [{ digits: 5 }, 'INVALID_DIGITS'],
      [{ digits: 11 }, 'INVALID_DIGITS'],
      [{ digits: 6.5 }, 'INVALID_DIGITS'],
      [{ period: 0 }, 'INVALID_PERIOD'],
      [{ period: 1.5 }, 'INVALID_PERIOD'],
      [{ counter: 1 }, 'INVALID_COUNTER'],
      [{ type: 'hotp' }, 'INVALID_COUNTER'],
      [{ type: 'hotp', counter: -1 }, 'INVALID_COUNTER'],
      [{ type: 'hotp', counter: 2 ** 53 }, 'INVALID_COUNTER'],
      [{ type: 'hotp', counter: 1, period: 30 }, 'INVALID_PERIOD'],
      [{ type: 'motp' }, 'INVALID_ARGUMENT'],
      [{ account: 7 }, 'INVALID_ARGUMENT'],
      [{ issuer: null }, 'INVALID_ARGUMENT'],
    ];
    for (const [patch, code] of cases) {
      expect(
        codeOf(() => buildOtpauthUri({ ...ok, ...patch } as OtpauthRecord)),
        JSON.stringify(patch),
      ).toBe(code);
    }
    expect(codeOf(() => buildOtpauthUri(null as unknown as OtpauthRecord))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => buildOtpauthUri(ok, { allowWeakSecret: 'yes' as unknown as boolean }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('parseOtpauthUri on real-world shapes', () => {
  it('issuer in label and parameter (Key-Uri-Format example)', () => {
    expect(
      parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example'),
    ).toStrictEqual({
      type: 'totp',
      issuer: 'Example',
      account: 'alice@google.com',
      secret: 'JBSWY3DPEHPK3PXP',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });

  it('every optional parameter spelled out (Key-Uri-Format example)', () => {
    expect(
      parseOtpauthUri(
        'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
      ),
    ).toStrictEqual({
      type: 'totp',
      issuer: 'ACME Co',
      account: 'john.doe@email.com',
      secret: SECRET_160,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });

  it('encoded colon and spaces before the account (Key-Uri-Format label example)', () => {
    const record = parseOtpauthUri(`otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=${SECRET_160}`);
    expect(record.issuer).toBe('Big Corporation');
    expect(record.account).toBe('alice@bigco.com');
  });

  it('Google account: %3A separator and a lower-case secret (pquerna/otp TestGoogleLowerCaseSecret)', () => {
    const record = parseOtpauthUri(
      'otpauth://totp/Google%3Afoo%40example.com?secret=qlt6vmy6svfx4bt4rpmisaiyol6hihca&issuer=Google',
    );
    expect(record).toStrictEqual({
      type: 'totp',
      issuer: 'Google',
      account: 'foo@example.com',
      secret: 'QLT6VMY6SVFX4BT4RPMISAIYOL6HIHCA',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });

  it('Amazon Web Services: encoded spaces in label and issuer, a 320-bit secret (skaji/1password-otp)', () => {
    const secret = encodeBase32(new Uint8Array(40).map((_, i) => i * 7));
    const record = parseOtpauthUri(
      `otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456?secret=${secret}&issuer=Amazon%20Web%20Services`,
    );
    expect(record.issuer).toBe('Amazon Web Services');
    expect(record.account).toBe('root-account-mfa-device@123456');
    expect(record.secret).toBe(secret);
    expect(secret).toHaveLength(64);
  });

  it('Dropbox and GitHub: issuer in both places, an 80-bit secret is accepted when parsing', () => {
    expect(
      parseOtpauthUri('otpauth://totp/Dropbox:you@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Dropbox'),
    ).toMatchObject({
      issuer: 'Dropbox',
      account: 'you@example.com',
      secret: 'JBSWY3DPEHPK3PXP',
    });
    expect(parseOtpauthUri('otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub')).toMatchObject({
      issuer: 'GitHub',
      account: 'octocat',
    });
  });

  it('issuer only in the label (pquerna/otp TestKeyIssuerOnlyInPath)', () => {
    const record = parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP');
    expect(record.issuer).toBe('Example');
    expect(record.account).toBe('alice@google.com');
  });

  it('issuer only as a parameter (MitchelAnthony/totp-cli)', () => {
    const record = parseOtpauthUri(
      'otpauth://totp/John%20Doe?secret=7NY4BTFIYHYGT6OGSAP3XG4VAV7NOGA2&issuer=Acme%20Corp',
    );
    expect(record).toStrictEqual({
      type: 'totp',
      issuer: 'Acme Corp',
      account: 'John Doe',
      secret: '7NY4BTFIYHYGT6OGSAP3XG4VAV7NOGA2',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });

  it('no issuer at all (pquerna/otp TestKeyNoIssuer), and a trailing newline (TestKeyWithNewLine)', () => {
    const record = parseOtpauthUri('otpauth://totp/alice@google.com?secret=JBSWY3DPEHPK3PXP\n');
    expect(record).not.toHaveProperty('issuer');
    expect(record.account).toBe('alice@google.com');
    expect(record.secret).toBe('JBSWY3DPEHPK3PXP');
  });

  it('hotp with a counter, parameters in any order, case-insensitive scheme, type and algorithm', () => {
    expect(
      parseOtpauthUri(
        `OTPAUTH://HOTP/Example:alice?counter=42&digits=8&algorithm=sha256&secret=${SECRET_160}&issuer=Example`,
      ),
    ).toStrictEqual({
      type: 'hotp',
      issuer: 'Example',
      account: 'alice',
      secret: SECRET_160,
      algorithm: 'SHA256',
      digits: 8,
      counter: 42,
    });
  });

  it('ignores unknown parameters such as image, a fragment, and irrelevant counter/period', () => {
    const record = parseOtpauthUri(
      `otpauth://totp/Example:alice?secret=${SECRET_160}&image=https%3A%2F%2Fexample.com%2Flogo.png&counter=x&&flag#ignored`,
    );
    expect(record).toStrictEqual({
      type: 'totp',
      issuer: 'Example',
      account: 'alice',
      secret: SECRET_160,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(parseOtpauthUri(`otpauth://hotp/a?secret=${SECRET_160}&counter=1&period=zz`)).not.toHaveProperty('period');
  });

  it('reads + as a literal plus in the label but as a space in the query', () => {
    const record = parseOtpauthUri(`otpauth://totp/Big+Co:alice+tag@example.com?secret=${SECRET_160}`);
    expect(record.issuer).toBe('Big+Co');
    expect(record.account).toBe('alice+tag@example.com');
    expect(parseOtpauthUri(`otpauth://totp/alice?secret=${SECRET_160}&issuer=Big+Co`).issuer).toBe('Big Co');
    expect(parseOtpauthUri(`otpauth://totp/Big%20Co:alice?secret=${SECRET_160}&issuer=Big+Co`).issuer).toBe('Big Co');
  });

  it('accepts raw (unencoded) non-ASCII characters and padded secrets', () => {
    const padded = `${encodeBase32(new Uint8Array(16).fill(1))}======`;
    const record = parseOtpauthUri(`otpauth://totp/Zürich Bank:jürgen?secret=${padded}&issuer=Zürich Bank`);
    expect(record.issuer).toBe('Zürich Bank');
    expect(record.account).toBe('jürgen');
    expect(record.secret).toBe(padded.replace(/=+$/, ''));
  });
});

describe('parseOtpauthUri rejects each bad URI with its own code', () => {
  const S = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA'; // distinctive, so we can look for it in messages
  const cases: Array<[FactorkitErrorCode, string[]]> = [
    [
      'URI_INVALID_SCHEME',
      [
        `https://example.com/totp/a?secret=${S}`,
        'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU',
        `totpauth://totp/a?secret=${S}`,
      ],
    ],
    [
      'URI_INVALID_TYPE',
      [`otpauth://steam/Steam:a?secret=${S}`, `otpauth://motp/a?secret=${S}`, `otpauth:///a?secret=${S}`],
    ],
    [
      'URI_MISSING_SECRET',
      ['otpauth://totp/a', 'otpauth://totp/a?issuer=X', 'otpauth://totp/a?secret=', 'otpauth://totp/a?secret'],
    ],
    [
      'URI_INVALID_SECRET',
      [`otpauth://totp/a?secret=${S}1`, `otpauth://totp/a?secret=${S}A`, `otpauth://totp/a?secret=${S}%21`],
    ],
    ['URI_MISSING_COUNTER', [`otpauth://hotp/a?secret=${S}`, `otpauth://hotp/a?secret=${S}&period=30`]],
    [
      'URI_INVALID_COUNTER',
      [
        `otpauth://hotp/a?secret=${S}&counter=-1`,
        `otpauth://hotp/a?secret=${S}&counter=abc`,
        `otpauth://hotp/a?secret=${S}&counter=1.5`,
        `otpauth://hotp/a?secret=${S}&counter=`,
        `otpauth://hotp/a?secret=${S}&counter=9007199254740992`,
      ],
    ],
    [
      'URI_DUPLICATE_PARAMETER',
      [
        `otpauth://totp/a?secret=${S}&secret=JBSWY3DPEHPK3PXP`,
        `otpauth://totp/a?secret=${S}&Secret=${S}`,
        `otpauth://totp/X:a?secret=${S}&issuer=X&issuer=X`,
        `otpauth://totp/a?secret=${S}&digits=6&digits=8`,
        `otpauth://hotp/a?secret=${S}&counter=1&counter=2`,
      ],
    ],
    [
      'URI_ISSUER_MISMATCH',
      [`otpauth://totp/Example:a?secret=${S}&issuer=Other`, `otpauth://totp/example:a?secret=${S}&issuer=Example`],
    ],
    [
      'URI_INVALID_DIGITS',
      [
        `otpauth://totp/a?secret=${S}&digits=5`,
        `otpauth://totp/a?secret=${S}&digits=11`,
        `otpauth://totp/a?secret=${S}&digits=six`,
        `otpauth://totp/a?secret=${S}&digits=6.0`,
        `otpauth://totp/a?secret=${S}&digits=`,
      ],
    ],
    [
      'URI_INVALID_PERIOD',
      [
        `otpauth://totp/a?secret=${S}&period=0`,
        `otpauth://totp/a?secret=${S}&period=-30`,
        `otpauth://totp/a?secret=${S}&period=1e3`,
        `otpauth://totp/a?secret=${S}&period=thirty`,
      ],
    ],
    [
      'URI_INVALID_ALGORITHM',
      [
        `otpauth://totp/a?secret=${S}&algorithm=MD5`,
        `otpauth://totp/a?secret=${S}&algorithm=SHA-256`,
        `otpauth://totp/a?secret=${S}&algorithm=`,
      ],
    ],
    [
      'URI_MALFORMED_ENCODING',
      [
        `otpauth://totp/caf%C3?secret=${S}`,
        `otpauth://totp/100%?secret=${S}`,
        `otpauth://totp/a?secret=${S}&issuer=%zz`,
        `otpauth://totp/a?secret=${S}%`,
        `otpauth://totp/a?s%ecret=${S}`,
      ],
    ],
    [
      'URI_MALFORMED',
      [
        `not a uri ${S}`,
        `otpauth:totp/a?secret=${S}`,
        `otpauth://totp?secret=${S}`,
        `otpauth://totp/?secret=${S}`,
        `otpauth://totp/Example:?secret=${S}`,
        `otpauth://totp/Example:%20?secret=${S}`,
        `otpauth://totp/a:b:c?secret=${S}`,
        `otpauth://totp/a%00b?secret=${S}`,
        `otpauth://totp/a?secret=${S}&issuer=A%3AB`,
        `otpauth://totp/a?secret=${S}&image=${'x'.repeat(20_000)}`,
      ],
    ],
  ];

  for (const [code, uris] of cases) {
    it(code, () => {
      for (const uri of uris) {
        let caught: unknown;
        try {
          parseOtpauthUri(uri);
        } catch (error) {
          caught = error;
        }
        expect(isFactorkitError(caught), uri.slice(0, 120)).toBe(true);
        const error = caught as Error & { code: string };
        expect(error.code, uri.slice(0, 120)).toBe(code);
        // The secret (as sent and as decoded) never leaks into what an app might log.
        const logged = `${error.message}\n${error.stack ?? ''}\n${String(error.cause ?? '')}`;
        for (const needle of [S, S.toLowerCase(), S.slice(0, 12)]) {
          expect(logged).not.toContain(needle);
        }
      }
    });
  }

  it('INVALID_ARGUMENT for a non-string', () => {
    for (const value of [undefined, null, 42, {}, new URL('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP')]) {
      expect(codeOf(() => parseOtpauthUri(value as unknown as string))).toBe('INVALID_ARGUMENT');
    }
  });
});

// Label parts that build accepts: no colon, no edge whitespace, no control characters.
const special = fc.constantFrom(
  ' ',
  '@',
  '&',
  '#',
  '?',
  '%',
  '+',
  '=',
  '/',
  '.',
  '!',
  "'",
  '(',
  ')',
  '*',
  ';',
  ',',
  '~',
  '$',
);
const nonAscii = fc.constantFrom('é', 'ü', 'ß', 'Ω', '東', '京', '€', '🙂', '👩‍💻', 'ﬁ', '\u00a0x');
const labelChar = fc.oneof(
  special,
  nonAscii,
  fc.constantFrom('a', 'Z', '0', '_', '-'),
  fc.string({ unit: 'grapheme', maxLength: 1 }),
);
const labelPart = fc
  .array(labelChar, { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(''))
  .filter((s) => s.length > 0 && !s.includes(':') && s.trim() === s && !/\p{Cc}/u.test(s));
const secretArb = fc.uint8Array({ minLength: 16, maxLength: 64 }).map(encodeBase32);
const algorithmArb = fc.constantFrom('SHA1' as const, 'SHA256' as const, 'SHA512' as const);

const completeRecord: fc.Arbitrary<OtpauthRecord> = fc
  .record({
    type: fc.constantFrom('totp' as const, 'hotp' as const),
    issuer: fc.option(labelPart, { nil: undefined }),
    account: labelPart,
    secret: secretArb,
    algorithm: algorithmArb,
    digits: fc.integer({ min: 6, max: 10 }),
    period: fc.oneof(fc.constant(30), fc.integer({ min: 1, max: 86_400 })),
    counter: fc.oneof(fc.constant(0), fc.maxSafeNat()),
  })
  .map(({ type, issuer, period, counter, ...rest }) => {
    const record: OtpauthRecord = { type, ...rest, ...(issuer === undefined ? {} : { issuer }) };
    if (type === 'totp') record.period = period;
    else record.counter = counter;
    return record;
  });

describe('round trip (fast-check)', () => {
  it('parse(build(x)) deep-equals x for complete records', () => {
    fc.assert(
      fc.property(completeRecord, (record) => {
        expect(parseOtpauthUri(buildOtpauthUri(record))).toStrictEqual(record);
      }),
      { numRuns: 500 },
    );
  });

  it('defaults are filled in: parse(build(x)) equals x plus SHA1/6/30, and rebuilding gives the same URI', () => {
    const partial = completeRecord.chain((record) =>
      fc.subarray(['algorithm', 'digits', 'period'] as const).map((drop) => {
        const copy: OtpauthRecord = { ...record };
        for (const key of drop) delete copy[key];
        return copy;
      }),
    );
    fc.assert(
      fc.property(partial, (record) => {
        const uri = buildOtpauthUri(record);
        const parsed = parseOtpauthUri(uri);
        const expected = {
          algorithm: 'SHA1',
          digits: 6,
          ...(record.type === 'totp' ? { period: 30 } : {}),
          ...record,
        };
        expect(parsed).toStrictEqual(expected);
        expect(buildOtpauthUri(parsed)).toBe(uri);
      }),
      { numRuns: 300 },
    );
  });

  it('the secret survives as the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), (bytes) => {
        const parsed = parseOtpauthUri(buildOtpauthUri({ type: 'totp', account: 'a', secret: encodeBase32(bytes) }));
        expect(decodeBase32(parsed.secret)).toEqual(bytes);
      }),
    );
  });
});

describe('interoperability with the otpauth package (an independent implementation)', () => {
  it('otpauth reads what we build', () => {
    fc.assert(
      fc.property(completeRecord, (record) => {
        const theirs = OTPAuth.URI.parse(buildOtpauthUri(record));
        expect(theirs.label).toBe(record.account);
        expect(theirs.issuer).toBe(record.issuer ?? '');
        expect(theirs.secret.base32).toBe(record.secret);
        expect(theirs.algorithm).toBe(record.algorithm);
        expect(theirs.digits).toBe(record.digits);
        if (record.type === 'totp') expect((theirs as OTPAuth.TOTP).period).toBe(record.period);
        else expect((theirs as OTPAuth.HOTP).counter).toBe(record.counter);
      }),
      { numRuns: 200 },
    );
  });

  it('we read what otpauth builds', () => {
    const totp = new OTPAuth.TOTP({
      issuer: 'Café & Co #1',
      label: 'jürgen+tag@example.com',
      secret: OTPAuth.Secret.fromBase32(SECRET_160),
      algorithm: 'SHA512',
      digits: 8,
      period: 60,
    });
    expect(parseOtpauthUri(totp.toString())).toStrictEqual({
      type: 'totp',
      issuer: 'Café & Co #1',
      account: 'jürgen+tag@example.com',
      secret: SECRET_160,
      algorithm: 'SHA512',
      digits: 8,
      period: 60,
    });
  });
});

describe('fuzzing parseOtpauthUri (fast-check)', () => {
  // Valid URIs with random characters spliced in: every outcome is either a record that
  // builds back to an equivalent URI, or a FactorkitError with a URI_* code, never a crash.
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
      '7',
      '1',
    ),
    maxLength: 6,
  });
  const mutated = fc.tuple(completeRecord, fc.nat(), noise).map(([record, at, insert]) => {
    const uri = buildOtpauthUri(record);
    const position = at % (uri.length + 1);
    return uri.slice(0, position) + insert + uri.slice(position);
  });

  it('returns a buildable record or throws a typed URI error', () => {
    fc.assert(
      fc.property(mutated, (uri) => {
        let record: ReturnType<typeof parseOtpauthUri>;
        try {
          record = parseOtpauthUri(uri);
        } catch (error) {
          expect(isFactorkitError(error)).toBe(true);
          expect((error as { code: string }).code).toMatch(/^URI_/);
          return;
        }
        const rebuilt = buildOtpauthUri(record, { allowWeakSecret: true });
        expect(parseOtpauthUri(rebuilt)).toStrictEqual(record);
      }),
      { numRuns: 1000 },
    );
  });

  it('build error messages do not echo the secret either', () => {
    const secret = 'MYSECRETVALUE1';
    try {
      buildOtpauthUri({ type: 'totp', account: 'a', secret });
    } catch (error) {
      expect(isFactorkitError(error, 'INVALID_SECRET')).toBe(true);
      expect(String(error) + String((error as Error).stack)).not.toContain(secret);
      return;
    }
    expect.unreachable('the secret is not base32');
  });
});

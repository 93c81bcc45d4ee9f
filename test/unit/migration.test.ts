// Google Authenticator migration URIs: published exports decode to their published accounts,
// factorkit's payloads round-trip, and bad input is refused with typed errors (payloads factorkit
// cannot write come from test/support/migration-payloads.ts, encoded by Google's protobuf
// runtime). The cross-checks that run Google's runtime itself (protoc and python3-protobuf,
// system tools) are in the integration tier: test/integration/migration-google.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildMigrationUris,
  decodeBase32,
  encodeBase32,
  isFactorkitError,
  parseMigrationUri,
  parseOtpauthUri,
  type OtpauthRecord,
} from 'factorkit';
import {
  GOOGLE_PAYLOADS,
  MIGRATION_RECORDS as records,
  completeAccount as complete,
  migrationRecord,
  migrationUriOf,
  PI_SECRET as PI,
} from '../support/migration-payloads.js';

const dataOf = (uri: string): string => decodeURIComponent(uri.slice('otpauth-migration://offline?data='.length));
const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFactorkitError(error) ? error.code : 'not a FactorkitError';
  }
  return undefined;
}

describe('published exports decode to their published accounts', () => {
  it('dim13/otpauth README: one TOTP account, no batch fields', () => {
    expect(
      parseMigrationUri(
        'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC',
      ),
    ).toStrictEqual({
      // Its output: otpauth://totp/Example:alice@google.com?issuer=Example&secret=JBSWY3DPEHPK3PXP
      accounts: [
        {
          type: 'totp',
          account: 'alice@google.com',
          secret: 'JBSWY3DPEHPK3PXP',
          algorithm: 'SHA1',
          digits: 6,
          name: 'Example:alice@google.com',
          issuer: 'Example',
          period: 30,
        },
      ],
      batch: { size: 1, index: 0, id: 0 },
      version: 0,
    });
  });

  it('VPKSoft/gauth-decode README: 2FAS test token exported from Google Authenticator, negative batch id', () => {
    const { accounts, batch, version } = parseMigrationUri(
      'otpauth-migration://offline?data=Ch8KBdFBKZJTEgpUZXN0IFRva2VuGgQyRkFTIAEoATACEAEYASAAKIji6ej7%2F%2F%2F%2F%2FwE%3D',
    );
    // Its output: name "Test Token", issuer "2FAS", secretBase32 "2FASTEST", ALGO_SHA1, OTP_TOTP
    expect(accounts).toStrictEqual([
      {
        type: 'totp',
        account: 'Test Token',
        secret: '2FASTEST',
        algorithm: 'SHA1',
        digits: 6,
        name: 'Test Token',
        issuer: '2FAS',
        period: 30,
      },
    ]);
    expect(batch.size).toBe(1);
    expect(batch.id).toBeLessThan(0);
    expect(version).toBe(1);
  });

  // scito/extract_otp_secrets, example_export.txt and the Key URIs it prints for them
  // (example_output.json, tests/data/url_list_output.txt).
  const scito: [string, string[]][] = [
    [
      'CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B',
      [`otpauth://totp/pi%40raspberrypi?secret=${PI}&issuer=raspberrypi`],
    ],
    [
      'CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACEAEYASAAKLzjp5n4%2F%2F%2F%2F%2FwE%3D',
      [`otpauth://totp/pi%40raspberrypi?secret=${PI}`],
    ],
    [
      'CigKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpIAEoATACCjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACiQ7OOa%2Bf%2F%2F%2F%2F8B',
      [
        `otpauth://totp/pi%40raspberrypi?secret=${PI}`,
        `otpauth://totp/pi%40raspberrypi?secret=${PI}&issuer=raspberrypi`,
      ],
    ],
    [
      'CiUKEPqlBekzoNEukL7qlsjBCDYSCWhvdHAgZGVtbyABKAEwATgEEAEYASAAKNuv15j6%2F%2F%2F%2F%2FwE%3D',
      [`otpauth://hotp/hotp%20demo?secret=${PI}&counter=4`],
    ],
    [
      'CjYKEPqlBekzoNEukL7qlsjBCDYSHGVuY29kaW5nOiDCv8Okw4TDqcOJPyAoZGVtbykgASgBMAIQARgBIAAorfCurv%2F%2F%2F%2F%2F%2FAQ%3D%3D',
      [`otpauth://totp/encoding%3A%20%C2%BF%C3%A4%C3%84%C3%A9%C3%89%3F%20%28demo%29?secret=${PI}`],
    ],
  ];
  it.each(scito)('extract_otp_secrets example %#: the same accounts as its Key URIs', (data, keyUris) => {
    const { accounts } = parseMigrationUri(`otpauth-migration://offline?data=${data}`);
    expect(accounts.map(({ name: _, ...record }) => record)).toStrictEqual(
      keyUris.map((uri) => parseOtpauthUri(uri, { lenient: true }).record),
    );
  });

  it('extract_otp_secrets "plus problem": unescaped + and / in the base64 still decode', () => {
    const uri =
      'otpauth-migration://offline?data=ClEKFAciUeGF4aS6IDCvMv99ySZ1ekKsEiVTZXJlbml0eUxhYnM6dGVzdDFAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIKUQoUkIY8/fbrHZWTb4CBln18lvqt0HcSJVNlcmVuaXR5TGFiczp0ZXN0MkBzZXJlbml0eWxhYnMuY28udWsaDFNlcmVuaXR5TGFicyABKAEwAgpRChScf+1/Ua4d4gCY0W/7fj9VBkM9PBIlU2VyZW5pdHlMYWJzOnRlc3QzQHNlcmVuaXR5bGFicy5jby51axoMU2VyZW5pdHlMYWJzIAEoATACClEKFG6Qu0ryTSFA/l5rmvTIXtNeb5LtEiVTZXJlbml0eUxhYnM6dGVzdDRAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIQARgBIAAogtTa1vz/////AQ==';
    const { accounts } = parseMigrationUri(uri);
    expect(accounts.map((a) => [a.issuer, a.account])).toEqual(
      [1, 2, 3, 4].map((n) => ['SerenityLabs', `test${n}@serenitylabs.co.uk`]),
    );
    // A form decoder upstream would have turned each '+' into a space; that still decodes the same.
    expect(parseMigrationUri(uri.replace(/\+/g, ' ')).accounts).toStrictEqual(accounts);
  });
});

describe('buildMigrationUris', () => {
  it('round trip: parse(build(accounts)) gives the accounts back, complete, with Google-style names', () => {
    const uris = buildMigrationUris(records, { batchId: 12345 });
    expect(uris).toHaveLength(1);
    expect(uris[0]).toMatch(/^otpauth-migration:\/\/offline\?data=[A-Za-z0-9%]+$/);
    expect(parseMigrationUri(uris[0]!)).toStrictEqual({
      accounts: records.map(complete),
      batch: { size: 1, index: 0, id: 12345 },
      version: 1,
    });
  });

  it("splits 23 accounts into Google Authenticator's batches of 10, 10 and 3 with one batch id", () => {
    const many: OtpauthRecord[] = Array.from({ length: 23 }, (_, i) => ({
      type: 'totp',
      issuer: 'Example',
      account: `user${i}@example.com`,
      secret: encodeBase32(new Uint8Array(20).fill(i)),
    }));
    const uris = buildMigrationUris(many);
    expect(uris).toHaveLength(3);
    const parsed = uris.map(parseMigrationUri);
    expect(parsed.map((p) => p.accounts.length)).toEqual([10, 10, 3]);
    expect(parsed.map((p) => p.batch.index)).toEqual([0, 1, 2]);
    expect(new Set(parsed.map((p) => p.batch.size))).toEqual(new Set([3]));
    expect(new Set(parsed.map((p) => p.batch.id)).size).toBe(1);
    expect(parsed.flatMap((p) => p.accounts)).toStrictEqual(many.map(complete));
    // A second export gets another random batch id (a 1 in 2^32 chance of a false failure).
    expect(parseMigrationUri(buildMigrationUris(many)[0]!).batch.id).not.toBe(parsed[0]!.batch.id);
    expect(buildMigrationUris(many, { accountsPerUri: 1 })).toHaveLength(23);
  });

  it('random accounts survive build -> parse, in batches of any size (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(migrationRecord, { minLength: 1, maxLength: 23 }),
        fc.integer({ min: 1, max: 10 }),
        (accounts, perUri) => {
          const parsed = buildMigrationUris(accounts, { accountsPerUri: perUri }).map(parseMigrationUri);
          expect(parsed.flatMap((p) => p.accounts)).toStrictEqual(accounts.map(complete));
          expect(parsed.map((p) => p.batch.index)).toEqual(parsed.map((_, i) => i));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses what the format cannot carry, and bad arguments', () => {
    const ok = records[0]!;
    expect(codeOf(() => buildMigrationUris([{ ...ok, period: 60 }]))).toBe('MIGRATION_UNSUPPORTED');
    expect(codeOf(() => buildMigrationUris([{ ...ok, digits: 7 }]))).toBe('MIGRATION_UNSUPPORTED');
    expect(codeOf(() => buildMigrationUris([{ ...ok, secret: 'JBSWY3DPEHPK3PXP' }]))).toBe('WEAK_SECRET');
    expect(buildMigrationUris([{ ...ok, secret: 'JBSWY3DPEHPK3PXP' }], { allowWeakSecret: true })).toHaveLength(1);
    expect(codeOf(() => buildMigrationUris([{ ...ok, account: 'a:b' }]))).toBe('INVALID_LABEL');
    expect(codeOf(() => buildMigrationUris([]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => buildMigrationUris('nope' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => buildMigrationUris([ok], { accountsPerUri: 11 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => buildMigrationUris([ok], { accountsPerUri: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => buildMigrationUris([ok], { batchId: 2 ** 31 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => buildMigrationUris([ok], { allowWeakSecret: 1 } as never))).toBe('INVALID_ARGUMENT');
  });
});

describe('parseMigrationUri refuses bad input with typed errors', () => {
  const secret = toBase64(decodeBase32(PI));

  it('MIGRATION_UNSUPPORTED for MD5, an unspecified type and a counter beyond 2^53 - 1', () => {
    const { md5, unspecifiedType, counterBeyondSafeInteger, threeDigits } = GOOGLE_PAYLOADS;
    const uris = [md5, unspecifiedType, counterBeyondSafeInteger, threeDigits].map(migrationUriOf);
    for (const uri of uris)
      expect(
        codeOf(() => parseMigrationUri(uri)),
        uri,
      ).toBe('MIGRATION_UNSUPPORTED');
  });

  it('MIGRATION_MALFORMED for everything that is not a sound payload', () => {
    const [noSecret, badIndex, noAccounts, negative] = [
      GOOGLE_PAYLOADS.noSecret,
      GOOGLE_PAYLOADS.batchIndexOutOfRange,
      GOOGLE_PAYLOADS.noAccounts,
      GOOGLE_PAYLOADS.negativeCounter,
    ].map(migrationUriOf);
    const good = buildMigrationUris(records, { batchId: 1 })[0]!;
    const bytes = Uint8Array.from(atob(dataOf(good)), (c) => c.charCodeAt(0));
    // Cut inside the second account: its length prefix promises bytes that are not there.
    const truncated = `otpauth-migration://offline?data=${encodeURIComponent(toBase64(bytes.subarray(0, Math.floor(bytes.length / 2))))}`;
    for (const uri of [
      noSecret!,
      badIndex!,
      noAccounts!,
      negative!,
      truncated,
      'otpauth-migration://online?data=AAAA',
      'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP',
      'otpauth-migration://offline?',
      'otpauth-migration://offline?data=',
      'otpauth-migration://offline?data=%zz',
      'otpauth-migration://offline?data=not*base64',
      'otpauth-migration://offline?data=A',
      'otpauth-migration://offline?data=AAAA&data=AAAA',
      // A name with a control character, written by Google's runtime itself.
      migrationUriOf(GOOGLE_PAYLOADS.controlCharacterInName),
      `otpauth-migration://offline?data=${'A'.repeat(70_000)}`,
    ]) {
      expect(
        codeOf(() => parseMigrationUri(uri)),
        uri.slice(0, 80),
      ).toBe('MIGRATION_MALFORMED');
    }
    expect(codeOf(() => parseMigrationUri(42 as never))).toBe('INVALID_ARGUMENT');
  });

  it('random bytes never crash: a result or a typed MIGRATION_* error (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parseMigrationUri(`otpauth-migration://offline?data=${encodeURIComponent(toBase64(bytes))}`);
        } catch (error) {
          expect(isFactorkitError(error)).toBe(true);
          expect((error as { code: string }).code).toMatch(/^MIGRATION_/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('error messages never hold the secret', () => {
    const uri = migrationUriOf(GOOGLE_PAYLOADS.md5);
    let caught: unknown;
    try {
      parseMigrationUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(isFactorkitError(caught, 'MIGRATION_UNSUPPORTED')).toBe(true);
    const logged = `${(caught as Error).message} ${String((caught as Error).cause)} ${(caught as Error).stack}`;
    for (const needle of [PI, secret, secret.slice(0, 12), dataOf(uri).slice(0, 16)])
      expect(logged).not.toContain(needle);
  });
});

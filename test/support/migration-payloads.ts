// Migration test data. Payloads that factorkit cannot write itself (unsupported or malformed ones), encoded
// by Google's own protobuf runtime (python3-protobuf 3.21 over protoc's code for
// google-auth-migration.proto) from the proto3 JSON message beside each: the inputs of
// parseMigrationUri's refusal tests in the unit tier, which must run without protoc or Python.
// test/integration/migration-google.test.ts checks that the runtime still encodes every message
// to exactly these bytes.

import fc from 'fast-check';
import { buildOtpauthUri, encodeBase32, type MigrationAccount, type OtpauthRecord, parseOtpauthUri } from 'factorkit';

/** The secret of scito/extract_otp_secrets' examples, base32. */
export const PI_SECRET = '7KSQL2JTUDIS5EF65KLMRQIIGY';
/** The same secret as proto3 JSON writes bytes: base64. */
const secret = '+qUF6TOg0S6QvuqWyMEINg==';

export interface GooglePayload {
  /** The MigrationPayload message as proto3 JSON (field names as in the .proto file). */
  message: Record<string, unknown>;
  /** What Google's runtime serialises it to, base64. */
  base64: string;
}

export const GOOGLE_PAYLOADS = {
  md5: {
    message: { otp_parameters: [{ secret, name: 'a', algorithm: 'ALGORITHM_MD5', type: 'OTP_TYPE_TOTP' }] },
    base64: 'ChkKEPqlBekzoNEukL7qlsjBCDYSAWEgBDAC',
  },
  unspecifiedType: {
    message: { otp_parameters: [{ secret, name: 'a' }] },
    base64: 'ChUKEPqlBekzoNEukL7qlsjBCDYSAWE=',
  },
  counterBeyondSafeInteger: {
    message: { otp_parameters: [{ secret, name: 'a', type: 'OTP_TYPE_HOTP', counter: String(2 ** 53) }] },
    base64: 'CiAKEPqlBekzoNEukL7qlsjBCDYSAWEwATiAgICAgICAEA==',
  },
  threeDigits: {
    message: { otp_parameters: [{ secret, name: 'a', type: 'OTP_TYPE_TOTP', digits: 3 }] },
    base64: 'ChkKEPqlBekzoNEukL7qlsjBCDYSAWEoAzAC',
  },
  noSecret: {
    message: { otp_parameters: [{ name: 'a', type: 'OTP_TYPE_TOTP' }] },
    base64: 'CgUSAWEwAg==',
  },
  batchIndexOutOfRange: {
    message: { otp_parameters: [{ secret, name: 'a', type: 'OTP_TYPE_TOTP' }], batch_size: 2, batch_index: 2 },
    base64: 'ChcKEPqlBekzoNEukL7qlsjBCDYSAWEwAhgCIAI=',
  },
  noAccounts: {
    message: { version: 1 },
    base64: 'EAE=',
  },
  negativeCounter: {
    message: { otp_parameters: [{ secret, name: 'a', type: 'OTP_TYPE_HOTP', counter: '-1' }] },
    base64: 'CiIKEPqlBekzoNEukL7qlsjBCDYSAWEwATj///////////8B',
  },
  controlCharacterInName: {
    message: { otp_parameters: [{ secret, name: 'a\u0007b', type: 'OTP_TYPE_TOTP' }] },
    base64: 'ChkKEPqlBekzoNEukL7qlsjBCDYSA2EHYjAC',
  },
} satisfies Record<string, GooglePayload>;

/** The payload as an otpauth-migration URI. */
export const migrationUriOf = (payload: GooglePayload): string =>
  `otpauth-migration://offline?data=${encodeURIComponent(payload.base64)}`;

const label = fc
  .string({
    unit: fc.constantFrom('a', 'B', '7', ' ', '@', '.', '+', '&', 'é', '東', '🙂'),
    minLength: 1,
    maxLength: 12,
  })
  .filter((s) => s.trim() === s);
/** A random account the migration format can carry (TOTP at 30 s or HOTP; 6 or 8 digits). */
export const migrationRecord: fc.Arbitrary<OtpauthRecord> = fc
  .record({
    type: fc.constantFrom('totp' as const, 'hotp' as const),
    issuer: fc.option(label, { nil: undefined }),
    account: label,
    secret: fc.uint8Array({ minLength: 16, maxLength: 64 }).map(encodeBase32),
    algorithm: fc.constantFrom('SHA1' as const, 'SHA256' as const, 'SHA512' as const),
    digits: fc.constantFrom(6, 8),
    counter: fc.maxSafeNat(),
  })
  .map(({ type, issuer, counter, ...rest }) => ({
    type,
    ...rest,
    ...(issuer === undefined ? {} : { issuer }),
    ...(type === 'hotp' ? { counter } : {}),
  }));

/** Accounts of every kind a migration payload carries: HOTP, SHA-512 with 8 digits, no issuer, non-ASCII. */
export const MIGRATION_RECORDS: OtpauthRecord[] = [
  { type: 'totp', issuer: 'Example', account: 'alice@example.com', secret: 'HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ' },
  { type: 'hotp', issuer: 'ACME Co', account: 'bob', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', counter: 2 ** 40 },
  {
    type: 'totp',
    account: 'no issuer',
    secret: encodeBase32(new Uint8Array(64).fill(7)),
    algorithm: 'SHA512',
    digits: 8,
  },
  {
    type: 'totp',
    issuer: 'Zürich Bank 🏦',
    account: 'jürgen',
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    algorithm: 'SHA256',
  },
];

/** A record as parseMigrationUri returns it: every field filled in, named as Google's app names it. */
export const completeAccount = (record: OtpauthRecord): MigrationAccount => {
  const parsed = parseOtpauthUri(buildOtpauthUri(record));
  return { ...parsed, name: record.issuer === undefined ? record.account : `${record.issuer}:${record.account}` };
};

// Google Authenticator migration payloads cross-checked with Google's own protobuf runtime
// (python3-protobuf over protoc's code for test/support/google-auth-migration.proto): factorkit's
// payloads decode with it to the same fields, payloads it encodes decode with factorkit to the
// same accounts, and the fixture payloads of the unit tier's refusal tests are exactly what it
// encodes. protoc and python3-protobuf are system tools (Debian's), so this is in the integration
// tier, whose globalSetup installs them; the test fails, never skips, without them. The parser's
// and builder's own tests are in test/unit/migration.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMigrationUris, decodeBase32, parseMigrationUri, type OtpauthRecord } from 'factorkit';
import {
  GOOGLE_PAYLOADS,
  MIGRATION_RECORDS as records,
  completeAccount as complete,
  migrationRecord,
  PI_SECRET as PI,
} from '../support/migration-payloads.js';

const PROTO = fileURLToPath(new URL('../support/google-auth-migration.proto', import.meta.url));
// Debian's interpreter: python3-protobuf installs into its dist-packages.
const PYTHON = '/usr/bin/python3';

const PY_CODEC = `
import base64, json, sys
sys.path.insert(0, sys.argv[1])
import google_auth_migration_pb2 as pb
from google.protobuf import json_format
mode = sys.argv[2]
if mode == 'decode':
    out = []
    for line in sys.stdin.read().split():
        message = pb.MigrationPayload()
        message.ParseFromString(base64.b64decode(line))
        out.append(json_format.MessageToDict(message, preserving_proto_field_name=True))
    print(json.dumps(out))
else:
    for item in json.loads(sys.stdin.read()):
        message = json_format.ParseDict(item, pb.MigrationPayload())
        print(base64.b64encode(message.SerializeToString()).decode())
`;

let generated: string;
beforeAll(() => {
  generated = mkdtempSync(join(tmpdir(), 'factorkit-protoc-'));
  try {
    execFileSync('protoc', [`--proto_path=${join(PROTO, '..')}`, `--python_out=${generated}`, PROTO]);
  } catch (error) {
    throw new Error('protoc failed; install it: apt-get install protobuf-compiler python3-protobuf', { cause: error });
  }
});
afterAll(() => rmSync(generated, { recursive: true, force: true }));

/** Google's protobuf runtime, decoding payloads (base64) into proto3 JSON objects. */
function googleDecode(base64: string[]): Record<string, unknown>[] {
  return JSON.parse(
    execFileSync(PYTHON, ['-c', PY_CODEC, generated, 'decode'], { input: base64.join('\n') }).toString(),
  );
}

/** Google's protobuf runtime, encoding proto3 JSON objects into payloads (base64). */
function googleEncode(messages: Record<string, unknown>[]): string[] {
  return execFileSync(PYTHON, ['-c', PY_CODEC, generated, 'encode'], { input: JSON.stringify(messages) })
    .toString()
    .trim()
    .split('\n');
}

const dataOf = (uri: string): string => decodeURIComponent(uri.slice('otpauth-migration://offline?data='.length));
const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

describe("Google's protobuf runtime and factorkit agree", () => {
  it("a URI factorkit builds decodes with Google's protobuf runtime to the same fields", () => {
    const uris = buildMigrationUris(records, { batchId: -7, accountsPerUri: 3 });
    const decoded = googleDecode(uris.map(dataOf));
    expect(decoded).toEqual([
      {
        otp_parameters: records.slice(0, 3).map(expectedJson),
        version: 1,
        batch_size: 2,
        batch_id: -7,
      },
      {
        otp_parameters: records.slice(3).map(expectedJson),
        version: 1,
        batch_size: 2,
        batch_index: 1,
        batch_id: -7,
      },
    ]);
  });

  it('payloads encoded by Google’s protobuf runtime decode with factorkit to the same accounts', () => {
    const messages = [
      { otp_parameters: records.map(expectedJson), version: 1, batch_size: 1, batch_id: 99 },
      // Unspecified enums (older exports): SHA1, 6 digits; unknown fields are not in the schema,
      // so a second message covers the other shapes Google writes.
      {
        otp_parameters: [{ secret: toBase64(decodeBase32(PI)), name: 'pi@raspberrypi', type: 'OTP_TYPE_TOTP' }],
        batch_size: 2,
        batch_index: 1,
        batch_id: -2147483648,
      },
    ];
    const [first, second] = googleEncode(messages).map((base64) =>
      parseMigrationUri(`otpauth-migration://offline?data=${encodeURIComponent(base64)}`),
    );
    expect(first).toStrictEqual({ accounts: records.map(complete), batch: { size: 1, index: 0, id: 99 }, version: 1 });
    expect(second).toStrictEqual({
      accounts: [
        {
          type: 'totp',
          account: 'pi@raspberrypi',
          secret: PI,
          algorithm: 'SHA1',
          digits: 6,
          name: 'pi@raspberrypi',
          period: 30,
        },
      ],
      batch: { size: 2, index: 1, id: -2147483648 },
      version: 0,
    });
  });

  it('random accounts survive build -> Google decode -> Google encode -> parse (fast-check)', () => {
    // One run of the Python decoder for many cases: generate, then check all at once.
    const samples = fc.sample(fc.array(migrationRecord, { minLength: 1, maxLength: 10 }), 30);
    const uris = samples.map((accounts) => buildMigrationUris(accounts, { batchId: 1 })[0]!);
    const decoded = googleDecode(uris.map(dataOf));
    const reencoded = googleEncode(decoded);
    samples.forEach((accounts, i) => {
      expect(decoded[i]!.otp_parameters).toEqual(accounts.map(expectedJson));
      const parsed = parseMigrationUri(`otpauth-migration://offline?data=${encodeURIComponent(reencoded[i]!)}`);
      expect(parsed.accounts).toStrictEqual(accounts.map(complete));
    });
  });

  it('extract_otp_secrets "plus problem": the runtime also finds the four accounts', () => {
    const data =
      'ClEKFAciUeGF4aS6IDCvMv99ySZ1ekKsEiVTZXJlbml0eUxhYnM6dGVzdDFAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIKUQoUkIY8/fbrHZWTb4CBln18lvqt0HcSJVNlcmVuaXR5TGFiczp0ZXN0MkBzZXJlbml0eWxhYnMuY28udWsaDFNlcmVuaXR5TGFicyABKAEwAgpRChScf+1/Ua4d4gCY0W/7fj9VBkM9PBIlU2VyZW5pdHlMYWJzOnRlc3QzQHNlcmVuaXR5bGFicy5jby51axoMU2VyZW5pdHlMYWJzIAEoATACClEKFG6Qu0ryTSFA/l5rmvTIXtNeb5LtEiVTZXJlbml0eUxhYnM6dGVzdDRAc2VyZW5pdHlsYWJzLmNvLnVrGgxTZXJlbml0eUxhYnMgASgBMAIQARgBIAAogtTa1vz/////AQ==';
    expect(googleDecode([data])[0]!.otp_parameters).toHaveLength(4);
    expect(parseMigrationUri(`otpauth-migration://offline?data=${data}`).accounts).toHaveLength(4);
  });

  it("the unit tier's fixture payloads are what the runtime encodes from their messages", () => {
    const fixtures = Object.values(GOOGLE_PAYLOADS);
    expect(googleEncode(fixtures.map((fixture) => fixture.message))).toEqual(fixtures.map((fixture) => fixture.base64));
  });
});

/** The proto3 JSON Google's runtime prints for a record factorkit wrote. */
function expectedJson(record: OtpauthRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    secret: toBase64(decodeBase32(record.secret)),
    name: record.issuer === undefined ? record.account : `${record.issuer}:${record.account}`,
  };
  if (record.issuer !== undefined) json.issuer = record.issuer;
  json.algorithm = `ALGORITHM_${record.algorithm ?? 'SHA1'}`;
  json.digits = (record.digits ?? 6) === 6 ? 'DIGIT_COUNT_SIX' : 'DIGIT_COUNT_EIGHT';
  json.type = record.type === 'hotp' ? 'OTP_TYPE_HOTP' : 'OTP_TYPE_TOTP';
  if (record.type === 'hotp' && record.counter !== 0) json.counter = String(record.counter);
  return json;
}

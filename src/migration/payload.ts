// Google Authenticator's MigrationPayload on the wire. The schema is Google's (not published by
// Google; reconstructed from the app and the same in every independent reader: Aegis's
// app/src/main/proto/google_auth.proto, scito/extract_otp_secrets's src/google_auth.proto,
// dim13/otpauth's migration.proto), kept in test/support/google-auth-migration.proto, from which
// protoc decodes what these functions write:
//
//   message MigrationPayload {
//     enum Algorithm { UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
//     enum DigitCount { UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
//     enum OtpType { UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
//     message OtpParameters {
//       bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
//       DigitCount digits = 5; OtpType type = 6; int64 counter = 7;
//     }
//     repeated OtpParameters otp_parameters = 1;
//     int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//   }
//
// The bytes are read and written by @bufbuild/protobuf's BinaryReader and BinaryWriter (varints,
// length prefixes, UTF-8, skipping unknown fields); only the mapping of field numbers to these
// eight fields is ours, as generated code would be, without a code generator's reflection
// runtime in every app's bundle.
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FactorkitError } from '../errors/index.js';

/** One `OtpParameters` message, its enums as the numbers on the wire. */
export interface WireOtpParameters {
  secret: Uint8Array;
  name: string;
  issuer: string;
  algorithm: number;
  digits: number;
  type: number;
  counter: bigint;
}

/** One `MigrationPayload` message. */
export interface WirePayload {
  otpParameters: WireOtpParameters[];
  version: number;
  batchSize: number;
  batchIndex: number;
  batchId: number;
}

function malformed(what: string, cause?: unknown): FactorkitError {
  return new FactorkitError('MIGRATION_MALFORMED', `the migration payload is not valid: ${what}`, { cause });
}

/** Refuses a field whose wire type is not the one the schema gives it. */
function checkWireType(wireType: WireType, expected: WireType, field: string): void {
  if (wireType !== expected) throw malformed(`${field} has the wrong wire type`);
}

function readOtpParameters(bytes: Uint8Array): WireOtpParameters {
  const reader = new BinaryReader(bytes);
  const out: WireOtpParameters = {
    secret: new Uint8Array(0),
    name: '',
    issuer: '',
    algorithm: 0,
    digits: 0,
    type: 0,
    counter: 0n,
  };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        checkWireType(wireType, WireType.LengthDelimited, 'secret');
        out.secret = reader.bytes();
        break;
      case 2:
        checkWireType(wireType, WireType.LengthDelimited, 'name');
        out.name = reader.string(true);
        break;
      case 3:
        checkWireType(wireType, WireType.LengthDelimited, 'issuer');
        out.issuer = reader.string(true);
        break;
      case 4:
        checkWireType(wireType, WireType.Varint, 'algorithm');
        out.algorithm = reader.int32();
        break;
      case 5:
        checkWireType(wireType, WireType.Varint, 'digits');
        out.digits = reader.int32();
        break;
      case 6:
        checkWireType(wireType, WireType.Varint, 'type');
        out.type = reader.int32();
        break;
      case 7:
        checkWireType(wireType, WireType.Varint, 'counter');
        out.counter = BigInt(reader.int64());
        break;
      default:
        reader.skip(wireType, field); // a newer app's field: not ours to judge
    }
  }
  return out;
}

/**
 * Decodes a MigrationPayload. Every failure (truncated data, a bad varint, invalid UTF-8, a
 * field with the wrong wire type) is `MIGRATION_MALFORMED`; the cause never holds the bytes.
 */
export function decodePayload(bytes: Uint8Array): WirePayload {
  const payload: WirePayload = { otpParameters: [], version: 0, batchSize: 0, batchIndex: 0, batchId: 0 };
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      switch (field) {
        case 1:
          checkWireType(wireType, WireType.LengthDelimited, 'otp_parameters');
          payload.otpParameters.push(readOtpParameters(reader.bytes()));
          break;
        case 2:
          checkWireType(wireType, WireType.Varint, 'version');
          payload.version = reader.int32();
          break;
        case 3:
          checkWireType(wireType, WireType.Varint, 'batch_size');
          payload.batchSize = reader.int32();
          break;
        case 4:
          checkWireType(wireType, WireType.Varint, 'batch_index');
          payload.batchIndex = reader.int32();
          break;
        case 5:
          checkWireType(wireType, WireType.Varint, 'batch_id');
          payload.batchId = reader.int32();
          break;
        default:
          reader.skip(wireType, field);
      }
    }
  } catch (error) {
    if (error instanceof FactorkitError) throw error;
    // The reader's messages name positions and wire types, never the content.
    throw malformed('the protobuf encoding is broken', error instanceof Error ? error.message : undefined);
  }
  return payload;
}

/** Encodes a MigrationPayload, leaving out fields at their proto3 default, as protobuf does. */
export function encodePayload(payload: WirePayload): Uint8Array {
  const writer = new BinaryWriter();
  for (const otp of payload.otpParameters) {
    writer.tag(1, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).bytes(otp.secret);
    if (otp.name !== '') writer.tag(2, WireType.LengthDelimited).string(otp.name);
    if (otp.issuer !== '') writer.tag(3, WireType.LengthDelimited).string(otp.issuer);
    if (otp.algorithm !== 0) writer.tag(4, WireType.Varint).int32(otp.algorithm);
    if (otp.digits !== 0) writer.tag(5, WireType.Varint).int32(otp.digits);
    if (otp.type !== 0) writer.tag(6, WireType.Varint).int32(otp.type);
    if (otp.counter !== 0n) writer.tag(7, WireType.Varint).int64(otp.counter);
    writer.join();
  }
  if (payload.version !== 0) writer.tag(2, WireType.Varint).int32(payload.version);
  if (payload.batchSize !== 0) writer.tag(3, WireType.Varint).int32(payload.batchSize);
  if (payload.batchIndex !== 0) writer.tag(4, WireType.Varint).int32(payload.batchIndex);
  if (payload.batchId !== 0) writer.tag(5, WireType.Varint).int32(payload.batchId);
  return writer.finish();
}

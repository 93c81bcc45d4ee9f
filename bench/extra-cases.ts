// Key URI build + parse (factorkit, otpauth, otplib); backup codes are in backup-cases.ts.
// @oslojs/otp can build a URI but not parse one, and speakeasy's otpauthURL builds only, so
// neither is in the URI case.
import { buildOtpauthUri, parseOtpauthUri } from 'factorkit';
import { parse as parseOtplibUri } from '@otplib/uri';
import { Secret, TOTP, URI } from 'otpauth';
import { generateURI } from 'otplib';
import type { BenchCase } from './harness.js';
import { ACCOUNT, ISSUER, SHA1 } from './fixtures.js';
import { REFERENCE } from './otp-cases.js';

/** What every subject must recover from the URI it built. */
interface Recovered {
  issuer: string | undefined;
  account: string;
  secret: string;
}

/**
 * Each subject starts from the same record (issuer, account, base32 secret, SHA1/6/30) and
 * ends with the parsed issuer, account and base32 secret. What the libraries do in between
 * differs and is part of what is measured: factorkit validates every field and decodes the
 * secret both ways; otpauth decodes the secret into bytes and re-encodes it for `.base32`;
 * otplib's `parse` splits the URI without decoding the secret or splitting the label, so we
 * split `issuer:account` for it (a few string operations).
 */
export function uriCase(): BenchCase {
  const expected: Recovered = { issuer: ISSUER, account: ACCOUNT, secret: SHA1.base32 };
  return {
    id: 'uri-build-parse',
    title: 'otpauth:// URI build + parse (TOTP, SHA1/6/30)',
    expected,
    reference: REFERENCE,
    subjects: [
      {
        name: REFERENCE,
        run: () =>
          parseOtpauthUri(buildOtpauthUri({ type: 'totp', issuer: ISSUER, account: ACCOUNT, secret: SHA1.base32 })),
        outcome: (r) => {
          const record = r as ReturnType<typeof parseOtpauthUri>;
          return { issuer: record.issuer, account: record.account, secret: record.secret };
        },
      },
      {
        name: 'otpauth',
        run: () => {
          const totp = new TOTP({ issuer: ISSUER, label: ACCOUNT, secret: Secret.fromBase32(SHA1.base32) });
          const parsed = URI.parse(totp.toString());
          return { issuer: parsed.issuer, account: parsed.label, secret: parsed.secret.base32 };
        },
        outcome: (r) => r,
      },
      {
        name: 'otplib',
        run: () => {
          const parsed = parseOtplibUri(generateURI({ issuer: ISSUER, label: ACCOUNT, secret: SHA1.base32 }));
          const colon = parsed.label.indexOf(':');
          return {
            issuer: parsed.params.issuer,
            account: colon === -1 ? parsed.label : parsed.label.slice(colon + 1),
            secret: parsed.params.secret,
          };
        },
        outcome: (r) => r,
      },
    ],
  };
}

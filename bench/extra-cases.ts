// Key URI build + parse (factorkit, otpauth, otplib) and backup-code verification (factorkit
// only: no peer has hashed backup codes). @oslojs/otp can build a URI but not parse one, and
// speakeasy's otpauthURL builds only, so neither is in the URI case.
import { buildOtpauthUri, generateBackupCodes, parseOtpauthUri, verifyBackupCode } from 'factorkit';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { scrypt } from 'node:crypto';
import { parse as parseOtplibUri } from '@otplib/uri';
import { Secret, TOTP, URI } from 'otpauth';
import { generateURI } from 'otplib';
import type { AsyncBenchCase, BenchCase } from './harness.js';
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

/**
 * Backup-code verification with the default scrypt parameters (OWASP: N = 2^14, r = 8, p = 5),
 * slow by design. The limit row is @noble/hashes' scryptAsync alone with the same parameters,
 * so the difference is factorkit's own work (normalising, salt, constant-time compare). The
 * last row, Node's native scrypt, is for perspective only: the core stays portable (no node:*).
 */
export async function backupCase(): Promise<AsyncBenchCase> {
  const { codes, set } = await generateBackupCodes();
  const valid = codes[codes.length - 1]!;
  // Same shape as a real code, so it reaches the KDF (a malformed one is refused before it).
  const invalid = valid.replace(/[^-]/g, (c) => (c === 'A' ? 'B' : 'A'));
  const salt = new Uint8Array(32);
  const { N, r, p } = set.kdf;
  const outcome = (result: unknown) => (result as { valid: boolean }).valid;
  return {
    id: 'backup-verify',
    title: `backup-code verify, default scrypt (N=2^${Math.log2(N)}, r=${r}, p=${p}), ${codes.length} codes`,
    expected: true,
    reference: 'factorkit, valid code',
    callsPerBatch: 1,
    rounds: 5,
    subjects: [
      { name: 'factorkit, valid code', run: () => verifyBackupCode(valid, set), outcome },
      { name: 'factorkit, invalid code', run: () => verifyBackupCode(invalid, set), outcome: (res) => !outcome(res) },
      {
        name: 'limit: noble scryptAsync alone',
        run: () => scryptAsync(valid, salt, { N, r, p, dkLen: 32 }),
        outcome: (res) => res instanceof Uint8Array,
      },
      {
        name: 'node:crypto scrypt (native)',
        run: () =>
          new Promise<Uint8Array>((resolve, reject) =>
            scrypt(valid, salt, 32, { N, r, p, maxmem: 256 * 1024 * 1024 }, (error, key) =>
              error ? reject(error) : resolve(key),
            ),
          ),
        outcome: (res) => res instanceof Uint8Array,
      },
    ],
  };
}

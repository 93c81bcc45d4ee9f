// Published test vectors, copied from the RFC texts (values cross-checked against several
// independent implementations' copies of the same tables).
import type { HashAlgorithm } from 'factorkit';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * RFC 4226 Appendix D ("HOTP Algorithm: Test Values"): the shared secret is the ASCII string
 * "12345678901234567890" (0x3132...3930), HMAC-SHA-1, 6 digits.
 * https://www.rfc-editor.org/rfc/rfc4226#appendix-D
 */
export const RFC4226_SECRET = ascii('12345678901234567890');
/** {@link RFC4226_SECRET} as unpadded base32. */
export const RFC4226_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

export interface HotpVector {
  count: number;
  /** Appendix D Table 1: HMAC-SHA-1(secret, count) in hex. */
  hmacHex: string;
  /** Appendix D Table 2: the 31-bit dynamically truncated value, in decimal. */
  truncated: number;
  /** Appendix D Table 2: the 6-digit HOTP value. */
  hotp: string;
}

export const RFC4226_VECTORS: readonly HotpVector[] = [
  { count: 0, hmacHex: 'cc93cf18508d94934c64b65d8ba7667fb7cde4b0', truncated: 1284755224, hotp: '755224' },
  { count: 1, hmacHex: '75a48a19d4cbe100644e8ac1397eea747a2d33ab', truncated: 1094287082, hotp: '287082' },
  { count: 2, hmacHex: '0bacb7fa082fef30782211938bc1c5e70416ff44', truncated: 137359152, hotp: '359152' },
  { count: 3, hmacHex: '66c28227d03a2d5529262ff016a1e6ef76557ece', truncated: 1726969429, hotp: '969429' },
  { count: 4, hmacHex: 'a904c900a64b35909874b33e61c5938a8e15ed1c', truncated: 1640338314, hotp: '338314' },
  { count: 5, hmacHex: 'a37e783d7b7233c083d4f62926c7a25f238d0316', truncated: 868254676, hotp: '254676' },
  { count: 6, hmacHex: 'bc9cd28561042c83f219324d3c607256c03272ae', truncated: 1918287922, hotp: '287922' },
  { count: 7, hmacHex: 'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa', truncated: 82162583, hotp: '162583' },
  { count: 8, hmacHex: '1b3c89f65e6c9e883012052823443f048b4332db', truncated: 673399871, hotp: '399871' },
  { count: 9, hmacHex: '1637409809a679dc698207310c8c7fc07290d9e5', truncated: 645520489, hotp: '520489' },
];

/**
 * RFC 6238 Appendix B ("Test Vectors"): T0 = 0, X = 30 s, 8 digits. The seeds are those of
 * the Appendix A reference code: the ASCII string "12345678901234567890" repeated to the
 * hash's output size (20 bytes for SHA1, 32 for SHA256, 64 for SHA512).
 * https://www.rfc-editor.org/rfc/rfc6238#appendix-B
 */
export const RFC6238_SECRETS: Readonly<Record<HashAlgorithm, Uint8Array>> = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};

export interface TotpVector {
  /** "Time (sec)" column: Unix seconds. */
  timeSeconds: number;
  /** "Value of T (hex)" column: the time step. */
  stepHex: string;
  algorithm: HashAlgorithm;
  totp: string;
}

const TIMES: ReadonlyArray<[number, string]> = [
  [59, '0000000000000001'],
  [1111111109, '00000000023523EC'],
  [1111111111, '00000000023523ED'],
  [1234567890, '000000000273EF07'],
  [2000000000, '0000000003F940AA'],
  [20000000000, '0000000027BC86AA'],
];

const CODES: Readonly<Record<HashAlgorithm, readonly string[]>> = {
  SHA1: ['94287082', '07081804', '14050471', '89005924', '69279037', '65353130'],
  SHA256: ['46119246', '68084774', '67062674', '91819424', '90698825', '77737706'],
  SHA512: ['90693936', '25091201', '99943326', '93441116', '38618901', '47863826'],
};

/** All 18 rows of RFC 6238 Appendix B Table 1. */
export const RFC6238_VECTORS: readonly TotpVector[] = (['SHA1', 'SHA256', 'SHA512'] as const).flatMap((algorithm) =>
  TIMES.map(([timeSeconds, stepHex], i) => ({ timeSeconds, stepHex, algorithm, totp: CODES[algorithm][i]! })),
);

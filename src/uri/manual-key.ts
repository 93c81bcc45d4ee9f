import { decodeBase32, encodeBase32 } from '../base32/index.js';
import { FactorkitError } from '../errors/index.js';

/**
 * Formats a secret for typing by hand ("can't scan the QR code?"): unpadded upper-case base32
 * in groups of four characters separated by single spaces. Authenticator apps and
 * {@link decodeBase32} ignore the spaces, so the grouped text decodes to the same secret.
 *
 * @param secret - the secret as base32, in any case, with or without padding, spaces or dashes
 * @returns e.g. `'JBSW Y3DP EHPK 3PXP'`
 * @throws {@link FactorkitError} `INVALID_SECRET` when `secret` is not a base32 string
 * @example
 * ```ts
 * import { formatManualKey } from 'factorkit';
 *
 * formatManualKey('jbswy3dpehpk3pxp'); // 'JBSW Y3DP EHPK 3PXP'
 * ```
 */
export function formatManualKey(secret: string): string {
  if (typeof secret !== 'string') {
    throw new FactorkitError('INVALID_SECRET', 'secret must be a base32 string');
  }
  let canonical: string;
  try {
    canonical = encodeBase32(decodeBase32(secret));
  } catch (error) {
    throw new FactorkitError('INVALID_SECRET', 'secret is not valid base32', { cause: error });
  }
  return canonical.match(/.{1,4}/g)!.join(' ');
}

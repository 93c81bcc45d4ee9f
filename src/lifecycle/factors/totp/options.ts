// The TOTP parameters of new enrollments (createTwoFactor's `totp` option) and the issuer they
// are shown under, checked where they are given.
import { FactorkitError } from '../../../errors/index.js';
import { checkAlgorithm, checkDigits, checkPeriod } from '../../../otp/options.js';
import { buildOtpauthUri } from '../../../uri/key-uri.js';
import type { TotpParams } from './record.js';

/** The parameters of new secrets, checked; an issuer a Key URI cannot carry fails here, not at the first enrollment. */
export function resolveTotpParams(issuer: string, options: unknown): TotpParams {
  const given = options ?? {};
  if (typeof given !== 'object' || given === null) {
    throw new FactorkitError('INVALID_ARGUMENT', 'totp must be an object');
  }
  const { algorithm, digits, period } = given as Record<string, unknown>;
  const params: TotpParams = {
    algorithm: checkAlgorithm(algorithm),
    digits: checkDigits(digits),
    period: checkPeriod(period),
  };
  buildOtpauthUri({ type: 'totp', issuer, account: 'check', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', ...params });
  return params;
}

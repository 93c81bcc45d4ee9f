// The authenticator-app factor module, always registered: a TOTP secret made at enrollment,
// shown as a QR code, confirmed with a code from the app, checked at sign-in with replay
// refusal and learned drift (record.ts).
import { FactorkitError } from '../../../errors/index.js';
import { isCodeShaped } from '../../../otp/hotp-key.js';
import { checkFactorName } from '../../kernel/args.js';
import type { RegisteredModule } from '../../kernel/built-in.js';
import type { ActiveFactorRecord } from '../../kernel/factor.js';
import {
  type ActiveTotpFactor,
  DEFAULT_TOTP_NAME,
  type PendingTotpFactor,
  type TotpFactor,
  checkTotp,
  confirmTotp,
  newTotpSecret,
  parseTotpFactor,
  totpFromVersion1,
} from './record.js';
import { resolveTotpParams } from './options.js';
import { MAX_KEPT_ACCOUNT_LENGTH, enrollmentDisplay, keepReplaced } from './pending.js';

/** How many active authenticator apps one user may have (documented on beginEnrollment). */
const MAX_TOTP_FACTORS = 5;
/** Ids of the two factors a version-1 record can hold, stable across reads until it is rewritten. */
export const LEGACY_ACTIVE_ID = 'totp-1';
export const LEGACY_PENDING_ID = 'totp-2';
/** Version 1's default enrollment TTL, which dates its pending enrollments. */
const LEGACY_ENROLLMENT_TTL_MS = 10 * 60_000;

/** Reads the two slots of a version-1 record, which only ever held authenticators. */
function readVersion1(userId: string, raw: Record<string, unknown>): TotpFactor[] {
  const factors: TotpFactor[] = [];
  if (raw.active !== null) {
    factors.push(totpFromVersion1(userId, raw.active, 'active', LEGACY_ACTIVE_ID, LEGACY_ENROLLMENT_TTL_MS));
  }
  if (raw.pending !== null) {
    factors.push(totpFromVersion1(userId, raw.pending, 'pending', LEGACY_PENDING_ID, LEGACY_ENROLLMENT_TTL_MS));
  }
  return factors;
}

/**
 * The authenticator-app module of one createTwoFactor: its issuer and the `totp` option (the
 * parameters of new secrets), checked here.
 */
export function totpModule(issuer: string, totpOptions: unknown): RegisteredModule<TotpFactor> {
  const params = resolveTotpParams(issuer, totpOptions);
  return {
    type: 'totp',
    label: DEFAULT_TOTP_NAME,
    maxActive: MAX_TOTP_FACTORS,
    strength: () => 'authenticator-app',
    parse: (raw, userId) => parseTotpFactor(userId, raw),
    enrollsWith: (options) => 'account' in options,
    async prepareEnrollment(ctx, options) {
      const { account, name } = options;
      if (typeof account !== 'string' || account.trim().length === 0) {
        throw new FactorkitError('INVALID_ARGUMENT', 'account must be a non-empty string');
      }
      const factorName = name === undefined ? undefined : checkFactorName(name);
      const { bytes, display } = newTotpSecret(issuer, account, params);
      const secret = await ctx.seal(bytes);
      bytes.fill(0);
      // Kept to show the QR code again (pendingEnrollment); it is in the Key URI the user saw anyway.
      const kept = account.length <= MAX_KEPT_ACCOUNT_LENGTH ? { account } : {};
      return {
        fields: { secret, totp: { ...params }, ...kept },
        display: { ...display },
        ...(factorName ? { name: factorName } : {}),
      };
    },
    accepts: (factor, proof) => typeof proof === 'string' && isCodeShaped(proof, factor.totp.digits),
    check(ctx, factor, proof) {
      const code = proof as string;
      return factor.state === 'pending'
        ? confirmTotp(ctx, factor as PendingTotpFactor, code)
        : checkTotp(ctx, factor as ActiveTotpFactor & ActiveFactorRecord, code);
    },
    sealed: { of: (factor) => factor.secret, with: (factor, secret) => ({ ...factor, secret }) },
    readVersion1,
    replacing: (next, replaced, nowMs) => keepReplaced(next as PendingTotpFactor, replaced as PendingTotpFactor, nowMs),
    replacedId: (factor) => (factor as PendingTotpFactor).replaced?.id,
    async display(ctx, factor) {
      const shown = await enrollmentDisplay(ctx, issuer, factor as PendingTotpFactor);
      return shown === undefined ? undefined : { ...shown };
    },
  };
}

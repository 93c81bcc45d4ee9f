// What a pending authenticator keeps beside its secret so that the enrollment page works in
// more than one tab and after a reload (issue 27): the Key URI's account, to show the QR code
// and the key again from the record, and the authenticator it replaced, so that a code from
// the QR code shown before is answered `enrollment-replaced` instead of counted as wrong.
//
// Why the replaced secret itself (sealed as the pending one is) and not a hash of its codes:
// a TOTP code changes every period, so only the secret can tell whether a code is one of it at
// the time it is typed. It is kept until the replaced enrollment would have expired, is never
// activated nor shown, and goes when the pending factor is confirmed or replaced again.
import { encodeBase32 } from '../../../base32/index.js';
import { buildOtpauthUri } from '../../../uri/key-uri.js';
import { formatManualKey } from '../../../uri/manual-key.js';
import type { SealedSecret } from '../../kernel/crypto.js';
import type { FactorContext } from '../../kernel/factor.js';
import { corrupt, isObject, isShortText, isTime, parseSealed } from '../../kernel/parse.js';
import type { TotpEnrollmentDisplay, TotpParams } from './record.js';

/** Accounts longer than this (no real e-mail address or user name is) are not kept: such an enrollment cannot be shown again. */
export const MAX_KEPT_ACCOUNT_LENGTH = 1024;

/** The pending authenticator a newer beginEnrollment replaced, while its QR code could still be in use. */
export interface ReplacedEnrollment {
  id: string;
  secret: SealedSecret;
  totp: TotpParams;
  expiresAt: number;
}

/** The optional fields of a pending authenticator; records written before issue 27 have neither. */
export interface PendingTotpExtras {
  /** The Key URI's account, to build the QR code again. */
  account?: string;
  replaced?: ReplacedEnrollment;
}

/** The extras of a stored pending authenticator, validated; `parseParams` checks TOTP parameters. */
export function parsePendingExtras(
  userId: string,
  raw: Record<string, unknown>,
  parseParams: (userId: string, value: unknown) => TotpParams,
): PendingTotpExtras {
  const { account, replaced } = raw;
  if (account !== undefined && !isShortText(account, MAX_KEPT_ACCOUNT_LENGTH)) {
    throw corrupt(userId, 'bad pending factor');
  }
  if (replaced === undefined) return account === undefined ? {} : { account };
  if (!isObject(replaced) || !isShortText(replaced.id, 64) || !isTime(replaced.expiresAt)) {
    throw corrupt(userId, 'bad pending factor');
  }
  return {
    ...(account === undefined ? {} : { account }),
    replaced: {
      id: replaced.id,
      secret: parseSealed(userId, replaced.secret),
      totp: parseParams(userId, replaced.totp),
      expiresAt: replaced.expiresAt,
    },
  };
}

/** A pending authenticator as far as these extras are concerned. */
interface PendingLike {
  id: string;
  secret: SealedSecret;
  totp: TotpParams;
  expiresAt: number;
}

/** What a new pending authenticator keeps of the one it replaces: its secret, while its QR code can still be confirmed. */
export function keepReplaced<F extends PendingLike & PendingTotpExtras>(
  next: F,
  replaced: PendingLike,
  nowMs: number,
): F {
  if (nowMs >= replaced.expiresAt) return next;
  const { id, secret, totp, expiresAt } = replaced;
  return { ...next, replaced: { id, secret, totp, expiresAt } };
}

/** The Key URI, the key and the secret of a pending authenticator, from its record; undefined when its account was not kept. */
export async function enrollmentDisplay(
  ctx: FactorContext,
  issuer: string,
  factor: PendingLike & PendingTotpExtras,
): Promise<TotpEnrollmentDisplay | undefined> {
  if (factor.account === undefined) return undefined;
  const bytes = await ctx.open(factor.secret);
  const secret = encodeBase32(bytes);
  bytes.fill(0);
  const uri = buildOtpauthUri({ type: 'totp', issuer, account: factor.account, secret, ...factor.totp });
  return { secret, uri, manualKey: formatManualKey(secret) };
}

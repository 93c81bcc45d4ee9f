// The factor types the lifecycle knows, and the one place they are registered: a new type is
// one module beside totp.ts, a member of the `Factor` union and a line in `parseFactor`.
import type { SealedSecret } from '../crypto.js';
import { corrupt, isObject } from '../parse.js';
import {
  type ActiveDeliveredFactor,
  type DeliveredFactor,
  type PendingDeliveredFactor,
  parseDeliveredFactor,
} from './delivered.js';
import { type ActiveTotpFactor, type PendingTotpFactor, type TotpFactor, parseTotpFactor } from './totp.js';

export type { FactorContext, FactorMatch } from './types.js';

/** Every factor a record can hold; the next types join this union. */
export type Factor = TotpFactor | DeliveredFactor;
export type ActiveFactor = ActiveTotpFactor | ActiveDeliveredFactor;
export type PendingFactor = PendingTotpFactor | PendingDeliveredFactor;
/**
 * The kinds of second factor: `'totp'`, an authenticator app; `'delivered'`, a destination the
 * app's `deliver` callback sends codes (and approval requests) to, whose `channel` says how
 * (e-mail, SMS, Telegram, voice or one the app names). Passkeys join this union in a later
 * version, so a `switch` over it should have a default branch.
 *
 * @example
 * ```ts
 * import type { FactorType } from 'factorkit';
 *
 * const label = (type: FactorType) => (type === 'totp' ? 'Authenticator app' : type);
 * ```
 */
export type FactorType = 'totp' | 'delivered';

// Kept in step with the union: a factor type missing here (or there) fails to compile.
const _sameTypes: [FactorType, Factor['type']] extends [Factor['type'], FactorType] ? true : never = true;
void _sameTypes;

/** The factor types, for listUsers' per-type counts. */
export const FACTOR_TYPES: readonly FactorType[] = ['totp', 'delivered'];

/** A stored factor, validated by the module of its type. */
export function parseFactor(userId: string, raw: unknown): Factor {
  if (!isObject(raw)) throw corrupt(userId, 'bad factor');
  switch (raw.type) {
    case 'totp':
      return parseTotpFactor(userId, raw);
    case 'delivered':
      return parseDeliveredFactor(userId, raw);
    default:
      throw corrupt(userId, 'unknown factor type');
  }
}

/** What a factor keeps sealed with the keyring: a TOTP secret, a delivered factor's destination. */
export function sealedOf(factor: Factor): SealedSecret {
  return factor.type === 'totp' ? factor.secret : factor.destination;
}

/** The factor with its sealed value replaced (a key rotation re-sealing it). */
export function withSealed(factor: Factor, sealed: SealedSecret): Factor {
  return factor.type === 'totp' ? { ...factor, secret: sealed } : { ...factor, destination: sealed };
}

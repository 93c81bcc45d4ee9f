// The factor types the lifecycle knows, and the one place they are registered: a new type is
// one module beside totp.ts, a member of the `Factor` union and a line in `parseFactor`.
import { corrupt, isObject } from '../parse.js';
import { type ActiveTotpFactor, type PendingTotpFactor, type TotpFactor, parseTotpFactor } from './totp.js';

export type { FactorContext, FactorMatch } from './types.js';

/** Every factor a record can hold; the next types join this union. */
export type Factor = TotpFactor;
export type ActiveFactor = ActiveTotpFactor;
export type PendingFactor = PendingTotpFactor;
/**
 * The kinds of second factor: `'totp'`, an authenticator app. Delivered codes and passkeys
 * join this union in later versions, so a `switch` over it should have a default branch.
 *
 * @example
 * ```ts
 * import type { FactorType } from 'factorkit';
 *
 * const label = (type: FactorType) => (type === 'totp' ? 'Authenticator app' : type);
 * ```
 */
export type FactorType = 'totp';

// Kept in step with the union: a factor type missing here (or there) fails to compile.
const _sameTypes: [FactorType, Factor['type']] extends [Factor['type'], FactorType] ? true : never = true;
void _sameTypes;

/** The factor types, for listUsers' per-type counts. */
export const FACTOR_TYPES: readonly FactorType[] = ['totp'];

/** A stored factor, validated by the module of its type. */
export function parseFactor(userId: string, raw: unknown): Factor {
  if (!isObject(raw)) throw corrupt(userId, 'bad factor');
  switch (raw.type) {
    case 'totp':
      return parseTotpFactor(userId, raw);
    default:
      throw corrupt(userId, 'unknown factor type');
  }
}

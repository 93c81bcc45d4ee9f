// The step-up grant: "this user proved a factor again, a moment ago", for settings that should
// not be changed by whoever finds a signed-in browser unattended. Sealed (sealed.ts) with the
// user id, so a grant of one account says nothing about another, and short-lived.
import type { CookieSealer } from './sealed.js';

export function sealGrant(sealer: CookieSealer, userId: string, expiresAt: number): Promise<string> {
  return sealer.seal('step-up', { u: userId, e: expiresAt });
}

/** Whether the cookie value is a grant of `userId` still in date at `nowMs`. */
export async function grantHolds(
  sealer: CookieSealer,
  value: string | undefined,
  userId: string,
  nowMs: number,
): Promise<boolean> {
  const payload = value === undefined ? undefined : await sealer.open('step-up', value);
  return payload !== undefined && payload.u === userId && typeof payload.e === 'number' && nowMs < payload.e;
}

// How strong each class of factor is, for the rule of which proof may manage what. The order
// follows NIST SP 800-63B-4: phishing-resistant authenticators first; then what the user holds
// and types from (an authenticator app's codes, and backup codes, a look-up secret of 64 bits or
// more, as hard to guess as the app's and the way back in when the phone is lost); then codes and
// approvals out of band over an app's own channel (Telegram, push); then the PSTN, which 63B-4
// restricts (SMS, voice: SIM swaps and number porting); and e-mail last, which 63B-4 does not
// accept as an out-of-band authenticator at all.
import type { StrengthClass } from './factor.js';

const RANK: Readonly<Record<StrengthClass, number>> = {
  'phishing-resistant': 4,
  'authenticator-app': 3,
  'look-up-secret': 3,
  'out-of-band': 2,
  'restricted-out-of-band': 1,
  email: 0,
};

/** Every class, strongest first. */
export const STRENGTH_CLASSES: readonly StrengthClass[] = Object.freeze(
  (Object.keys(RANK) as StrengthClass[]).sort((a, b) => RANK[b] - RANK[a]),
);

/** Whether `a` is at least as strong as `b`. */
export function atLeast(a: StrengthClass, b: StrengthClass): boolean {
  return RANK[a] >= RANK[b];
}

/** The stronger of two classes (the first when equal). */
export function stronger(a: StrengthClass, b: StrengthClass): StrengthClass {
  return RANK[b] > RANK[a] ? b : a;
}

/** The weaker of two classes (the first when equal). */
export function weaker(a: StrengthClass, b: StrengthClass): StrengthClass {
  return RANK[b] < RANK[a] ? b : a;
}

export function isStrengthClass(value: unknown): value is StrengthClass {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

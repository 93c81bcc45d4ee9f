// Which proof may manage what (issue 25, E1 and E2). Factors are unequal: an e-mail code must
// not remove the authenticator app, a voice code (a fallback, four digits) must not turn 2FA
// off. By default a proof manages only what is of its own strength class or weaker, unless the
// proof is already of the account's strongest class: then there is nothing stronger to ask for,
// and refusing would only lock the user out of improving the account (adding an app to an
// account that has only SMS).
import { FactorkitError } from '../../errors/index.js';
import type { FactorRecord, StrengthClass } from '../kernel/factor.js';
import { type RecordState, activeFactors } from '../kernel/record.js';
import { atLeast, isStrengthClass, stronger, weaker } from '../kernel/strength.js';
import type { CodeCheck } from './proof-check.js';
import type { Registry } from './registry.js';

/**
 * How proofs may manage factors: `'by-strength'` (the default, above) or `'any-factor'` (every
 * proof of an active factor manages everything, voice codes included, as before issue 25).
 */
export type ManagePolicy = 'by-strength' | 'any-factor';

type Proven = Extract<CodeCheck, { kind: 'factor' | 'backup' }>;

/** What a successful check proved: its class, and whether it was phishing-resistant. */
export interface ProvenStrength {
  strength: StrengthClass;
  phishingResistant: boolean;
}

export function checkManagePolicy(value: unknown): ManagePolicy {
  if (value === undefined) return 'by-strength';
  if (value !== 'by-strength' && value !== 'any-factor') {
    throw new FactorkitError('INVALID_ARGUMENT', "manage must be 'by-strength' or 'any-factor'");
  }
  return value;
}

/** A factor's class as its module declares it; a module that answers nonsense counts as the weakest. */
export function strengthOf(registry: Registry, factor: FactorRecord): StrengthClass {
  const declared: unknown = registry.moduleOf(factor).strength(factor);
  return isStrengthClass(declared) ? declared : 'email';
}

export function provenStrength(registry: Registry, proven: Proven): ProvenStrength {
  const strength = proven.kind === 'backup' ? 'look-up-secret' : strengthOf(registry, proven.factor);
  return { strength, phishingResistant: strength === 'phishing-resistant' };
}

/** The strongest class among the account's active factors, or undefined when it has none. */
export function strongestActive(registry: Registry, state: RecordState): StrengthClass | undefined {
  let strongest: StrengthClass | undefined;
  for (const factor of activeFactors(state)) {
    const strength = strengthOf(registry, factor);
    strongest = strongest === undefined ? strength : stronger(strongest, strength);
  }
  return strongest;
}

/**
 * Whether `proven` may manage something of class `target` on the account in `state`. By
 * strength: always for a backup code (recovery); never for a factor its module says manages
 * nothing (a voice code); else when the proof is at least the target's class or the account's
 * strongest. `'any-factor'`: always.
 */
export function mayManage(
  policy: ManagePolicy,
  registry: Registry,
  state: RecordState,
  proven: Proven,
  target: StrengthClass,
): boolean {
  if (policy === 'any-factor') return true;
  // Backup codes are the way back in when factors are lost (a security key, the phone with the
  // app): they manage everything, or a user who lost their strongest factor could neither
  // remove it nor add its replacement. Whoever holds them signs in with them anyway.
  if (proven.kind === 'backup') return true;
  if (registry.moduleOf(proven.factor).manages?.(proven.factor) === false) return false;
  const proof = provenStrength(registry, proven).strength;
  const strongest = strongestActive(registry, state) ?? target;
  return atLeast(proof, weaker(target, strongest));
}

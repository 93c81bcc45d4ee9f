// The engine every operation runs on: the checked options, the registry of factor types, the
// compare-and-set loop over the store, the refusal rules and the proof check. Built once per
// createTwoFactor; factorkit's own factor modules see it as a FactorEngine.
import type { FactorEngine } from '../kernel/built-in.js';
import type { FactorContext } from '../kernel/factor.js';
import type { ResolvedOptions } from './options.js';
import { type CodeChecker, codeChecker, refusalRules } from './proof-check.js';
import type { Registry } from './registry.js';
import { lockRefusal } from './throttle.js';
import type { Decide } from '../kernel/record.js';
import { mayBeBackupCode, perUserQueue } from './one-at-a-time.js';
import { recordAccess } from './transact.js';

export interface Engine extends FactorEngine {
  options: ResolvedOptions;
  registry: Registry;
  rules: ReturnType<typeof refusalRules>;
  /** A checker of one proof (any active factor, or a backup code; only `onlyFactorId`'s when given). */
  checker(proof: unknown, onlyFactorId?: string): CodeChecker;
  /** `transact` for an operation checking `proof`: queued per user when it may be a backup code (one-at-a-time.ts). */
  transactWithProof<T>(userId: string, proof: unknown, decide: Decide<T>): Promise<T>;
}

export function createEngine(options: ResolvedOptions, registry: Registry): Engine {
  const { sealer, hasher } = options;
  const access = recordAccess(options, registry);
  const seal = (userId: string, bytes: Uint8Array) => sealer.seal(userId, bytes);
  const open: FactorEngine['open'] = (userId, sealed) => sealer.open(userId, sealed);
  const context = (userId: string, nowMs: number): FactorContext => ({
    userId,
    nowMs,
    seal: (bytes) => seal(userId, bytes),
    open: (sealed) => open(userId, sealed),
    openPrepared: (sealed, prepare) => sealer.openPrepared(userId, sealed, prepare),
    hasher,
  });
  const queue = perUserQueue();
  return {
    ...access,
    transactWithProof: (userId, proof, decide) =>
      mayBeBackupCode(proof) ? queue(userId, () => access.transact(userId, decide)) : access.transact(userId, decide),
    store: options.store,
    now: options.now,
    enrollmentTtlMs: options.enrollmentTtlMs,
    warn: options.warn,
    hasher,
    seal,
    open,
    context,
    lockRefusal: (state, nowMs) => lockRefusal(state.throttle, nowMs),
    options,
    registry,
    rules: refusalRules(options),
    checker: (proof, onlyFactorId) => codeChecker(options, registry, context, proof, onlyFactorId),
  };
}

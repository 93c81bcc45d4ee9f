// Enrollment: beginning a factor of any registered type (its module prepares it, or enrolls it
// its own way) and confirming it with its first proof, which on an account with 2FA on also
// takes a proof of a factor the account has.
import { FactorkitError } from '../../errors/index.js';
import { checkOptionsObject } from '../../validation/index.js';
import { mayManage, strengthOf } from '../engine/authority.js';
import type { Engine } from '../engine/engine.js';
import {
  afterSuccess,
  isProofObject,
  isUsableProof,
  signalEvents,
  succeededEvent,
  uncountedRefusal,
} from '../engine/proof-check.js';
import type { RegisteredModule } from '../kernel/built-in.js';
import type { FactorRecord, PendingFactorRecord, Proof } from '../kernel/factor.js';
import { checkUserId, newFactorId } from '../kernel/args.js';
import {
  type IssuedBackupCodes,
  type Outcome,
  type RecordState,
  activeFactors,
  emptyState,
  pendingFactors,
  replaceFactor,
} from '../kernel/record.js';
import type { TwoFactorEvent } from '../kernel/events.js';
import { resetThrottle } from '../engine/throttle.js';
import type { BackupCodesResult, ConfirmEnrollmentOptions } from '../types.js';
import { checkRetryKey, keepIssued, reissued } from './issued-codes.js';
import { lazyBackupCodes } from './proof.js';

const OPERATION = 'confirm-enrollment';

/** Starts enrolling a factor of the module the options are for. */
export async function beginEnrollment(engine: Engine, userId: string, options: unknown): Promise<unknown> {
  checkUserId(userId);
  const given = checkOptionsObject(options ?? {}, 'options');
  const module = engine.registry.forEnrollment(given);
  const { type: _type, ...own } = given;
  if (module.beginEnrollment !== undefined) return module.beginEnrollment(engine, userId, own);
  return beginPrepared(engine, module, userId, own);
}

/** The generic enrollment: the module prepares the factor, the engine stores it as pending. */
async function beginPrepared(
  engine: Engine,
  module: RegisteredModule,
  userId: string,
  options: Record<string, unknown>,
): Promise<unknown> {
  const prepared = await module.prepareEnrollment!(engine.context(userId, engine.options.now()), options);
  const factorId = newFactorId();
  return engine.transact(userId, async (state, nowMs) => {
    const current = state ?? emptyState();
    if (activeFactors(current).filter((f) => f.type === module.type).length >= module.maxActive) {
      throw new FactorkitError(
        'TOO_MANY_FACTORS',
        `a user may have at most ${module.maxActive} of type '${module.type}'`,
      );
    }
    const expiresAt = nowMs + engine.options.enrollmentTtlMs;
    const pending = {
      type: module.type,
      id: factorId,
      name: prepared.name ?? module.label,
      createdAt: nowMs,
      lastUsedAt: null,
      state: 'pending',
      ...prepared.fields,
      expiresAt,
    } as PendingFactorRecord;
    // At most one pending factor of a type: beginning again replaces the earlier one.
    const isReplaced = (f: FactorRecord) => f.state === 'pending' && f.type === module.type;
    const replaced = current.factors.find(isReplaced) as PendingFactorRecord | undefined;
    const kept = replaced === undefined ? pending : (module.replacing?.(pending, replaced, nowMs) ?? pending);
    const factors = [...current.factors.filter((f) => !isReplaced(f)), kept];
    return { result: { factorId, ...prepared.display, expiresAt }, next: { ...current, factors } };
  });
}

/** The pending factor that replaced the factor `factorId` (begun again, e.g. in another tab), if any. */
export function replacerOf(
  engine: Engine,
  pendings: readonly PendingFactorRecord[],
  factorId: string,
): PendingFactorRecord | undefined {
  return pendings.find((f) => engine.registry.moduleOf(f).replacedId?.(f) === factorId);
}

/** The options of confirmEnrollment, checked. */
function checkConfirmOptions(options: unknown): ConfirmEnrollmentOptions {
  const { factorId, currentCode, retryKey } = checkOptionsObject(options) as ConfirmEnrollmentOptions;
  if (factorId !== undefined && typeof factorId !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'factorId must be a string');
  }
  if (currentCode !== undefined && typeof currentCode !== 'string' && !isProofObject(currentCode)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'currentCode must be a string or a proof object');
  }
  return {
    ...(factorId === undefined ? {} : { factorId }),
    ...(currentCode === undefined ? {} : { currentCode }),
    ...(retryKey === undefined ? {} : { retryKey: checkRetryKey(retryKey) }),
  };
}

/** Confirms a pending factor with its first proof; the first factor turns 2FA on with backup codes. */
export async function confirmEnrollment(
  engine: Engine,
  userId: string,
  proof: unknown,
  options?: ConfirmEnrollmentOptions,
): Promise<BackupCodesResult> {
  checkUserId(userId);
  const { factorId, currentCode, retryKey } = checkConfirmOptions(options);
  const call = { operation: OPERATION, proof, retryKey } as const;
  const checkCurrent = engine.checker(currentCode);
  const backupCodes = lazyBackupCodes(engine);
  const { rules, registry } = engine;
  return engine.transactWithProof<BackupCodesResult>(userId, currentCode, async (state, nowMs) => {
    // Without a factorId: the pending factor begun last.
    const pendings = state === null ? [] : pendingFactors(state);
    const pending = factorId === undefined ? pendings.at(-1) : pendings.find((f) => f.id === factorId);
    if (state === null || pending === undefined) {
      // A retry of a confirmation whose reply was lost: the factor is active by now.
      const again = state === null ? undefined : await reissued(engine, userId, state, call, nowMs);
      if (again !== undefined && (factorId === undefined || again.factorId === factorId)) {
        return { result: { ok: true, backupCodes: again.codes, factorId: again.factorId ?? undefined } };
      }
      const replacedBy = factorId === undefined ? undefined : replacerOf(engine, pendings, factorId);
      if (replacedBy !== undefined) {
        return uncountedRefusal(userId, nowMs, OPERATION, replacedBy.type, 'enrollment-replaced');
      }
      return { result: { ok: false, reason: factorId === undefined ? 'not-enrolled' : 'unknown-factor' } };
    }
    const module = registry.moduleOf(pending);
    const locked = rules.locked(userId, state, nowMs, OPERATION);
    if (locked !== undefined) return locked;
    const unusable = refuseUnusable(module, pending, proof, userId, nowMs);
    if (unusable !== undefined) return unusable;
    // Checked again here: the account may have changed since beginEnrollment.
    module.beforeConfirm?.(pending, state);
    // Adding a factor to an account with 2FA on takes a proof of a factor it has: a session
    // alone (a stolen cookie, an unlocked laptop) must not be able to add the attacker's.
    const proven = await proveCurrent(engine, { userId, state, nowMs, pending }, currentCode, checkCurrent);
    if ('result' in proven) return proven;
    const checked = await module.check(engine.context(userId, nowMs), pending, proof as Proof);
    if (checked.kind === 'invalid') {
      // A wrong proof is counted, with the factor's state as the attempt left it.
      const failed = checked.factor === undefined ? state : replaceFactor(state, checked.factor);
      return rules.countedFailure(userId, failed, nowMs, OPERATION, pending.type);
    }
    if (checked.kind === 'refused') return uncountedRefusal(userId, nowMs, OPERATION, pending.type, checked.reason);
    if (checked.kind !== 'match') return uncountedRefusal(userId, nowMs, OPERATION, pending.type, checked.kind);
    const activated = activate(checked.factor, nowMs);
    const generated = proven.wasActive ? undefined : await backupCodes(userId, nowMs);
    const issued =
      generated === undefined
        ? undefined
        : await keepIssued(engine, userId, { ...call, factorId: activated.id }, generated, nowMs);
    return confirmed(userId, proven, activated, { generated, issued }, nowMs);
  });
}

/** An expired pending factor, or a proof not of its shape: refused, uncounted. */
function refuseUnusable(
  module: RegisteredModule,
  pending: PendingFactorRecord,
  proof: unknown,
  userId: string,
  nowMs: number,
): Outcome<BackupCodesResult> | undefined {
  if (nowMs >= pending.expiresAt || module.ready?.(pending) === false) {
    return uncountedRefusal(userId, nowMs, OPERATION, pending.type, 'expired');
  }
  if (!isUsableProof(proof) || !module.accepts(pending, proof)) {
    return uncountedRefusal(userId, nowMs, OPERATION, 'unknown', 'malformed');
  }
  return undefined;
}

type CurrentProof = { wasActive: boolean; state: RecordState; events: TwoFactorEvent[] };

/**
 * On an account with 2FA on, the proof of a factor it has, strong enough to vouch for the new
 * one (authority.ts: a code of an SMS factor cannot add an authenticator app beside a stronger
 * factor); the state after it was used.
 */
async function proveCurrent(
  engine: Engine,
  { userId, state, nowMs, pending }: { userId: string; state: RecordState; nowMs: number; pending: FactorRecord },
  currentCode: unknown,
  checkCurrent: ReturnType<Engine['checker']>,
): Promise<CurrentProof | Outcome<BackupCodesResult>> {
  if (activeFactors(state).length === 0) return { wasActive: false, state, events: [] };
  if (currentCode === undefined) return uncountedRefusal(userId, nowMs, OPERATION, 'unknown', 'current-code-required');
  const checked = await checkCurrent(userId, state, nowMs);
  const refused = engine.rules.refuse(userId, state, checked, nowMs, OPERATION);
  if (refused !== undefined) return refused;
  const proven = checked as Extract<typeof checked, { kind: 'factor' | 'backup' }>;
  const { manage } = engine.options;
  if (!mayManage(manage, engine.registry, state, proven, strengthOf(engine.registry, pending))) {
    return uncountedRefusal(userId, nowMs, OPERATION, proven.method, 'stronger-factor-required');
  }
  return {
    wasActive: true,
    state: afterSuccess(state, proven, nowMs),
    events: [succeededEvent(userId, nowMs, OPERATION, proven), ...signalEvents(userId, nowMs, proven)],
  };
}

/** A pending factor its module matched, made active (unless the module already did). */
function activate(factor: FactorRecord, nowMs: number): FactorRecord {
  if (factor.state === 'active') return factor;
  const { expiresAt: _expired, ...common } = factor;
  return { ...common, state: 'active', activatedAt: nowMs, lastUsedAt: nowMs };
}

/** The record with the factor confirmed: backup codes made for a first factor, devices forgotten. */
function confirmed(
  userId: string,
  proven: CurrentProof,
  activated: FactorRecord,
  {
    generated,
    issued,
  }: { generated: Awaited<ReturnType<ReturnType<typeof lazyBackupCodes>>> | undefined; issued?: IssuedBackupCodes },
  nowMs: number,
): Outcome<BackupCodesResult> {
  const { state: current } = proven;
  const events: TwoFactorEvent[] = [
    ...proven.events,
    { type: 'verify-succeeded', userId, at: nowMs, operation: OPERATION, method: activated.type },
  ];
  const next: RecordState = {
    ...replaceFactor(current, activated),
    backupCodes: generated === undefined ? current.backupCodes : generated.set,
    // The sealed copy for a retry of this call (issued-codes.ts); kept as it was otherwise.
    ...(issued === undefined ? {} : { issuedBackupCodes: issued }),
    throttle: resetThrottle(),
    // A new factor forgets every remembered device: they were trusted under the old set.
    devices: [],
  };
  if (!proven.wasActive) events.push({ type: 'enabled', userId, at: nowMs });
  events.push({ type: 'factor-added', userId, at: nowMs, factorId: activated.id, factorType: activated.type });
  // One event for the app to end other sessions, however many changes this confirmation made.
  const change = proven.wasActive ? 'factor-added' : 'enabled';
  events.push({ type: 'sessions-should-end', userId, at: nowMs, change });
  const backupCodes = generated === undefined ? [] : [...generated.codes];
  return { result: { ok: true, backupCodes, factorId: activated.id }, next, events };
}

// createTwoFactor: each operation of the 2FA lifecycle as one decision over the record, run by
// the shared compare-and-set loop (transact.ts) with the shared code check and refusal rules
// (checks.ts). What is specific to a factor type lives in its module (factors/).
import { type GeneratedBackupCodes, generateBackupCodes, remainingBackupCodes } from '../backup-codes/index.js';
import { FactorkitError } from '../errors/index.js';
import { isTwoFactorStatus } from '../stores/status.js';
import { isCodeShaped } from '../otp/hotp-key.js';
import { MAX_NAME_LENGTH, checkDisplayText, checkId, checkUserId, newFactorId } from './args.js';
import { type CodeCheck, afterSuccess, codeChecker, failedEvent, refusalRules, succeededEvent } from './checks.js';
import {
  DEFAULT_DEVICE_TTL_MS,
  MAX_DEVICE_TTL_MS,
  MIN_DEVICE_TTL_MS,
  liveDevices,
  matchDevice,
  newDevice,
} from './devices.js';
import { checkVoiceAllowed, deliveryOperations, withoutOrphanedVoice } from './delivery.js';
import type { CodeCheckOperation, TwoFactorEvent } from './events.js';
import { activateDelivered, checkDeliveredCode, codeDigits, maskDestination } from './factors/delivered.js';
import { FACTOR_TYPES, type Factor, type FactorType } from './factors/index.js';
import { DEFAULT_TOTP_NAME, confirmTotp, newTotpSecret } from './factors/totp.js';
import { resolveOptions } from './options.js';
import {
  type RecordState,
  activeFactors,
  emptyState,
  parseState,
  pendingFactors,
  replaceFactor,
  statusOf,
} from './state.js';
import { lockRemainingMs, resetThrottle } from './throttle.js';
import { type Outcome, recordAccess } from './transact.js';
import type {
  BackupCodesResult,
  BeginDeliveredEnrollmentOptions,
  BeginDeliveredEnrollmentResult,
  BeginEnrollmentOptions,
  BeginEnrollmentResult,
  ConfirmEnrollmentOptions,
  FactorSummary,
  ListUsersOptions,
  RememberDeviceResult,
  SupportActionOptions,
  TwoFactor,
  TwoFactorFailure,
  TwoFactorOptions,
  TwoFactorUser,
  VerifyOptions,
  VerifyResult,
} from './types.js';

/** How many active authenticator apps one user may have (documented on beginEnrollment). */
const MAX_TOTP_FACTORS = 5;
const MAX_DEVICE_LABEL_LENGTH = 128;

/**
 * Creates the 2FA lifecycle over your store: enrollment of one or more authenticators with QR
 * codes, or of destinations that codes and approval requests are delivered to (e-mail, SMS,
 * Telegram, voice; sent by your `deliver` callback), confirmation with backup codes, sign-in
 * verification with replay protection,
 * throttling with a hard lock and learned clock drift, backup-code regeneration, factors
 * listed, renamed and removed, remembered devices, disabling, support operations and an admin
 * listing. Safe under concurrency: parallel calls for one user are serialised by the store's
 * compare-and-set, so a code is accepted once.
 *
 * @param options - see {@link TwoFactorOptions}
 * @returns the {@link TwoFactor} object
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for bad options, `INVALID_LABEL` for an issuer
 * a Key URI cannot carry, `INVALID_KEYRING` for a bad keyring, `INVALID_ALGORITHM` /
 * `INVALID_DIGITS` / `INVALID_PERIOD` for bad TOTP parameters, `INVALID_ARGUMENT` for a bad
 * `deliver` or `delivery`
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 *
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   onEvent: (event) => console.log(event.type, event.userId),
 * });
 *
 * const { qrSvg } = await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
 * // show qrSvg; the user scans it and types a code:
 * const confirmed = await twoFactor.confirmEnrollment('user-1', '123456');
 * if (confirmed.ok) console.log(confirmed.backupCodes); // show once
 *
 * const signIn = await twoFactor.verify('user-1', '654321');
 * if (!signIn.ok && signIn.reason === 'locked') console.log(`retry in ${signIn.retryAfterMs} ms`);
 * ```
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  const resolved = resolveOptions(options);
  const { store, issuer, sealer, totpParams, enrollmentTtlMs, now } = resolved;
  const access = recordAccess(resolved);
  const { storeCall, load, transact } = access;
  const rules = refusalRules(resolved);
  const delivered = deliveryOperations(resolved, access, store);

  /** Generates backup codes once per call, however many times the write is retried. */
  function lazyBackupCodes(): (userId: string, nowMs: number) => Promise<GeneratedBackupCodes> {
    let generated: Promise<GeneratedBackupCodes> | undefined;
    return (userId, nowMs) => {
      generated ??= generateBackupCodes({ ...resolved.backupCodes, context: userId, now: nowMs });
      return generated;
    };
  }

  /**
   * The skeleton of every operation proven by a code: refused while locked, the code checked
   * (any active factor, or a backup code), the refusal rules applied, and on success
   * `onSuccess` decides the change; its events follow the `verify-succeeded` audit event.
   */
  async function withCode<T>(
    userId: string,
    code: string,
    operation: CodeCheckOperation,
    onSuccess: (state: RecordState, check: CodeCheck, nowMs: number) => Promise<Outcome<T | TwoFactorFailure>>,
    onlyFactorId?: string,
  ): Promise<T | TwoFactorFailure> {
    checkUserId(userId);
    const check = codeChecker(resolved, code, onlyFactorId);
    return transact<T | TwoFactorFailure>(userId, async (state, nowMs) => {
      if (state === null || activeFactors(state).length === 0) return { result: { ok: false, reason: 'not-enrolled' } };
      if (onlyFactorId !== undefined && !activeFactors(state).some((f) => f.id === onlyFactorId)) {
        return { result: { ok: false, reason: 'unknown-factor' } };
      }
      const locked = rules.locked(userId, state, nowMs, operation);
      if (locked !== undefined) return locked;
      const checked = await check(userId, state, nowMs);
      const refused = rules.refuse(userId, state, checked, nowMs, operation);
      if (refused !== undefined) return refused;
      const outcome = await onSuccess(afterSuccess(state, checked, nowMs), checked, nowMs);
      return { ...outcome, events: [succeededEvent(userId, nowMs, operation, checked), ...(outcome.events ?? [])] };
    });
  }

  /** The support operations' skeleton: no code, an actor, one change and its event. */
  async function bySupport(
    userId: string,
    supportOptions: SupportActionOptions,
    change: (state: RecordState, actor: string, nowMs: number) => Outcome<{ ok: true }>,
  ): Promise<{ ok: true } | TwoFactorFailure> {
    checkUserId(userId);
    const actor = (supportOptions as Partial<SupportActionOptions> | undefined)?.actor;
    if (typeof actor !== 'string' || actor.trim().length === 0 || actor.length > 255) {
      throw new FactorkitError('INVALID_ARGUMENT', 'actor must be a string of 1 to 255 characters');
    }
    return transact<{ ok: true } | TwoFactorFailure>(userId, async (state, nowMs) => {
      if (state === null) return { result: { ok: false, reason: 'not-enrolled' } };
      return change(state, actor, nowMs);
    });
  }

  /** Everything removed: no factor, no backup code, no remembered device. The throttle stays. */
  function switchedOff(state: RecordState): RecordState {
    return { ...state, factors: [], backupCodes: null, devices: [] };
  }

  /** Enrolling an authenticator app: a new secret, shown as a QR code. */
  async function beginTotpEnrollment(
    userId: string,
    enrollOptions: BeginEnrollmentOptions,
  ): Promise<BeginEnrollmentResult> {
    checkUserId(userId);
    const { account, name } = (enrollOptions ?? {}) as { account?: unknown; name?: unknown };
    if (typeof account !== 'string' || account.trim().length === 0) {
      throw new FactorkitError('INVALID_ARGUMENT', 'account must be a non-empty string');
    }
    const factorName = name === undefined ? DEFAULT_TOTP_NAME : checkDisplayText('name', name, MAX_NAME_LENGTH);
    const { bytes, display } = newTotpSecret(issuer, account, totpParams);
    const sealed = await sealer.seal(userId, bytes);
    bytes.fill(0);
    const factorId = newFactorId();
    return transact(userId, async (state, nowMs) => {
      const current = state ?? emptyState();
      if (activeFactors(current).filter((f) => f.type === 'totp').length >= MAX_TOTP_FACTORS) {
        throw new FactorkitError('TOO_MANY_FACTORS', `a user may have at most ${MAX_TOTP_FACTORS} authenticator apps`);
      }
      const expiresAt = nowMs + enrollmentTtlMs;
      const pending: Factor = {
        type: 'totp',
        id: factorId,
        name: factorName,
        createdAt: nowMs,
        lastUsedAt: null,
        state: 'pending',
        secret: sealed,
        totp: { ...totpParams },
        expiresAt,
      };
      // At most one pending authenticator: beginning again replaces the earlier one.
      const factors = [...current.factors.filter((f) => !(f.state === 'pending' && f.type === 'totp')), pending];
      return { result: { factorId, ...display, expiresAt }, next: { ...current, factors } };
    });
  }

  /** The options name the kind of factor: `channel` a delivered one, `account` an authenticator. */
  function beginEnrollment(
    userId: string,
    enrollOptions: BeginEnrollmentOptions | BeginDeliveredEnrollmentOptions,
  ): Promise<BeginEnrollmentResult | BeginDeliveredEnrollmentResult> {
    const isDelivered = typeof enrollOptions === 'object' && enrollOptions !== null && 'channel' in enrollOptions;
    return isDelivered
      ? delivered.beginDeliveredEnrollment(userId, enrollOptions as BeginDeliveredEnrollmentOptions)
      : beginTotpEnrollment(userId, enrollOptions as BeginEnrollmentOptions);
  }

  return {
    beginEnrollment: beginEnrollment as TwoFactor['beginEnrollment'],

    async confirmEnrollment(userId, code, confirmOptions) {
      checkUserId(userId);
      const operation = 'confirm-enrollment';
      const { factorId, currentCode } = (confirmOptions ?? {}) as ConfirmEnrollmentOptions;
      if (factorId !== undefined && typeof factorId !== 'string') {
        throw new FactorkitError('INVALID_ARGUMENT', 'factorId must be a string');
      }
      if (currentCode !== undefined && typeof currentCode !== 'string') {
        throw new FactorkitError('INVALID_ARGUMENT', 'currentCode must be a string');
      }
      const checkCurrent = codeChecker(resolved, currentCode);
      const backupCodes = lazyBackupCodes();
      return transact<BackupCodesResult>(userId, async (state, nowMs) => {
        // Without a factorId: the pending factor begun last.
        const pending =
          state === null
            ? undefined
            : factorId === undefined
              ? pendingFactors(state).at(-1)
              : pendingFactors(state).find((f) => f.id === factorId);
        if (state === null || pending === undefined) {
          return { result: { ok: false, reason: factorId === undefined ? 'not-enrolled' : 'unknown-factor' } };
        }
        const method = pending.type === 'totp' ? 'totp' : 'delivered';
        const locked = rules.locked(userId, state, nowMs, operation);
        if (locked !== undefined) return locked;
        if (nowMs >= pending.expiresAt || (pending.type === 'delivered' && pending.code === null)) {
          return {
            result: { ok: false, reason: 'expired' },
            events: [failedEvent(userId, nowMs, operation, method, 'expired')],
          };
        }
        const digits = pending.type === 'totp' ? pending.totp.digits : codeDigits(pending.code!.channel);
        if (!isCodeShaped(code, digits)) {
          return {
            result: { ok: false, reason: 'malformed' },
            events: [failedEvent(userId, nowMs, operation, 'unknown', 'malformed')],
          };
        }
        // Checked again here: the account's last other factor may have gone since beginEnrollment.
        if (pending.type === 'delivered') checkVoiceAllowed(pending.channel, state);
        // Adding a factor to an account with 2FA on takes a code of a factor it has: a session
        // alone (a stolen cookie, an unlocked laptop) must not be able to add the attacker's.
        const wasActive = activeFactors(state).length > 0;
        let current = state;
        const events: TwoFactorEvent[] = [];
        if (wasActive) {
          if (currentCode === undefined) {
            return {
              result: { ok: false, reason: 'current-code-required' },
              events: [failedEvent(userId, nowMs, operation, 'unknown', 'current-code-required')],
            };
          }
          const checked = await checkCurrent(userId, state, nowMs);
          const refused = rules.refuse(userId, state, checked, nowMs, operation);
          if (refused !== undefined) return refused;
          current = afterSuccess(state, checked, nowMs);
          events.push(succeededEvent(userId, nowMs, operation, checked));
        }
        let activated: Factor;
        if (pending.type === 'totp') {
          const ctx = {
            userId,
            nowMs,
            open: (sealed: Parameters<typeof sealer.open>[1]) => sealer.open(userId, sealed),
          };
          const confirmed = await confirmTotp(ctx, pending, code);
          if (confirmed === undefined) return rules.countedFailure(userId, state, nowMs, operation, 'totp');
          activated = confirmed;
        } else {
          const { maxAttemptsPerCode } = resolved.delivery;
          const checked = checkDeliveredCode(resolved.hasher, userId, pending, code, nowMs, maxAttemptsPerCode);
          if (checked.kind === 'invalid') {
            // A wrong code is counted, and uses up one of the sent code's attempts.
            return rules.countedFailure(userId, replaceFactor(state, checked.factor), nowMs, operation, 'delivered');
          }
          if (checked.kind !== 'match') {
            const reason = checked.kind;
            return { result: { ok: false, reason }, events: [failedEvent(userId, nowMs, operation, method, reason)] };
          }
          activated = activateDelivered(checked.factor, nowMs);
        }
        events.push({ type: 'verify-succeeded', userId, at: nowMs, operation, method });
        const generated = wasActive ? undefined : await backupCodes(userId, nowMs);
        const next: RecordState = {
          ...replaceFactor(current, activated),
          backupCodes: generated === undefined ? current.backupCodes : generated.set,
          throttle: resetThrottle(),
          // A new factor forgets every remembered device: they were trusted under the old set.
          devices: [],
        };
        if (!wasActive) events.push({ type: 'enabled', userId, at: nowMs });
        events.push({ type: 'factor-added', userId, at: nowMs, factorId: pending.id, factorType: pending.type });
        return {
          result: { ok: true, backupCodes: generated === undefined ? [] : [...generated.codes], factorId: pending.id },
          next,
          events,
        };
      });
    },

    async verify(userId, code, verifyOptions) {
      const factorId = (verifyOptions as VerifyOptions | undefined)?.factorId;
      if (factorId !== undefined && typeof factorId !== 'string') {
        throw new FactorkitError('INVALID_ARGUMENT', 'factorId must be a string');
      }
      return withCode<VerifyResult>(
        userId,
        code,
        'verify',
        async (next, check, nowMs) => {
          const remaining = next.backupCodes === null ? 0 : remainingBackupCodes(next.backupCodes);
          if (check.kind === 'factor' && check.factor.type === 'delivered') {
            const channel = check.factor.code?.channel ?? check.factor.channel;
            return {
              result: {
                ok: true,
                method: 'delivered',
                factorId: check.factor.id,
                channel,
                remainingBackupCodes: remaining,
              },
              next,
            };
          }
          if (check.kind === 'factor') {
            return {
              result: { ok: true, method: 'totp', factorId: check.factor.id, remainingBackupCodes: remaining },
              next,
            };
          }
          return {
            result: { ok: true, method: 'backup', remainingBackupCodes: remaining },
            next,
            events: [{ type: 'backup-code-used', userId, at: nowMs, remaining }],
          };
        },
        factorId,
      );
    },

    async regenerateBackupCodes(userId, code) {
      const backupCodes = lazyBackupCodes();
      return withCode<BackupCodesResult>(userId, code, 'regenerate-backup-codes', async (next, _check, nowMs) => {
        const generated = await backupCodes(userId, nowMs);
        return {
          result: { ok: true, backupCodes: [...generated.codes] },
          next: { ...next, backupCodes: generated.set },
          events: [{ type: 'backup-codes-regenerated', userId, at: nowMs, count: generated.codes.length }],
        };
      });
    },

    async disable(userId, code) {
      return withCode<{ ok: true }>(userId, code, 'disable', async (next, _check, nowMs) => ({
        result: { ok: true },
        next: switchedOff(next),
        events: [{ type: 'disabled', userId, at: nowMs }],
      }));
    },

    async listFactors(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      if (state === null) return [];
      return Promise.all(
        state.factors.map(async (factor) => {
          const summary = summarise(factor);
          if (factor.type === 'delivered') {
            summary.channel = factor.channel;
            summary.maskedDestination = maskDestination(factor.channel, await delivered.destinationOf(userId, factor));
          }
          return summary;
        }),
      );
    },

    async renameFactor(userId, factorId, name) {
      checkUserId(userId);
      checkId('factorId', factorId);
      const newName = checkDisplayText('name', name, MAX_NAME_LENGTH);
      return transact<{ ok: true } | TwoFactorFailure>(userId, async (state) => {
        if (state === null || !state.factors.some((f) => f.id === factorId)) {
          return { result: { ok: false, reason: 'unknown-factor' } };
        }
        const factors = state.factors.map((f) => (f.id === factorId ? { ...f, name: newName } : f));
        return { result: { ok: true }, next: { ...state, factors } };
      });
    },

    async removeFactor(userId, factorId, code) {
      checkUserId(userId);
      checkId('factorId', factorId);
      // While 2FA is off there is nothing to prove: removing a pending factor cancels enrollment.
      const { state: before } = await load(userId);
      if (before !== null && activeFactors(before).length === 0) {
        return transact<{ ok: true; twoFactorOff: boolean } | TwoFactorFailure>(userId, async (state, nowMs) => {
          const factor = state?.factors.find((f) => f.id === factorId);
          if (state === null || factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
          if (activeFactors(state).length > 0) return { result: { ok: false, reason: 'current-code-required' } };
          return {
            result: { ok: true, twoFactorOff: true },
            next: { ...state, factors: state.factors.filter((f) => f.id !== factorId) },
            events: [{ type: 'factor-removed', userId, at: nowMs, factorId, factorType: factor.type }],
          };
        });
      }
      return withCode<{ ok: true; twoFactorOff: boolean }>(
        userId,
        code,
        'remove-factor',
        async (next, _check, nowMs) => {
          const factor = next.factors.find((f) => f.id === factorId);
          if (factor === undefined) return { result: { ok: false, reason: 'unknown-factor' } };
          // Voice factors are a fallback only: they go with the last active factor that is not voice.
          const { state: remaining, removed } = withoutOrphanedVoice({
            ...next,
            factors: next.factors.filter((f) => f.id !== factorId),
            devices: [],
          });
          const events: TwoFactorEvent[] = [factor, ...removed].map((gone) => ({
            type: 'factor-removed',
            userId,
            at: nowMs,
            factorId: gone.id,
            factorType: gone.type,
          }));
          // The last active factor gone: 2FA is off, exactly as disable leaves it.
          if (activeFactors(remaining).length === 0) {
            events.push({ type: 'disabled', userId, at: nowMs });
            return { result: { ok: true, twoFactorOff: true }, next: switchedOff(remaining), events };
          }
          return { result: { ok: true, twoFactorOff: false }, next: remaining, events };
        },
      );
    },

    async rememberDevice(userId, deviceOptions) {
      checkUserId(userId);
      const { label, ttlMs = DEFAULT_DEVICE_TTL_MS } = (deviceOptions ?? {}) as { label?: unknown; ttlMs?: unknown };
      const deviceLabel = label === undefined ? null : checkDisplayText('label', label, MAX_DEVICE_LABEL_LENGTH);
      if (
        typeof ttlMs !== 'number' ||
        !Number.isFinite(ttlMs) ||
        ttlMs < MIN_DEVICE_TTL_MS ||
        ttlMs > MAX_DEVICE_TTL_MS
      ) {
        throw new FactorkitError('INVALID_ARGUMENT', 'ttlMs must be from 1 minute to 400 days, in milliseconds');
      }
      return transact<RememberDeviceResult>(userId, async (state, nowMs) => {
        if (state === null || activeFactors(state).length === 0) {
          return { result: { ok: false, reason: 'not-enrolled' } };
        }
        const { device, token } = newDevice(deviceLabel, nowMs, ttlMs);
        return {
          result: { ok: true, deviceId: device.id, token, expiresAt: device.expiresAt },
          next: { ...state, devices: [...liveDevices(state.devices, nowMs, 1), device] },
          events: [{ type: 'device-remembered', userId, at: nowMs, deviceId: device.id }],
        };
      });
    },

    async checkRememberedDevice(userId, token) {
      checkUserId(userId);
      if (typeof token !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'token must be a string');
      const { state } = await load(userId);
      if (state === null || activeFactors(state).length === 0) return { ok: false, reason: 'not-enrolled' };
      const matched = matchDevice(state.devices, token, now());
      return matched.ok ? { ok: true, deviceId: matched.device.id } : matched;
    },

    async listRememberedDevices(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      if (state === null) return [];
      return liveDevices(state.devices, now()).map((d) => ({
        deviceId: d.id,
        label: d.label,
        createdAt: d.createdAt,
        expiresAt: d.expiresAt,
      }));
    },

    async forgetDevice(userId, deviceId) {
      checkUserId(userId);
      checkId('deviceId', deviceId);
      return transact<{ ok: true } | TwoFactorFailure>(userId, async (state, nowMs) => {
        if (state === null || !state.devices.some((d) => d.id === deviceId)) {
          return { result: { ok: false, reason: 'unknown-factor' } };
        }
        return {
          result: { ok: true },
          next: { ...state, devices: state.devices.filter((d) => d.id !== deviceId) },
          events: [{ type: 'device-forgotten', userId, at: nowMs, deviceId }],
        };
      });
    },

    sendCode: (userId, sendOptions) => delivered.sendCode(userId, sendOptions),
    requestApproval: (userId, requestOptions) => delivered.requestApproval(userId, requestOptions),
    approve: (token, answerOptions) => delivered.answer(token, 'approve', answerOptions),
    deny: (token, answerOptions) => delivered.answer(token, 'deny', answerOptions),
    approvalStatus: (userId, challengeId) => delivered.approvalStatus(userId, challengeId),

    async status(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      return state === null ? 'not-activated' : statusOf(state);
    },

    async remainingBackupCodes(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      if (state === null || activeFactors(state).length === 0 || state.backupCodes === null) return 0;
      return remainingBackupCodes(state.backupCodes);
    },

    async throttleStatus(userId) {
      checkUserId(userId);
      const { state } = await load(userId);
      if (state === null) return { failures: 0, retryAfterMs: 0, hardLocked: false };
      const hardLocked = state.throttle.hardLockedAt !== null;
      return {
        failures: state.throttle.failures,
        retryAfterMs: hardLocked ? 0 : lockRemainingMs(state.throttle, now()),
        hardLocked,
      };
    },

    async listUsers(listOptions) {
      const { status, limit = 50, cursor } = (listOptions ?? {}) as ListUsersOptions;
      if (status !== undefined && !isTwoFactorStatus(status)) {
        throw new FactorkitError('INVALID_ARGUMENT', "status must be 'activated', 'not-activated' or 'pending'");
      }
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new FactorkitError('INVALID_ARGUMENT', 'limit must be an integer from 1 to 1000');
      }
      if (cursor !== undefined && typeof cursor !== 'string') {
        throw new FactorkitError('INVALID_ARGUMENT', 'cursor must be a string');
      }
      const page = await storeCall(() =>
        store.list({ limit, ...(status === undefined ? {} : { status }), ...(cursor === undefined ? {} : { cursor }) }),
      );
      const users: TwoFactorUser[] = page.records.map(({ userId, status: s, updatedAt, data }) => ({
        userId,
        status: s,
        updatedAt,
        activeFactors: countActive(userId, data),
      }));
      return page.nextCursor === undefined ? { users } : { users, nextCursor: page.nextCursor };
    },

    async resetByAdmin(userId, supportOptions) {
      return bySupport(userId, supportOptions, (state, actor, nowMs) => ({
        result: { ok: true },
        next: { ...switchedOff(state), throttle: resetThrottle() },
        events: [{ type: 'reset-by-admin', userId, at: nowMs, actor }],
      }));
    },

    async unlock(userId, supportOptions) {
      return bySupport(userId, supportOptions, (state, actor, nowMs) => ({
        result: { ok: true },
        next: { ...state, throttle: resetThrottle() },
        events: [{ type: 'unlocked', userId, at: nowMs, actor }],
      }));
    },
  };
}

/** Active factors per type, or null for a record that cannot be read: one bad record must not break an admin page. */
function countActive(userId: string, data: string): Record<FactorType, number> | null {
  try {
    const state = parseState(userId, data);
    const counts = Object.fromEntries(FACTOR_TYPES.map((type) => [type, 0])) as Record<FactorType, number>;
    for (const factor of activeFactors(state)) counts[factor.type]++;
    return counts;
  } catch {
    return null;
  }
}

function summarise(factor: Factor): FactorSummary {
  const summary: FactorSummary = {
    factorId: factor.id,
    type: factor.type,
    name: factor.name,
    status: factor.state,
    createdAt: factor.createdAt,
    lastUsedAt: factor.lastUsedAt,
  };
  if (factor.state === 'pending') summary.expiresAt = factor.expiresAt;
  return summary;
}

// createTwoFactor wires the lifecycle: the options checked, the registry of factor types (the
// authenticator-app module and the app's `factors`), the engine over the store, and each
// operation from the file named after it. A factor module's own operations (sendCode for
// delivered codes) join the same flat object.
import { FactorkitError } from '../errors/index.js';
import { createEngine } from './engine/engine.js';
import { resolveOptions } from './engine/options.js';
import { createRegistry, deliveryNotConfigured } from './engine/registry.js';
import { totpModule } from './factors/totp/index.js';
import { beginEnrollment, confirmEnrollment } from './operations/enrollment.js';
import { listFactors, removeFactor, renameFactor } from './operations/factors.js';
import {
  checkRememberedDevice,
  forgetDevice,
  listRememberedDevices,
  rememberDevice,
} from './operations/remembered-devices.js';
import { withProof } from './operations/proof.js';
import { checkSignInTicket, redeemSignInTicket } from './operations/sign-in-tickets.js';
import { disable, regenerateBackupCodes, stepUp, verify } from './operations/sign-in.js';
import type { ProvingEngine } from './kernel/built-in.js';
import {
  listUsers,
  remainingBackupCodes,
  resetByAdmin,
  status,
  statusOfUsers,
  throttleStatus,
  unlock,
} from './operations/support.js';
import { pendingEnrollment } from './operations/pending-enrollment.js';
import type { FactorModule } from './kernel/factor.js';
import type { ModuleOperations, TwoFactor, TwoFactorOptions } from './types.js';

/** The delivered-code operations, until a module that offers them is registered. */
function notConfigured(): Promise<never> {
  return Promise.reject(deliveryNotConfigured());
}

/**
 * Creates the 2FA lifecycle over your store: enrollment of one or more authenticators with QR
 * codes (and of the factor types you register: destinations that codes and approval requests
 * are delivered to, from `factorkit/delivered`, or your own), confirmation with backup codes,
 * sign-in verification with replay protection, throttling with a hard lock and learned clock
 * drift, backup-code regeneration, factors listed, renamed and removed, remembered devices,
 * disabling, support operations and an admin listing. Safe under concurrency: parallel calls
 * for one user are serialised by the store's compare-and-set, so a proof is accepted once.
 *
 * @param options - see {@link TwoFactorOptions}
 * @returns the {@link TwoFactor} object
 * @throws {@link FactorkitError} `INVALID_ARGUMENT` for bad options (every one is checked here,
 * `backupCodes` and `factors` included), `WEAK_KDF` for backup-code KDF parameters below the
 * minimum, `INVALID_LABEL` for an issuer a Key URI cannot carry, `INVALID_KEYRING` for a bad
 * keyring, `INVALID_ALGORITHM` / `INVALID_DIGITS` / `INVALID_PERIOD` for bad TOTP parameters
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor, generateTotp } from 'factorkit';
 *
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   onEvent: (event) => console.log(event.type, event.userId),
 * });
 *
 * const { secret } = await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
 * // show the QR code; the user scans it and types the code their app shows:
 * const confirmed = await twoFactor.confirmEnrollment('user-1', generateTotp(secret));
 * if (confirmed.ok) console.log(confirmed.backupCodes.length); // 5: show them once
 *
 * const signIn = await twoFactor.verify('user-1', confirmed.ok ? confirmed.backupCodes[0]! : '');
 * console.log(signIn.ok && signIn.method); // backup
 * ```
 */
// The modules' operations come first in the return type: a module may type one of TwoFactor's
// own methods more narrowly for its options (webauthn() types beginEnrollment's result), and
// TypeScript tries an intersection's overloads in order.
// biome-ignore lint/suspicious/noExplicitAny: each module has its own factor shape
export function createTwoFactor<const M extends readonly FactorModule<any>[] = []>(
  options: TwoFactorOptions & { factors?: M },
): ModuleOperations<M> & TwoFactor {
  const resolved = resolveOptions(options);
  const registry = createRegistry(totpModule(resolved.issuer, resolved.totp), resolved.factors);
  const engine = createEngine(resolved, registry);
  const proving = {
    ...engine,
    withProof: ((userId, proof, operation, onSuccess) =>
      withProof(engine, userId, proof, { operation, onSuccess })) as ProvingEngine['withProof'],
  };
  const operations = Object.assign({}, ...registry.modules.map((module) => module.operations?.(proving) ?? {}));
  return {
    beginEnrollment: ((userId: string, given: unknown) =>
      beginEnrollment(engine, userId, given)) as TwoFactor['beginEnrollment'],
    confirmEnrollment: (userId, proof, given) => confirmEnrollment(engine, userId, proof, given),
    pendingEnrollment: (userId, given) => pendingEnrollment(engine, userId, given),
    verify: (userId, proof, given) => verify(engine, userId, proof, given),
    stepUp: (userId, proof, given) => stepUp(engine, userId, proof, given),
    regenerateBackupCodes: (userId, proof, given) => regenerateBackupCodes(engine, userId, proof, given),
    disable: (userId, proof) => disable(engine, userId, proof),
    listFactors: (userId) => listFactors(engine, userId),
    renameFactor: (userId, factorId, name) => renameFactor(engine, userId, factorId, name),
    removeFactor: (userId, factorId, proof) => removeFactor(engine, userId, factorId, proof),
    rememberDevice: (userId, given) => rememberDevice(engine, userId, given),
    checkRememberedDevice: (userId, token) => checkRememberedDevice(engine, userId, token),
    listRememberedDevices: (userId) => listRememberedDevices(engine, userId),
    forgetDevice: (userId, deviceId) => forgetDevice(engine, userId, deviceId),
    sendCode: notConfigured,
    requestApproval: notConfigured,
    approve: notConfigured,
    deny: notConfigured,
    approvalStatus: notConfigured,
    status: (userId) => status(engine, userId),
    statusOf: (userIds) => statusOfUsers(engine, userIds),
    remainingBackupCodes: (userId) => remainingBackupCodes(engine, userId),
    throttleStatus: (userId) => throttleStatus(engine, userId),
    listUsers: (given) => listUsers(engine, given),
    resetByAdmin: (userId, given) => resetByAdmin(engine, userId, given),
    unlock: (userId, given) => unlock(engine, userId, given),
    redeemSignInTicket: (userId, ticket) => redeemSignInTicket(engine, userId, ticket),
    checkSignInTicket: (userId, ticket) => checkSignInTicket(engine, userId, ticket),
    ...operations,
  };
}

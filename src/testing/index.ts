/**
 * `factorkit/testing`: the conformance suite for {@link TwoFactorStore} adapters, and a
 * fault-injecting store wrapper. Needs vitest (an optional peer dependency).
 *
 * @module
 */
import { describe } from 'vitest';
import type { TwoFactorStore } from '../stores/index.js';
import { storeProvider, type StoreConformanceOptions } from './harness.js';
import { type FactorConformanceSpec, factorConformanceSuite } from './factor-conformance.js';
import { faultsSuite } from './faults.js';
import { lifecycleAbuseLimitsSuite } from './lifecycle-abuse-limits.js';
import { lifecycleDeliveredSuite } from './lifecycle-delivered.js';
import { lifecycleFactorsSuite } from './lifecycle-factors.js';
import { lifecycleFanOutSuite } from './lifecycle-fan-out.js';
import { lifecycleRacesSuite } from './lifecycle-races.js';
import { lifecycleSecuritySuite } from './lifecycle-security.js';
import { lifecycleSignInTicketsSuite } from './lifecycle-sign-in-tickets.js';
import { lifecycleStrengthSuite } from './lifecycle-strength.js';
import { storeEdgesSuite } from './store-edges.js';
import { storeSemanticsSuite } from './store-semantics.js';

export type { StoreConformanceOptions } from './harness.js';
export type { FactorConformanceSpec } from './factor-conformance.js';
export { FaultyStore, InjectedStoreFault, type FaultTiming } from './faulty-store.js';

/**
 * Registers vitest `describe`/`it` blocks that check a {@link TwoFactorStore} adapter: the
 * store contract (create, get, compareAndSet conflicts, delete, list paging and filtering, data
 * kept byte for byte), its edges (Unicode text and ids of every UTF-8 length, pages in
 * JavaScript string order over fuzzed id sets and every page size, the last page without a
 * cursor, bad arguments refused with `INVALID_ARGUMENT` before anything is written, 20
 * concurrent creates, compareAndSets or deletes: exactly one wins), the lifecycle's guarantees over it with real parallel calls (20 uses of
 * one backup code: exactly 1 succeeds; 20 verifies of one TOTP code: exactly 1; 50 wrong codes:
 * exactly 50 failures counted; regeneration racing a backup-code use: never two valid sets; one approval request fanned out to three factors and 20 parallel answers: one decision; 20 parallel sends: the abuse limits hold; 20 parallel redemptions of one pending sign-in ticket: exactly one),
 * the security properties as an attacker would test them (400 wrong codes: at most
 * `maxConsecutiveFailures` evaluated, then a hard lock until `unlock`; a secret rewritten in
 * clear refused; a factor replaced only with a code of the old one; store driver errors that
 * carry the record redacted; over-long input refused uncounted; secrets as long as the HMAC
 * output; support reset and audit events that carry no code or secret), and fault injection (every operation failing at every store call: it completes or leaves the
 * previous state whole, and reports `STORE_ERROR`).
 *
 * Call it at the top level of a test file. `makeStore` is called once per test; each test uses
 * user ids with a fresh random prefix, so a shared database works too.
 *
 * @param makeStore - returns a store to test (connected and ready)
 * @param options - `name` of the outer describe, `teardown` after each test, `faults` (default true)
 * @example
 * ```ts
 * import { MemoryStore } from 'factorkit';
 * import { runStoreConformance } from 'factorkit/testing';
 *
 * runStoreConformance(() => new MemoryStore({ latencyMs: 1 }), { name: 'MemoryStore' });
 * ```
 */
export function runStoreConformance(
  makeStore: () => TwoFactorStore | Promise<TwoFactorStore>,
  options: StoreConformanceOptions = {},
): void {
  describe(options.name ?? 'TwoFactorStore conformance', () => {
    const useStore = storeProvider(makeStore, options);
    storeSemanticsSuite(useStore);
    storeEdgesSuite(useStore);
    lifecycleRacesSuite(useStore);
    lifecycleSecuritySuite(useStore);
    lifecycleFactorsSuite(useStore);
    lifecycleDeliveredSuite(useStore);
    lifecycleStrengthSuite(useStore);
    lifecycleFanOutSuite(useStore);
    lifecycleAbuseLimitsSuite(useStore);
    lifecycleSignInTicketsSuite(useStore);
    if (options.faults !== false) faultsSuite(useStore);
    for (const spec of options.factors ?? []) factorConformanceSuite(useStore, spec);
  });
}

/**
 * Registers vitest `describe`/`it` blocks that check a factor module (a `FactorModule`
 * of your own) over a store, through the public lifecycle only: enrollment listed as pending,
 * confirmation turning 2FA on, sign-in named by the module's type, wrong proofs counted and
 * other shapes not, replay refused and 20 parallel uses of one proof giving one success (for
 * one-time proofs), its proof managing the account (regenerate, remove, disable), its place
 * beside an authenticator app (a current code to add it, `factorId` scoping), `maxActive`,
 * and an attacker editing the stored factor. The same cases run for every store with
 * {@link runStoreConformance}'s `factors` option.
 *
 * @param makeStore - returns a store to test (connected and ready)
 * @param spec - the module and its proofs
 * @param options - as for {@link runStoreConformance} (`name`, `teardown`)
 * @example
 * ```ts
 * import { MemoryStore, type FactorModule } from 'factorkit';
 * import { runFactorConformance } from 'factorkit/testing';
 *
 * declare const pinModule: FactorModule;
 *
 * runFactorConformance(() => new MemoryStore(), {
 *   module: () => pinModule,
 *   enrollment: { type: 'pin', pin: '2468' },
 *   proof: (_begun, use) => ({ pin: '2468', counter: use }),
 *   wrongProof: (_begun, use) => ({ pin: '1357', counter: use }),
 *   otherShape: '2468',
 *   singleUse: true,
 * });
 * ```
 */
export function runFactorConformance(
  makeStore: () => TwoFactorStore | Promise<TwoFactorStore>,
  spec: FactorConformanceSpec,
  options: Omit<StoreConformanceOptions, 'factors' | 'faults'> = {},
): void {
  describe(options.name ?? 'factor module conformance', () => {
    factorConformanceSuite(storeProvider(makeStore, options), spec);
  });
}

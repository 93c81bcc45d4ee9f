// A toy factor type written as a third party would, with the public interface only: a PIN
// typed with a counter (`{ pin, counter }`), accepted once per counter value. It proves that a
// factor type outside factorkit enrolls, signs in, is listed, removed and refused on replay on
// every store, with proofs that are not strings.
import { FactorkitError, type FactorModule, type FactorRecord, type StoredHash } from 'factorkit';
import type { FactorConformanceSpec } from 'factorkit/testing';

type PinFactor = FactorRecord & { type: 'pin'; pin: StoredHash; lastCounter: number };
type PinProof = { pin: string; counter: number };

const PIN = /^[0-9]{4,8}$/;

function isPinProof(proof: unknown): proof is PinProof {
  if (typeof proof !== 'object' || proof === null) return false;
  const { pin, counter } = proof as Record<string, unknown>;
  return typeof pin === 'string' && PIN.test(pin) && Number.isSafeInteger(counter) && (counter as number) > 0;
}

/** The module: the PIN kept as a keyed hash bound to the user, the last counter accepted beside it. */
export function pinFactor(): FactorModule<PinFactor> {
  return {
    type: 'pin',
    label: 'PIN',
    maxActive: 2,
    strength: () => 'look-up-secret',
    parse(raw) {
      const { pin, lastCounter } = raw;
      const hash = pin as Partial<StoredHash> | null;
      if (typeof hash !== 'object' || hash === null || typeof hash.hash !== 'string' || hash.hash.length !== 43) {
        throw new Error('bad PIN hash');
      }
      if (!(hash.keyId === null || typeof hash.keyId === 'string')) throw new Error('bad PIN key id');
      if (!Number.isSafeInteger(lastCounter) || (lastCounter as number) < 0) throw new Error('bad PIN counter');
      return { ...(raw as unknown as PinFactor), pin: { keyId: hash.keyId, hash: hash.hash } };
    },
    enrollsWith: (options) => 'pin' in options,
    async prepareEnrollment(ctx, options) {
      if (typeof options.pin !== 'string' || !PIN.test(options.pin)) {
        throw new FactorkitError('INVALID_ARGUMENT', 'pin must be 4 to 8 digits');
      }
      return { fields: { pin: ctx.hasher.hash('toy-pin', [ctx.userId, options.pin]), lastCounter: 0 }, display: {} };
    },
    accepts: (_factor, proof) => isPinProof(proof),
    async check(ctx, factor, proof) {
      const { pin, counter } = proof as PinProof;
      if (!ctx.hasher.matches('toy-pin', [ctx.userId, pin], factor.pin)) return { kind: 'invalid' };
      if (counter <= factor.lastCounter) return { kind: 'replayed' };
      return { kind: 'match', factor: { ...factor, lastCounter: counter, lastUsedAt: ctx.nowMs } };
    },
  };
}

/** The conformance cases' view of the module: how to enroll one and its proofs. */
export const PIN_FACTOR: FactorConformanceSpec = {
  name: 'toy PIN (test/support/pin-factor.ts)',
  module: pinFactor,
  enrollment: { type: 'pin', pin: '2468', name: 'Desk PIN' },
  proof: (_begun, use) => ({ pin: '2468', counter: use }),
  wrongProof: (_begun, use) => ({ pin: '1357', counter: use }),
  otherShape: '246813',
  singleUse: true,
};

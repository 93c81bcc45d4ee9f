// The small interface between the shared lifecycle and a factor module.
import type { SealedSecret } from '../crypto.js';

/** What a factor module gets to check a code: who, when, and the keyring to open secrets with. */
export interface FactorContext {
  userId: string;
  nowMs: number;
  open(sealed: SealedSecret): Promise<Uint8Array>;
}

/** The outcome of checking a code against one active factor; on a match, the factor as it is after use. */
export type FactorMatch<F> = { kind: 'match'; factor: F } | { kind: 'invalid' | 'replayed' };

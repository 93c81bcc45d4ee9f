// Voice calls are a fallback only: a voice factor is enrolled and kept only beside an active
// factor that is not voice, because a 4-digit code read off a caller id is the weakest proof.
import { FactorkitError } from '../../../errors/index.js';
import type { FactorRecord } from '../../kernel/factor.js';
import { type RecordState, activeFactors } from '../../kernel/record.js';
import type { DeliveryChannel } from '../../kernel/events.js';

function isVoice(factor: FactorRecord): boolean {
  return factor.type === 'delivered' && (factor as FactorRecord & { channel: DeliveryChannel }).channel === 'voice';
}

function hasActiveNonVoiceFactor(state: RecordState): boolean {
  return activeFactors(state).some((factor) => !isVoice(factor));
}

/** VOICE_FALLBACK_ONLY for a voice factor on an account with no active factor that is not voice. */
export function checkVoiceAllowed(channel: DeliveryChannel, state: RecordState): void {
  if (channel === 'voice' && !hasActiveNonVoiceFactor(state)) {
    throw new FactorkitError(
      'VOICE_FALLBACK_ONLY',
      'a voice factor is a fallback only: the account needs an active factor that is not voice first',
    );
  }
}

/** The factors once voice factors are gone, when no active factor that is not voice is left. */
export function withoutOrphanedVoice(state: RecordState): { state: RecordState; removed: FactorRecord[] } {
  if (hasActiveNonVoiceFactor(state)) return { state, removed: [] };
  const removed = state.factors.filter(isVoice);
  if (removed.length === 0) return { state, removed };
  return { state: { ...state, factors: state.factors.filter((factor) => !isVoice(factor)) }, removed };
}

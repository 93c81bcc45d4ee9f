/**
 * `factorkit/delivered`: codes and approval requests delivered by e-mail, SMS, Telegram, voice
 * or a channel the app names, through the app's own `deliver`. One factor module, registered
 * with `createTwoFactor({ factors: [deliveredCodes({ deliver })] })`; an app that never
 * registers it bundles none of it.
 *
 * @module delivered
 */
import { isCodeShaped } from '../../../otp/hotp-key.js';
import type { RegisteredModule } from '../../kernel/built-in.js';
import type { FactorModule, StrengthClass } from '../../kernel/factor.js';
import { answerApproval, approvalStatus, requestApproval } from './approval-requests.js';
import { beginDeliveredEnrollment, MAX_DELIVERED_FACTORS } from './enroll.js';
import { resolveDeliveredOptions } from './options.js';
import {
  type DeliveredFactor,
  type PendingDeliveredFactor,
  activateDelivered,
  checkDeliveredCode,
  codeDigits,
  isPhoneChannel,
  maskDestination,
  parseDeliveredFactor,
} from './record.js';
import { type DeliveredEngine, destinationOf } from './send.js';
import { sendCode } from './send-code.js';
import type { DeliveredCodesOptions } from './types.js';
import { checkVoiceAllowed, withoutOrphanedVoice } from './voice.js';

export type * from './types.js';

/** NIST SP 800-63B-4: e-mail is not an out-of-band authenticator; SMS and voice over the phone network are restricted. */
function strengthOf(factor: DeliveredFactor): StrengthClass {
  if (factor.channel === 'email') return 'email';
  return isPhoneChannel(factor.channel) ? 'restricted-out-of-band' : 'out-of-band';
}

/**
 * The delivered-codes factor module: destinations (an e-mail address, a phone number for SMS or
 * voice calls, a Telegram chat, or one of a channel you name) that factorkit makes codes and
 * approval requests for, and that your `deliver` sends. Register it with `createTwoFactor`;
 * `beginEnrollment` with a `channel`, `sendCode`, `requestApproval`, `approve`, `deny` and
 * `approvalStatus` then work, and delivered codes are accepted by `verify`. See
 * docs/delivered-codes.md for the rules and the security model.
 *
 * @param options - `deliver` (required) and the tuning of {@link DeliveryOptions}
 * @returns the factor module, for `createTwoFactor({ factors: [...] })`
 * @throws `FactorkitError` `INVALID_ARGUMENT` for a missing `deliver` or a value out of its bounds
 * @example
 * ```ts
 * import { MemoryStore, createTwoFactor } from 'factorkit';
 * import { deliveredCodes } from 'factorkit/delivered';
 *
 * const twoFactor = createTwoFactor({
 *   store: new MemoryStore(),
 *   issuer: 'Example',
 *   keyring: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   factors: [
 *     deliveredCodes({
 *       deliver: async (message) => {
 *         // hand message.code (or the approval tokens) to your mail, SMS or chat provider
 *       },
 *       codeTtlMs: 5 * 60_000,
 *     }),
 *   ],
 * });
 * ```
 */
export function deliveredCodes(options: DeliveredCodesOptions): FactorModule {
  const { deliver, allowSend, config } = resolveDeliveredOptions(options);
  const { resendCooldownMs, maxSendsPerHour, maxSendsPerDay } = config;
  const limits = { resendCooldownMs, maxSendsPerHour, maxSendsPerDay };
  const trustedLimits = { resendCooldownMs, maxSendsPerHour, maxSendsPerDay: config.trustedSendsPerDay };
  const enrollmentLimits = { resendCooldownMs: 0, maxSendsPerHour, maxSendsPerDay };
  const withEngine = (engine: DeliveredEngine['engine']): DeliveredEngine => ({
    engine,
    deliver,
    allowSend,
    config,
    limits,
    trustedLimits,
    enrollmentLimits,
  });
  const module: RegisteredModule<DeliveredFactor> = {
    type: 'delivered',
    label: 'Delivered code',
    maxActive: MAX_DELIVERED_FACTORS,
    strength: strengthOf,
    // A voice code (four digits, read out over the phone network, a fallback) signs in and
    // manages nothing: it cannot remove a factor, turn 2FA off or vouch for a new factor.
    manages: (factor) => factor.channel !== 'voice',
    parse: (raw, userId) => parseDeliveredFactor(userId, raw),
    enrollsWith: (given) => 'channel' in given,
    beginEnrollment: (engine, userId, given) => beginDeliveredEnrollment(withEngine(engine), userId, given),
    // A code exists only because the app had it sent: without one there is nothing to match.
    ready: (factor) => factor.code !== null,
    accepts: (factor, proof) =>
      typeof proof === 'string' && factor.code !== null && isCodeShaped(proof, codeDigits(factor.code.channel)),
    async check(ctx, factor, proof) {
      const checked = checkDeliveredCode(
        ctx.hasher,
        ctx.userId,
        factor,
        proof as string,
        ctx.nowMs,
        config.maxAttemptsPerCode,
      );
      if (checked.kind !== 'match' || checked.factor.state === 'active') return checked;
      return { kind: 'match', factor: activateDelivered(checked.factor as PendingDeliveredFactor, ctx.nowMs) };
    },
    beforeConfirm: (factor, state) => checkVoiceAllowed(factor.channel, state),
    prune: withoutOrphanedVoice,
    async summarise(ctx, factor) {
      const destination = await destinationOf(ctx, factor);
      return { channel: factor.channel, maskedDestination: maskDestination(factor.channel, destination) };
    },
    signInDetails: (factor) => ({ channel: factor.code?.channel ?? factor.channel }),
    sealed: { of: (factor) => factor.destination, with: (factor, destination) => ({ ...factor, destination }) },
    operations(engine) {
      const d = withEngine(engine);
      return {
        sendCode: (userId: string, sendOptions: Parameters<typeof sendCode>[2]) => sendCode(d, userId, sendOptions),
        requestApproval: (userId: string, requestOptions?: Parameters<typeof requestApproval>[2]) =>
          requestApproval(d, userId, requestOptions),
        approve: (token: string, answerOptions?: Parameters<typeof answerApproval>[3]) =>
          answerApproval(d, token, 'approve', answerOptions),
        deny: (token: string, answerOptions?: Parameters<typeof answerApproval>[3]) =>
          answerApproval(d, token, 'deny', answerOptions),
        approvalStatus: (userId: string, challengeId: string) => approvalStatus(d, userId, challengeId),
      };
    },
  };
  // Its enrollment sends a code first (beginEnrollment), so it has no prepareEnrollment: the
  // registry takes either.
  return module as unknown as FactorModule;
}

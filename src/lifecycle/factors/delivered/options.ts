// The options of deliveredCodes, checked once where they are given: a bad one fails when the
// module is made, not at the first send.
import { FactorkitError } from '../../../errors/index.js';
import { checkOptionsObject } from '../../../validation/index.js';
import { MAX_SENDS_PER_HOUR_LIMIT } from '../../kernel/parse.js';
import { MAX_ATTEMPTS_LIMIT } from './record.js';
import type { AllowSend, DeliveryMessage, DeliveryOptions } from './types.js';

/** The delivery settings with every default filled in. */
export type DeliveryConfig = Required<Omit<DeliveryOptions, 'allowSend'>>;

/** The defaults, documented on {@link DeliveryOptions}. */
export const DEFAULT_DELIVERY: DeliveryConfig = {
  codeTtlMs: 5 * 60_000,
  maxAttemptsPerCode: 5,
  resendCooldownMs: 30_000,
  maxSendsPerHour: 5,
  voiceCallsBeforeSms: 3,
  approvalTtlMs: 2 * 60_000,
  maxSendsPerDay: 10,
  trustedSendsPerDay: 5,
  maxUnverifiedDestinationsPerDay: 5,
  maxApprovalsPerDay: 10,
  maxUnansweredApprovals: 3,
  approvalPauseMs: 24 * 3_600_000,
};

/** Each delivery setting's bounds: [min, max], integers. */
const DELIVERY_BOUNDS: Record<keyof DeliveryConfig, [number, number, string]> = {
  // NIST SP 800-63B §5.1.3.2: an out-of-band secret is invalid after 10 minutes.
  codeTtlMs: [30_000, 10 * 60_000, 'from 30 s to 10 minutes, in milliseconds'],
  maxAttemptsPerCode: [1, MAX_ATTEMPTS_LIMIT, `an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`],
  resendCooldownMs: [0, 3_600_000, 'from 0 to one hour, in milliseconds'],
  maxSendsPerHour: [1, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 1 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  voiceCallsBeforeSms: [1, 10, 'an integer from 1 to 10'],
  approvalTtlMs: [30_000, 10 * 60_000, 'from 30 s to 10 minutes, in milliseconds'],
  // The stored histories hold at most MAX_SENDS_PER_HOUR_LIMIT entries: no cap may need more.
  maxSendsPerDay: [1, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 1 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  trustedSendsPerDay: [0, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 0 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  maxUnverifiedDestinationsPerDay: [1, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 1 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  maxApprovalsPerDay: [1, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 1 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  maxUnansweredApprovals: [1, MAX_SENDS_PER_HOUR_LIMIT, `an integer from 1 to ${MAX_SENDS_PER_HOUR_LIMIT}`],
  // The history a pause is decided on is kept for a day.
  approvalPauseMs: [60_000, 24 * 3_600_000, 'from 1 minute to 24 hours, in milliseconds'],
};

export interface ResolvedDelivery {
  deliver: (message: DeliveryMessage) => Promise<void>;
  allowSend: AllowSend | undefined;
  config: DeliveryConfig;
}

/** `deliver` and every tuning value of deliveredCodes' options, checked; defaults filled in. */
export function resolveDeliveredOptions(options: unknown): ResolvedDelivery {
  const given = checkOptionsObject(options, 'options');
  const deliver = given.deliver;
  if (typeof deliver !== 'function') throw new FactorkitError('INVALID_ARGUMENT', 'deliver must be a function');
  const { allowSend } = given;
  if (allowSend !== undefined && typeof allowSend !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', 'allowSend must be a function when given');
  }
  const config = { ...DEFAULT_DELIVERY };
  for (const [name, [min, max, what]] of Object.entries(DELIVERY_BOUNDS) as [
    keyof DeliveryConfig,
    [number, number, string],
  ][]) {
    const value = given[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new FactorkitError('INVALID_ARGUMENT', `${name} must be ${what}`);
    }
    config[name] = value;
  }
  return { deliver: deliver as ResolvedDelivery['deliver'], allowSend: allowSend as AllowSend | undefined, config };
}

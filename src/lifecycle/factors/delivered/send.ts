// How every delivered send runs: the new code (or approval) and the send are written first,
// with compare-and-set, and only then handed to `deliver`; if `deliver` fails, a second write
// undoes exactly that send. Written first, because the resend limits are decided on the record:
// of two parallel sends, one wins the write and delivers, the other re-reads and is refused by
// the cooldown; delivering first would let every parallel caller send before one of them lost
// the race (an attacker's 100 parallel requests would be 100 SMS). The cost is a window in
// which a code is stored before it is delivered (nobody knows it yet: harmless), and, if the
// store fails while undoing, a send that stays counted without having gone out: the limits
// then err towards fewer messages, never more.
import { FactorkitError } from '../../../errors/index.js';
import type { TwoFactorEvent } from '../../kernel/events.js';
import type { FactorEngine } from '../../kernel/built-in.js';
import type { FactorContext } from '../../kernel/factor.js';
import type { RecordState } from '../../kernel/record.js';
import type { DeliveryConfig } from './options.js';
import { type DeliveredFactor, type SendLimits, destinationText, generateDigits } from './record.js';
import type { DeliveryMessage } from './types.js';

/** What a delivered-code operation runs on: the record engine, the app's `deliver` and the settings. */
export interface DeliveredEngine {
  engine: FactorEngine;
  deliver: (message: DeliveryMessage) => Promise<void>;
  config: DeliveryConfig;
  /** Resends to one factor: the cooldown and the hourly cap. */
  limits: SendLimits;
  /** Codes to destinations being enrolled: the account's hourly cap only (a new destination has no cooldown yet). */
  enrollmentLimits: SendLimits;
}

/** A send decided in a write: the message, how to take it back, and the events once it went out. */
export interface PlannedSend {
  message: DeliveryMessage;
  /** The record without this send (undefined: nothing to change). */
  undo(state: RecordState | null): RecordState | undefined;
  /** Runs after the undo write, e.g. to delete a record this send created. */
  afterUndo?(): Promise<void>;
  events: TwoFactorEvent[];
}

/** A decision of a send: the result, the state to write, and the send when there is one. */
export interface SendDecision<R> {
  result: R;
  next?: RecordState;
  send?: PlannedSend;
}

/** Writes the decision, then delivers its send; a failed delivery is undone and DELIVERY_FAILED. */
export async function writeThenDeliver<R extends { ok: boolean }>(
  d: DeliveredEngine,
  userId: string,
  decide: (state: RecordState | null, nowMs: number) => Promise<SendDecision<R>>,
): Promise<R> {
  let planned: PlannedSend | undefined;
  const result = await d.engine.transact<R>(userId, async (state, nowMs) => {
    planned = undefined;
    const decided = await decide(state, nowMs);
    planned = decided.send;
    return decided.next === undefined ? { result: decided.result } : { result: decided.result, next: decided.next };
  });
  const committed = planned;
  if (!result.ok || committed === undefined) return result;
  await handOver(d, committed.message, async () => {
    await d.engine.transact<void>(userId, async (state) => {
      const next = committed.undo(state);
      return next === undefined ? { result: undefined } : { result: undefined, next };
    });
    await committed.afterUndo?.();
  });
  await d.engine.emit(committed.events);
  return result;
}

/**
 * Hands `message` to `deliver`. On failure, runs `undo` (the write that takes the send back)
 * and throws DELIVERY_FAILED with the callback's error as the cause. The message of the
 * error names the channel, never the code, the tokens or the destination.
 */
async function handOver(d: DeliveredEngine, message: DeliveryMessage, undo: () => Promise<void>): Promise<void> {
  try {
    await d.deliver(message);
  } catch (error) {
    let undone = true;
    try {
      await undo();
    } catch {
      undone = false;
      d.engine.warn(`factorkit: deliver failed and undoing the ${message.kind} send failed too; it stays counted`);
    }
    throw new FactorkitError(
      'DELIVERY_FAILED',
      `deliver failed for a ${message.kind} over '${message.channel}'; ` +
        (undone ? 'nothing was written or counted' : 'the send could not be undone and stays counted'),
      { cause: error },
    );
  }
}

/** Codes made once per call, whatever the number of retries of its write: one per length. */
export function codesOnce(): (digits: number) => string {
  const made = new Map<number, string>();
  return (digits) => {
    let code = made.get(digits);
    if (code === undefined) {
      code = generateDigits(digits);
      made.set(digits, code);
    }
    return code;
  };
}

/** The destination of a factor in clear (opened with the keyring). */
export async function destinationOf(
  ctx: Pick<FactorContext, 'userId' | 'open'>,
  factor: DeliveredFactor,
): Promise<string> {
  const bytes = await ctx.open(factor.destination);
  const text = destinationText(ctx.userId, bytes);
  bytes.fill(0);
  return text;
}

// How every delivered send runs: the new code (or approval) and the send are written first,
// with compare-and-set, and only then handed to the app's `allowSend` and `deliver` (an
// approval to several factors: one message each); if no message went out, a second write
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
import type { RateLimited } from '../../kernel/results.js';
import type { DeliveryConfig } from './options.js';
import { DAY_MS, type DeliveredFactor, HOUR_MS, type SendLimits, destinationText, generateDigits } from './record.js';
import type { AllowSend, DeliveryMessage } from './types.js';

/** What a delivered-code operation runs on: the record engine, the app's `deliver` and the settings. */
export interface DeliveredEngine {
  engine: FactorEngine;
  deliver: (message: DeliveryMessage) => Promise<void>;
  /** The app's veto per destination, asked before each hand-over. */
  allowSend: AllowSend | undefined;
  config: DeliveryConfig;
  /** Codes to one factor: the cooldown, the hourly and the daily cap. */
  limits: SendLimits;
  /** Codes to one factor for trusted sessions: counted apart, `trustedSendsPerDay` a day. */
  trustedLimits: SendLimits;
  /** Codes to destinations being enrolled: the account's caps only (a new destination has no cooldown yet). */
  enrollmentLimits: SendLimits;
}

/** One message of a send, whether its destination is unproven, and its event once it went out. */
export interface PlannedMessage {
  message: DeliveryMessage;
  unverified: boolean;
  event: TwoFactorEvent;
}

/** A send decided in a write: its messages (one, or one per factor of an approval), how to take it back. */
export interface PlannedSend {
  messages: PlannedMessage[];
  /** The record without this send (undefined: nothing to change). */
  undo(state: RecordState | null): RecordState | undefined;
  /** Runs after the undo write, e.g. to delete a record this send created. */
  afterUndo?(): Promise<void>;
}

/** A decision of a send: the result, the state to write, and the send when there is one. */
export interface SendDecision<R> {
  result: R;
  next?: RecordState;
  send?: PlannedSend;
}

type HandOver = { sent: true } | { sent: false; vetoedForMs: number } | { sent: false; error: unknown };

/**
 * Writes the decision, then hands each message to `allowSend` and `deliver`. The send stands
 * when one message went out (an approval to three factors of which one failed still reached
 * the user); when none did, it is undone, and the call is DELIVERY_FAILED (a delivery failed)
 * or rate-limited (the app vetoed every message).
 */
export async function writeThenDeliver<R extends { ok: boolean }>(
  d: DeliveredEngine,
  userId: string,
  decide: (state: RecordState | null, nowMs: number) => Promise<SendDecision<R>>,
): Promise<R | RateLimited> {
  let planned: PlannedSend | undefined;
  const result = await d.engine.transact<R>(userId, async (state, nowMs) => {
    planned = undefined;
    const decided = await decide(state, nowMs);
    planned = decided.send;
    return decided.next === undefined ? { result: decided.result } : { result: decided.result, next: decided.next };
  });
  const committed = planned;
  if (!result.ok || committed === undefined) return result;
  const outcomes = await Promise.all(committed.messages.map((planned) => handOver(d, planned)));
  const sent = committed.messages.filter((_, i) => outcomes[i]!.sent);
  if (sent.length > 0) {
    if (sent.length < outcomes.length) {
      d.engine.warn(
        `factorkit: ${outcomes.length - sent.length} of ${outcomes.length} approval messages were not sent`,
      );
    }
    await d.engine.emit(sent.map((planned) => planned.event));
    return result;
  }
  const undone = await undo(d, userId, committed);
  const failed = outcomes.find((outcome) => 'error' in outcome);
  if (failed !== undefined && 'error' in failed) {
    const { kind, channel } = committed.messages[outcomes.indexOf(failed)]!.message;
    throw new FactorkitError(
      'DELIVERY_FAILED',
      `deliver failed for a ${kind} over '${channel}'; ` +
        (undone ? 'nothing was written or counted' : 'the send could not be undone and stays counted'),
      { cause: failed.error },
    );
  }
  const waits = outcomes.map((outcome) => ('vetoedForMs' in outcome ? outcome.vetoedForMs : 0));
  return { ok: false, reason: 'rate-limited', retryAfterMs: Math.min(...waits) };
}

/** Takes a send back with a second write; false (and a warning) when that write failed. */
async function undo(d: DeliveredEngine, userId: string, committed: PlannedSend): Promise<boolean> {
  try {
    await d.engine.transact<void>(userId, async (state) => {
      const next = committed.undo(state);
      return next === undefined ? { result: undefined } : { result: undefined, next };
    });
    await committed.afterUndo?.();
    return true;
  } catch {
    d.engine.warn('factorkit: a send was not delivered and undoing it failed too; it stays counted');
    return false;
  }
}

/**
 * Asks `allowSend` (without the code or tokens), then hands the message to `deliver`. A throw
 * of either is a failed delivery; the error is kept as the cause, never logged.
 */
async function handOver(d: DeliveredEngine, planned: PlannedMessage): Promise<HandOver> {
  const { message } = planned;
  try {
    if (d.allowSend !== undefined) {
      const verdict = await d.allowSend({
        kind: message.kind,
        channel: message.channel,
        destination: message.destination,
        userId: message.userId,
        factorId: message.factorId,
        unverified: planned.unverified,
      });
      if (verdict !== true) return { sent: false, vetoedForMs: vetoWait(verdict) };
    }
    await d.deliver(message);
    return { sent: true };
  } catch (error) {
    return { sent: false, error };
  }
}

/** The wait a veto asks for: its `retryAfterMs` (1 ms to a day), else an hour. */
function vetoWait(verdict: unknown): number {
  const asked =
    typeof verdict === 'object' && verdict !== null ? (verdict as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  if (typeof asked !== 'number' || !Number.isFinite(asked)) return HOUR_MS;
  return Math.min(Math.max(1, Math.ceil(asked)), DAY_MS);
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

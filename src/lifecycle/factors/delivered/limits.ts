// The account's abuse limits that are not per factor, kept in the record's send history and
// decided in the same compare-and-set write as the send: distinct destinations being enrolled
// (SMS pumping through beginEnrollment), approval requests a day, and the pause after approval
// requests left unanswered or denied in a row (push fatigue).
import type { DeliveryChannel } from '../../kernel/events.js';
import type { KeyedHasher } from '../../kernel/keyed-hash.js';
import { MAX_SENDS_PER_HOUR_LIMIT } from '../../kernel/parse.js';
import { type ApprovalRequestEntry, type RecordState, type SendHistory, activeFactors } from '../../kernel/record.js';
import type { DeliveryConfig } from './options.js';
import { DAY_MS, capWait } from './record.js';

const EMPTY: SendHistory = { unverified: [], approvals: [] };

export function historyOf(state: RecordState): SendHistory {
  return state.sendHistory ?? EMPTY;
}

// --- Destinations being enrolled ----------------------------------------------------------------

/** What a destination's keyed hash covers: the user, the channel and the destination as stored. */
function destinationParts(userId: string, channel: DeliveryChannel, destination: string): string[] {
  return [userId, channel, destination];
}

/** A code to a destination not yet verified, counted: the history after it, and how to take it back. */
export interface UnverifiedSend {
  history: SendHistory;
  undo(latest: SendHistory): SendHistory;
}

/**
 * A code to `destination` (being enrolled) at `nowMs`, against the account's cap of distinct
 * such destinations in any 24 hours: the history with its last send, or how long to wait. A
 * destination already counted may always be sent to again (its own caps still apply).
 */
export function noteUnverified(
  hasher: KeyedHasher,
  userId: string,
  history: SendHistory,
  channel: DeliveryChannel,
  destination: string,
  nowMs: number,
  cap: number,
): UnverifiedSend | { retryAfterMs: number } {
  const parts = destinationParts(userId, channel, destination);
  const recent = history.unverified.filter((entry) => entry.at > nowMs - DAY_MS && entry.at <= nowMs);
  const index = recent.findIndex((entry) => hasher.matches('unverified-destination', parts, entry));
  if (index < 0) {
    const wait = capWait(
      recent.map((entry) => entry.at).sort((a, b) => a - b),
      nowMs,
      cap,
      DAY_MS,
    );
    if (wait > 0) return { retryAfterMs: Math.min(wait, DAY_MS) };
  }
  const previousAt = index < 0 ? undefined : recent[index]!.at;
  const entry =
    index < 0 ? { at: nowMs, ...hasher.hash('unverified-destination', parts) } : { ...recent[index]!, at: nowMs };
  const unverified = index < 0 ? [...recent, entry] : recent.map((e, i) => (i === index ? entry : e));
  return {
    history: { ...history, unverified: unverified.slice(-MAX_SENDS_PER_HOUR_LIMIT) },
    // The entry goes again, or returns to its previous send time.
    undo: (latest) => ({
      ...latest,
      unverified: latest.unverified.flatMap((e) =>
        e.hash !== entry.hash || e.at !== nowMs ? [e] : previousAt === undefined ? [] : [{ ...e, at: previousAt }],
      ),
    }),
  };
}

// --- Approval requests ----------------------------------------------------------------------------

/**
 * When the user last proved a factor: the latest use of an active factor (a code, an approval
 * picked up) or of a backup code. Approval requests left unanswered before it no longer count.
 */
export function lastSignInAt(state: RecordState): number {
  let latest = 0;
  for (const factor of activeFactors(state)) latest = Math.max(latest, factor.lastUsedAt ?? 0);
  for (const code of state.backupCodes?.codes ?? []) latest = Math.max(latest, code.usedAt ?? 0);
  return latest;
}

/**
 * Until when approvals are paused: after `maxUnansweredApprovals` requests in a row that were
 * not approved (denied, a wrong match number, expired, or still waiting when the next was
 * asked for), since the user last signed in; the pause ends `approvalPauseMs` after the last.
 */
function pausedUntil(entries: readonly ApprovalRequestEntry[], since: number, config: DeliveryConfig): number {
  let strikes = 0;
  let until = 0;
  for (const entry of entries) {
    if (entry.at <= since) continue;
    if (until !== 0 && entry.at >= until) {
      strikes = 0;
      until = 0;
    }
    strikes = entry.outcome === 'approved' ? 0 : strikes + 1;
    if (strikes >= config.maxUnansweredApprovals && until === 0) until = entry.at + config.approvalPauseMs;
  }
  return until;
}

/** 0 when the account may be sent an approval request now, else how long until it may (at most a day). */
export function approvalRetryAfterMs(state: RecordState, nowMs: number, config: DeliveryConfig): number {
  const entries = historyOf(state).approvals.filter((entry) => entry.at > nowMs - DAY_MS && entry.at <= nowMs);
  const times = entries.map((entry) => entry.at);
  const last = times.at(-1);
  const wait = Math.max(
    last === undefined ? 0 : last + config.resendCooldownMs - nowMs,
    capWait(times, nowMs, config.maxApprovalsPerDay, DAY_MS),
    pausedUntil(entries, lastSignInAt(state), config) - nowMs,
  );
  return Math.min(Math.max(0, wait), DAY_MS);
}

/** The history with one more request (the last 24 hours only). */
export function recordApproval(history: SendHistory, challengeId: string, nowMs: number): SendHistory {
  const recent = history.approvals.filter((entry) => entry.at > nowMs - DAY_MS && entry.at <= nowMs);
  const approvals = [...recent, { id: challengeId, at: nowMs, outcome: 'pending' as const }];
  return { ...history, approvals: approvals.slice(-MAX_SENDS_PER_HOUR_LIMIT) };
}

/** The history with the request's answer. */
export function settleApproval(history: SendHistory, challengeId: string, outcome: 'approved' | 'denied'): SendHistory {
  return { ...history, approvals: history.approvals.map((e) => (e.id === challengeId ? { ...e, outcome } : e)) };
}

/** The history without the request: taken back because no message went out. */
export function unrecordApproval(history: SendHistory, challengeId: string): SendHistory {
  return { ...history, approvals: history.approvals.filter((entry) => entry.id !== challengeId) };
}

// Single use of pending sign-in tickets: the ids of redeemed tickets are kept in the user's
// record until they expire, so a ticket (a sealed cookie, factorkit/http) replayed after the
// second step passed is refused. Written through the engine's compare-and-set like every other
// change, so parallel redemptions of one ticket have exactly one winner on every store.
import { FactorkitError } from '../../errors/index.js';
import type { Engine } from '../engine/engine.js';
import { checkId, checkUserId } from '../kernel/args.js';
import type { RecordState, RedeemedTickets } from '../kernel/record.js';
import type { SignInTicket, SignInTicketResult } from '../sign-in-tickets.js';

/** Redeemed tickets kept per record: more live ones than this in one ticket lifetime is not a person. */
export const MAX_REDEEMED_TICKETS = 16;
const NONE: RedeemedTickets = { floor: 0, redeemed: [] };

function checkTicket(ticket: unknown): SignInTicket {
  const { ticketId, issuedAt, expiresAt } = (ticket ?? {}) as Partial<SignInTicket>;
  checkId('ticketId', ticketId);
  for (const [name, value] of [
    ['issuedAt', issuedAt],
    ['expiresAt', expiresAt],
  ] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new FactorkitError('INVALID_ARGUMENT', `ticket.${name} must be a time in Unix ms`);
    }
  }
  return { ticketId, issuedAt: issuedAt!, expiresAt: expiresAt! };
}

/** Why `ticket` cannot be redeemed against `state` at `nowMs`, or undefined when it can. */
function refusal(state: RecordState | null, ticket: SignInTicket, nowMs: number): SignInTicketResult | undefined {
  if (state === null) return { ok: false, reason: 'not-enrolled' };
  if (nowMs >= ticket.expiresAt) return { ok: false, reason: 'ticket-expired' };
  const { floor, redeemed } = state.redeemedTickets ?? NONE;
  if (ticket.issuedAt <= floor || redeemed.some((entry) => entry.id === ticket.ticketId)) {
    return { ok: false, reason: 'ticket-used' };
  }
  return undefined;
}

/** The entries still live with `ticket` added, at most MAX_REDEEMED_TICKETS, and the floor raised past what was dropped. */
function withRedeemed(kept: RedeemedTickets, ticket: SignInTicket, nowMs: number): RedeemedTickets {
  const entry = { id: ticket.ticketId, issuedAt: ticket.issuedAt, expiresAt: ticket.expiresAt };
  const live = [...kept.redeemed.filter((e) => e.expiresAt > nowMs), entry].sort((a, b) => a.issuedAt - b.issuedAt);
  const dropped = live.splice(0, Math.max(0, live.length - MAX_REDEEMED_TICKETS));
  const floor = dropped.reduce((highest, e) => Math.max(highest, e.issuedAt), kept.floor);
  return { floor, redeemed: live };
}

export async function redeemSignInTicket(engine: Engine, userId: string, given: unknown): Promise<SignInTicketResult> {
  checkUserId(userId);
  const ticket = checkTicket(given);
  return engine.transact<SignInTicketResult>(userId, async (state, nowMs) => {
    const refused = refusal(state, ticket, nowMs);
    if (refused !== undefined || state === null) return { result: refused! };
    const redeemedTickets = withRedeemed(state.redeemedTickets ?? NONE, ticket, nowMs);
    return { result: { ok: true }, next: { ...state, redeemedTickets } };
  });
}

export async function checkSignInTicket(engine: Engine, userId: string, given: unknown): Promise<SignInTicketResult> {
  checkUserId(userId);
  const ticket = checkTicket(given);
  const { state } = await engine.load(userId);
  return refusal(state, ticket, engine.now()) ?? { ok: true };
}

// The pending sign-in ticket: "this browser passed the password step for this user, at this
// time; the second step is still to come". Sealed in a short-lived cookie (sealed.ts), so the
// app keeps no half-signed-in session; single use through the lifecycle (redeemSignInTicket),
// so a copy of the cookie is worth nothing once the second step has passed.
import { encodeBase64url } from '../backup-codes/base64url.js';
import { randomBytes } from '../otp/secret.js';
import type { CookieSealer } from './sealed.js';

export interface PendingTicket {
  userId: string;
  /** Unix ms when the password step passed (the ticket's issue time). */
  passedAt: number;
  /** The factor types the second step may use. */
  factors: string[];
  /** 128 random bits: what the lifecycle remembers once redeemed. */
  ticketId: string;
  expiresAt: number;
  /** The approval request this browser asked for (requestApproval), bound to the ticket. */
  challengeId?: string;
}

export type OpenedTicket =
  | { ok: true; ticket: PendingTicket }
  | { ok: false; reason: 'ticket-invalid' | 'ticket-expired' };

export function newTicket(userId: string, factors: string[], nowMs: number, ttlMs: number): PendingTicket {
  const ticketId = `t_${encodeBase64url(randomBytes(16))}`;
  return { userId, passedAt: nowMs, factors, ticketId, expiresAt: nowMs + ttlMs };
}

export function sealTicket(sealer: CookieSealer, ticket: PendingTicket): Promise<string> {
  const { userId: u, passedAt: p, factors: f, ticketId: i, expiresAt: e, challengeId: c } = ticket;
  return sealer.seal('pending-sign-in', { u, p, f, i, e, c });
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The ticket in a cookie value, if it opens and is in date (single use is the lifecycle's check). */
export async function openTicket(
  sealer: CookieSealer,
  value: string | undefined,
  nowMs: number,
): Promise<OpenedTicket> {
  const payload = value === undefined ? undefined : await sealer.open('pending-sign-in', value);
  const { u, p, f, i, e, c } = payload ?? {};
  const challenge = typeof c === 'string' ? { challengeId: c } : {};
  if (typeof u !== 'string' || !isTime(p) || !isTime(e) || typeof i !== 'string' || !Array.isArray(f)) {
    return { ok: false, reason: 'ticket-invalid' };
  }
  if (nowMs >= e) return { ok: false, reason: 'ticket-expired' };
  const factors = f.filter((type): type is string => typeof type === 'string');
  return { ok: true, ticket: { userId: u, passedAt: p, factors, ticketId: i, expiresAt: e, ...challenge } };
}

/** The part of the ticket the lifecycle keeps once redeemed. */
export function lifecycleTicket(ticket: PendingTicket): { ticketId: string; issuedAt: number; expiresAt: number } {
  return { ticketId: ticket.ticketId, issuedAt: ticket.passedAt, expiresAt: ticket.expiresAt };
}

// The example's audit trail: every factorkit event (fed by `onEvent`), kept per user for the
// admin support page. In memory, so it is lost on restart and bounded per user; a real app
// appends these to a store that the web process cannot rewrite (a log service, an append-only
// table). factorkit's events never carry a code or a secret, and each entry is built field by
// field from the event rather than stored whole, so the log holds exactly what the page shows.
import type { CodeCheckOperation, FactorType, TwoFactorEvent } from 'factorkit';
import { formatWait } from 'factorkit/messages';

export interface AuditEntry {
  /** Unix ms, from the event. */
  at: number;
  type: TwoFactorEvent['type'];
  /** A sentence for the support page: what happened, never a code. */
  detail: string;
}

const OPERATIONS: Record<CodeCheckOperation, string> = {
  'confirm-enrollment': 'enrolment',
  verify: 'sign-in',
  'regenerate-backup-codes': 'new backup codes',
  disable: 'turning 2FA off',
  'remove-factor': 'removing an authenticator app',
  'step-up': 'confirming a sensitive change',
  'reactivate-factor': 'reactivating a suspended security key',
  'passkey-sign-in': 'passwordless sign-in with a passkey',
};

const METHODS: Record<string, string> = {
  totp: 'authenticator code',
  delivered: 'code sent by e-mail, SMS, Telegram or phone call',
  backup: 'backup code',
  unknown: 'code (not looked at)',
};

/** A factor by its type, when the page does not know its kind ("E-mail", "Passkey"). */
const FACTOR_TYPES: Record<FactorType, string> = {
  totp: 'Authenticator app',
  delivered: 'Code-by-message method',
  webauthn: 'Security key or passkey',
};
const factorType = (type: FactorType): string => FACTOR_TYPES[type] ?? `${type} factor`;
/** "Backup code", "Authenticator code"...; a method it does not know by its name. */
const methodName = (method: string) => {
  const name = METHODS[method] ?? `${method} proof`;
  return name.charAt(0).toUpperCase() + name.slice(1);
};

/**
 * What an event means, in words. Every event type is listed, so a new one fails to compile here.
 * `kind` names an added factor ("E-mail", "Security key"), which the event gives by type only.
 */
export function describeEvent(event: TwoFactorEvent, kind?: string): string {
  switch (event.type) {
    case 'enabled':
      return '2FA turned on';
    case 'disabled':
      return '2FA turned off by the user';
    case 'factor-added':
      return `${kind ?? factorType(event.factorType)} ${event.factorId} added`;
    case 'factor-removed':
      return `${kind ?? factorType(event.factorType)} ${event.factorId} removed`;
    case 'device-remembered':
      return `Browser ${event.deviceId} remembered: it may skip the second step`;
    case 'device-forgotten':
      return `Remembered browser ${event.deviceId} forgotten`;
    case 'backup-codes-regenerated':
      return `${event.count} new backup codes generated; the old ones stopped working`;
    case 'backup-code-used':
      return `Backup code used; ${event.remaining} left`;
    case 'locked-out':
      return `Too many wrong codes: locked for ${formatWait(event.retryAfterMs)}`;
    case 'hard-locked':
      return `Locked until support unlocks it, after ${event.failures} wrong codes in a row`;
    case 'replay-refused':
      return 'An already used code was tried again';
    case 'verify-succeeded':
      return `${methodName(event.method)} accepted (${OPERATIONS[event.operation]})`;
    case 'verify-failed':
      return `${methodName(event.method)} refused: ${event.reason} (${OPERATIONS[event.operation]})`;
    case 'reset-by-admin':
      return `2FA reset by ${event.actor}`;
    case 'unlocked':
      return `Unlocked by ${event.actor}`;
    case 'code-sent':
      return `A ${event.purpose} code was sent to ${event.factorId} by ${event.channel}`;
    case 'approval-requested':
      return `A sign-in approval was requested through ${event.factorId}`;
    case 'approval-answered':
      return `A sign-in approval was ${event.answer} through ${event.factorId}`;
    case 'clone-suspected':
      return event.suspended
        ? `Security key ${event.factorId} suspended: its signature counter went backwards (a copy may be in use)`
        : `Passkey ${event.factorId} reported a signature counter that went backwards`;
    case 'sessions-should-end':
      return `Other sessions ended (${event.change})`;
    case 'factor-reactivated':
      return `Suspended ${event.factorType} ${event.factorId} reactivated with another factor`;
  }
}

export class AuditLog {
  readonly #byUser = new Map<string, AuditEntry[]>();
  /** The kind of each factor seen added, to name it again when it is removed. */
  readonly #kinds = new Map<string, string>();

  /** Enough to see a whole lockout and what support did about it; older entries are dropped. */
  constructor(private readonly entriesPerUser = 200) {}

  record(event: TwoFactorEvent, kind?: string): void {
    if (event.type === 'factor-added' && kind) this.#kinds.set(event.factorId, kind);
    const known = 'factorId' in event ? this.#kinds.get(event.factorId) : undefined;
    const entries = this.#byUser.get(event.userId) ?? [];
    this.#byUser.set(event.userId, entries);
    entries.push({ at: event.at, type: event.type, detail: describeEvent(event, kind ?? known) });
    // Bounded, so a stream of wrong codes against one account cannot grow memory without end.
    if (entries.length > this.entriesPerUser) entries.splice(0, entries.length - this.entriesPerUser);
  }

  /** The user's entries, newest first. */
  forUser(userId: string): AuditEntry[] {
    return [...(this.#byUser.get(userId) ?? [])].reverse();
  }
}

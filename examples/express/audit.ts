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

type Describe = {
  [T in TwoFactorEvent['type']]: (event: Extract<TwoFactorEvent, { type: T }>, kind?: string) => string;
};

/**
 * What each event means, in words. Every event type is a key, so a new one fails to compile here.
 * `kind` names an added factor ("E-mail", "Security key"), which the event gives by type only.
 */
const DESCRIBE: Describe = {
  enabled: () => '2FA turned on',
  disabled: () => '2FA turned off by the user',
  'factor-added': (e, kind) => `${kind ?? factorType(e.factorType)} ${e.factorId} added`,
  'factor-removed': (e, kind) => `${kind ?? factorType(e.factorType)} ${e.factorId} removed`,
  'device-remembered': (e) => `Browser ${e.deviceId} remembered: it may skip the second step`,
  'device-forgotten': (e) => `Remembered browser ${e.deviceId} forgotten`,
  'backup-codes-regenerated': (e) => `${e.count} new backup codes generated; the old ones stopped working`,
  'backup-code-used': (e) => `Backup code used; ${e.remaining} left`,
  'locked-out': (e) => `Too many wrong codes: locked for ${formatWait(e.retryAfterMs)}`,
  'hard-locked': (e) => `Locked until support unlocks it, after ${e.failures} wrong codes in a row`,
  'replay-refused': () => 'An already used code was tried again',
  'verify-succeeded': (e) => `${methodName(e.method)} accepted (${OPERATIONS[e.operation]})`,
  'verify-failed': (e) => `${methodName(e.method)} refused: ${e.reason} (${OPERATIONS[e.operation]})`,
  'reset-by-admin': (e) => `2FA reset by ${e.actor}`,
  unlocked: (e) => `Unlocked by ${e.actor}`,
  'code-sent': (e) => `A ${e.purpose} code was sent to ${e.factorId} by ${e.channel}`,
  'approval-requested': (e) => `A sign-in approval was requested through ${e.factorId}`,
  'approval-answered': (e) => `A sign-in approval was ${e.answer} through ${e.factorId}`,
  'clone-suspected': (e) =>
    e.suspended
      ? `Security key ${e.factorId} suspended: its signature counter went backwards (a copy may be in use)`
      : `Passkey ${e.factorId} reported a signature counter that went backwards`,
  'sessions-should-end': (e) => `Other sessions ended (${e.change})`,
  'factor-reactivated': (e) => `Suspended ${e.factorType} ${e.factorId} reactivated with another factor`,
};

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
    const describe = DESCRIBE[event.type] as (event: TwoFactorEvent, kind?: string) => string;
    entries.push({ at: event.at, type: event.type, detail: describe(event, kind ?? known) });
    // Bounded, so a stream of wrong codes against one account cannot grow memory without end.
    if (entries.length > this.entriesPerUser) entries.splice(0, entries.length - this.entriesPerUser);
  }

  /** The user's entries, newest first. */
  forUser(userId: string): AuditEntry[] {
    return [...(this.#byUser.get(userId) ?? [])].reverse();
  }
}

// The lifecycle state kept in StoredRecord.data: versioned JSON, validated field by field on
// every load so a corrupt or hand-edited record is a typed error, never a silent bypass.
//
// Version 2 holds a list of factors, each pending or active (a discriminated union, so a
// pending factor has no replay state and an active one no expiry), with the backup codes, the
// throttle shared by every factor and the remembered devices beside the list. Each factor is
// validated by the module of its type, found in the registry. Version 1 records (one `active`
// and one `pending` slot) are read by the module that kept them and written back as version 2
// on their next write.
import { type BackupCodeSet, parseBackupCodeSet } from '../../backup-codes/set.js';
import type { TwoFactorStatus } from '../../stores/index.js';
import type { FactorRecord } from '../kernel/factor.js';
import {
  corrupt,
  isCount,
  isObject,
  isShortText,
  isStoredHash,
  isTime,
  parseSealed,
  parseSendHistory,
  parseSends,
} from '../kernel/parse.js';
import type {
  IssuedBackupCodes,
  RecordState,
  RedeemedTickets,
  RememberedDevice,
  ThrottleState,
} from '../kernel/record.js';
import type { StoredHash } from '../kernel/keyed-hash.js';
import type { Registry } from './registry.js';
import { jsonOf, lastingJsonOf } from './state-cache.js';

function sameCounts(stored: unknown, actual: Record<string, number>): boolean {
  if (!isObject(stored)) return false;
  const keys = Object.keys(stored);
  return keys.length === Object.keys(actual).length && keys.every((type) => stored[type] === actual[type]);
}

/** Factors per record, devices per record: far above any real use, and a bound on parsing work. */
export const MAX_STORED_FACTORS = 32;
export const MAX_STORED_DEVICES = 64;

/** The status a store copies out of the state for filtering. */
export function statusOf(state: RecordState): TwoFactorStatus {
  if (state.factors.some((factor) => factor.state === 'active')) return 'activated';
  if (state.factors.length > 0) return 'pending';
  return 'not-activated';
}

/**
 * Active factors per type, in the order their types first appear: the record's `active`
 * summary, which a listing reads instead of the whole record (issue 28). Types with none are
 * left out.
 */
export function activeCounts(factors: readonly FactorRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const factor of factors) if (factor.state === 'active') counts[factor.type] = (counts[factor.type] ?? 0) + 1;
  return counts;
}

/**
 * The prefix every version-2 record written since issue 28 starts with, followed by its
 * `active` summary (a flat object of factor types, which cannot hold `}`, to counts).
 */
export const ACTIVE_SUMMARY_PREFIX = '{"v":2,"active":';

/**
 * The state as stored: the text `JSON.stringify` gives for `{ v: 2, active, factors,
 * backupCodes, backupCodesBinding, throttle, devices, enrollmentSends }`, built from the parts so that parts which
 * did not change since they were cached (frozen) are not serialised again. `active` comes first
 * so that a listing finds it without parsing the rest.
 */
export function serializeState(state: RecordState): string {
  const factors = state.factors.map((factor) => jsonOf(factor)).join(',');
  return (
    `${ACTIVE_SUMMARY_PREFIX}${JSON.stringify(activeCounts(state.factors))},` +
    `"factors":[${factors}],"backupCodes":${lastingJsonOf(state.backupCodes)},` +
    // Stringified, not kept by jsonOf: a 70-byte text costs less to make than a WeakMap entry does.
    (state.backupCodesBinding === undefined
      ? ''
      : `"backupCodesBinding":${JSON.stringify(state.backupCodesBinding)},`) +
    `"throttle":${jsonOf(state.throttle)},"devices":${jsonOf(state.devices)},` +
    `"enrollmentSends":${jsonOf(state.enrollmentSends)}` +
    // Written only once there is one, so records without them keep their bytes.
    (state.sendHistory === undefined ? '' : `,"sendHistory":${jsonOf(state.sendHistory)}`) +
    (state.issuedBackupCodes === undefined ? '' : `,"issuedBackupCodes":${lastingJsonOf(state.issuedBackupCodes)}`) +
    (state.redeemedTickets === undefined ? '}' : `,"redeemedTickets":${jsonOf(state.redeemedTickets)}}`)
  );
}

/** Unused codes of a set already validated with its record (the public count validates it again). */
export function unusedBackupCodes(set: BackupCodeSet | null): number {
  if (set === null) return 0;
  let unused = 0;
  for (const entry of set.codes) if (entry.usedAt === null) unused++;
  return unused;
}

function parseDevice(userId: string, raw: unknown): RememberedDevice {
  if (
    !isObject(raw) ||
    !isShortText(raw.id, 64) ||
    !(raw.label === null || isShortText(raw.label, 128)) ||
    !isShortText(raw.tokenHash, 64) ||
    !(raw.tokenKeyId === undefined || raw.tokenKeyId === null || isShortText(raw.tokenKeyId, 64)) ||
    !isTime(raw.createdAt) ||
    !isTime(raw.expiresAt)
  ) {
    throw corrupt(userId, 'bad remembered device');
  }
  // An entry made before tokens were keyed has no key id: it keeps that shape until re-keyed.
  const keyed = raw.tokenKeyId === undefined ? {} : { tokenKeyId: raw.tokenKeyId as string | null };
  const { id, label, tokenHash, createdAt, expiresAt } = raw;
  return { id, label: label as string | null, tokenHash, ...keyed, createdAt, expiresAt };
}

function parseThrottle(userId: string, t: unknown): ThrottleState {
  if (!isObject(t) || !isCount(t.failures) || !isTime(t.lockedUntil)) throw corrupt(userId, 'bad throttle state');
  // Absent in records written before hard lockout existed: those were never hard-locked.
  const hardLockedAt = t.hardLockedAt === undefined ? null : t.hardLockedAt;
  if (hardLockedAt !== null && !isTime(hardLockedAt)) throw corrupt(userId, 'bad throttle state');
  return { failures: t.failures, lockedUntil: t.lockedUntil, hardLockedAt };
}

function parseIssued(userId: string, raw: unknown): IssuedBackupCodes {
  if (
    !isObject(raw) ||
    !isShortText(raw.generationId, 64) ||
    !isObject(raw.proof) ||
    !(raw.proof.keyId === null || isShortText(raw.proof.keyId, 64)) ||
    !isShortText(raw.proof.hash, 64) ||
    !(raw.factorId === null || isShortText(raw.factorId, 64)) ||
    !isTime(raw.expiresAt)
  ) {
    throw corrupt(userId, 'bad issued backup codes');
  }
  const proof = { keyId: raw.proof.keyId as string | null, hash: raw.proof.hash };
  return {
    generationId: raw.generationId,
    proof,
    factorId: raw.factorId,
    codes: parseSealed(userId, raw.codes),
    expiresAt: raw.expiresAt,
  };
}

/** Redeemed sign-in tickets: a few entries (operations/sign-in-tickets.ts keeps at most 16). */
function parseRedeemedTickets(userId: string, raw: unknown): RedeemedTickets {
  if (!isObject(raw) || !isTime(raw.floor) || !Array.isArray(raw.redeemed) || raw.redeemed.length > 64) {
    throw corrupt(userId, 'bad redeemed tickets');
  }
  const redeemed = raw.redeemed.map((entry: unknown) => {
    if (!isObject(entry) || !isShortText(entry.id, 64) || !isTime(entry.issuedAt) || !isTime(entry.expiresAt)) {
      throw corrupt(userId, 'bad redeemed ticket');
    }
    return { id: entry.id, issuedAt: entry.issuedAt, expiresAt: entry.expiresAt };
  });
  return { floor: raw.floor, redeemed };
}

/** The set's keyed binding: absent in records written before bindings, and wherever there is no set. */
function parseBinding(userId: string, raw: unknown, set: BackupCodeSet | null): { backupCodesBinding?: StoredHash } {
  if (raw === undefined) return {};
  if (set === null || !isStoredHash(raw)) throw corrupt(userId, 'bad backup-code binding');
  return { backupCodesBinding: { keyId: raw.keyId, hash: raw.hash } };
}

function parseBackupCodes(userId: string, value: unknown): BackupCodeSet | null {
  if (value === null) return null;
  try {
    return parseBackupCodeSet(value);
  } catch (error) {
    throw corrupt(userId, 'bad backup-code set', error);
  }
}

/** A version-1 record as version 2: its factors are read by the module that kept them. */
function fromVersion1(userId: string, raw: Record<string, unknown>, registry: Registry): RecordState {
  return {
    v: 2,
    factors: registry.readVersion1(userId, raw),
    backupCodes: parseBackupCodes(userId, raw.backupCodes),
    throttle: parseThrottle(userId, raw.throttle),
    devices: [],
    enrollmentSends: [],
  };
}

/**
 * Parses and validates `data` of `userId`'s record, migrating version 1 in memory.
 * @throws FactorkitError `CORRUPT_RECORD`
 */
export function parseState(userId: string, data: string, registry: Registry): RecordState {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch (error) {
    throw corrupt(userId, 'not JSON', error);
  }
  if (!isObject(raw)) throw corrupt(userId, 'unknown format version');
  if (raw.v === 1) return fromVersion1(userId, raw, registry);
  if (raw.v !== 2) throw corrupt(userId, 'unknown format version');
  const { factors, devices } = raw;
  if (!Array.isArray(factors) || factors.length > MAX_STORED_FACTORS) throw corrupt(userId, 'bad factor list');
  if (!Array.isArray(devices) || devices.length > MAX_STORED_DEVICES) throw corrupt(userId, 'bad device list');
  const parsed: FactorRecord[] = factors.map((factor) => registry.parseFactor(userId, factor));
  if (new Set(parsed.map((factor) => factor.id)).size !== parsed.length) throw corrupt(userId, 'duplicate factor id');
  // Listings trust the summary: one edited apart from the factors is a corrupt record.
  if (raw.active !== undefined && !sameCounts(raw.active, activeCounts(parsed))) {
    throw corrupt(userId, 'active factor counts do not match the factors');
  }
  const backupCodes = parseBackupCodes(userId, raw.backupCodes);
  return {
    v: 2,
    factors: parsed,
    backupCodes,
    ...parseBinding(userId, raw.backupCodesBinding, backupCodes),
    throttle: parseThrottle(userId, raw.throttle),
    devices: devices.map((device) => parseDevice(userId, device)),
    enrollmentSends: raw.enrollmentSends === undefined ? [] : parseSends(userId, raw.enrollmentSends),
    ...(raw.sendHistory === undefined ? {} : { sendHistory: parseSendHistory(userId, raw.sendHistory) }),
    ...(raw.issuedBackupCodes === undefined ? {} : { issuedBackupCodes: parseIssued(userId, raw.issuedBackupCodes) }),
    ...(raw.redeemedTickets === undefined
      ? {}
      : { redeemedTickets: parseRedeemedTickets(userId, raw.redeemedTickets) }),
  };
}

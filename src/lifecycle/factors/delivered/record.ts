// The delivered-code factor: a destination (an e-mail address, a phone number for SMS or voice
// calls, a Telegram chat, or a destination of a channel the app names) that factorkit makes
// codes and approval requests for, and that the app's `deliver` callback sends them to. Its
// stored shape and how it is validated, the destinations and how they are shown masked, the
// codes (made, kept as a keyed hash, checked once), the resend limits, the voice-to-SMS
// fallback and the approval challenges. The lifecycle operations over it are in delivery.ts;
// the compare-and-set loop, the throttle and the refusal rules are shared.
import { decodeBase64url, encodeBase64url } from '../../../backup-codes/base64url.js';
import { FactorkitError } from '../../../errors/index.js';
import { randomBytes } from '../../../otp/secret.js';
import { CONTROL } from '../../kernel/args.js';
import type { CodePurpose, DeliveryChannel } from '../../kernel/events.js';
import type { ApprovalStatus } from './types.js';
import type { SealedSecret } from '../../kernel/crypto.js';
import type { ProofCheck } from '../../kernel/factor.js';
import { type KeyedHasher, STORED_HASH_LENGTH, type StoredHash } from '../../kernel/keyed-hash.js';
import {
  MAX_SENDS_PER_HOUR_LIMIT,
  corrupt,
  isCount,
  isObject,
  isShortText,
  isTime,
  parseSealed,
  parseSends,
} from '../../kernel/parse.js';

/** A code sent and not yet used: only its keyed hash is kept. */
export interface LiveCode extends StoredHash {
  state: 'live';
  /** The channel it went out on: `'sms'` for a voice factor's fallback, else the factor's own. */
  channel: DeliveryChannel;
  /** Refused from this Unix ms on. Part of the hashed message, so moving it breaks the code. */
  expiresAt: number;
  /** Wrong codes this code still tolerates; at 0 it is discarded. */
  attemptsLeft: number;
}

/** The last code accepted, kept (as its hash) until the next send, so a replay is told apart. */
export interface UsedCode extends StoredHash {
  state: 'used';
  channel: DeliveryChannel;
  expiresAt: number;
}

export type SentCode = LiveCode | UsedCode;

interface ApprovalCommon {
  /** The challenge id: random, given to the waiting sign-in page and carried by both tokens. */
  id: string;
  /** The key the two token hashes were made with; null without a keyring. */
  keyId: string | null;
  /** Keyed hashes of the approve and the deny token's secrets. */
  approveHash: string;
  denyHash: string;
  /** Keyed hash of the match number the sign-in page shows (same key). */
  matchHash: string;
  createdAt: number;
  /** An answer is refused from this Unix ms on. Part of the hashed message. */
  expiresAt: number;
}

/** An approval request, pending or answered. An answer keeps the secret of the token that gave it, as proof. */
export type Approval =
  | (ApprovalCommon & { state: 'pending' })
  | (ApprovalCommon & { state: 'approved' | 'denied'; answeredAt: number; proof: string })
  | (ApprovalCommon & { state: 'consumed'; answeredAt: number });

interface DeliveredCommon {
  type: 'delivered';
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  channel: DeliveryChannel;
  /** The address, number or chat id, sealed like a TOTP secret: a database reader learns none of them. */
  destination: SealedSecret;
  code: SentCode | null;
  /** Unix ms of the codes sent in the last 24 hours, oldest first (not those of trusted sessions). */
  sends: number[];
  /** Unix ms of the codes sent in the last 24 hours for trusted sessions; absent until the first. */
  trustedSends?: number[];
  /** Voice: calls made since the last success with this factor; 0 for every other channel. */
  callsWithoutSuccess: number;
}

export interface PendingDeliveredFactor extends DeliveredCommon {
  state: 'pending';
  /** Confirmation is refused from this Unix ms on. */
  expiresAt: number;
}

export interface ActiveDeliveredFactor extends DeliveredCommon {
  state: 'active';
  activatedAt: number;
  /** Recent approval requests, newest last, at most MAX_APPROVALS. */
  approvals: Approval[];
}

export type DeliveredFactor = PendingDeliveredFactor | ActiveDeliveredFactor;

export const BUILT_IN_CHANNELS = ['email', 'sms', 'telegram', 'voice'] as const;
/** An app-named channel: short, lower-case, so it can never be mistaken for a destination. */
const APP_CHANNEL = /^[a-z][a-z0-9-]{0,31}$/;
/** A voice call's code is the last 4 digits of the calling number; every other code has 6. */
export const VOICE_CODE_DIGITS = 4;
export const CODE_DIGITS = 6;
/** Approval requests kept per factor; older ones read as expired. */
export const MAX_APPROVALS = 5;
/** How long an approved request waits for the sign-in page to pick it up, after the answer. */
export const APPROVAL_PICKUP_MS = 60_000;
/** Bounds a stored record must respect, whatever the options: above them it is corrupt. */
export const MAX_ATTEMPTS_LIMIT = 10;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Choices an approval message offers, one of them the number on the sign-in page. */
export const MATCH_CHOICES = 3;
const MATCH_DIGITS = 2;
const CHALLENGE_ID_BYTES = 9;
const TOKEN_SECRET_BYTES = 16;
const MAX_DESTINATION_LENGTH = 512;

const DEFAULT_NAMES: Record<string, string> = {
  email: 'E-mail',
  sms: 'SMS',
  telegram: 'Telegram',
  voice: 'Phone call',
};

export function defaultDeliveredName(channel: DeliveryChannel): string {
  return DEFAULT_NAMES[channel] ?? channel;
}

export function isDeliveryChannel(value: unknown): value is DeliveryChannel {
  return typeof value === 'string' && APP_CHANNEL.test(value);
}

/** Phone channels: the destination is an E.164 number, and a voice factor falls back to SMS on it. */
export function isPhoneChannel(channel: DeliveryChannel): boolean {
  return channel === 'sms' || channel === 'voice';
}

/** Approvals need a message that can carry two tokens (buttons or links): not a call, not an SMS. */
export function carriesApprovals(channel: DeliveryChannel): boolean {
  return !isPhoneChannel(channel);
}

/**
 * Whether a request without a factor named goes to this channel: every channel that carries
 * approvals but e-mail, which NIST SP 800-63B-4 excludes from out-of-band authentication.
 */
export function fansOutTo(channel: DeliveryChannel): boolean {
  return carriesApprovals(channel) && channel !== 'email';
}

export function codeDigits(channel: DeliveryChannel): number {
  return channel === 'voice' ? VOICE_CODE_DIGITS : CODE_DIGITS;
}

// --- Destinations -----------------------------------------------------------------------------

const invalidDestination = (what: string) => new FactorkitError('INVALID_DESTINATION', `destination must be ${what}`);

/**
 * The destination as it is stored, or INVALID_DESTINATION (the message never repeats it).
 * E-mail: one `@`, a dotted domain (lower-cased), no spaces or control characters, at most 254
 * characters. SMS and voice: an E.164 number, `+` and 7 to 15 digits, spaces, dashes, dots and
 * parentheses dropped. Telegram: a numeric chat id. Other channels: 1 to 512 characters, no
 * control characters.
 */
export function normalizeDestination(channel: DeliveryChannel, value: unknown): string {
  if (typeof value !== 'string') throw invalidDestination('a string');
  const text = value.trim();
  if (text.length === 0 || text.length > MAX_DESTINATION_LENGTH || CONTROL.test(text)) {
    throw invalidDestination(`1 to ${MAX_DESTINATION_LENGTH} characters, none of them control characters`);
  }
  if (channel === 'email') {
    const at = text.lastIndexOf('@');
    const local = text.slice(0, at);
    const domain = text.slice(at + 1).toLowerCase();
    if (
      at < 1 ||
      text.length > 254 ||
      local.length > 64 ||
      /[\s@]/.test(local) ||
      !/^[^\s@.]+(\.[^\s@.]+)+$/.test(domain)
    ) {
      throw invalidDestination('an e-mail address: a name, one @ and a dotted domain');
    }
    return `${local}@${domain}`;
  }
  if (isPhoneChannel(channel)) {
    const compact = text.replace(/[\s\-.()]/g, '');
    if (!/^\+[1-9][0-9]{6,14}$/.test(compact)) {
      throw invalidDestination('a phone number in international format: + and the country code, 7 to 15 digits');
    }
    return compact;
  }
  if (channel === 'telegram') {
    if (!/^-?[1-9][0-9]{0,19}$/.test(text)) throw invalidDestination('a numeric Telegram chat id');
    return text;
  }
  return text;
}

/**
 * The destination as a security page may show it: e-mail `a***@example.com`, phone
 * `+*******4567`, anything else its last 3 characters (all hidden when it is shorter than 6).
 */
export function maskDestination(channel: DeliveryChannel, destination: string): string {
  if (channel === 'email') {
    const at = destination.lastIndexOf('@');
    const local = destination.slice(0, at);
    return `${local.length >= 2 ? local[0] : ''}***${destination.slice(at)}`;
  }
  if (isPhoneChannel(channel)) {
    return `+${'*'.repeat(Math.max(0, destination.length - 5))}${destination.slice(-4)}`;
  }
  if (destination.length < 6) return '*'.repeat(destination.length);
  return `${'*'.repeat(destination.length - 3)}${destination.slice(-3)}`;
}

// --- Codes ------------------------------------------------------------------------------------

/**
 * `length` decimal digits from the CSPRNG, each uniform: bytes of 250 and above are dropped
 * (rejection sampling), because 256 is not a multiple of 10 and `byte % 10` over all bytes would
 * make 0 to 5 slightly likelier than 6 to 9.
 */
export function generateDigits(length: number, random: (count: number) => Uint8Array = randomBytes): string {
  let out = '';
  while (out.length < length) {
    for (const byte of random(length - out.length)) {
      if (byte < 250 && out.length < length) out += String(byte % 10);
    }
  }
  return out;
}

export function purposeOf(factor: Pick<DeliveredFactor, 'state'>): CodePurpose {
  return factor.state === 'pending' ? 'enrollment' : 'sign-in';
}

/**
 * What a code's keyed hash covers: the user, the factor, what the code is for, the channel it
 * went out on and its expiry. A hash moved to another factor or user, or given a later expiry,
 * no longer matches its code.
 */
export function codeParts(
  userId: string,
  factor: Pick<DeliveredFactor, 'id' | 'state'>,
  channel: DeliveryChannel,
  expiresAt: number,
  code: string,
): (string | number)[] {
  return [userId, factor.id, purposeOf(factor), channel, expiresAt, code.replace(/ /g, '')];
}

/** A new live code for `factor`, replacing any earlier one. */
export function issueCode(
  hasher: KeyedHasher,
  userId: string,
  factor: DeliveredFactor,
  channel: DeliveryChannel,
  code: string,
  expiresAt: number,
  attempts: number,
): LiveCode {
  const stored = hasher.hash('delivered-code', codeParts(userId, factor, channel, expiresAt, code));
  return { state: 'live', channel, ...stored, expiresAt, attemptsLeft: attempts };
}

/**
 * Checks a typed code (of the shape `codeDigits` gives) against the factor's live code, once,
 * in constant time. `maxAttempts` caps what the record says is left, so a stored count above
 * the app's setting never counts. A wrong code returns the factor with one attempt fewer (the
 * code gone at 0); a match returns it with the code used, so it cannot be used again.
 */
export function checkDeliveredCode<F extends DeliveredFactor>(
  hasher: KeyedHasher,
  userId: string,
  factor: F,
  code: string,
  nowMs: number,
  maxAttempts: number,
): ProofCheck<F> {
  // No live code: never sent, expired, run out of attempts, or already used and this is not it.
  const sent = factor.code;
  if (sent === null) return { kind: 'expired' };
  const matches = hasher.matches('delivered-code', codeParts(userId, factor, sent.channel, sent.expiresAt, code), sent);
  if (sent.state === 'used') return matches ? { kind: 'replayed' } : { kind: 'expired' };
  if (nowMs >= sent.expiresAt) return { kind: 'expired' };
  if (matches) {
    const used: UsedCode = {
      state: 'used',
      channel: sent.channel,
      keyId: sent.keyId,
      hash: sent.hash,
      expiresAt: sent.expiresAt,
    };
    return { kind: 'match', factor: { ...factor, code: used, lastUsedAt: nowMs, callsWithoutSuccess: 0 } };
  }
  const attemptsLeft = Math.min(sent.attemptsLeft, maxAttempts) - 1;
  const remaining: SentCode | null = attemptsLeft > 0 ? { ...sent, attemptsLeft } : null;
  return { kind: 'invalid', factor: { ...factor, code: remaining } };
}

/** A pending factor confirmed (its code just used): active, with no approval yet. */
export function activateDelivered(factor: PendingDeliveredFactor, nowMs: number): ActiveDeliveredFactor {
  const { expiresAt: _expired, ...common } = factor;
  return { ...common, state: 'active', activatedAt: nowMs, lastUsedAt: nowMs, approvals: [] };
}

/** Whether the factor has a code that can still be typed: sent, not used, not expired. */
export function hasLiveCode(factor: DeliveredFactor, nowMs: number): boolean {
  return factor.code?.state === 'live' && nowMs < factor.code.expiresAt;
}

// --- Resend limits and the voice fallback -----------------------------------------------------

export interface SendLimits {
  resendCooldownMs: number;
  maxSendsPerHour: number;
  maxSendsPerDay: number;
}

/** How long until the oldest of the last `cap` sends within `windowMs` ages out; 0 under the cap. */
export function capWait(sends: readonly number[], nowMs: number, cap: number, windowMs: number): number {
  if (cap <= 0) return windowMs;
  const recent = sends.filter((at) => at > nowMs - windowMs);
  return recent.length >= cap ? recent[recent.length - cap]! + windowMs - nowMs : 0;
}

/**
 * 0 when a send is allowed now, else how long until it is (at most a day). Sends at or before
 * `cooldownAfter` count towards the caps but start no cooldown: an active factor's enrollment
 * code (issue 27: "e-mail me a code" right after adding the address must not be refused).
 */
export function sendRetryAfterMs(
  sends: readonly number[],
  nowMs: number,
  limits: SendLimits,
  cooldownAfter = Number.NEGATIVE_INFINITY,
): number {
  const last = sends.at(-1);
  const wait = Math.max(
    last === undefined || last <= cooldownAfter ? 0 : last + limits.resendCooldownMs - nowMs,
    capWait(sends, nowMs, limits.maxSendsPerHour, HOUR_MS),
    capWait(sends, nowMs, limits.maxSendsPerDay, DAY_MS),
  );
  // A clock set back (or a hand-edited time) must not stop sends for longer than the window.
  return Math.min(Math.max(0, wait), DAY_MS);
}

/** The send history after one more send: the last 24 hours only, no more entries than a cap needs. */
export function recordSend(sends: readonly number[], nowMs: number, limits: SendLimits): number[] {
  const recent = sends.filter((at) => at > nowMs - DAY_MS && at <= nowMs);
  const kept = Math.min(Math.max(limits.maxSendsPerHour, limits.maxSendsPerDay), MAX_SENDS_PER_HOUR_LIMIT);
  return [...recent, nowMs].slice(-kept);
}

/** The history without one occurrence of `at`: a send undone because `deliver` failed. */
export function unrecordSend(sends: readonly number[], at: number): number[] {
  const index = sends.lastIndexOf(at);
  return index < 0 ? [...sends] : [...sends.slice(0, index), ...sends.slice(index + 1)];
}

/**
 * The channel of the next code: a voice factor's `voiceCallsBeforeSms` calls without a success
 * are followed by SMS to the same number (the calls may be going unanswered), until a success.
 */
export function nextSendChannel(factor: DeliveredFactor, voiceCallsBeforeSms: number): DeliveryChannel {
  if (factor.channel === 'voice' && factor.callsWithoutSuccess >= voiceCallsBeforeSms) return 'sms';
  return factor.channel;
}

// --- Approvals --------------------------------------------------------------------------------

export type ApprovalAnswer = 'approve' | 'deny';

export function approvalParts(
  userId: string,
  factorId: string,
  approval: Pick<Approval, 'id' | 'expiresAt'>,
  answer: ApprovalAnswer,
  secret: string,
): (string | number)[] {
  return [userId, factorId, approval.id, answer, approval.expiresAt, secret];
}

/**
 * A token: the user id (base64url of its UTF-8), the challenge id and a 128-bit secret, joined
 * by dots. It carries the user id so that `approve(token)` finds the record by itself; only a
 * keyed hash of the secret is stored.
 */
function makeToken(userId: string, challengeId: string, secret: string): string {
  return `${encodeBase64url(new TextEncoder().encode(userId))}.${challengeId}.${secret}`;
}

/**
 * The same answer without the user id: the challenge id and the secret (37 characters), for
 * channels that limit what a button carries (a Telegram button's `callback_data`: 64 bytes).
 * The app names the user when it answers (`approve(token, { userId })`), from what it knows
 * of the sender (the chat linked to that user), so nothing long has to be kept in clear.
 */
function makeShortToken(challengeId: string, secret: string): string {
  return `${challengeId}.${secret}`;
}

/** What the match number's keyed hash covers: the user, the challenge, its expiry, the number. */
export function matchParts(userId: string, approval: Pick<Approval, 'id' | 'expiresAt'>, matchNumber: string) {
  return [userId, approval.id, approval.expiresAt, matchNumber];
}

/** The ids of one approval request, shared by every factor it goes to. */
export interface ApprovalIds {
  challengeId: string;
  matchNumber: string;
  /** `MATCH_CHOICES` distinct numbers, the match number among them at a random place. */
  matchChoices: string[];
}

/** A new pending approval of `factorId`, and the two tokens for the message (fresh secrets). */
export function newApproval(
  hasher: KeyedHasher,
  userId: string,
  factorId: string,
  request: ApprovalIds,
  nowMs: number,
  ttlMs: number,
): {
  approval: Approval;
  approveToken: string;
  denyToken: string;
  shortApproveToken: string;
  shortDenyToken: string;
} {
  const ids = {
    challengeId: request.challengeId,
    approveSecret: encodeBase64url(randomBytes(TOKEN_SECRET_BYTES)),
    denySecret: encodeBase64url(randomBytes(TOKEN_SECRET_BYTES)),
  };
  const base = { id: ids.challengeId, expiresAt: nowMs + ttlMs };
  const approve = hasher.hash('approval-token', approvalParts(userId, factorId, base, 'approve', ids.approveSecret));
  const deny = hasher.hash('approval-token', approvalParts(userId, factorId, base, 'deny', ids.denySecret));
  // Made in the same synchronous run as the token hashes, so under the same key: one keyId for all three.
  const match = hasher.hash('approval-match', matchParts(userId, base, request.matchNumber));
  return {
    approval: {
      id: base.id,
      keyId: approve.keyId,
      approveHash: approve.hash,
      denyHash: deny.hash,
      matchHash: match.hash,
      createdAt: nowMs,
      expiresAt: base.expiresAt,
      state: 'pending',
    },
    approveToken: makeToken(userId, ids.challengeId, ids.approveSecret),
    denyToken: makeToken(userId, ids.challengeId, ids.denySecret),
    shortApproveToken: makeShortToken(ids.challengeId, ids.approveSecret),
    shortDenyToken: makeShortToken(ids.challengeId, ids.denySecret),
  };
}

/** Fresh random ids for one approval request: its challenge id, match number and choices. */
export function newApprovalIds(): ApprovalIds {
  const choices: string[] = [];
  while (choices.length < MATCH_CHOICES) {
    const number = generateDigits(MATCH_DIGITS);
    if (!choices.includes(number)) choices.push(number);
  }
  // The first drawn is the match number; the list is shown sorted, so its place tells nothing.
  const matchNumber = choices[0]!;
  return {
    challengeId: `c_${encodeBase64url(randomBytes(CHALLENGE_ID_BYTES))}`,
    matchNumber,
    matchChoices: [...choices].sort(),
  };
}

/** Whether `matchNumber` is the number of this approval, in constant time. */
export function matchNumberMatches(
  hasher: KeyedHasher,
  userId: string,
  approval: Approval,
  matchNumber: string | undefined,
): boolean {
  if (matchNumber === undefined || !/^[0-9]{2}$/.test(matchNumber)) return false;
  return hasher.matches('approval-match', matchParts(userId, approval, matchNumber), {
    keyId: approval.keyId,
    hash: approval.matchHash,
  });
}

const CHALLENGE_ID = /^c_[A-Za-z0-9_-]{12}$/;
const TOKEN_SECRET = /^[A-Za-z0-9_-]{22}$/;

/**
 * The parts of a token, or undefined when it is not the shape of one. A full token names its
 * user; a short one (`challengeId.secret`) only with `userId`, the user the app answers for. A
 * full token given with another `userId` is no token of that user's.
 */
export function parseApprovalToken(
  token: string,
  userId?: string,
): { userId: string; challengeId: string; secret: string } | undefined {
  if (token.length > 512) return undefined;
  const parts = token.split('.');
  if (parts.length === 2) {
    const [challengeId, secret] = parts as [string, string];
    if (userId === undefined || !CHALLENGE_ID.test(challengeId) || !TOKEN_SECRET.test(secret)) return undefined;
    return { userId, challengeId, secret };
  }
  if (parts.length !== 3) return undefined;
  const [user, challengeId, secret] = parts as [string, string, string];
  const bytes = decodeBase64url(user);
  if (bytes === undefined || !CHALLENGE_ID.test(challengeId) || !TOKEN_SECRET.test(secret)) return undefined;
  let named: string;
  try {
    named = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (named.length === 0 || named.length > 255) return undefined;
  if (userId !== undefined && named !== userId) return undefined;
  return { userId: named, challengeId, secret };
}

/** Whether `secret` is the approve (or deny) token's secret of this approval, in constant time. */
export function approvalTokenMatches(
  hasher: KeyedHasher,
  userId: string,
  factorId: string,
  approval: Approval,
  answer: ApprovalAnswer,
  secret: string,
): boolean {
  const hash = answer === 'approve' ? approval.approveHash : approval.denyHash;
  return hasher.matches('approval-token', approvalParts(userId, factorId, approval, answer, secret), {
    keyId: approval.keyId,
    hash,
  });
}

/** When an approval stops mattering: after that it reads as expired and may be dropped. */
function approvalEnd(approval: Approval): number {
  return approval.state === 'pending' ? approval.expiresAt : approval.answeredAt + APPROVAL_PICKUP_MS;
}

/** The approvals still worth keeping at `nowMs`, leaving room for `room` more within MAX_APPROVALS. */
export function liveApprovals(approvals: readonly Approval[], nowMs: number, room = 0): Approval[] {
  const live = approvals.filter((approval) => nowMs < approvalEnd(approval));
  return live.slice(Math.max(0, live.length - (MAX_APPROVALS - room)));
}

/** What the waiting page is told about an approval now (before an approved one is consumed). */
export function approvalStatusOf(approval: Approval | undefined, nowMs: number): ApprovalStatus {
  if (approval === undefined || nowMs >= approvalEnd(approval)) return 'expired';
  if (approval.state === 'consumed') return 'expired';
  return approval.state;
}

// --- Parsing ----------------------------------------------------------------------------------

function parseStoredHash(userId: string, raw: Record<string, unknown>, field: string): StoredHash {
  const keyId = raw.keyId;
  const hash = raw[field];
  if (!(keyId === null || isShortText(keyId, 64)) || typeof hash !== 'string' || hash.length !== STORED_HASH_LENGTH) {
    throw corrupt(userId, 'bad keyed hash');
  }
  if (decodeBase64url(hash) === undefined) throw corrupt(userId, 'bad keyed hash');
  return { keyId, hash };
}

function parseCode(userId: string, factorChannel: DeliveryChannel, raw: unknown): SentCode | null {
  if (raw === null) return null;
  if (!isObject(raw) || !isTime(raw.expiresAt)) throw corrupt(userId, 'bad delivered code');
  // A code goes out on the factor's own channel, or by SMS from a voice factor.
  if (raw.channel !== factorChannel && !(factorChannel === 'voice' && raw.channel === 'sms')) {
    throw corrupt(userId, 'bad delivered code channel');
  }
  const channel = raw.channel as DeliveryChannel;
  // Keys in the order the lifecycle writes them, so reading and writing back changes no byte.
  const common = { channel, ...parseStoredHash(userId, raw, 'hash'), expiresAt: raw.expiresAt };
  if (raw.state === 'used') return { state: 'used', ...common };
  if (raw.state === 'live') {
    const attemptsLeft = raw.attemptsLeft;
    if (!isCount(attemptsLeft) || attemptsLeft < 1 || attemptsLeft > MAX_ATTEMPTS_LIMIT) {
      throw corrupt(userId, 'bad delivered code attempts');
    }
    return { state: 'live', ...common, attemptsLeft };
  }
  throw corrupt(userId, 'bad delivered code state');
}

function parseApproval(userId: string, raw: unknown): Approval {
  if (!isObject(raw) || !CHALLENGE_ID.test(String(raw.id)) || !isTime(raw.createdAt) || !isTime(raw.expiresAt)) {
    throw corrupt(userId, 'bad approval');
  }
  const approve = parseStoredHash(userId, raw, 'approveHash');
  const deny = parseStoredHash(userId, raw, 'denyHash');
  const match = parseStoredHash(userId, raw, 'matchHash');
  const common: ApprovalCommon = {
    id: raw.id as string,
    keyId: approve.keyId,
    approveHash: approve.hash,
    denyHash: deny.hash,
    matchHash: match.hash,
    createdAt: raw.createdAt,
    expiresAt: raw.expiresAt,
  };
  if (raw.state === 'pending') return { ...common, state: 'pending' };
  if (!isTime(raw.answeredAt)) throw corrupt(userId, 'bad approval');
  if (raw.state === 'consumed') return { ...common, state: 'consumed', answeredAt: raw.answeredAt };
  if (raw.state === 'approved' || raw.state === 'denied') {
    // An answer without the secret of the token that gave it is what a hand edit leaves.
    if (typeof raw.proof !== 'string' || !TOKEN_SECRET.test(raw.proof)) throw corrupt(userId, 'bad approval answer');
    return { ...common, state: raw.state, answeredAt: raw.answeredAt, proof: raw.proof };
  }
  throw corrupt(userId, 'bad approval state');
}

/** A stored delivered factor, validated field by field. */
export function parseDeliveredFactor(userId: string, raw: Record<string, unknown>): DeliveredFactor {
  const { id, name, createdAt, lastUsedAt, channel, callsWithoutSuccess } = raw;
  if (!isShortText(id, 64) || !isShortText(name, 64) || !isTime(createdAt)) throw corrupt(userId, 'bad factor');
  if (lastUsedAt !== null && !isTime(lastUsedAt)) throw corrupt(userId, 'bad factor');
  if (!isDeliveryChannel(channel)) throw corrupt(userId, 'bad delivery channel');
  if (!isCount(callsWithoutSuccess) || callsWithoutSuccess > MAX_SENDS_PER_HOUR_LIMIT) {
    throw corrupt(userId, 'bad voice call count');
  }
  if (channel !== 'voice' && callsWithoutSuccess !== 0) throw corrupt(userId, 'bad voice call count');
  const common: DeliveredCommon = {
    type: 'delivered',
    id,
    name,
    createdAt,
    lastUsedAt,
    channel,
    destination: parseSealed(userId, raw.destination),
    code: parseCode(userId, channel, raw.code),
    sends: parseSends(userId, raw.sends),
    ...(raw.trustedSends === undefined ? {} : { trustedSends: parseSends(userId, raw.trustedSends) }),
    callsWithoutSuccess,
  };
  if (raw.state === 'pending') {
    if (!isTime(raw.expiresAt)) throw corrupt(userId, 'bad pending factor');
    return { ...common, state: 'pending', expiresAt: raw.expiresAt };
  }
  if (raw.state === 'active') {
    const { approvals } = raw;
    if (!isTime(raw.activatedAt)) throw corrupt(userId, 'bad active factor');
    if (!Array.isArray(approvals) || approvals.length > MAX_APPROVALS) throw corrupt(userId, 'bad approval list');
    const parsed = approvals.map((approval) => parseApproval(userId, approval));
    if (new Set(parsed.map((a) => a.id)).size !== parsed.length) throw corrupt(userId, 'duplicate approval id');
    return { ...common, state: 'active', activatedAt: raw.activatedAt, approvals: parsed };
  }
  throw corrupt(userId, 'bad factor state');
}

/** The destination's stored bytes: its UTF-8. */
export function destinationBytes(destination: string): Uint8Array {
  return new TextEncoder().encode(destination);
}

/** The destination from its opened bytes; a sealed value that is not UTF-8 text is corrupt. */
export function destinationText(userId: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw corrupt(userId, 'bad destination', error);
  }
}

// The authenticator-app factor (RFC 6238 TOTP): its stored shape, how it is validated, made,
// confirmed and checked. The module that registers it is index.ts beside this file.
import { encodeBase32 } from '../../../base32/index.js';
import { HotpKey } from '../../../otp/hotp-key.js';
import { type HashAlgorithm, type VerifyTotpResult, generateSecretBytes, totpStep } from '../../../otp/index.js';
import { verifyTotpWithKey } from '../../../otp/totp.js';
import { buildOtpauthUri } from '../../../uri/key-uri.js';
import { formatManualKey } from '../../../uri/manual-key.js';
import type { SealedSecret } from '../../kernel/crypto.js';
import type { FactorContext, ProofCheck } from '../../kernel/factor.js';
import { corrupt, isObject, isShortText, isTime, parseSealed } from '../../kernel/parse.js';
import { type PendingTotpExtras, parsePendingExtras } from './pending.js';

/** The TOTP parameters a secret was enrolled with; kept beside it so changing defaults later never breaks existing users. */
export interface TotpParams {
  algorithm: HashAlgorithm;
  digits: number;
  period: number;
}

interface TotpCommon {
  type: 'totp';
  /** Random, opaque, unique within the record. */
  id: string;
  /** Given by the user ("Work phone"); shown in listFactors. */
  name: string;
  createdAt: number;
  /** The last successful code check with this factor; null when never used. */
  lastUsedAt: number | null;
  secret: SealedSecret;
  totp: TotpParams;
}

export interface PendingTotpFactor extends TotpCommon, PendingTotpExtras {
  state: 'pending';
  /** Confirmation is refused from this Unix ms on. */
  expiresAt: number;
}

export interface ActiveTotpFactor extends TotpCommon {
  state: 'active';
  activatedAt: number;
  /** The last accepted time step of this factor: no step up to it is accepted again (RFC 6238 §5.2). */
  lastStep: number;
  /** Learned clock offset of this authenticator, in steps, bounded by MAX_DRIFT_STEPS. */
  driftSteps: number;
}

export type TotpFactor = PendingTotpFactor | ActiveTotpFactor;

/** Learned drift never widens the window by more than two steps. */
export const MAX_DRIFT_STEPS = 2;
/** The name factors get when the user gives none, and factors migrated from version 1 records. */
export const DEFAULT_TOTP_NAME = 'Authenticator app';
/** RFC 6238 §5.1 / RFC 4226 §4 R6: keys as long as the HMAC output (SHA1 20, SHA256 32, SHA512 64 bytes). */
const SECRET_BYTES: Record<HashAlgorithm, number> = { SHA1: 20, SHA256: 32, SHA512: 64 };

export function parseTotpParams(userId: string, value: unknown): TotpParams {
  if (
    isObject(value) &&
    (value.algorithm === 'SHA1' || value.algorithm === 'SHA256' || value.algorithm === 'SHA512') &&
    typeof value.digits === 'number' &&
    Number.isInteger(value.digits) &&
    value.digits >= 6 &&
    value.digits <= 10 &&
    typeof value.period === 'number' &&
    Number.isSafeInteger(value.period) &&
    value.period >= 1
  ) {
    return { algorithm: value.algorithm, digits: value.digits, period: value.period };
  }
  throw corrupt(userId, 'bad TOTP parameters');
}

/** The replay state of an active factor, as stored in version 1 and 2 records alike. */
export function parseReplayState(
  userId: string,
  value: Record<string, unknown>,
): { lastStep: number; driftSteps: number } {
  const { lastStep, driftSteps } = value;
  if (
    typeof lastStep !== 'number' ||
    !Number.isSafeInteger(lastStep) ||
    lastStep < -1 ||
    typeof driftSteps !== 'number' ||
    !Number.isInteger(driftSteps) ||
    Math.abs(driftSteps) > MAX_DRIFT_STEPS
  ) {
    throw corrupt(userId, 'bad TOTP replay state');
  }
  return { lastStep, driftSteps };
}

/** A stored TOTP factor, validated field by field. */
export function parseTotpFactor(userId: string, raw: Record<string, unknown>): TotpFactor {
  const { id, name, createdAt, lastUsedAt } = raw;
  if (!isShortText(id, 64) || !isShortText(name, 64) || !isTime(createdAt)) throw corrupt(userId, 'bad factor');
  if (lastUsedAt !== null && !isTime(lastUsedAt)) throw corrupt(userId, 'bad factor');
  const common: TotpCommon = {
    type: 'totp',
    id,
    name,
    createdAt,
    lastUsedAt,
    secret: parseSealed(userId, raw.secret),
    totp: parseTotpParams(userId, raw.totp),
  };
  if (raw.state === 'pending') {
    if (!isTime(raw.expiresAt)) throw corrupt(userId, 'bad pending factor');
    const extras = parsePendingExtras(userId, raw, parseTotpParams);
    return { ...common, state: 'pending', expiresAt: raw.expiresAt, ...extras };
  }
  if (raw.state === 'active') {
    if (!isTime(raw.activatedAt)) throw corrupt(userId, 'bad active factor');
    return { ...common, state: 'active', activatedAt: raw.activatedAt, ...parseReplayState(userId, raw) };
  }
  throw corrupt(userId, 'bad factor state');
}

/** The slots of a version-1 record (`active`, `pending`) as factors with the given ids. */
export function totpFromVersion1(
  userId: string,
  slot: unknown,
  kind: 'active' | 'pending',
  id: string,
  legacyTtlMs: number,
): TotpFactor {
  if (!isObject(slot)) throw corrupt(userId, `bad ${kind} factor`);
  const secret = parseSealed(userId, slot.secret);
  const totp = parseTotpParams(userId, slot.totp);
  const base = { type: 'totp' as const, id, name: DEFAULT_TOTP_NAME, lastUsedAt: null, secret, totp };
  if (kind === 'active') {
    if (!isTime(slot.activatedAt)) throw corrupt(userId, 'bad active factor');
    return {
      ...base,
      createdAt: slot.activatedAt,
      state: 'active',
      activatedAt: slot.activatedAt,
      ...parseReplayState(userId, slot),
    };
  }
  if (!isTime(slot.expiresAt)) throw corrupt(userId, 'bad pending enrollment');
  // Version 1 did not record when an enrollment began; its default TTL dates it.
  return { ...base, createdAt: Math.max(0, slot.expiresAt - legacyTtlMs), state: 'pending', expiresAt: slot.expiresAt };
}

/** What beginEnrollment shows for a new authenticator. */
export interface TotpEnrollmentDisplay {
  secret: string;
  uri: string;
  manualKey: string;
}

/** A fresh secret of the algorithm's HMAC output length, and everything the enrollment page shows. */
export function newTotpSecret(
  issuer: string,
  account: string,
  params: TotpParams,
): { bytes: Uint8Array; display: TotpEnrollmentDisplay } {
  const bytes = generateSecretBytes({ bytes: SECRET_BYTES[params.algorithm] });
  const secret = encodeBase32(bytes);
  const uri = buildOtpauthUri({ type: 'totp', issuer, account, secret, ...params });
  return { bytes, display: { secret, uri, manualKey: formatManualKey(secret) } };
}

/**
 * The HMAC keyed with a secret, one function per algorithm: the lifecycle keeps what each makes
 * with the opened secret (ctx.openPrepared), so a sign-in does not key the HMAC again.
 */
const KEYED_HMAC: Record<HashAlgorithm, (secret: Uint8Array) => HotpKey> = {
  SHA1: (secret) => new HotpKey(secret, 'SHA1'),
  SHA256: (secret) => new HotpKey(secret, 'SHA256'),
  SHA512: (secret) => new HotpKey(secret, 'SHA512'),
};

/** `code` verified against the factor's secret (RFC 6238, as verifyTotp) at the decision's time. */
async function verifyWithSecret(
  ctx: FactorContext,
  factor: TotpFactor,
  code: string,
  window: readonly [number, number],
  afterStep?: number,
): Promise<VerifyTotpResult> {
  const { algorithm, digits, period } = factor.totp;
  const hotp = await ctx.openPrepared(factor.secret, KEYED_HMAC[algorithm]);
  return verifyTotpWithKey(code, hotp, digits, totpStep({ time: ctx.nowMs, period }), window, afterStep);
}

/**
 * Checks a sign-in code against an active authenticator: one step either side of now, widened
 * towards the learned drift (at most MAX_DRIFT_STEPS), every step up to `lastStep` refused.
 */
export async function checkTotp(
  ctx: FactorContext,
  factor: ActiveTotpFactor,
  code: string,
): Promise<ProofCheck<ActiveTotpFactor>> {
  const drift = factor.driftSteps;
  const window = [1 + Math.max(0, -drift), 1 + Math.max(0, drift)] as const;
  const result = await verifyWithSecret(ctx, factor, code, window, factor.lastStep);
  if (!result.valid) return result.reason === 'replayed' ? { kind: 'replayed' } : { kind: 'invalid' };
  const driftSteps = learnedDrift(result.delta);
  return { kind: 'match', factor: { ...factor, lastStep: result.step, driftSteps, lastUsedAt: ctx.nowMs } };
}

/** The drift a match teaches: its delta, bounded by MAX_DRIFT_STEPS either way. */
function learnedDrift(delta: number): number {
  return Math.max(-MAX_DRIFT_STEPS, Math.min(MAX_DRIFT_STEPS, delta));
}

/**
 * Confirms a pending authenticator with a code from it (a window of one step, no drift yet). A
 * code of the authenticator it replaced (pending.ts), while that one could still have been
 * confirmed, is refused as `enrollment-replaced`, uncounted: the user scanned the QR code
 * shown before. Both secrets are checked whenever both are there, so the time taken does not
 * say which one matched.
 */
export async function confirmTotp(
  ctx: FactorContext,
  factor: PendingTotpFactor,
  code: string,
): Promise<ProofCheck<ActiveTotpFactor>> {
  const result = await verifyWithSecret(ctx, factor, code, [1, 1]);
  const ofReplaced = await isCodeOfReplaced(ctx, factor, code);
  if (!result.valid) return ofReplaced ? { kind: 'refused', reason: 'enrollment-replaced' } : { kind: 'invalid' };
  const { expiresAt: _expired, account: _account, replaced: _replaced, ...common } = factor;
  const factorNow: ActiveTotpFactor = {
    ...common,
    state: 'active',
    activatedAt: ctx.nowMs,
    lastUsedAt: ctx.nowMs,
    lastStep: result.step,
    driftSteps: learnedDrift(result.delta),
  };
  return { kind: 'match', factor: factorNow };
}

/** Whether `code` is a code of the authenticator `factor` replaced, while that one was still confirmable. */
async function isCodeOfReplaced(ctx: FactorContext, factor: PendingTotpFactor, code: string): Promise<boolean> {
  const { replaced } = factor;
  if (replaced === undefined || ctx.nowMs >= replaced.expiresAt || code.length !== replaced.totp.digits) return false;
  try {
    const result = await verifyWithSecret(ctx, { ...factor, ...replaced }, code, [1, 1]);
    return result.valid;
  } catch {
    // Only a hint for the user: a replaced secret that no longer opens (its key retired from
    // the keyring meanwhile) leaves the code answered as any wrong code is.
    return false;
  }
}

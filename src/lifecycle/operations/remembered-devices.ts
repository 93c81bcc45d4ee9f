// Remembered devices ("trust this browser for 30 days"): the operations over the record; the
// tokens themselves are in devices.ts.
import { FactorkitError } from '../../errors/index.js';
import { checkOptionsObject } from '../../validation/index.js';
import type { Engine } from '../engine/engine.js';
import { checkId, checkUserId, deviceLabel } from '../kernel/args.js';
import { activeFactors } from '../kernel/record.js';
import type {
  CheckRememberedDeviceResult,
  RememberDeviceOptions,
  RememberDeviceResult,
  RememberedDeviceSummary,
  TwoFactorFailure,
} from '../types.js';
import {
  DEFAULT_DEVICE_TTL_MS,
  MAX_DEVICE_TTL_MS,
  MIN_DEVICE_TTL_MS,
  keyedToken,
  liveDevices,
  matchDevice,
  newDevice,
} from './devices.js';

export async function rememberDevice(
  engine: Engine,
  userId: string,
  options?: RememberDeviceOptions,
): Promise<RememberDeviceResult> {
  checkUserId(userId);
  const { label, ttlMs = DEFAULT_DEVICE_TTL_MS } = checkOptionsObject(options);
  const kept = label === undefined ? null : deviceLabel(label);
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < MIN_DEVICE_TTL_MS || ttlMs > MAX_DEVICE_TTL_MS) {
    throw new FactorkitError('INVALID_ARGUMENT', 'ttlMs must be from 1 minute to 400 days, in milliseconds');
  }
  return engine.transact<RememberDeviceResult>(userId, async (state, nowMs) => {
    if (state === null || activeFactors(state).length === 0) {
      return { result: { ok: false, reason: 'not-enrolled' } };
    }
    const { device, token } = newDevice(engine.hasher, userId, kept, nowMs, ttlMs);
    return {
      result: { ok: true, deviceId: device.id, token, expiresAt: device.expiresAt },
      next: { ...state, devices: [...liveDevices(state.devices, nowMs, 1), device] },
      events: [{ type: 'device-remembered', userId, at: nowMs, deviceId: device.id }],
    };
  });
}

export async function checkRememberedDevice(
  engine: Engine,
  userId: string,
  token: string,
): Promise<CheckRememberedDeviceResult> {
  checkUserId(userId);
  if (typeof token !== 'string') throw new FactorkitError('INVALID_ARGUMENT', 'token must be a string');
  const { state } = await engine.load(userId);
  if (state === null || activeFactors(state).length === 0) return { ok: false, reason: 'not-enrolled' };
  // A hard lock stops every way in, a remembered browser included (E7): the lock means someone
  // was guessing codes for this account, and only support's unlock ends it.
  if (state.throttle.hardLockedAt !== null) return { ok: false, reason: 'hard-locked' };
  const matched = matchDevice(engine.hasher, userId, state.devices, token, engine.options.now());
  if (!matched.ok) return matched;
  if (matched.device.tokenKeyId === undefined) await rekey(engine, userId, matched.device.id, token);
  return { ok: true, deviceId: matched.device.id };
}

/**
 * An entry made before tokens were keyed, re-hashed under the keyring and bound to its user by
 * the check that just accepted its token: from then on a copy of it in another record matches
 * nothing. A lost race (the device forgotten meanwhile) leaves the record as it is.
 */
async function rekey(engine: Engine, userId: string, deviceId: string, token: string): Promise<void> {
  await engine.transact<void>(userId, async (state) => {
    const device = state?.devices.find((d) => d.id === deviceId);
    if (state === null || device === undefined || device.tokenKeyId !== undefined) return { result: undefined };
    const rekeyed = { ...device, ...keyedToken(engine.hasher, userId, deviceId, token) };
    return {
      result: undefined,
      next: { ...state, devices: state.devices.map((d) => (d.id === deviceId ? rekeyed : d)) },
    };
  });
}

export async function listRememberedDevices(engine: Engine, userId: string): Promise<RememberedDeviceSummary[]> {
  checkUserId(userId);
  const { state } = await engine.load(userId);
  if (state === null) return [];
  return liveDevices(state.devices, engine.options.now()).map((d) => ({
    deviceId: d.id,
    label: d.label,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
  }));
}

export async function forgetDevice(
  engine: Engine,
  userId: string,
  deviceId: string,
): Promise<{ ok: true } | TwoFactorFailure> {
  checkUserId(userId);
  checkId('deviceId', deviceId);
  return engine.transact<{ ok: true } | TwoFactorFailure>(userId, async (state, nowMs) => {
    if (state === null || !state.devices.some((d) => d.id === deviceId)) {
      return { result: { ok: false, reason: 'unknown-factor' } };
    }
    return {
      result: { ok: true },
      next: { ...state, devices: state.devices.filter((d) => d.id !== deviceId) },
      events: [{ type: 'device-forgotten', userId, at: nowMs, deviceId }],
    };
  });
}

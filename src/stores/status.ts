// The one list of 2FA statuses, for every place that must refuse anything else (the
// lifecycle's listUsers, MemoryStore and the database adapters).
import type { TwoFactorStatus } from './types.js';

export const STATUSES: readonly TwoFactorStatus[] = ['activated', 'not-activated', 'pending'];

export function isTwoFactorStatus(value: unknown): value is TwoFactorStatus {
  return (STATUSES as readonly unknown[]).includes(value);
}

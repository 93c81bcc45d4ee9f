// The 2FA lifecycle of a user account over a store: createTwoFactor and what it returns.
export {
  createTwoFactor,
  type TwoFactor,
  type TwoFactorOptions,
  type TwoFactorFailure,
  type BeginEnrollmentResult,
  type VerifyResult,
  type BackupCodesResult,
  type TwoFactorUser,
  type ListUsersOptions,
  type ThrottleStatus,
  type ConfirmEnrollmentOptions,
  type SupportActionOptions,
} from './two-factor.js';
export type { TwoFactorEvent, CodeMethod, CodeCheckOperation } from './events.js';
export type { Keyring } from './crypto.js';
export type { ThrottleOptions } from './throttle.js';

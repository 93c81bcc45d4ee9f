// The 2FA lifecycle of a user account over a store: createTwoFactor and what it returns.
export { createTwoFactor } from './two-factor.js';
export type {
  TwoFactor,
  TwoFactorOptions,
  TwoFactorFailure,
  BeginEnrollmentOptions,
  BeginEnrollmentResult,
  ConfirmEnrollmentOptions,
  VerifyOptions,
  VerifyResult,
  BackupCodesResult,
  FactorSummary,
  RememberDeviceOptions,
  RememberDeviceResult,
  CheckRememberedDeviceResult,
  RememberedDeviceSummary,
  TwoFactorUser,
  ListUsersOptions,
  ThrottleStatus,
  SupportActionOptions,
  DeliveryMessage,
  DeliveryOptions,
  BeginDeliveredEnrollmentOptions,
  BeginDeliveredEnrollmentResult,
  RateLimited,
  SendCodeOptions,
  SendCodeResult,
  RequestApprovalOptions,
  RequestApprovalResult,
  ApprovalAnswerOptions,
  ApprovalAnswerResult,
  ApprovalStatusResult,
} from './types.js';
export type { FactorType } from './factors/index.js';
export type { DeliveryChannel, CodePurpose, ApprovalStatus } from './factors/delivered.js';
export type { TwoFactorEvent, CodeMethod, CodeCheckOperation } from './events.js';
export type { Keyring } from './crypto.js';
export type { ThrottleOptions } from './throttle.js';

// The 2FA lifecycle of a user account over a store: createTwoFactor, what it returns, and the
// interface a factor type implements to join it.
export { createTwoFactor } from './two-factor.js';
export type {
  TwoFactor,
  TwoFactorOptions,
  ModuleOperations,
  TwoFactorFailure,
  BeginEnrollmentOptions,
  BeginEnrollmentResult,
  BeginFactorEnrollmentOptions,
  BeginFactorEnrollmentResult,
  ConfirmEnrollmentOptions,
  RegenerateBackupCodesOptions,
  VerifyOptions,
  VerifyResult,
  FactorVerified,
  ProofStrength,
  StepUpOptions,
  StepUpResult,
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
  RateLimited,
} from './types.js';
export type { CodePurpose, DeliveryChannel } from './kernel/events.js';
export type { SignInTicket, SignInTicketResult, SignInTicketOperations } from './sign-in-tickets.js';
export type {
  FactorModule,
  FactorRecord,
  FactorRecordBase,
  PendingFactorRecord,
  ActiveFactorRecord,
  FactorContext,
  PreparedEnrollment,
  Proof,
  ProofCheck,
  FactorRefusal,
  FactorSignal,
  StrengthClass,
} from './kernel/factor.js';
export type { KeyedHasher, HashPurpose, StoredHash } from './kernel/keyed-hash.js';
export type { TwoFactorEvent, CodeMethod, CodeCheckOperation, FactorType } from './kernel/events.js';
export type { Keyring, SealedSecret } from './kernel/crypto.js';
export type { ThrottleOptions } from './engine/throttle.js';

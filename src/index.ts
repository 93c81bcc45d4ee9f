export { FactorkitError, isFactorkitError, type FactorkitErrorCode } from './errors.js';
export { encodeBase32, decodeBase32 } from './base32.js';
export { generateSecret, generateSecretBytes, type GenerateSecretOptions } from './secret.js';
export {
  generateHotp,
  verifyHotp,
  type OtpOptions,
  type VerifyHotpOptions,
  type VerifyHotpResult,
  type OtpFailureReason,
} from './hotp.js';
export {
  generateTotp,
  verifyTotp,
  totpStep,
  type TotpOptions,
  type VerifyTotpOptions,
  type VerifyTotpResult,
} from './totp.js';
export type { HashAlgorithm } from './_options.js';
export {
  buildOtpauthUri,
  parseOtpauthUri,
  type BuildOtpauthUriOptions,
  type CompleteOtpauthRecord,
  type OtpauthRecord,
  type OtpauthType,
} from './uri.js';
export { lintOtpauthUri, type OtpauthWarning, type OtpauthWarningCode } from './lint-uri.js';
export { renderQrSvg, renderQrDataUrl, type QrOptions, type QrErrorCorrectionLevel } from './qr.js';
export { formatManualKey } from './manual-key.js';
export {
  generateBackupCodes,
  verifyBackupCode,
  consumeBackupCode,
  remainingBackupCodes,
  serializeBackupCodeSet,
  parseBackupCodeSet,
  type BackupCodeSet,
  type BackupCodeFailureReason,
  type GenerateBackupCodesOptions,
  type GeneratedBackupCodes,
  type ScryptParams,
  type VerifyBackupCodeResult,
} from './backup-codes.js';
export type {
  TwoFactorStore,
  TwoFactorStatus,
  StoredRecord,
  RecordWrite,
  ListRecordsOptions,
  ListRecordsPage,
} from './store/types.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory.js';
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
} from './lifecycle/two-factor.js';
export type { TwoFactorEvent } from './lifecycle/events.js';
export type { Keyring } from './lifecycle/crypto.js';
export type { ThrottleOptions } from './lifecycle/throttle.js';

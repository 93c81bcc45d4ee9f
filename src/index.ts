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

// Backup codes (NIST SP 800-63B look-up secrets): generated, stored as slow digests, used once.
export {
  generateBackupCodes,
  verifyBackupCode,
  consumeBackupCode,
  remainingBackupCodes,
  serializeBackupCodeSet,
  parseBackupCodeSet,
  type BackupCodeSet,
  type BackupCodeSetV1,
  type BackupCodeSetV2,
  type BackupCodeSetV3,
  type BackupCodeKdf,
  type BackupCodeFailureReason,
  type GenerateBackupCodesOptions,
  type GeneratedBackupCodes,
  type VerifyBackupCodeOptions,
  type VerifyBackupCodeResult,
} from './set.js';
export {
  defaultScryptImplementation,
  type ScryptFunction,
  type ScryptImplementation,
  type ScryptParams,
} from './kdf.js';

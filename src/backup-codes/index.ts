// Backup codes (NIST SP 800-63B look-up secrets): generated, stored as slow digests, used once.
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
  type VerifyBackupCodeResult,
} from './set.js';
export type { ScryptParams } from './kdf.js';

// RFC 4226 HOTP and RFC 6238 TOTP (and Steam Guard, a TOTP variant): secrets, generation and verification.
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
export type { HashAlgorithm } from './options.js';
export {
  generateSteamGuardCode,
  verifySteamGuardCode,
  type SteamGuardOptions,
  type VerifySteamGuardOptions,
} from './steam.js';

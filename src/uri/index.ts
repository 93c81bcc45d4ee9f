// otpauth:// Key URIs (build, strict and lenient parse, lint) and the grouped manual-entry key.
export {
  buildOtpauthUri,
  type BuildOtpauthUriOptions,
  type CompleteOtpauthRecord,
  type OtpauthRecord,
  type OtpauthType,
} from './key-uri.js';
export type { SteamGuardRecord } from './record.js';
export { parseOtpauthUri, type ParseOtpauthUriOptions } from './parse.js';
export type { LenientOtpauthResult } from './lenient.js';
export {
  lintOtpauthUri,
  type LintOtpauthUriOptions,
  type OtpauthWarning,
  type OtpauthWarningCode,
} from './lint.js';
export { formatManualKey } from './manual-key.js';

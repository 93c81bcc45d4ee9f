// otpauth:// Key URIs (build, strict parse, lint) and the grouped manual-entry key.
export {
  buildOtpauthUri,
  parseOtpauthUri,
  type BuildOtpauthUriOptions,
  type CompleteOtpauthRecord,
  type OtpauthRecord,
  type OtpauthType,
} from './key-uri.js';
export { lintOtpauthUri, type OtpauthWarning, type OtpauthWarningCode } from './lint.js';
export { formatManualKey } from './manual-key.js';

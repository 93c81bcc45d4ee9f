// factorkit's core entry: one re-export per concern, each folder's public face.
export { FactorkitError, isFactorkitError, type FactorkitErrorCode } from './errors/index.js';
export { encodeBase32, decodeBase32 } from './base32/index.js';
export * from './otp/index.js';
export * from './uri/index.js';
export * from './migration/index.js';
export * from './qr/index.js';
export * from './backup-codes/index.js';
export * from './stores/index.js';
export * from './lifecycle/index.js';
export { keyringFromEnv, type KeyringFromEnvOptions } from './lifecycle/keyring-env.js';

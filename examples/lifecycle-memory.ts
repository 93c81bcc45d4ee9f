// The 2FA lifecycle in memory, without a web server: enrol a user, confirm with the code an
// authenticator app would show, then sign in with a TOTP code and with a backup code.
// `npx tsx examples/lifecycle-memory.ts`. The Express example (`npm start`) does the same in pages.
import { createTwoFactor, generateTotp, type Keyring, keyringFromEnv, MemoryStore, renderQrSvg } from 'factorkit';

// Encrypts TOTP secrets at rest. A real app keeps the key in its secret manager and hands it over
// as FACTORKIT_KEYS="k1:$(openssl rand -base64 32)"; a bad value throws INVALID_KEYRING.
function loadKeyring(): Keyring {
  if (process.env.FACTORKIT_KEYS) return keyringFromEnv(process.env.FACTORKIT_KEYS);
  console.log('FACTORKIT_KEYS is not set: using a throwaway key (secrets sealed with it die with this process).');
  return { currentKeyId: 'throwaway', keys: { throwaway: crypto.getRandomValues(new Uint8Array(32)) } };
}

const twoFactor = createTwoFactor({
  store: new MemoryStore(),
  issuer: 'Example',
  keyring: loadKeyring(),
  onEvent: (event) => console.log('event:', event.type),
});

const enrollment = await twoFactor.beginEnrollment('user-1', { account: 'ada@example.com' });
const qrSvg = renderQrSvg(enrollment.uri);
console.log('Show the QR code (SVG, %d characters) or the manual key to the user.', qrSvg.length);

// The authenticator app computes this from the scanned secret.
const code = generateTotp(enrollment.secret);
const confirmed = await twoFactor.confirmEnrollment('user-1', code);
if (!confirmed.ok) throw new Error(`confirmation refused: ${confirmed.reason}`);
console.log('2FA on; %d backup codes to show the user once.', confirmed.backupCodes.length);

// A code is good once: the next sign-in needs the app's next code.
console.log('Same code again:', await twoFactor.verify('user-1', code));

const [firstBackupCode] = confirmed.backupCodes;
if (firstBackupCode) console.log('Backup code:', await twoFactor.verify('user-1', firstBackupCode));
console.log('Status:', await twoFactor.status('user-1'));

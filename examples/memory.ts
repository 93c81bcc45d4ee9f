// The smallest end-to-end use of factorkit in memory: enrol a secret, show what the user
// would scan or type, and verify a code the way an authenticator app would produce it.
import { generateSecret, generateTotp, verifyTotp } from 'factorkit';

const secret = generateSecret();
console.log('New secret generated (160 bits). In a real app, store it encrypted, never log it.');

const code = generateTotp(secret); // what the user's authenticator app shows right now
const first = verifyTotp(code, secret);
console.log('First use of the current code:', first);

const again = verifyTotp(code, secret, { afterStep: first.valid ? first.step : undefined });
console.log('Same code again (replay guard):', again);

const wrong = verifyTotp('000000' === code ? '111111' : '000000', secret);
console.log('A wrong code:', wrong);

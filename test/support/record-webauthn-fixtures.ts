// Records test/fixtures/webauthn.json: real ceremonies of both kinds of virtual authenticator in
// Chromium (test/support/webauthn-browser.ts), through the real module, with every random
// value the module drew written beside the response that signed it. The unit and store tests
// replay them without a browser: they hand the same values back through the module's random
// source (its test seam), so the challenge each response signed is the one the record holds.
//
//   npx tsx test/support/record-webauthn-fixtures.ts
//
// Run it again only to change the fixtures (a new Chromium, a new scenario).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { MemoryStore, createTwoFactor } from 'factorkit';
import { encodeBase64url } from '../../src/backup-codes/base64url.js';
import { webauthnModule } from '../../src/lifecycle/factors/webauthn/module.js';
import { CHROMIUM_PATH } from './chromium.js';
import { type VirtualKind, openWebAuthnBrowser } from './webauthn-browser.js';
import type { RecordedCeremony, WebAuthnFixtures } from './webauthn-fixtures.js';

const ASSERTIONS = 6;
const USER = 'fixture-user';

async function record(): Promise<WebAuthnFixtures> {
  const browser = await openWebAuthnBrowser();
  // One account, both kinds on it (security key first, then a passkey proven by a backup code),
  // so both credentials carry the account's one user handle.
  const userHandle = crypto.getRandomValues(new Uint8Array(32));
  let drawn: Record<string, string> = {};
  const random = (purpose: string, length: number) => {
    const bytes = purpose === 'user-handle' ? userHandle : crypto.getRandomValues(new Uint8Array(length));
    drawn[purpose] = encodeBase64url(bytes);
    return bytes;
  };
  const ceremony = async (run: () => Promise<Record<string, unknown>>): Promise<RecordedCeremony> => {
    drawn = {};
    const response = await run();
    return { drawn, response };
  };
  const module = webauthnModule(
    { rpID: 'localhost', rpName: 'factorkit fixtures', origins: [browser.origin], findUserByHandle: async () => USER },
    random,
  );
  const keyring = { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(7) } };
  const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'fixtures', keyring, factors: [module] });
  const out: Partial<WebAuthnFixtures['kinds']> = {};
  let backupCodes: string[] = [];
  try {
    for (const kind of ['security-key', 'passkey'] as VirtualKind[]) {
      await browser.use(kind);
      const registration = await ceremony(async () => {
        const begun = (await twoFactor.beginEnrollment(USER, {
          type: 'webauthn',
          kind,
          userName: 'ada',
        })) as unknown as {
          options: unknown;
        };
        return browser.create(begun.options);
      });
      const currentCode = kind === 'passkey' ? { currentCode: backupCodes[0]! } : {};
      const confirmed = await twoFactor.confirmEnrollment(USER, { webauthn: registration.response }, currentCode);
      if (!confirmed.ok) throw new Error(`${kind}: enrollment refused: ${confirmed.reason}`);
      if (kind === 'security-key') backupCodes = confirmed.backupCodes;
      const assertion = () =>
        ceremony(async () => {
          const asked = await twoFactor.requestAssertion(USER);
          if (!asked.ok) throw new Error(`${kind}: requestAssertion refused: ${asked.reason}`);
          return browser.get(asked.options);
        });
      const assertions: RecordedCeremony[] = [];
      for (let i = 0; i < ASSERTIONS; i++) {
        const signed = await assertion();
        const verified = await twoFactor.verify(USER, { webauthn: signed.response });
        if (!verified.ok) throw new Error(`${kind}: assertion ${i} refused: ${verified.reason}`);
        assertions.push(signed);
      }
      const passwordless: RecordedCeremony[] = [];
      if (kind === 'passkey') {
        for (let i = 0; i < 2; i++) {
          let token = '';
          const signed = await ceremony(async () => {
            const start = await twoFactor.beginPasskeySignIn();
            token = start.challengeToken;
            return browser.get(start.options);
          });
          const finished = await twoFactor.finishPasskeySignIn(signed.response as never, { challengeToken: token });
          if (!finished.ok) throw new Error(`passwordless ${i} refused: ${finished.reason}`);
          passwordless.push(signed);
        }
      }
      // The clone: the credential exported and planted again with a sign count of 1.
      await browser.cloneWithSignCount(1);
      const cloned = await assertion();
      await twoFactor.verify(USER, { webauthn: cloned.response });
      out[kind] = { registration, assertions, passwordless, cloned };
    }
  } finally {
    await browser.close();
  }
  const version = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim();
  return {
    recordedWith: `${version}, CDP WebAuthn virtual authenticators`,
    rpID: 'localhost',
    origin: browser.origin,
    userHandle: encodeBase64url(userHandle),
    kinds: out as WebAuthnFixtures['kinds'],
  };
}

const fixtures = await record();
writeFileSync(new URL('../fixtures/webauthn.json', import.meta.url), `${JSON.stringify(fixtures, null, 2)}\n`);
console.log(`recorded ${Object.keys(fixtures.kinds).join(', ')} at ${fixtures.origin}`);

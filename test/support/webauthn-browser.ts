// Real WebAuthn ceremonies in Debian's Chromium, with the CDP WebAuthn domain's virtual
// authenticators: a page served on 127.0.0.1 (as http://localhost, a secure context whose host
// is a valid RP id) calls navigator.credentials.create / get with the JSON options factorkit
// made, and hands back the credential's toJSON(). Used live by the end-to-end test and once to
// record the fixtures the unit and store tests replay (test/support/record-webauthn-fixtures.ts).
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';

/** A CTAP2 USB security key without user verification, or a platform authenticator with resident keys and UV. */
export type VirtualKind = 'security-key' | 'passkey';

const AUTHENTICATORS: Record<VirtualKind, Record<string, unknown>> = {
  'security-key': {
    protocol: 'ctap2',
    transport: 'usb',
    hasResidentKey: false,
    hasUserVerification: false,
    isUserVerified: false,
    automaticPresenceSimulation: true,
  },
  passkey: {
    protocol: 'ctap2',
    ctap2Version: 'ctap2_1',
    transport: 'internal',
    hasResidentKey: true,
    hasUserVerification: true,
    isUserVerified: true,
    automaticPresenceSimulation: true,
    // A synced passkey (backup eligible and backed up), as phones and password managers make.
    defaultBackupEligibility: true,
    defaultBackupState: true,
  },
};

export interface WebAuthnBrowser {
  origin: string;
  /** Attaches a virtual authenticator of `kind` (detaching the one before). */
  use(kind: VirtualKind): Promise<void>;
  /** navigator.credentials.create with these JSON options; the credential's toJSON(). */
  create(options: unknown): Promise<Record<string, unknown>>;
  /** navigator.credentials.get with these JSON options; the credential's toJSON(). */
  get(options: unknown): Promise<Record<string, unknown>>;
  /** Replaces the authenticator's credentials with copies whose sign count is `signCount` (a clone). */
  cloneWithSignCount(signCount: number): Promise<void>;
  /** The attached authenticator's credentials, private keys included (WebAuthn.getCredentials). */
  exportCredentials(): Promise<unknown[]>;
  /** Plants `credentials` in the attached authenticator with sign count `signCount`: a copy made elsewhere. */
  importCredentials(credentials: unknown[], signCount: number): Promise<void>;
  close(): Promise<void>;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>factorkit WebAuthn</title><p>WebAuthn test page</p>';

function serve(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function openWebAuthnBrowser(): Promise<WebAuthnBrowser> {
  const server = await serve();
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await launchChromium();
  const page: Page = await browser.newPage();
  await page.goto(`${origin}/`);
  const authenticators = await virtualAuthenticators(page);
  return {
    origin,
    ...authenticators,
    create: (options) =>
      page.evaluate(async (json) => {
        const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(json as never);
        const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
        return credential.toJSON() as Record<string, unknown>;
      }, options),
    get: (options) =>
      page.evaluate(async (json) => {
        const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(json as never);
        const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential;
        return credential.toJSON() as Record<string, unknown>;
      }, options),
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The CDP WebAuthn domain on `page`: one virtual authenticator at a time, its credentials exported and planted. */
export async function virtualAuthenticators(
  page: Page,
): Promise<Pick<WebAuthnBrowser, 'use' | 'cloneWithSignCount' | 'exportCredentials' | 'importCredentials'>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  let authenticatorId: string | undefined;
  const exportCredentials = async () =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticatorId! })).credentials;
  const importCredentials = async (credentials: unknown[], signCount: number) => {
    for (const credential of credentials as { credentialId: string }[]) {
      await cdp.send('WebAuthn.addCredential', {
        authenticatorId: authenticatorId!,
        credential: { ...(credential as Record<string, unknown>), signCount } as never,
      });
    }
  };
  return {
    exportCredentials,
    importCredentials,
    async use(kind) {
      if (authenticatorId !== undefined) await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      const added = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATORS[kind] as never });
      authenticatorId = added.authenticatorId;
    },
    async cloneWithSignCount(signCount) {
      const credentials = await exportCredentials();
      for (const credential of credentials) {
        await cdp.send('WebAuthn.removeCredential', {
          authenticatorId: authenticatorId!,
          credentialId: credential.credentialId,
        });
      }
      await importCredentials(credentials, signCount);
    },
  };
}

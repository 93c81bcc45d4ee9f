// The runtime matrix over the built dist/ (npm test builds first): the one shared suite in
// test/runtime/suite.mjs, run on Node (import and require), Bun (import and require), Deno,
// headless Chromium (plain and minified bundle) and Cloudflare's workerd. Every runtime must
// pass every case.
import { beforeAll, describe, expect, it } from 'vitest';
import * as core from 'factorkit';
import * as messages from 'factorkit/messages';
import { HTTP_RUNTIMES, RUNTIMES, WEBAUTHN_RUNTIMES, distIsBuilt, type CaseResult } from './matrix.js';
// @ts-expect-error: plain JavaScript, shared verbatim with the other runtimes, no typings
import { run } from './suite.mjs';

const runSuite = run as (lib: unknown) => Promise<CaseResult[]>;
// The package as the runners hand it in: the core's namespace and factorkit/messages beside it.
const source = { ...core, messages };
let expectedCases: string[];

beforeAll(async () => {
  expect(distIsBuilt(), 'dist/ is missing: run `npm run build` first').toBe(true);
  // The cases every runtime must report, from the sources themselves.
  expectedCases = (await runSuite(source)).map((result) => result.name);
});

describe('runtime suite', () => {
  it('passes against the sources and covers the RFC vectors', async () => {
    const results = await runSuite(source);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.filter((r) => r.name.startsWith('RFC 4226'))).toHaveLength(10);
    expect(results.filter((r) => r.name.startsWith('RFC 6238'))).toHaveLength(18);
  });

  it('fails when the library computes a wrong code', async () => {
    const broken = { ...source, generateHotp: () => '000000', generateTotp: () => '00000000' };
    const failed = (await runSuite(broken)).filter((r) => !r.ok).map((r) => r.name);
    expect(failed).toContain('RFC 4226 Appendix D count 0');
    expect(failed).toContain('RFC 6238 Appendix B SHA512 T=59');
  });
});

describe('runtime matrix over dist/', () => {
  for (const [name, runRuntime] of Object.entries(RUNTIMES)) {
    it(`${name}: every case passes`, async () => {
      const report = await runRuntime();
      expect(report.results.filter((r) => !r.ok)).toEqual([]);
      expect(report.results.map((r) => r.name)).toEqual(expectedCases);
    }, 90_000);
  }
});

// factorkit/webauthn's verification (@simplewebauthn/server on the runtime's Web Crypto), with
// ceremonies recorded in Chromium, on the runtimes that load the ESM build from disk. workerd is
// not in this list: @simplewebauthn/server has not been tried there.
describe('WebAuthn over dist/', () => {
  for (const [name, runRuntime] of Object.entries(WEBAUTHN_RUNTIMES)) {
    it(`${name}: registration, single-use assertion, clone caught, passwordless`, async () => {
      const report = await runRuntime();
      expect(report.results.filter((r) => !r.ok)).toEqual([]);
      expect(report.results).toHaveLength(3);
    }, 90_000);
  }
});

// factorkit/http on Web standard Request / Response only: the second step, the single-use
// ticket, CSRF, messages and the step-up grant on every runtime that runs a server.
describe('factorkit/http over dist/', () => {
  for (const [name, runRuntime] of Object.entries(HTTP_RUNTIMES)) {
    it(`${name}: sign-in, ticket used once, CSRF, messages, step-up`, async () => {
      const report = await runRuntime();
      expect(report.results.filter((r) => !r.ok)).toEqual([]);
      expect(report.results).toHaveLength(5);
    }, 90_000);
  }
});

// The CSRF check of factorkit/http on its own, as the app's own forms use it: Fetch Metadata
// first, then Origin against the listed origins; a POST with neither is refused.
import { describe, expect, it } from 'vitest';
import { makeApp } from '../support/http-app.js';

function request(method: string, headers: Record<string, string>): Request {
  return new Request('https://app.example/settings/email', { method, headers });
}

describe('checkCsrf', () => {
  const { secondStep } = makeApp();
  const cases: [string, Record<string, string>, boolean][] = [
    ['GET from anywhere (safe method)', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, true],
    ['POST same-origin', { 'sec-fetch-site': 'same-origin' }, true],
    ['POST started by the user (none)', { 'sec-fetch-site': 'none' }, true],
    ['POST cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, false],
    [
      'POST same-site from a sibling host',
      { 'sec-fetch-site': 'same-site', origin: 'https://evil.app.example' },
      false,
    ],
    ['POST cross-site from a listed origin', { 'sec-fetch-site': 'cross-site', origin: 'https://app.example' }, true],
    ['POST without Fetch Metadata, listed Origin', { origin: 'https://app.example' }, true],
    ['POST without Fetch Metadata, other Origin', { origin: 'https://evil.example' }, false],
    ['POST without Fetch Metadata, Origin null', { origin: 'null' }, false],
    ['POST with the listed origin plus a path', { origin: 'https://app.example/x' }, false],
    ['POST with the listed host over http', { origin: 'http://app.example' }, false],
    ['POST with neither header', {}, false],
    ['PUT cross-site', { 'sec-fetch-site': 'cross-site' }, false],
    ['DELETE with neither header', {}, false],
  ];
  for (const [name, headers, allowed] of cases) {
    it(`${name}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const method = name.split(' ')[0]!;
      expect(secondStep.checkCsrf(request(method, headers))).toEqual(
        allowed ? { ok: true } : { ok: false, reason: 'cross-origin' },
      );
    });
  }
});

// Cross-site request forgery: a page on another site making the browser POST here with the
// user's cookies. Fetch Metadata says where a request came from (`Sec-Fetch-Site`, sent by every
// current browser and not settable by a page); where it is missing, `Origin` (sent on every
// POST by browsers) must be one of the app's. A POST with neither header is refused: a browser
// old enough to send neither is not worth a hole.
import { FactorkitError } from '../errors/index.js';
import type { CsrfResult } from './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfCheck(origins: readonly string[]): (request: Request) => CsrfResult {
  const allowed = new Set(origins);
  return (request) => {
    if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
    const site = request.headers.get('sec-fetch-site');
    // `none`: the user's own action (typed address, bookmark), which no other site can start.
    if (site === 'same-origin' || site === 'none') return { ok: true };
    // A listed origin is trusted even as `same-site` or `cross-site` (an app on a sibling host).
    const origin = request.headers.get('origin');
    if (origin !== null && allowed.has(origin)) return { ok: true };
    return { ok: false, reason: 'cross-origin' };
  };
}

/** The origins option checked: each a bare origin (`https://app.example`), as browsers send it. */
export function checkOrigins(origins: unknown): readonly string[] {
  if (!Array.isArray(origins) || origins.length === 0) return invalid();
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(String(origin));
    } catch {
      return invalid();
    }
    if (typeof origin !== 'string' || parsed.origin !== origin) return invalid();
  }
  return [...origins];
}

function invalid(): never {
  throw new FactorkitError(
    'INVALID_ARGUMENT',
    "origins must be a non-empty list of origins such as 'https://app.example' (no path, no slash)",
  );
}

// The three cookies of the web half, with the attributes that keep them to this site: HttpOnly
// (no script reads them), Secure and the `__Host-` prefix (set only over HTTPS, for this exact
// host, Path=/, no Domain: a sibling subdomain cannot plant or overwrite one), SameSite=Lax (not
// sent on cross-site subrequests or POSTs).

/** Which cookie: the pending sign-in ticket, the remembered device, the step-up grant. */
export type CookieKind = 'pending' | 'device' | 'step-up';

export interface CookieJar {
  name(kind: CookieKind): string;
  /** The `Set-Cookie` value that sets `kind` to `value` for `maxAgeSeconds`. */
  set(kind: CookieKind, value: string, maxAgeSeconds: number): string;
  /** The `Set-Cookie` value that deletes `kind`. */
  clear(kind: CookieKind): string;
  /** The value of `kind` in the request's `Cookie` header, or undefined. */
  read(request: Request, kind: CookieKind): string | undefined;
}

/** Cookie values are base64url and dots only (sealed.ts, the device token): anything else is not ours. */
const VALUE = /^[A-Za-z0-9_.-]{1,3000}$/;

export function cookieJar(secure: boolean): CookieJar {
  const name = (kind: CookieKind) => `${secure ? '__Host-' : ''}factorkit-${kind}`;
  const attributes = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return {
    name,
    set: (kind, value, maxAgeSeconds) => `${name(kind)}=${value}; Max-Age=${Math.floor(maxAgeSeconds)}; ${attributes}`,
    clear: (kind) => `${name(kind)}=; Max-Age=0; ${attributes}`,
    read(request, kind) {
      const wanted = name(kind);
      for (const pair of (request.headers.get('cookie') ?? '').split(';')) {
        const eq = pair.indexOf('=');
        if (eq < 0 || pair.slice(0, eq).trim() !== wanted) continue;
        const value = pair.slice(eq + 1).trim();
        // The first one with our name wins, as browsers list the most specific cookie first.
        return VALUE.test(value) ? value : undefined;
      }
      return undefined;
    },
  };
}

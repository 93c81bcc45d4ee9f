/**
 * `factorkit/next`: factorkit/http's second step as Next.js App Router route handlers. Route
 * handlers are functions of a Web standard `Request` to a `Response`, as factorkit/http is, so
 * this module only routes and adds headers: it imports nothing of Next.js (an optional peer
 * dependency). The app's session callbacks may use `cookies()` from `next/headers`: Next.js adds
 * what they set to the route handler's response.
 *
 * @module factorkit/next
 */
import type { SecondStep } from '../../http/index.js';

/**
 * A Next.js App Router route handler, such as the `GET` export of a `route.ts`.
 *
 * @example
 * ```ts
 * import type { NextRouteHandler } from 'factorkit/next';
 *
 * export const GET: NextRouteHandler = async () => Response.json({ ok: true });
 * ```
 */
export type NextRouteHandler = (request: Request) => Promise<Response>;

/**
 * The route handlers of a catch-all route at the second step's `basePath`: with the default
 * `'/2fa'`, `app/2fa/[...path]/route.ts`. Each answers with `secondStep.handle` (`ctx` is
 * undefined: the session callbacks read the `Request` or `next/headers`); a path it does not
 * own gets 404.
 *
 * @param secondStep - from `createSecondStep` (factorkit/http)
 * @returns `{ GET, POST }`, to export from the route file
 * @example
 * ```ts
 * // app/2fa/[...path]/route.ts
 * import { createTwoFactor, MemoryStore } from 'factorkit';
 * import { createSecondStep } from 'factorkit/http';
 * import { nextSecondStep } from 'factorkit/next';
 *
 * const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
 * const secondStep = createSecondStep({
 *   twoFactor: createTwoFactor({ store: new MemoryStore(), issuer: 'Example', keyring }),
 *   keyring,
 *   origins: ['https://app.example'],
 *   session: {
 *     currentUserId: (request) => request.headers.get('x-demo-user') ?? undefined, // your session's user id
 *     establish: () => {}, // start the user's session with a new id
 *     endOtherSessions: () => {}, // end the user's other sessions
 *   },
 * });
 *
 * export const { GET, POST } = nextSecondStep(secondStep);
 * ```
 */
export function nextSecondStep(secondStep: SecondStep<undefined>): { GET: NextRouteHandler; POST: NextRouteHandler } {
  const handler: NextRouteHandler = async (request) => {
    const response = await secondStep.handle(request, undefined);
    if (response === undefined) {
      return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    return response.headers.getSetCookie().some(isDeletion) ? withHeaders(response, []) : response;
  };
  return { GET: handler, POST: handler };
}

const MAX_AGE_ZERO = /;\s*max-age\s*=\s*0\s*(;|$)/i;
const EXPIRES = /;\s*expires\s*=/i;
const isDeletion = (cookie: string) => MAX_AGE_ZERO.test(cookie) && !EXPIRES.test(cookie);

/**
 * A cookie deletion that survives Next.js: when the app also set a cookie through `next/headers`
 * (its session, in `establish`), Next.js parses the route handler's `Set-Cookie` headers and
 * writes them again, and its parser drops `Max-Age=0`, so the deletion of the pending ticket
 * would become an empty cookie for the browser session. An `Expires` in the past survives.
 */
const survivingNext = (cookie: string) =>
  isDeletion(cookie) ? `${cookie}; Expires=Thu, 01 Jan 1970 00:00:00 GMT` : cookie;

/**
 * A copy of `response` with `headers` added: each `Set-Cookie` appended beside the response's
 * own, others set. For `startSignIn`'s headers in the app's own password route handler (a new
 * `Response`, because the headers of one from `Response.redirect` cannot be changed). A cookie
 * deletion (`Max-Age=0`) also gets an `Expires` in the past, which Next.js keeps when it
 * rewrites the headers beside cookies set through `next/headers`.
 *
 * @param response - the app's answer
 * @param headers - e.g. `started.headers` from `secondStep.startSignIn`
 * @returns the response to return from the route handler
 * @example
 * ```ts
 * import { withHeaders } from 'factorkit/next';
 *
 * export async function POST(): Promise<Response> {
 *   const started = { headers: new Headers([['Set-Cookie', 'a=1; Path=/']]) }; // secondStep.startSignIn(...)
 *   return withHeaders(Response.json({ next: '/sign-in/second-step' }), started.headers);
 * }
 * ```
 */
export function withHeaders(response: Response, headers: HeadersInit): Response {
  const merged = new Headers(response.headers);
  merged.delete('set-cookie');
  const given = new Headers(headers);
  for (const cookie of [...response.headers.getSetCookie(), ...given.getSetCookie()]) {
    merged.append('set-cookie', survivingNext(cookie));
  }
  given.forEach((value, name) => {
    if (name !== 'set-cookie') merged.set(name, value);
  });
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

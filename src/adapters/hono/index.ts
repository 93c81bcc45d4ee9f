/**
 * `factorkit/hono`: factorkit/http's second step mounted in a Hono app (any runtime Hono runs
 * on). The JSON routes answer under the second step's `basePath`; every other request goes on
 * to the app. Hono is an optional peer dependency that this module never imports at run time.
 *
 * @module factorkit/hono
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { SecondStep } from '../../http/index.js';

/**
 * The request of a Hono context as a Web standard `Request` with its body readable: `c.req.raw`
 * itself, or, when a handler already read the body (`await c.req.json()`), a copy carrying the
 * body Hono kept.
 *
 * @param c - the Hono context
 * @returns a `Request` for factorkit/http (`startSignIn`, `hasStepUp`, `checkCsrf`)
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { toWebRequest } from 'factorkit/hono';
 *
 * const app = new Hono();
 * app.post('/echo', async (c) => {
 *   const form = await c.req.parseBody(); // the app read the body first
 *   return c.text(`${await (await toWebRequest(c)).text()} (${Object.keys(form).length} fields)`);
 * });
 * ```
 */
export async function toWebRequest(c: Context): Promise<Request> {
  const raw = c.req.raw;
  if (!raw.bodyUsed) return raw;
  return new Request(raw.url, {
    method: raw.method,
    headers: raw.headers,
    body: await c.req.arrayBuffer(), // from Hono's cache of the body it read
    signal: raw.signal,
  });
}

/**
 * Adds headers to the response Hono is building without dropping any: each `Set-Cookie` of
 * `headers` is appended, others are set. For `startSignIn`'s headers in the app's password route.
 *
 * @param c - the Hono context
 * @param headers - e.g. `started.headers` from `secondStep.startSignIn`
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { applyHeaders } from 'factorkit/hono';
 *
 * const app = new Hono();
 * app.get('/', (c) => {
 *   applyHeaders(c, [['Set-Cookie', 'a=1; Path=/'], ['Set-Cookie', 'b=2; Path=/']]);
 *   return c.text('two cookies');
 * });
 * ```
 */
export function applyHeaders(c: Context, headers: HeadersInit): void {
  const given = new Headers(headers);
  for (const cookie of given.getSetCookie()) c.header('Set-Cookie', cookie, { append: true });
  given.forEach((value, name) => {
    if (name !== 'set-cookie') c.header(name, value);
  });
}

/**
 * The second step as Hono middleware: a request under its `basePath` is answered by
 * `secondStep.handle` (with `ctx` = the Hono context), any other goes on to the app.
 *
 * @param secondStep - from `createSecondStep` (factorkit/http), typed with Hono's `Context` (of your app's `Env`)
 * @returns the middleware, for `app.use(...)`
 * @example
 * ```ts
 * import { Hono, type Context } from 'hono';
 * import { createTwoFactor, MemoryStore } from 'factorkit';
 * import { createSecondStep } from 'factorkit/http';
 * import { honoSecondStep } from 'factorkit/hono';
 *
 * const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example', keyring });
 * const secondStep = createSecondStep<Context>({
 *   twoFactor,
 *   keyring,
 *   origins: ['https://app.example'],
 *   session: {
 *     currentUserId: (_request, c) => c.req.header('x-demo-user'), // your session's user id
 *     establish: () => {}, // start the user's session with a new id
 *     endOtherSessions: () => {}, // end the user's other sessions
 *   },
 * });
 *
 * const app = new Hono();
 * app.use(honoSecondStep(secondStep));
 * ```
 */
export function honoSecondStep<E extends Env>(secondStep: SecondStep<Context<E>>): MiddlewareHandler<E> {
  const prefix = `${secondStep.basePath}/`;
  return async (c, next) => {
    if (!c.req.path.startsWith(prefix)) return next();
    const response = await secondStep.handle(await toWebRequest(c), c);
    if (response === undefined) await next();
    else return response;
  };
}

/**
 * `factorkit/express`: factorkit/http's second step mounted in an Express 5 app. The JSON
 * routes answer under the second step's `basePath`; every other request goes on to the app.
 * Express is an optional peer dependency that this module never imports at run time.
 *
 * @module factorkit/express
 */
import type { NextFunction, Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from 'express';
import type { SecondStep } from '../../http/index.js';

/**
 * What the second step's session callbacks receive as `ctx` under Express: the request and the
 * response, e.g. to read `req.session` or to regenerate it in `establish`.
 *
 * @example
 * ```ts
 * import type { ExpressContext } from 'factorkit/express';
 *
 * const currentUserId = (_request: Request, { req }: ExpressContext) => req.get('x-user');
 * ```
 */
export interface ExpressContext {
  req: ExpressRequest;
  res: ExpressResponse;
}

/** A body Express already read (express.json(), express.text(), express.raw()...), as bytes or text again. */
function parsedBody(req: ExpressRequest): BodyInit {
  const body: unknown = req.body;
  if (typeof body === 'string' || body instanceof Uint8Array) return body as BodyInit;
  if (req.is('application/x-www-form-urlencoded')) return new URLSearchParams(body as Record<string, string>);
  return JSON.stringify(body);
}

/**
 * The request's body as a stream that reads from Node's request only when the second step asks
 * for it: a request for a path it does not own goes on to the app's own routes unread.
 */
function lazyBody(req: ExpressRequest): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        chunks ??= (req as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      },
    },
    { highWaterMark: 0 },
  );
}

function bodyOf(req: ExpressRequest): BodyInit | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  return req.body === undefined ? lazyBody(req) : parsedBody(req);
}

/**
 * An Express request as a Web standard `Request`: its method, full URL (with `req.protocol`,
 * which honours Express's `trust proxy` setting), every header, and its body, read from Node's
 * stream, or taken from `req.body` when a body parser ran first.
 *
 * @param req - the Express request
 * @returns a `Request` for factorkit/http (`startSignIn`, `hasStepUp`, `checkCsrf`)
 * @example
 * ```ts
 * import express from 'express';
 * import { toWebRequest } from 'factorkit/express';
 *
 * const app = express();
 * app.post('/echo', async (req, res) => {
 *   res.type('text').send(await toWebRequest(req).text());
 * });
 * ```
 */
export function toWebRequest(req: ExpressRequest): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const body = bodyOf(req);
  return new Request(`${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`, {
    method: req.method,
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * Adds headers to an Express response without dropping any it already has: each `Set-Cookie`
 * of `headers` is appended (beside express-session's own cookie, say), others are set. For
 * `startSignIn`'s headers in the app's password route.
 *
 * @param res - the Express response
 * @param headers - e.g. `started.headers` from `secondStep.startSignIn`
 * @example
 * ```ts
 * import express from 'express';
 * import { applyHeaders } from 'factorkit/express';
 *
 * const app = express();
 * app.get('/', (_req, res) => {
 *   applyHeaders(res, [['Set-Cookie', 'a=1; Path=/'], ['Set-Cookie', 'b=2; Path=/']]);
 *   res.send('two cookies');
 * });
 * ```
 */
export function applyHeaders(res: ExpressResponse, headers: HeadersInit): void {
  const given = new Headers(headers);
  for (const cookie of given.getSetCookie()) res.append('Set-Cookie', cookie);
  given.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
}

/**
 * Sends a Web standard `Response` through Express: its status, its headers (every `Set-Cookie`
 * kept apart, beside the ones the app set) and its body.
 *
 * @param res - the Express response
 * @param response - e.g. what `secondStep.handle` answered
 * @returns once the whole body is handed to Node
 * @example
 * ```ts
 * import express from 'express';
 * import { sendWebResponse } from 'factorkit/express';
 *
 * const app = express();
 * app.get('/teapot', async (_req, res) => {
 *   await sendWebResponse(res, Response.json({ ok: false }, { status: 418 }));
 * });
 * ```
 */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  applyHeaders(res, response.headers);
  res.end(new Uint8Array(await response.arrayBuffer()));
}

/**
 * The second step as Express 5 middleware: a request under its `basePath` is answered by
 * `secondStep.handle` (with `ctx = { req, res }`), any other goes on to the app. Mount it
 * before or after `express.json()`: it reads the body either way.
 *
 * @param secondStep - from `createSecondStep` (factorkit/http), typed with {@link ExpressContext}
 * @returns the middleware, for `app.use(...)`
 * @example
 * ```ts
 * import express from 'express';
 * import { createTwoFactor, MemoryStore } from 'factorkit';
 * import { createSecondStep } from 'factorkit/http';
 * import { expressSecondStep, type ExpressContext } from 'factorkit/express';
 *
 * const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example', keyring });
 * const secondStep = createSecondStep<ExpressContext>({
 *   twoFactor,
 *   keyring,
 *   origins: ['https://app.example'],
 *   session: {
 *     currentUserId: (_request, { req }) => req.get('x-demo-user'), // your session's user id
 *     establish: () => {}, // start the user's session with a new id
 *     endOtherSessions: () => {}, // end the user's other sessions
 *   },
 * });
 *
 * const app = express();
 * app.use(expressSecondStep(secondStep));
 * ```
 */
export function expressSecondStep(secondStep: SecondStep<ExpressContext>): RequestHandler {
  const prefix = `${secondStep.basePath}/`;
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (!req.originalUrl.startsWith(prefix)) return next();
    const response = await secondStep.handle(toWebRequest(req), { req, res });
    if (response === undefined) next();
    else await sendWebResponse(res, response);
  };
}

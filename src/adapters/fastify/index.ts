/**
 * `factorkit/fastify`: factorkit/http's second step mounted in a Fastify 5 app. The JSON routes
 * answer under the second step's `basePath`; every other request goes to the app's own routes.
 * Fastify is an optional peer dependency that this module never imports at run time.
 *
 * @module factorkit/fastify
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { SecondStep } from '../../http/index.js';

/**
 * What the second step's session callbacks receive as `ctx` under Fastify: the request and the
 * reply, e.g. to read the app's session from the request or set its cookie on the reply.
 *
 * @example
 * ```ts
 * import type { FastifyContext } from 'factorkit/fastify';
 *
 * const currentUserId = (_request: Request, { request }: FastifyContext) => request.headers['x-user'] as string | undefined;
 * ```
 */
export interface FastifyContext {
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A body the app's own parser already read, as bytes or text again (JSON for a parsed object). */
function bodyOf(request: FastifyRequest): BodyInit | undefined {
  const body: unknown = request.body;
  if (request.method === 'GET' || request.method === 'HEAD' || body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body as BodyInit;
  return JSON.stringify(body);
}

/**
 * A Fastify request as a Web standard `Request`: its method, full URL (`request.protocol` and
 * `request.host`, which honour Fastify's `trustProxy`), every header as sent, and its body as
 * Fastify parsed it (bytes and text as they are, a parsed JSON object serialised again).
 *
 * @param request - the Fastify request
 * @returns a `Request` for factorkit/http (`startSignIn`, `hasStepUp`, `checkCsrf`)
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { toWebRequest } from 'factorkit/fastify';
 *
 * const app = Fastify();
 * app.post('/echo', async (request) => (await toWebRequest(request).json()) as unknown);
 * ```
 */
export function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  const raw = request.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // HTTP/2's pseudo-headers (`:path`, `:authority`) are not headers a `Request` can carry.
    if (!raw[i]!.startsWith(':')) headers.append(raw[i]!, raw[i + 1]!);
  }
  return new Request(`${request.protocol}://${request.host}${request.url}`, {
    method: request.method,
    headers,
    body: bodyOf(request),
  });
}

/**
 * Adds headers to a Fastify reply without dropping any it already has: each `Set-Cookie` of
 * `headers` is appended (beside the app's own session cookie, say), others are set. For
 * `startSignIn`'s headers in the app's password route.
 *
 * @param reply - the Fastify reply
 * @param headers - e.g. `started.headers` from `secondStep.startSignIn`
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { applyHeaders } from 'factorkit/fastify';
 *
 * const app = Fastify();
 * app.get('/', async (_request, reply) => {
 *   applyHeaders(reply, [['Set-Cookie', 'a=1; Path=/'], ['Set-Cookie', 'b=2; Path=/']]);
 *   return 'two cookies';
 * });
 * ```
 */
export function applyHeaders(reply: FastifyReply, headers: HeadersInit): void {
  const given = new Headers(headers);
  // Fastify appends to a Set-Cookie it already holds; any other header is replaced.
  for (const cookie of given.getSetCookie()) reply.header('set-cookie', cookie);
  given.forEach((value, name) => {
    if (name !== 'set-cookie') reply.header(name, value);
  });
}

/**
 * Sends a Web standard `Response` through Fastify: its status, its headers (every `Set-Cookie`
 * kept apart, beside the ones the app set) and its body.
 *
 * @param reply - the Fastify reply
 * @param response - e.g. what `secondStep.handle` answered
 * @returns the reply, sent (return it from the handler)
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { sendWebResponse } from 'factorkit/fastify';
 *
 * const app = Fastify();
 * app.get('/teapot', (_request, reply) => sendWebResponse(reply, Response.json({ ok: false }, { status: 418 })));
 * ```
 */
export async function sendWebResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.code(response.status);
  applyHeaders(reply, response.headers);
  return response.body === null ? reply.send() : reply.send(new Uint8Array(await response.arrayBuffer()));
}

/**
 * The second step as a Fastify plugin: its GET and POST routes under `basePath` are answered by
 * `secondStep.handle` (with `ctx = { request, reply }`); a path under `basePath` it does not own
 * gets the app's 404. Register it without a `prefix`: its routes are at `basePath` as configured.
 * The plugin is encapsulated: it reads its routes' bodies as bytes, and the app's own content
 * type parsers and routes stay as they are.
 *
 * @param secondStep - from `createSecondStep` (factorkit/http), typed with {@link FastifyContext}
 * @returns the plugin, for `app.register(...)`
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createTwoFactor, MemoryStore } from 'factorkit';
 * import { createSecondStep } from 'factorkit/http';
 * import { fastifySecondStep, type FastifyContext } from 'factorkit/fastify';
 *
 * const keyring = { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } };
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Example', keyring });
 * const secondStep = createSecondStep<FastifyContext>({
 *   twoFactor,
 *   keyring,
 *   origins: ['https://app.example'],
 *   session: {
 *     currentUserId: (_request, { request }) => request.headers['x-demo-user'] as string | undefined, // your session's user id
 *     establish: () => {}, // start the user's session with a new id
 *     endOtherSessions: () => {}, // end the user's other sessions
 *   },
 * });
 *
 * const app = Fastify();
 * await app.register(fastifySecondStep(secondStep));
 * ```
 */
export function fastifySecondStep(secondStep: SecondStep<FastifyContext>): FastifyPluginAsync {
  return async (fastify) => {
    // The Web Request gets the body as sent, whatever its type: the second step parses JSON
    // itself and answers a malformed body with 400, as on every other framework.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    fastify.route({
      method: ['GET', 'POST'],
      url: `${secondStep.basePath}/*`,
      handler: async (request, reply) => {
        const response = await secondStep.handle(toWebRequest(request), { request, reply });
        if (response !== undefined) return sendWebResponse(reply, response);
        reply.callNotFound();
        return reply;
      },
    });
  };
}

// factorkit/fastify's conversions, through a real Fastify 5 app in this process (fastify.inject):
// what the second step receives as a Web Request (method, URL, every header, the body as sent,
// whatever its type) and what the client receives of its Web Response (status, each Set-Cookie
// apart, body bytes); and that the plugin's byte parser stays inside the plugin. The second
// step here is a recorder: it answers under /2fa with what it was given.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { applyHeaders, type FastifyContext, fastifySecondStep, sendWebResponse, toWebRequest } from 'factorkit/fastify';
import type { SecondStep } from 'factorkit/http';
import { afterEach, describe, expect, it } from 'vitest';

interface Seen {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
  bytes: number[];
  ctxHasRequestAndReply: boolean;
}

/** Owns /2fa/* but /2fa/not-mine: answers 418 with two cookies (and one set through ctx) and what it saw. */
const recorder = {
  basePath: '/2fa',
  async handle(request: Request, ctx: FastifyContext): Promise<Response | undefined> {
    const path = new URL(request.url).pathname;
    if (!path.startsWith('/2fa/') || path === '/2fa/not-mine') return undefined;
    if (request.headers.get('x-throw') !== null) throw new Error('the second step failed');
    // As a session callback may do: write the app's own cookie through ctx.
    if (request.headers.get('x-establish') !== null) ctx.reply.header('set-cookie', 'app.sid=new; Path=/; HttpOnly');
    const bytes = new Uint8Array(await request.arrayBuffer());
    const seen: Seen = {
      method: request.method,
      url: request.url,
      headers: entries(request.headers),
      body: new TextDecoder().decode(bytes),
      bytes: [...bytes],
      ctxHasRequestAndReply: ctx.request.url === new URL(request.url).pathname + new URL(request.url).search,
    };
    const headers = new Headers({ 'x-answer': 'yes' });
    headers.append('Set-Cookie', 'first=1; Path=/; HttpOnly');
    headers.append('Set-Cookie', 'second=2; Path=/; Secure; SameSite=Lax, extra');
    return Response.json(seen, { status: 418, headers });
  },
} as unknown as SecondStep<FastifyContext>;

function entries(headers: Headers): [string, string][] {
  const all: [string, string][] = [];
  headers.forEach((value, name) => {
    all.push([name, value]);
  });
  return all;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function appWithSecondStep(): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(fastifySecondStep(recorder));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send('app not found'));
  // The app's own route, with Fastify's own JSON parser.
  app.post('/login', async (request) => ({ parsed: request.body, web: await toWebRequest(request).json() }));
  return app;
}

const json = (body: string) => JSON.parse(body) as Seen;

describe('factorkit/fastify', () => {
  it('hands the second step the method, the full URL, every header and the raw body; sends status, both cookies and the body back', async () => {
    const app = await appWithSecondStep();
    const body = '{ "code" :"123456" }';
    const response = await app.inject({
      method: 'POST',
      url: '/2fa/sign-in/verify?x=1&y=%20',
      headers: {
        host: 'app.example:8443',
        'content-type': 'application/json',
        origin: 'https://app.example',
        cookie: 'a=1; b=2',
      },
      body,
    });
    expect(response.statusCode).toBe(418);
    expect(response.headers['x-answer']).toBe('yes');
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['set-cookie']).toEqual([
      'first=1; Path=/; HttpOnly',
      'second=2; Path=/; Secure; SameSite=Lax, extra',
    ]);
    const seen = json(response.body);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('http://app.example:8443/2fa/sign-in/verify?x=1&y=%20');
    // The bytes as sent, not Fastify's JSON parsed and serialised again.
    expect(seen.body).toBe(body);
    expect(seen.ctxHasRequestAndReply).toBe(true);
    const headers = new Map(seen.headers);
    expect(headers.get('origin')).toBe('https://app.example');
    expect(headers.get('cookie')).toBe('a=1; b=2');
    expect(headers.get('host')).toBe('app.example:8443');
  });

  it('passes a body of any type as sent: malformed JSON, text, none, bytes that are not UTF-8', async () => {
    const app = await appWithSecondStep();
    const post = async (headers: Record<string, string>, body?: string | Buffer) =>
      json(
        (await app.inject({ method: 'POST', url: '/2fa/x', headers, ...(body === undefined ? {} : { body }) })).body,
      );
    // Fastify's JSON parser would answer 400 itself; the second step answers a bad body in its own words.
    expect((await post({ 'content-type': 'application/json' }, '{"code":')).body).toBe('{"code":');
    expect((await post({ 'content-type': 'text/plain' }, '{"code":"1"}')).body).toBe('{"code":"1"}');
    expect((await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'code=1%202')).body).toBe('code=1%202');
    expect((await post({})).body).toBe('');
    const bytes = await app.inject({
      method: 'POST',
      url: '/2fa/raw',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 255, 254, 10]),
    });
    expect(json(bytes.body).bytes).toEqual([0, 255, 254, 10]);
  });

  it("builds the URL from the proxy's headers when the app trusts its proxy", async () => {
    app = Fastify({ trustProxy: true });
    await app.register(fastifySecondStep(recorder));
    const response = await app.inject({
      method: 'GET',
      url: '/2fa/status',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' },
    });
    expect(json(response.body).url).toBe('https://app.example/2fa/status');
  });

  // Over a real socket: two header lines, joined by Node's HTTP parser as a browser's would be
  // (fastify.inject's own joining differs between light-my-request versions).
  it('keeps a repeated request header', async () => {
    const app = await appWithSecondStep();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const sent = request(
        { host: '127.0.0.1', port, path: '/2fa/status', headers: { 'x-many': ['one', 'two'] } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        },
      );
      sent.on('error', reject);
      sent.end();
    });
    expect(new Map(json(body).headers).get('x-many')).toBe('one, two');
  });

  it("gives a path under basePath it does not own to the app's not-found handler, and a failure to its error handler", async () => {
    const app = await appWithSecondStep();
    const notMine = await app.inject({ method: 'POST', url: '/2fa/not-mine', body: 'x' });
    expect([notMine.statusCode, notMine.body]).toEqual([404, 'app not found']);
    const failed = await app.inject({ method: 'GET', url: '/2fa/status', headers: { 'x-throw': '1' } });
    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(failed.body).message).toBe('the second step failed');
  });

  it("keeps a cookie the session callbacks set through ctx.reply beside the second step's own", async () => {
    const app = await appWithSecondStep();
    const response = await app.inject({ method: 'POST', url: '/2fa/sign-in/verify', headers: { 'x-establish': '1' } });
    expect(response.headers['set-cookie']).toEqual([
      'app.sid=new; Path=/; HttpOnly',
      'first=1; Path=/; HttpOnly',
      'second=2; Path=/; Secure; SameSite=Lax, extra',
    ]);
  });

  it("stays encapsulated: the app's own routes keep Fastify's JSON parser, and toWebRequest serialises what it parsed", async () => {
    const app = await appWithSecondStep();
    const response = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"ada","password":"pw"}',
    });
    expect(JSON.parse(response.body)).toEqual({
      parsed: { user: 'ada', password: 'pw' },
      web: { user: 'ada', password: 'pw' },
    });
    const malformed = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(malformed.statusCode).toBe(400);
  });

  it("applyHeaders adds startSignIn's cookies beside the app's own; sendWebResponse sends any Response", async () => {
    app = Fastify();
    app.post('/login', async (_request, reply) => {
      reply.header('set-cookie', 'app.sid=session-id; Path=/; HttpOnly');
      applyHeaders(reply, [
        ['Set-Cookie', '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax'],
        ['Set-Cookie', '__Host-factorkit-device=; Path=/; Max-Age=0'],
        ['Cache-Control', 'no-store'],
      ]);
      return reply.redirect('/2fa', 303);
    });
    app.get('/teapot', (_request, reply) =>
      sendWebResponse(reply, new Response('short and stout', { status: 418, headers: { 'x-kind': 'teapot' } })),
    );
    app.get('/empty', (_request, reply) => sendWebResponse(reply, new Response(null, { status: 204 })));
    const login = await app.inject({ method: 'POST', url: '/login' });
    expect(login.statusCode).toBe(303);
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.headers['set-cookie']).toEqual([
      'app.sid=session-id; Path=/; HttpOnly',
      '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax',
      '__Host-factorkit-device=; Path=/; Max-Age=0',
    ]);
    const teapot = await app.inject({ method: 'GET', url: '/teapot' });
    expect([teapot.statusCode, teapot.headers['x-kind'], teapot.body]).toEqual([418, 'teapot', 'short and stout']);
    const empty = await app.inject({ method: 'GET', url: '/empty' });
    expect([empty.statusCode, empty.body]).toEqual([204, '']);
  });
});

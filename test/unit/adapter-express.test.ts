// factorkit/express's conversions, through a real Express 5 app in this process (on a loopback
// port): what the second step receives as a Web Request (method, URL, every header, the body
// whether or not a body parser ran first) and what the browser receives of its Web Response
// (status, each Set-Cookie apart, body bytes). The second step here is a recorder: it answers
// under /2fa with what it was given, and leaves other paths to the app.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { applyHeaders, type ExpressContext, expressSecondStep, sendWebResponse, toWebRequest } from 'factorkit/express';
import type { SecondStep } from 'factorkit/http';
import { afterEach, describe, expect, it } from 'vitest';

/** Each header as [name, value], in order (forEach: the DOM lib here has no Headers iterator). */
function headerList(headers: Headers): [string, string][] {
  const list: [string, string][] = [];
  headers.forEach((value, name) => {
    list.push([name, value]);
  });
  return list;
}

interface Seen {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
  ctxHasReqAndRes: boolean;
}

/** A second step that owns /2fa/* but /2fa/not-mine: it answers 418 with two cookies and what it saw. */
const recorder = {
  basePath: '/2fa',
  async handle(request: Request, ctx: ExpressContext): Promise<Response | undefined> {
    const path = new URL(request.url).pathname;
    if (!path.startsWith('/2fa/') || path === '/2fa/not-mine') return undefined;
    if (request.headers.get('x-throw') !== null) throw new Error('the second step failed');
    const seen: Seen = {
      method: request.method,
      url: request.url,
      headers: headerList(request.headers),
      body: await request.text(),
      ctxHasReqAndRes: typeof ctx.req.get === 'function' && typeof ctx.res.status === 'function',
    };
    const headers = new Headers({ 'x-answer': 'yes' });
    headers.append('Set-Cookie', 'first=1; Path=/; HttpOnly');
    headers.append('Set-Cookie', 'second=2; Path=/; Secure; SameSite=Lax, extra');
    return Response.json(seen, { status: 418, headers });
  },
} as unknown as SecondStep<ExpressContext>;

let server: Server | undefined;

async function serve(app: express.Express): Promise<string> {
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

function appWith(...before: express.RequestHandler[]): express.Express {
  const app = express();
  for (const handler of before) app.use(handler);
  app.use(expressSecondStep(recorder));
  app.post('/2fa/not-mine', express.text({ type: '*/*' }), (req, res) => {
    res.type('text').send(`app read: ${req.body}`);
  });
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text').send(`app error handler: ${error.message}`);
  });
  return app;
}

describe('factorkit/express', () => {
  it('hands the second step the method, the full URL, every header and the raw body; sends status, both cookies and the body back', async () => {
    const base = await serve(appWith());
    const response = await fetch(`${base}/2fa/sign-in/verify?x=1&y=%20`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example', cookie: 'a=1; b=2' },
      body: '{"code":"123456"}',
    });
    expect(response.status).toBe(418);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual([
      'first=1; Path=/; HttpOnly',
      'second=2; Path=/; Secure; SameSite=Lax, extra',
    ]);
    const seen = (await response.json()) as Seen;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe(`${base}/2fa/sign-in/verify?x=1&y=%20`);
    expect(seen.body).toBe('{"code":"123456"}');
    expect(seen.ctxHasReqAndRes).toBe(true);
    const headers = new Map(seen.headers);
    expect(headers.get('origin')).toBe('https://app.example');
    expect(headers.get('cookie')).toBe('a=1; b=2');
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('host')).toBe(new URL(base).host);
  });

  it('keeps a repeated request header', async () => {
    const base = await serve(appWith());
    const headers = new Headers();
    headers.append('x-many', 'one');
    headers.append('x-many', 'two');
    const seen = (await (await fetch(`${base}/2fa/status`, { headers })).json()) as Seen;
    expect(new Map(seen.headers).get('x-many')).toBe('one, two');
    expect(seen.body).toBe('');
  });

  it('reads bytes that are not UTF-8 as they were sent', async () => {
    const base = await serve(
      express().post('/raw', async (req, res) => {
        const bytes = new Uint8Array(await toWebRequest(req).arrayBuffer());
        res.json([...bytes]);
      }),
    );
    const sent = [0, 255, 254, 10, 13, 128, 65];
    const response = await fetch(`${base}/raw`, { method: 'POST', body: new Uint8Array(sent) });
    expect(await response.json()).toEqual(sent);
  });

  it('takes the body from req.body when express.json(), express.urlencoded() or express.raw() read it first', async () => {
    const base = await serve(
      appWith(
        express.json(),
        express.urlencoded({ extended: false }),
        express.raw({ type: 'application/octet-stream' }),
      ),
    );
    const post = async (contentType: string, body: string) =>
      (await (
        await fetch(`${base}/2fa/x`, { method: 'POST', headers: { 'content-type': contentType }, body })
      ).json()) as Seen;
    expect(JSON.parse((await post('application/json', '{"code":"654321","rememberDevice":true}')).body)).toEqual({
      code: '654321',
      rememberDevice: true,
    });
    expect(
      new URLSearchParams((await post('application/x-www-form-urlencoded', 'code=1%202&name=x')).body).get('code'),
    ).toBe('1 2');
    expect((await post('application/octet-stream', 'bytes as sent')).body).toBe('bytes as sent');
  });

  it("leaves a request under basePath it does not own unread: the app's own route still reads its body", async () => {
    const base = await serve(appWith());
    const response = await fetch(`${base}/2fa/not-mine`, { method: 'POST', body: 'the password form' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('app read: the password form');
  });

  it('keeps the full URL when mounted on a sub-path, and passes a failure to the error handler', async () => {
    const app = express();
    app.use('/2fa', expressSecondStep(recorder));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).type('text').send(`app error handler: ${error.message}`);
    });
    const base = await serve(app);
    const seen = (await (await fetch(`${base}/2fa/status?q=1`)).json()) as Seen;
    expect(seen.url).toBe(`${base}/2fa/status?q=1`);
    const failed = await fetch(`${base}/2fa/status`, { headers: { 'x-throw': '1' } });
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('app error handler: the second step failed');
  });

  it("applyHeaders adds startSignIn's cookies beside the app's own; sendWebResponse sends any Response", async () => {
    const app = express();
    app.post('/login', (_req, res) => {
      res.cookie('app.sid', 'session-id', { httpOnly: true });
      applyHeaders(res, [
        ['Set-Cookie', '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax'],
        ['Set-Cookie', '__Host-factorkit-device=; Path=/; Max-Age=0'],
        ['Cache-Control', 'no-store'],
      ]);
      res.redirect(303, '/2fa');
    });
    app.get('/teapot', async (_req, res) => {
      await sendWebResponse(res, new Response('short and stout', { status: 418, headers: { 'x-kind': 'teapot' } }));
    });
    const base = await serve(app);
    const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.headers.getSetCookie()).toEqual([
      'app.sid=session-id; Path=/; HttpOnly',
      '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax',
      '__Host-factorkit-device=; Path=/; Max-Age=0',
    ]);
    const teapot = await fetch(`${base}/teapot`);
    expect([teapot.status, teapot.headers.get('x-kind'), await teapot.text()]).toEqual([
      418,
      'teapot',
      'short and stout',
    ]);
  });
});

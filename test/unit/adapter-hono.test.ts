// factorkit/hono's conversions, through a real Hono app called in this process (app.request):
// what the second step receives as a Web Request (method, URL, every header, the body even
// when a handler read it first) and what comes back of its Web Response (status, each
// Set-Cookie apart, body). The second step here is a recorder: it answers under /2fa with what
// it was given, and leaves other paths to the app.
import type { SecondStep } from 'factorkit/http';
import { applyHeaders, honoSecondStep, toWebRequest } from 'factorkit/hono';
import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';

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
  ctxIsTheContext: boolean;
}

const recorder = {
  basePath: '/2fa',
  async handle(request: Request, c: Context): Promise<Response | undefined> {
    const path = new URL(request.url).pathname;
    if (!path.startsWith('/2fa/') || path === '/2fa/not-mine') return undefined;
    const seen: Seen = {
      method: request.method,
      url: request.url,
      headers: headerList(request.headers),
      body: await request.text(),
      ctxIsTheContext: c.req.raw.url === request.url && typeof c.header === 'function',
    };
    const headers = new Headers({ 'x-answer': 'yes' });
    headers.append('Set-Cookie', 'first=1; Path=/; HttpOnly');
    headers.append('Set-Cookie', 'second=2; Path=/; Secure; SameSite=Lax, extra');
    return Response.json(seen, { status: 418, headers });
  },
} as unknown as SecondStep<Context>;

function appWith(): Hono {
  const app = new Hono();
  // The app's own middleware reads the body before the second step does.
  app.use('/2fa/after-read/*', async (c, next) => {
    await c.req.json();
    await next();
  });
  app.use(honoSecondStep(recorder));
  app.post('/2fa/not-mine', async (c) => c.text(`app read: ${await c.req.text()}`));
  return app;
}

describe('factorkit/hono', () => {
  it('hands the second step the request; returns its status, both cookies and the body', async () => {
    const response = await appWith().request('http://app.example/2fa/sign-in/verify?x=1', {
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
    expect(seen).toMatchObject({
      method: 'POST',
      url: 'http://app.example/2fa/sign-in/verify?x=1',
      body: '{"code":"123456"}',
      ctxIsTheContext: true,
    });
    expect(new Map(seen.headers).get('origin')).toBe('https://app.example');
    expect(new Map(seen.headers).get('cookie')).toBe('a=1; b=2');
  });

  it('hands over the body a middleware already read', async () => {
    const response = await appWith().request('http://app.example/2fa/after-read/x', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"code":"654321"}',
    });
    expect(JSON.parse(((await response.json()) as Seen).body)).toEqual({ code: '654321' });
  });

  it('reads bytes that are not UTF-8 as they were sent, after the app read them', async () => {
    const app = new Hono().post('/raw', async (c) => {
      await c.req.arrayBuffer();
      return c.json([...new Uint8Array(await (await toWebRequest(c)).arrayBuffer())]);
    });
    const sent = [0, 255, 254, 10, 13, 128, 65];
    const response = await app.request('http://app.example/raw', { method: 'POST', body: new Uint8Array(sent) });
    expect(await response.json()).toEqual(sent);
  });

  it('leaves a request under basePath it does not own to the app, body unread', async () => {
    const response = await appWith().request('http://app.example/2fa/not-mine', {
      method: 'POST',
      body: 'password form',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('app read: password form');
  });

  it("applyHeaders adds startSignIn's cookies beside the app's own", async () => {
    const app = new Hono().post('/login', (c) => {
      c.header('Set-Cookie', 'app.sid=session-id; Path=/; HttpOnly', { append: true });
      applyHeaders(c, [
        ['Set-Cookie', '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax'],
        ['Set-Cookie', '__Host-factorkit-device=; Path=/; Max-Age=0'],
        ['Cache-Control', 'no-store'],
      ]);
      return c.redirect('/2fa', 303);
    });
    const login = await app.request('http://app.example/login', { method: 'POST' });
    expect(login.status).toBe(303);
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.headers.getSetCookie()).toEqual([
      'app.sid=session-id; Path=/; HttpOnly',
      '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax',
      '__Host-factorkit-device=; Path=/; Max-Age=0',
    ]);
  });
});

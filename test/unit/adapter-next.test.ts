// factorkit/next: Next.js App Router route handlers are plain functions of a Request, so they are
// called here as Next.js calls them, with Next's own NextRequest; what the second step answers
// reaches Next.js untouched (status, each Set-Cookie apart, body), a path it does not own gets
// 404, and withHeaders adds startSignIn's cookies to the app's own answer, redirects included.
import type { SecondStep } from 'factorkit/http';
import { nextSecondStep, withHeaders } from 'factorkit/next';
import { ResponseCookies } from 'next/dist/server/web/spec-extension/cookies';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';

const seenCtx: unknown[] = [];
const PENDING_DELETION = '__Host-factorkit-pending=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure';

/**
 * What Next.js does to a route handler's answer when the app also set a cookie through
 * next/headers (appendMutableCookies): every Set-Cookie parsed and written again.
 */
function asNextRewritesIt(response: Response): string[] {
  const headers = new Headers(response.headers);
  const cookies = new ResponseCookies(headers);
  const returned = cookies.getAll();
  cookies.set({ name: 'app-session', value: 'new', path: '/' });
  for (const cookie of returned) cookies.set(cookie);
  return headers.getSetCookie();
}

/** Owns /2fa/* but /2fa/not-mine: answers 418 with two cookies and what it saw. */
const recorder = {
  basePath: '/2fa',
  async handle(request: Request, ctx: undefined): Promise<Response | undefined> {
    seenCtx.push(ctx);
    const path = new URL(request.url).pathname;
    if (!path.startsWith('/2fa/') || path === '/2fa/not-mine') return undefined;
    if (path === '/2fa/sign-in/verify-ok') {
      const cleared = new Headers({ 'set-cookie': `${PENDING_DELETION}` });
      return Response.json({ ok: true }, { headers: cleared });
    }
    const headers = new Headers({ 'x-answer': 'yes' });
    headers.append('Set-Cookie', 'first=1; Path=/; HttpOnly');
    headers.append('Set-Cookie', 'second=2; Path=/; Secure; SameSite=Lax, extra');
    const seen = {
      method: request.method,
      url: request.url,
      cookie: request.headers.get('cookie'),
      body: await request.text(),
    };
    return Response.json(seen, { status: 418, headers });
  },
} as unknown as SecondStep<undefined>;

describe('factorkit/next', () => {
  it("hands Next's request to the second step and its Response back as it is", async () => {
    const { GET, POST } = nextSecondStep(recorder);
    const request = new NextRequest('https://app.example/2fa/sign-in/verify?x=1', {
      method: 'POST',
      headers: { cookie: 'a=1; b=2', 'content-type': 'application/json' },
      body: '{ "code":"123456" }',
    });
    const response = await POST(request);
    expect(response.status).toBe(418);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual([
      'first=1; Path=/; HttpOnly',
      'second=2; Path=/; Secure; SameSite=Lax, extra',
    ]);
    expect(await response.json()).toEqual({
      method: 'POST',
      url: 'https://app.example/2fa/sign-in/verify?x=1',
      cookie: 'a=1; b=2',
      body: '{ "code":"123456" }',
    });
    const status = await GET(new NextRequest('https://app.example/2fa/status'));
    expect(((await status.json()) as { method: string }).method).toBe('GET');
    expect(seenCtx).toEqual([undefined, undefined]);
  });

  it("keeps a cookie deletion a deletion through Next's rewrite of the headers (which drops Max-Age=0)", async () => {
    const rewritten = asNextRewritesIt(new Response(null, { headers: { 'set-cookie': PENDING_DELETION } }));
    expect(rewritten[0]).toBe('__Host-factorkit-pending=; Path=/; Secure; HttpOnly; SameSite=lax'); // the problem
    const { POST } = nextSecondStep(recorder);
    const response = await POST(new NextRequest('https://app.example/2fa/sign-in/verify-ok', { method: 'POST' }));
    expect(response.headers.getSetCookie()).toEqual([`${PENDING_DELETION}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`]);
    expect(await response.json()).toEqual({ ok: true });
    expect(asNextRewritesIt(response)).toEqual([
      '__Host-factorkit-pending=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=lax',
      'app-session=new; Path=/',
    ]);
    const login = withHeaders(Response.json({ status: 'signed-in' }), { 'set-cookie': PENDING_DELETION });
    expect(login.headers.getSetCookie()).toEqual([`${PENDING_DELETION}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`]);
  });

  it('answers 404 for a path the second step does not own', async () => {
    const { GET, POST } = nextSecondStep(recorder);
    for (const handler of [GET, POST]) {
      const response = await handler(new Request('https://app.example/2fa/not-mine', { method: 'POST', body: 'x' }));
      expect([response.status, await response.text()]).toEqual([404, 'Not Found']);
    }
  });

  it("withHeaders adds every cookie beside the response's own, sets other headers, keeps status and body", async () => {
    const own = new Response('{"next":"/2fa"}', {
      status: 201,
      statusText: 'Created',
      headers: { 'set-cookie': 'app.sid=x; Path=/', 'content-type': 'application/json', 'cache-control': 'public' },
    });
    const response = withHeaders(own, [
      ['Set-Cookie', '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax'],
      ['Set-Cookie', '__Host-factorkit-device=; Path=/; Max-Age=0'],
      ['Cache-Control', 'no-store'],
    ]);
    expect([response.status, response.statusText]).toEqual([201, 'Created']);
    expect(response.headers.getSetCookie()).toEqual([
      'app.sid=x; Path=/',
      '__Host-factorkit-pending=sealed; Path=/; Secure; HttpOnly; SameSite=Lax',
      '__Host-factorkit-device=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ next: '/2fa' });
  });

  it('withHeaders works on a redirect, whose own headers cannot be changed', () => {
    const redirect = Response.redirect('https://app.example/sign-in/second-step', 303);
    expect(() => redirect.headers.append('set-cookie', 'a=1')).toThrow(TypeError);
    const response = withHeaders(redirect, { 'set-cookie': 'a=1; Path=/' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://app.example/sign-in/second-step');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/']);
  });
});

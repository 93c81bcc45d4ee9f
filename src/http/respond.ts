// JSON answers: success bodies as they are, failures as `{ ok: false, reason, message,
// retryAfterMs? }` with the message in the request's language and the HTTP status that fits.
// Nothing but the reason and the wait reaches a failure: no code, token or secret.
import { type MessageReason, message } from '../messages/index.js';
import type { MessageOverrides } from '../messages/index.js';
import type { HttpFailure } from './types.js';

const STATUS: Readonly<Record<string, number>> = {
  'bad-request': 400,
  'invalid-name': 400,
  malformed: 400,
  expired: 400,
  'cross-origin': 403,
  'step-up-required': 403,
  'hard-locked': 403,
  'current-code-required': 403,
  'stronger-factor-required': 403,
  'user-verification-required': 403,
  'factor-suspended': 403,
  'not-configured': 404,
  'unknown-factor': 404,
  'not-enrolled': 409,
  answered: 409,
  'wrong-number': 409,
  locked: 429,
  'rate-limited': 429,
};

/** `invalid`, `replayed`, the ticket's reasons and `not-signed-in`: the request did not authenticate. */
const statusOf = (reason: string): number => STATUS[reason] ?? 401;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(body: unknown, status = 200, extra?: HeadersInit): Response {
  const headers = mergeHeaders(new Headers(JSON_HEADERS), extra);
  return new Response(JSON.stringify(body), { status, headers });
}

/** The language tags of `Accept-Language`, most wanted first (q-values honoured, at most 8). */
export function acceptedLocales(request: Request): string[] {
  const header = (request.headers.get('accept-language') ?? '').slice(0, 256);
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter(({ tag, q }) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) && q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .slice(0, 8)
    .map(({ tag }) => tag);
}

export interface Failing {
  reason: string;
  retryAfterMs?: number;
}

/** A failure answer for `result`, in the request's language; `method` picks the text that fits what was typed. */
export function failure(
  request: Request,
  result: Failing,
  options: { overrides?: MessageOverrides; method?: string; headers?: HeadersInit } = {},
): Response {
  const { reason, retryAfterMs } = result;
  const text = message(
    { ok: false, reason: reason as MessageReason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    { locale: acceptedLocales(request), overrides: options.overrides, method: options.method },
  );
  const body: HttpFailure = {
    ok: false,
    reason,
    message: text,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  const headers = new Headers(options.headers);
  if (retryAfterMs !== undefined) headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return json(body, statusOf(reason), headers);
}

/** Every header of `init` added to `headers`, Set-Cookie included one by one. */
export function mergeHeaders(headers: Headers, init: HeadersInit | undefined | null): Headers {
  if (init === undefined || init === null) return headers;
  const given = new Headers(init);
  // getSetCookie keeps each cookie whole; forEach would join them with a comma.
  for (const cookie of given.getSetCookie()) headers.append('set-cookie', cookie);
  given.forEach((value, name) => {
    if (name !== 'set-cookie') headers.append(name, value);
  });
  return headers;
}

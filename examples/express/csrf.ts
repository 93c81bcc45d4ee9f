// Synchronizer-token CSRF protection: one random token per session, embedded in every form and
// compared in constant time on every POST. SameSite=Lax cookies alone would leave older
// browsers and same-site subdomains exposed.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function matches(expected: string | undefined, actual: unknown): boolean {
  if (typeof expected !== 'string' || typeof actual !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses (with `refuse`'s page) any state-changing request whose form does not carry this session's token. */
export function requireCsrfToken(refuse: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const body = req.body as Record<string, unknown> | undefined;
    if (req.method === 'GET' || req.method === 'HEAD' || matches(req.session.csrfToken, body?._csrf)) next();
    else refuse(req, res);
  };
}

// The remembered-device cookie: the lifecycle's opaque token (only its keyed hash is stored),
// labelled with the browser's User-Agent so the user can tell their devices apart in the list.
import type { Env } from './env.js';

/** The lifecycle keeps labels of at most 128 characters without control characters. */
const MAX_LABEL = 128;

/** A label from the User-Agent: control characters dropped, cut to the lifecycle's limit, or none. */
export function deviceLabel(request: Request): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is dropped.
  const cleaned = (request.headers.get('user-agent') ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (cleaned === '') return undefined;
  const cut = Array.from(cleaned).slice(0, MAX_LABEL).join('');
  // Cutting by code points may still leave more UTF-16 units than the limit counts.
  return cut.length <= MAX_LABEL ? cut : cut.slice(0, MAX_LABEL - 1);
}

/** Remembers this browser for `userId`: the Set-Cookie value, or undefined when the lifecycle refused. */
export async function rememberThisDevice<Ctx>(
  env: Env<Ctx>,
  request: Request,
  userId: string,
): Promise<string | undefined> {
  const label = deviceLabel(request);
  const remembered = await env.twoFactor.rememberDevice(userId, {
    ttlMs: env.deviceTtlMs,
    ...(label === undefined ? {} : { label }),
  });
  return remembered.ok ? env.jar.set('device', remembered.token, env.deviceTtlMs / 1000) : undefined;
}

/** Whether the request's device cookie is a live remembered device of `userId`. */
export async function isRemembered<Ctx>(env: Env<Ctx>, request: Request, userId: string): Promise<boolean> {
  const token = env.jar.read(request, 'device');
  if (token === undefined) return false;
  return (await env.twoFactor.checkRememberedDevice(userId, token)).ok;
}

// Request bodies: JSON objects of a bounded size, and the proof in them (`{ code }` or
// `{ webauthn }`, the lifecycle's Proof). Anything else is a typed `bad-request`, never a throw.
import type { Proof } from '../lifecycle/index.js';

/** Far above a WebAuthn response (a few kilobytes), far below anything that costs to parse. */
const MAX_BODY_BYTES = 64 * 1024;

export type Body = Record<string, unknown>;

/** The request's JSON object, or undefined for a body that is not one (or too large). */
export async function readBody(request: Request): Promise<Body | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return undefined;
  let text: string;
  try {
    text = await request.text();
  } catch {
    return undefined;
  }
  if (text.length > MAX_BODY_BYTES) return undefined;
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Body) : undefined;
  } catch {
    return undefined;
  }
}

/** The proof of a body: a code (a string of at most 256 characters) or a WebAuthn response object. */
export function proofOf(body: Body, field = 'code'): Proof | undefined {
  const code = body[field];
  if (typeof code === 'string' && code.length > 0 && code.length <= 256) return code;
  const { webauthn } = body;
  if (field === 'code' && typeof webauthn === 'object' && webauthn !== null && !Array.isArray(webauthn)) {
    return { webauthn } as Proof;
  }
  return undefined;
}

/** An optional string field of 1 to `max` characters; `null` when present but not one. */
export function optionalString(body: Body, field: string, max = 64): string | undefined | null {
  const value = body[field];
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
}

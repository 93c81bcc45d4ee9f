// The language of the demo's messages: factorkit/messages renders every refusal and wait in the
// language picked with the switch in the page header (a cookie), or else the browser's
// Accept-Language. The demo's own page text stays English; each message carries its own `lang`
// attribute, so a screen reader reads it in its language.
import type { Request, Response } from 'express';
import { type MessageMethod, type MessageSubject, message } from 'factorkit/messages';

export const LANGUAGES = [
  ['en', 'English'],
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['es', 'Español'],
  ['ru', 'Русский'],
] as const;
export type Language = (typeof LANGUAGES)[number][0];

const LANGUAGE_COOKIE = 'factorkit.lang';
const isLanguage = (tag: string): tag is Language => LANGUAGES.some(([code]) => code === tag);

/** The cookie's language, else the first of Accept-Language the demo has, else English. */
export function languageOf(req: Request): Language {
  const chosen = /(?:^|;\s*)factorkit\.lang=([a-z]{2})(?:;|$)/.exec(req.headers.cookie ?? '')?.[1];
  if (chosen && isLanguage(chosen)) return chosen;
  for (const range of (req.get('accept-language') ?? '').split(',')) {
    const tag = range.split(';')[0]!.trim().slice(0, 2).toLowerCase();
    if (isLanguage(tag)) return tag;
  }
  return 'en';
}

/** A refusal as a page shows it: factorkit/messages' text, in its language. */
export type Said = { kind: 'error'; text: string; lang: Language };

export function say(req: Request, subject: MessageSubject, method?: MessageMethod): Said {
  const lang = languageOf(req);
  return { kind: 'error', text: message(subject, { locale: lang, ...(method ? { method } : {}) }), lang };
}

/** GET /lang/:tag?back=/path: keeps the choice for a year and goes back to the page. */
export function switchLanguage(req: Request, res: Response): void {
  const tag = String(req.params.tag ?? '');
  const back = String(req.query.back ?? '/');
  // Only a path of this site: `//host` or a scheme would make this an open redirect.
  const target = /^\/(?!\/)[^\\\s]*$/.test(back) ? back : '/';
  if (isLanguage(tag)) {
    res.cookie(LANGUAGE_COOKIE, tag, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600_000, path: '/' });
  }
  res.redirect(303, target);
}

// Rendering: the locale asked for resolved against the languages there are (built-in and the
// app's own), the most specific key of the context looked up, and the wait put in.
import { FactorkitError } from '../errors/index.js';
import { checkOptionsObject } from '../validation/index.js';
import { messages } from './catalogue.js';
import type { LocaleMessages, MessageKey, MessageMethod, MessageSubject, TextKey } from './keys.js';
import { pluralize, waitAmount } from './wait.js';

/**
 * An app's own texts, per locale and key: they win over the built-in ones. A locale that is
 * not built in adds a language; the keys it lacks are read from English.
 *
 * @example
 * ```ts
 * import type { MessageOverrides } from 'factorkit/messages';
 *
 * const overrides: MessageOverrides = {
 *   en: { 'hard-locked': 'Your account is locked. Write to help@example.com to unlock it.' },
 *   it: { locked: 'Troppi codici errati. Attendi {wait}, poi riprova.' },
 * };
 * ```
 */
export type MessageOverrides = Readonly<Record<string, Partial<LocaleMessages>>>;

/**
 * Options of {@link formatWait}.
 *
 * @example
 * ```ts
 * import type { WaitOptions } from 'factorkit/messages';
 *
 * const options: WaitOptions = { locale: ['de-AT', 'en'] };
 * ```
 */
export interface WaitOptions {
  /** A BCP 47 tag or a list by preference (`navigator.languages`); `de-AT` reads as `de`, others as English. */
  locale?: string | readonly string[];
  /** Your own texts, per locale and key. */
  overrides?: MessageOverrides;
}

/**
 * Options of {@link message}: the language, your own texts, and what the page knows that the
 * reason alone does not say.
 *
 * @example
 * ```ts
 * import type { MessageOptions } from 'factorkit/messages';
 *
 * const options: MessageOptions = { locale: 'fr', method: 'backup' };
 * ```
 */
export interface MessageOptions extends WaitOptions {
  /** What was typed or asked for (see {@link MessageMethod}); without it, texts fit any method. */
  method?: MessageMethod;
}

const BUILT_IN: Readonly<Record<string, LocaleMessages>> = messages;
const GENERIC_METHODS = new Set(['totp', 'backup', 'delivered', 'approval']);

/** A tag in canonical case (`de-at` -> `de-AT`), or undefined for one that is not BCP 47. */
function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined; // a malformed tag from a header must not fail the page: it is ignored
  }
}

/**
 * The locales to read texts from, most wanted first and English last: for each tag asked for,
 * itself and then its language, kept when factorkit or the overrides have texts in it.
 */
export function localeChain(locale: WaitOptions['locale'], overrides: MessageOverrides | undefined): string[] {
  const known = new Map<string, string>();
  for (const tag of [...Object.keys(BUILT_IN), ...Object.keys(overrides ?? {})]) known.set(tag.toLowerCase(), tag);
  const chain: string[] = [];
  for (const asked of typeof locale === 'string' ? [locale] : (locale ?? [])) {
    const tag = canonical(asked);
    if (tag === undefined) continue;
    for (const candidate of [tag, tag.split('-')[0]!]) {
      const found = known.get(candidate.toLowerCase());
      if (found !== undefined && !chain.includes(found)) chain.push(found);
    }
  }
  if (!chain.includes('en')) chain.push('en');
  return chain;
}

/** A record's own entry: a reason such as `toString` from plain JavaScript is no message. */
const own = (record: object | undefined, key: string): unknown =>
  record !== undefined && Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;

/** The text of the first key (most specific first) in the first locale that has any of them. */
function lookup<K extends MessageKey>(
  keys: readonly K[],
  chain: readonly string[],
  overrides: MessageOverrides | undefined,
): { value: LocaleMessages[K]; locale: string } {
  for (const locale of chain) {
    for (const key of keys) {
      const value = own(overrides?.[locale], key) ?? own(BUILT_IN[locale], key);
      if (value !== undefined) return { value: value as LocaleMessages[K], locale };
    }
  }
  // English has every key: only a reason outside the types (plain JavaScript) gets here, and
  // reads as a wrong code, the one reason every code-taking call has.
  return lookup(['invalid'], chain, overrides) as { value: LocaleMessages[K]; locale: string };
}

function waitText(retryAfterMs: number | undefined, chain: readonly string[], overrides?: MessageOverrides): string {
  const amount = retryAfterMs === undefined ? undefined : waitAmount(retryAfterMs);
  if (amount === undefined) return lookup(['wait.moment'], chain, overrides).value;
  const { value, locale } = lookup([amount.key], chain, overrides);
  return pluralize(value, amount.count, locale);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A subject as the types describe it: a failure with a string reason (and a numeric wait, if
 * any) or an approval status. Checked because pages pass on what they were given, and a
 * TypeError from deep in the lookup would say nothing of what was wrong.
 * @throws FactorkitError `INVALID_ARGUMENT`
 */
function checkSubject(subject: unknown): void {
  if (isRecord(subject) && typeof subject.status === 'string') return;
  if (
    isRecord(subject) &&
    typeof subject.reason === 'string' &&
    (subject.retryAfterMs === undefined || typeof subject.retryAfterMs === 'number')
  ) {
    return;
  }
  throw new FactorkitError(
    'INVALID_ARGUMENT',
    'subject must be { reason: string, retryAfterMs?: number } or { status: string }',
  );
}

/**
 * Options as {@link WaitOptions} and {@link MessageOptions} describe them.
 * @throws FactorkitError `INVALID_ARGUMENT`
 */
function checkOptions(options: unknown): void {
  const { locale, method, overrides } = checkOptionsObject(options);
  const tags = typeof locale === 'string' ? [locale] : locale;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) {
    throw new FactorkitError('INVALID_ARGUMENT', 'locale must be a language tag or a list of them');
  }
  if (method !== undefined && typeof method !== 'string') {
    throw new FactorkitError('INVALID_ARGUMENT', 'method must be a string');
  }
  if (overrides !== undefined && !(isRecord(overrides) && Object.values(overrides).every(isRecord))) {
    throw new FactorkitError('INVALID_ARGUMENT', 'overrides must be texts per locale: { [locale]: { [key]: text } }');
  }
}

/** The keys to try for a subject, most specific first. */
function keysOf(subject: MessageSubject, method: MessageMethod | undefined): TextKey[] {
  if ('status' in subject) {
    if (subject.status === 'expired') return ['expired.approval', 'expired'];
    return subject.status === 'hard-locked' ? ['hard-locked'] : [`status.${subject.status}`];
  }
  const methods =
    method === undefined || method === 'unknown' ? [] : GENERIC_METHODS.has(method) ? [method] : [method, 'delivered']; // any other method is a delivery channel (`DeliveryChannel`)
  return [...methods.map((m) => `${subject.reason}.${m}` as TextKey), subject.reason];
}

/**
 * The text a person reads for a failed lifecycle call or an approval's status, in their
 * language, with `retryAfterMs` as a wait ("wait 5 minutes"); `options.method` picks the text
 * that fits what was typed (the time-sync help for an app's code). Nothing of the result but
 * its reason and wait reaches the text.
 *
 * @param subject - `{ ok: false, reason, retryAfterMs? }` from any lifecycle call, or
 *   `approvalStatus`'s `{ status }`.
 * @param options - `locale` (a tag or a list; English when none has messages), `method` (what
 *   was typed) and `overrides` (your own texts).
 * @returns The text, one or two sentences.
 * @throws FactorkitError `INVALID_ARGUMENT` (from `factorkit`) for a subject or options not of these shapes
 *
 * @example
 * ```ts
 * import { message } from 'factorkit/messages';
 *
 * console.log(message({ ok: false, reason: 'locked', retryAfterMs: 61_000 })); // prints Too many wrong codes. Wait 2 minutes, then try again.
 * console.log(message({ ok: false, reason: 'replayed' }, { locale: 'de-AT', method: 'backup' })); // prints Dieser Sicherungscode wurde bereits verwendet: …
 * ```
 */
export function message(subject: MessageSubject, options: MessageOptions = {}): string {
  checkSubject(subject);
  checkOptions(options);
  const chain = localeChain(options.locale, options.overrides);
  const text = lookup(keysOf(subject, options.method), chain, options.overrides).value;
  const retryAfterMs = 'status' in subject ? undefined : subject.retryAfterMs;
  const withWait = (template: string) =>
    template.split('{wait}').join(waitText(retryAfterMs, chain, options.overrides));
  // A wrong code that started a lockout says so: the next code would be refused unread.
  if (!('status' in subject) && subject.reason === 'invalid' && retryAfterMs !== undefined && retryAfterMs > 0) {
    return `${withWait(text)} ${withWait(lookup(['lockout-started'], chain, options.overrides).value)}`;
  }
  return withWait(text);
}

/**
 * A wait as a person reads it ("1 second", "21 минуту"): rounded up, so that waiting as told is
 * enough (seconds under a minute, minutes up to 90, hours up to 48, then days), in the plural
 * form `Intl.PluralRules` picks; no length (0, NaN) is "a moment".
 *
 * @param retryAfterMs - The `retryAfterMs` of a result, in milliseconds.
 * @param options - `locale` and `overrides`, as for {@link message}.
 * @returns The wait, to put after "wait" (in Russian its accusative form, after "подождите").
 * @throws FactorkitError `INVALID_ARGUMENT` (from `factorkit`) for a wait that is not a number, or bad options
 *
 * @example
 * ```ts
 * import { formatWait } from 'factorkit/messages';
 *
 * console.log(formatWait(1000)); // prints 1 second
 * console.log(formatWait(3_432_000)); // prints 58 minutes
 * console.log(formatWait(22_000, { locale: 'ru' })); // prints 22 секунды
 * ```
 */
export function formatWait(retryAfterMs: number, options: WaitOptions = {}): string {
  if (typeof retryAfterMs !== 'number') throw new FactorkitError('INVALID_ARGUMENT', 'retryAfterMs must be a number');
  checkOptions(options);
  return waitText(retryAfterMs, localeChain(options.locale, options.overrides), options.overrides);
}

// The built-in languages: the list of locales and the catalogue holding their messages.
import type { LocaleMessages } from './keys.js';
import { de } from './locales/de.js';
import { en } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { ru } from './locales/ru.js';

/**
 * The languages factorkit has messages in, as BCP 47 language tags. English is the fallback of
 * any other locale and of any key a language lacks.
 *
 * @example
 * ```ts
 * import { LOCALES } from 'factorkit/messages';
 *
 * console.log(LOCALES.join(' ')); // prints en de fr es ru
 * ```
 */
export const LOCALES = ['en', 'de', 'fr', 'es', 'ru'] as const;

/**
 * One of {@link LOCALES}.
 *
 * @example
 * ```ts
 * import type { Locale } from 'factorkit/messages';
 *
 * const locale: Locale = 'de';
 * ```
 */
export type Locale = (typeof LOCALES)[number];

/**
 * The message catalogue: every text of every built-in language, by locale and key. Read it to
 * show a text outside {@link message} or to start a translation of your own; to change a text,
 * pass `overrides` to {@link message} instead of editing this object (it is frozen).
 *
 * @example
 * ```ts
 * import { messages } from 'factorkit/messages';
 *
 * console.log(messages.en['hard-locked']); // prints Too many wrong codes: this account is locked. Contact support to unlock it.
 * console.log(messages.ru['wait.minutes'].few); // prints {count} минуты
 * ```
 */
export const messages: Readonly<Record<Locale, LocaleMessages>> = Object.freeze({ en, de, fr, es, ru });

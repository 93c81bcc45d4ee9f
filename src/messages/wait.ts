// A wait (`retryAfterMs`) as a person reads it: rounded up to a unit they think in, with the
// plural form their language needs for that number.
import type { PluralKey, PluralText } from './keys.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The unit and count a wait is told in, or undefined for a wait of no known length. Always
 * rounded up, so that nobody who waits as told is refused again: seconds under a minute,
 * minutes up to 90 minutes (3432 s is "58 minutes"), hours up to 48 hours, then days.
 */
export function waitAmount(retryAfterMs: number): { key: PluralKey; count: number } | undefined {
  if (!Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return undefined;
  const seconds = Math.ceil(retryAfterMs / SECOND_MS);
  if (seconds < 60) return { key: 'wait.seconds', count: seconds };
  const minutes = Math.ceil(retryAfterMs / MINUTE_MS);
  if (minutes <= 90) return { key: 'wait.minutes', count: minutes };
  const hours = Math.ceil(retryAfterMs / HOUR_MS);
  if (hours <= 48) return { key: 'wait.hours', count: hours };
  return { key: 'wait.days', count: Math.ceil(retryAfterMs / DAY_MS) };
}

/** `{count}` of the plural form `Intl.PluralRules` picks for the count in that locale. */
export function pluralize(forms: PluralText, count: number, locale: string): string {
  const form = forms[new Intl.PluralRules(locale).select(count)] ?? forms.other;
  return form.split('{count}').join(new Intl.NumberFormat(locale).format(count));
}

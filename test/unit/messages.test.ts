// factorkit/messages: every reason a lifecycle call can answer has a message in every language.
// The reasons are read from the lifecycle's types with the TypeScript compiler (every exported
// result type, and the return type of every TwoFactor method), so a new reason fails here until
// each language has a text for it, even when it is added to a type the catalogue's own
// `MessageReason` does not name. Also: plural forms per language, the rounding of waits,
// context, overrides, locale fallback, and that no translation is left in English.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  formatWait,
  LOCALES,
  type LocaleMessages,
  type MessageReason,
  message,
  messages,
  type PluralKey,
  type TextKey,
} from 'factorkit/messages';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENTRIES = ['src/lifecycle/index.ts', 'src/lifecycle/factors/delivered/index.ts'].map((p) => join(root, p));

/** The string literals of a property of every constituent of a type. */
function literalsOf(checker: ts.TypeChecker, type: ts.Type, property: string, into: Set<string>): void {
  for (const part of type.isUnion() ? type.types : [type]) {
    const symbol = part.getProperty(property);
    if (symbol === undefined) continue;
    const value = checker.getTypeOfSymbol(symbol);
    for (const member of value.isUnion() ? value.types : [value]) {
      if (member.isStringLiteral()) into.add(member.value);
    }
  }
}

/** What a method resolves to: the return type, without its Promise. */
function resolved(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  return type.getCallSignatures().map((signature) => {
    const returned = signature.getReturnType();
    const args = checker.getTypeArguments(returned as ts.TypeReference);
    return returned.getSymbol()?.name === 'Promise' && args[0] !== undefined ? args[0] : returned;
  });
}

/** The `reason`s of every exported result type and TwoFactor method, and the approval statuses. */
function lifecycleAnswers(): { reasons: string[]; statuses: string[] } {
  const program = ts.createProgram(ENTRIES, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const reasons = new Set<string>();
  const statuses = new Set<string>();
  for (const entry of ENTRIES) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface))) continue;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      literalsOf(checker, type, 'reason', reasons);
      if (symbol.name === 'ApprovalStatusResult') literalsOf(checker, type, 'status', statuses);
      if (symbol.name !== 'TwoFactor') continue;
      for (const method of type.getProperties()) {
        for (const result of resolved(checker, checker.getTypeOfSymbol(method)))
          literalsOf(checker, result, 'reason', reasons);
      }
    }
  }
  return { reasons: [...reasons].sort(), statuses: [...statuses].sort() };
}

const { reasons, statuses } = lifecycleAnswers();
const TEXT_KEYS = Object.keys(messages.en).filter(
  (key) => typeof messages.en[key as TextKey] === 'string',
) as TextKey[];
const PLURAL_KEYS = Object.keys(messages.en).filter((key) => !TEXT_KEYS.includes(key as TextKey)) as PluralKey[];
const OTHER_LOCALES = LOCALES.filter((locale) => locale !== 'en');

describe('factorkit/messages: every lifecycle answer has a message in every language', () => {
  it('finds the reasons and statuses in the lifecycle types', () => {
    // The walk itself works: these come from TwoFactorFailure, RateLimited and the approval answers.
    for (const reason of ['invalid', 'locked', 'hard-locked', 'stronger-factor-required', 'rate-limited']) {
      expect(reasons).toContain(reason);
    }
    expect(reasons).toEqual(expect.arrayContaining(['answered', 'wrong-number']));
    expect(statuses).toEqual(['approved', 'denied', 'expired', 'hard-locked', 'pending']);
  }, 60_000);

  it.each(LOCALES)('%s has its own text for every reason', (locale) => {
    for (const reason of reasons) {
      const own = (messages[locale] as Partial<Record<string, unknown>>)[reason];
      expect(typeof own === 'string' && own.trim() !== '', `${locale} ${reason}`).toBe(true);
      const text = message({ ok: false, reason: reason as MessageReason, retryAfterMs: 90_000 }, { locale });
      expect(text.trim(), `${locale} ${reason}`).not.toBe('');
      expect(text).not.toMatch(/\{\w+\}/);
      if (locale !== 'en') expect(text, `${locale} ${reason}`).not.toBe(message({ ok: false, reason } as never));
    }
  });

  it.each(LOCALES)('%s has a text for every approval status', (locale) => {
    for (const status of statuses) {
      const text = message({ status: status as 'pending' }, { locale });
      expect(text.trim(), `${locale} ${status}`).not.toBe('');
      if (locale !== 'en') expect(text).not.toBe(message({ status: status as 'pending' }));
    }
  });
});

/** Words of 3 letters or more, lower-cased. */
const words = (text: string) => new Set((text.toLowerCase().match(/\p{L}{3,}/gu) ?? []).filter((w) => w.length >= 3));

describe('factorkit/messages: the catalogue', () => {
  it.each(OTHER_LOCALES)('%s: every key has a text, none still in English', (locale) => {
    const own: LocaleMessages = messages[locale];
    expect(Object.keys(own).sort()).toEqual(Object.keys(messages.en).sort());
    for (const key of TEXT_KEYS) {
      const text = own[key];
      expect(text.trim(), `${locale} ${key}`).not.toBe('');
      expect(text, `${locale} ${key}`).not.toBe(messages.en[key]);
      // A few words may be shared (code, Telegram, SMS, QR); a text left in English shares most.
      const english = words(messages.en[key]);
      const shared = [...words(text)].filter((word) => english.has(word));
      expect(shared.length, `${locale} ${key} shares ${shared.join(', ')} with English`).toBeLessThanOrEqual(3);
      // {wait} goes where English has it, and nothing else is ever filled in.
      expect(text.includes('{wait}'), `${locale} ${key} {wait}`).toBe(messages.en[key].includes('{wait}'));
      expect(text.replaceAll('{wait}', '')).not.toMatch(/[{}]/);
    }
  });

  it.each(LOCALES)('%s: every plural form has {count} and the categories of the language', (locale) => {
    const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
    for (const key of PLURAL_KEYS) {
      const forms = messages[locale][key] as unknown as Record<string, string>;
      for (const category of Object.keys(forms)) expect(categories, `${locale} ${key}`).toContain(category);
      for (const category of categories.filter((c) => c !== 'many' || locale === 'ru')) {
        expect(forms[category], `${locale} ${key} ${category}`).toMatch(/^\S*\{count\}\s\S/);
      }
    }
    // Not English left in place: French "minutes" is English too, but not all four units are.
    const others = (l: string) => PLURAL_KEYS.map((key) => (messages[l as 'en'][key] as { other: string }).other);
    if (locale !== 'en') expect(others(locale)).not.toEqual(others('en'));
  });

  it('is frozen: an app changes texts through overrides', () => {
    expect(Object.isFrozen(messages)).toBe(true);
  });
});

describe('factorkit/messages: waits', () => {
  const RUSSIAN = [1, 2, 5, 21, 22, 25, 11, 12];
  const seconds = (locale: string) => RUSSIAN.map((n) => formatWait(n * 1000, { locale }));

  it('English: 1 second, never "1 seconds"', () => {
    expect(seconds('en')).toEqual(RUSSIAN.map((n) => `${n} ${n === 1 ? 'second' : 'seconds'}`));
    expect([formatWait(60_000), formatWait(2 * 3_600_000), formatWait(3 * 86_400_000)]).toEqual([
      '1 minute',
      '2 hours',
      '3 days',
    ]);
    for (let ms = 1; ms < 4 * 86_400_000; ms = Math.ceil(ms * 1.37)) {
      expect(formatWait(ms)).not.toMatch(/^1 \w+s$/);
      expect(message({ ok: false, reason: 'locked', retryAfterMs: ms })).not.toMatch(/\b1 \w+s\b/);
    }
  });

  it('German', () => {
    expect(seconds('de')).toEqual(RUSSIAN.map((n) => `${n} ${n === 1 ? 'Sekunde' : 'Sekunden'}`));
    expect([formatWait(60_000, { locale: 'de' }), formatWait(5 * 60_000, { locale: 'de' })]).toEqual([
      '1 Minute',
      '5 Minuten',
    ]);
    expect([formatWait(3_600_000 * 47, { locale: 'de' }), formatWait(86_400_000 * 3, { locale: 'de' })]).toEqual([
      '47 Stunden',
      '3 Tage',
    ]);
  });

  it('French (0 and 1 singular; "de" before a million)', () => {
    expect(seconds('fr')).toEqual(RUSSIAN.map((n) => `${n} ${n === 1 ? 'seconde' : 'secondes'}`));
    expect(formatWait(60_000, { locale: 'fr' })).toBe('1 minute');
    expect(formatWait(3_600_000 * 2, { locale: 'fr' })).toBe('2 heures');
    expect(formatWait(86_400_000 * 1_000_000, { locale: 'fr' })).toMatch(/^1\s000\s000 de jours$/);
  });

  it('Spanish', () => {
    expect(seconds('es')).toEqual(RUSSIAN.map((n) => `${n} ${n === 1 ? 'segundo' : 'segundos'}`));
    expect([formatWait(60_000, { locale: 'es' }), formatWait(86_400_000, { locale: 'es' })]).toEqual([
      '1 minuto',
      '24 horas',
    ]);
  });

  it('Russian: one, few, many (1, 2, 5, 21, 22, 25, 11, 12), accusative after "подождите"', () => {
    const forms = ['секунду', 'секунды', 'секунд', 'секунду', 'секунды', 'секунд', 'секунд', 'секунд'];
    expect(seconds('ru')).toEqual(RUSSIAN.map((n, i) => `${n} ${forms[i]}`));
    const minutes = RUSSIAN.map((n) => formatWait(n * 60_000, { locale: 'ru' }));
    expect(minutes).toEqual([
      '1 минуту',
      '2 минуты',
      '5 минут',
      '21 минуту',
      '22 минуты',
      '25 минут',
      '11 минут',
      '12 минут',
    ]);
    const hours = [1, 2, 5, 21, 22].map((n) => formatWait(n * 3_600_000 + 60 * 60_000 * 0, { locale: 'ru' }));
    expect(hours).toEqual(['60 минут', '2 часа', '5 часов', '21 час', '22 часа']);
    expect([2, 5, 21].map((n) => formatWait(n * 86_400_000 + 1, { locale: 'ru' }))).toEqual([
      '3 дня',
      '6 дней',
      '22 дня',
    ]);
    expect(message({ ok: false, reason: 'locked', retryAfterMs: 21 * 60_000 }, { locale: 'ru' })).toContain(
      'Подождите 21 минуту',
    );
  });

  it('rounds up to a unit people think in, so that waiting as told is enough', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(1001)).toBe('2 seconds');
    expect(formatWait(59_000)).toBe('59 seconds');
    expect(formatWait(59_001)).toBe('1 minute');
    expect(formatWait(3_432_000)).toBe('58 minutes'); // the demo said "wait 3432 seconds"
    expect(formatWait(90 * 60_000)).toBe('90 minutes');
    expect(formatWait(90 * 60_000 + 1)).toBe('2 hours');
    expect(formatWait(48 * 3_600_000)).toBe('48 hours');
    expect(formatWait(48 * 3_600_000 + 1)).toBe('3 days');
    for (const none of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatWait(none)).toBe('a moment');
    expect(message({ ok: false, reason: 'locked' }, { locale: 'es' })).toBe(
      'Demasiados códigos incorrectos. Espere un momento y vuelva a intentarlo.',
    );
  });

  it('a wrong code that started a lockout says how long to wait', () => {
    expect(message({ ok: false, reason: 'invalid', retryAfterMs: 30_000 }, { method: 'backup' })).toBe(
      'That backup code is not valid, or it was replaced by newer backup codes. Too many wrong codes: wait 30 seconds before you try again.',
    );
    expect(message({ ok: false, reason: 'invalid' }, { method: 'backup' })).not.toContain('wait');
  });
});

describe('factorkit/messages: context, overrides, fallback', () => {
  it.each(LOCALES)('%s: an app code, a backup code and an e-mail code read differently', (locale) => {
    const read = (method: string) => message({ ok: false, reason: 'invalid' }, { locale, method });
    const texts = ['totp', 'backup', 'email', 'sms', 'telegram', 'voice', 'delivered', 'approval', undefined].map(
      (method) => message({ ok: false, reason: 'invalid' }, { locale, method }),
    );
    expect(new Set(texts).size).toBe(texts.length);
    // The time-sync help is the authenticator app's: the longest, and only there.
    expect(read('totp').length).toBeGreaterThan(
      Math.max(...texts.filter((t) => t !== read('totp')).map((t) => t.length)),
    );
    // A channel without a text of its own reads as any delivered code; `unknown` as no context.
    expect(read('push')).toBe(read('delivered'));
    expect(read('unknown')).toBe(message({ ok: false, reason: 'invalid' }, { locale }));
    expect(message({ ok: false, reason: 'expired' }, { locale, method: 'approval' })).toBe(
      message({ status: 'expired' }, { locale }),
    );
  });

  it('says the time-sync help for a wrong authenticator code', () => {
    const text = message({ ok: false, reason: 'invalid' }, { method: 'totp' });
    expect(text).toContain('turn on automatic date and time');
    expect(text).toContain('enter the newest code');
  });

  it('shows nothing of the result but its reason and wait', () => {
    const result = { ok: false as const, reason: 'invalid' as const, code: '492039', destination: 'a@example.com' };
    const text = message(result, { method: 'email' });
    expect(text).not.toContain('492039');
    expect(text).not.toContain('a@example.com');
  });

  it('reads a reason it does not know (plain JavaScript) as a wrong code, never as a property of Object', () => {
    for (const reason of ['toString', '__proto__', 'brand-new']) {
      expect(message({ ok: false, reason } as never, { locale: 'de' })).toBe(messages.de.invalid);
    }
  });

  it('takes an app text per key and locale, and leaves the rest', () => {
    const overrides = {
      de: { 'hard-locked': 'Gesperrt. Schreiben Sie an hilfe@example.com.', 'wait.minutes': { other: '{count} Min.' } },
      en: { locked: 'Hold on for {wait}.' },
    };
    expect(message({ ok: false, reason: 'hard-locked' }, { locale: 'de', overrides })).toBe(
      'Gesperrt. Schreiben Sie an hilfe@example.com.',
    );
    expect(message({ ok: false, reason: 'hard-locked' }, { locale: 'fr', overrides })).toBe(messages.fr['hard-locked']);
    expect(message({ ok: false, reason: 'locked', retryAfterMs: 60_000 }, { overrides })).toBe('Hold on for 1 minute.');
    expect(formatWait(60_000, { locale: 'de', overrides })).toBe('1 Min.');
    // An override of the generic text does not hide the built-in text of a context.
    const generic = { en: { invalid: 'Nope.' } };
    expect(message({ ok: false, reason: 'invalid' }, { overrides: generic })).toBe('Nope.');
    expect(message({ ok: false, reason: 'invalid' }, { overrides: generic, method: 'backup' })).toBe(
      messages.en['invalid.backup'],
    );
  });

  it('adds a language through overrides; its missing keys read in English', () => {
    const overrides = {
      it: {
        locked: 'Troppi codici errati. Attendi {wait}, poi riprova.',
        'wait.seconds': { one: '{count} secondo', other: '{count} secondi' },
      },
    };
    expect(message({ ok: false, reason: 'locked', retryAfterMs: 2000 }, { locale: 'it-IT', overrides })).toBe(
      'Troppi codici errati. Attendi 2 secondi, poi riprova.',
    );
    expect(message({ ok: false, reason: 'hard-locked' }, { locale: 'it', overrides })).toBe(messages.en['hard-locked']);
  });

  it('falls back to the language of a regional tag, then to English', () => {
    const locked = (locale: string | string[]) => message({ ok: false, reason: 'hard-locked' }, { locale });
    expect(locked('de-AT')).toBe(messages.de['hard-locked']);
    expect(locked('DE-ch')).toBe(messages.de['hard-locked']);
    expect(locked('pt-BR')).toBe(messages.en['hard-locked']);
    expect(locked(['pt-BR', 'es-419', 'fr'])).toBe(messages.es['hard-locked']);
    expect(locked('not a locale!')).toBe(messages.en['hard-locked']);
    expect(locked([])).toBe(messages.en['hard-locked']);
    expect(message({ ok: false, reason: 'hard-locked' })).toBe(messages.en['hard-locked']);
  });
});

describe('bad arguments', () => {
  const badSubjects: unknown[] = [null, undefined, 'invalid', 42, [], {}, { reason: 7 }, { status: null }];
  const badOptions: unknown[] = [
    null,
    'de',
    [],
    { locale: {} },
    { locale: ['de', 7] },
    { method: 3 },
    { overrides: 'x' },
    { overrides: { en: 'text' } },
  ];

  it('message refuses a subject or options not of their shapes with INVALID_ARGUMENT, never a TypeError', () => {
    for (const subject of badSubjects) {
      expect(() => message(subject as never), JSON.stringify(subject)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    for (const options of badOptions) {
      expect(() => message({ ok: false, reason: 'invalid' }, options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(() => message({ ok: false, reason: 'locked', retryAfterMs: '5' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('formatWait refuses a wait that is not a number, and bad options, with INVALID_ARGUMENT', () => {
    for (const wait of ['5', null, undefined, {}]) {
      expect(() => formatWait(wait as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    for (const options of badOptions) {
      expect(() => formatWait(1000, options as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});

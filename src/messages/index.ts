// factorkit/messages: what a person reads when a lifecycle call says no, in English, German,
// French, Spanish and Russian. Web platform only (Intl), so it runs wherever pages are made.
export { LOCALES, messages, type Locale } from './catalogue.js';
export { formatWait, message, type MessageOptions, type MessageOverrides, type WaitOptions } from './render.js';
export type {
  ContextKey,
  ExtraKey,
  LocaleMessages,
  MessageKey,
  MessageMethod,
  MessageReason,
  MessageSubject,
  PluralKey,
  PluralText,
  TextKey,
  WebReason,
} from './keys.js';

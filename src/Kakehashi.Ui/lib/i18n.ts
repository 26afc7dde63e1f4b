// Texts in Japanese first and English; the choice is kept in localStorage (not personal data).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Language = 'ja' | 'en';
export type Dictionary = Readonly<Record<string, string>>;
export type Values = Readonly<Record<string, string | number>>;

export interface I18n {
  readonly lang: Language;
  /** The text for a key, with {name} placeholders filled; the Japanese text when English has none. */
  t(key: string, values?: Values): string;
  /** Whether the current language has its own text for a key. */
  has(key: string): boolean;
}

const storageKey = 'kakehashi.lang';

export function storedLanguage(): Language {
  return localStorage.getItem(storageKey) === 'en' ? 'en' : 'ja';
}

export function storeLanguage(lang: Language): void {
  localStorage.setItem(storageKey, lang);
}

export function makeI18n(lang: Language, texts: { ja: Dictionary; en: Dictionary }): I18n {
  return {
    lang,
    t(key, values = {}) {
      const text = texts[lang][key] ?? texts.ja[key] ?? key;
      return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
    },
    has: key => key in texts[lang],
  };
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside an I18nContext');
  return i18n;
}

/**
 * The console's languages: English, Simplified and Traditional Chinese (the
 * box's own documentation is Chinese). One catalog per language, keyed by the
 * same message ids: the English catalog declares the ids, the others are typed
 * against it, and catalogs.test.ts checks that no English is left in them.
 * `{name}` in a message is replaced by the parameter of that name. English is
 * in the main bundle; a Chinese catalog (18 KB each) is loaded when chosen.
 */

import { en, type Catalog, type MessageId } from './en.js';

export type { Catalog, MessageId };

export const LOCALES = ['en', 'zh-Hans', 'zh-Hant'] as const;
export type Locale = (typeof LOCALES)[number];

const LOADERS: Record<Locale, () => Promise<Catalog>> = {
  en: async () => en,
  'zh-Hans': () => import('./zh-hans.js').then((m) => m.zhHans),
  'zh-Hant': () => import('./zh-hant.js').then((m) => m.zhHant),
};

export function loadCatalog(locale: Locale): Promise<Catalog> {
  return LOADERS[locale]();
}

/** Each language's name in that language (the switcher shows them so). */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-Hans': '简体中文', 'zh-Hant': '繁體中文' };

/** Traditional script: named so (zh-Hant…), or the regions that write it. */
const TRADITIONAL = /^zh-(hant|tw|hk|mo)\b/i;

/** The first of the browser's languages the console speaks (navigator.languages); English otherwise. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const t = tag.trim();
    if (/^en\b/i.test(t)) return 'en';
    if (TRADITIONAL.test(t)) return 'zh-Hant';
    if (/^zh\b/i.test(t)) return 'zh-Hans';
  }
  return 'en';
}

export function isLocale(v: unknown): v is Locale {
  return (LOCALES as readonly unknown[]).includes(v);
}

export type Params = Record<string, string | number>;

/** The message of a catalog, with its `{name}` parameters filled in. */
export function translate(catalog: Catalog, id: MessageId, params: Params = {}): string {
  const text = catalog[id] ?? en[id];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate = (id: MessageId, params?: Params) => string;

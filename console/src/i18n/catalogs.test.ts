/**
 * The message catalogs: the same ids in every language, the same parameters
 * in every translation, no English left in the Chinese ones (but for the
 * product and protocol names below), and each Chinese catalog in its own
 * script.
 */
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { LOCALES, loadCatalog, pickLocale, translate, type Catalog } from './index.js';
import { latinWords } from './latin.js';
import { zhHans } from './zh-hans.js';
import { zhHant } from './zh-hant.js';

const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const CHINESE: Record<string, Catalog> = { 'zh-Hans': zhHans, 'zh-Hant': zhHant };

/** Characters written differently in the two scripts (simplified → traditional), common in this UI. */
const PAIRS = '们們 这這 设設 话話 录錄 载載 时時 统統 计計 队隊 页頁 击擊 删刪 复複 态態 间間 钥鑰 择擇 录錄 询詢 单單 应應 务務 级級 数數 码碼 线線 长長 显顯 试試 认認 点點 开開 关關 转轉 挂掛 签簽';

describe('message catalogs', () => {
  const ids = Object.keys(en).sort();

  for (const [name, catalog] of Object.entries(CHINESE)) {
    describe(name, () => {
      it('has every message id of the English catalog, and no other', () => {
        expect(Object.keys(catalog).sort()).toEqual(ids);
      });

      it('keeps each message’s parameters', () => {
        for (const id of ids) expect(params(catalog[id as keyof Catalog]), id).toEqual(params(en[id as keyof typeof en]));
      });

      it('leaves no English in any message', () => {
        const left = Object.entries(catalog)
          .map(([id, text]) => [id, latinWords(text)] as const)
          .filter(([, words]) => words.length > 0);
        expect(left).toEqual([]);
      });

      it('has no empty message, and none the same as the English but for names', () => {
        for (const id of ids) {
          const text = catalog[id as keyof Catalog];
          expect(text.trim(), id).not.toBe('');
          if (text === en[id as keyof typeof en]) expect(latinWords(text), id).toEqual([]);
        }
      });
    });
  }

  it('writes Simplified and Traditional Chinese each in its own script', () => {
    const pairs = PAIRS.split(' ').map((p) => [...p]);
    const simplified = new Set(pairs.map(([s]) => s));
    const traditional = new Set(pairs.map(([, t]) => t));
    const uses = (catalog: Catalog, chars: Set<string>) => [...new Set([...Object.values(catalog).join('')].filter((ch) => chars.has(ch)))];
    expect(uses(zhHans, traditional)).toEqual([]);
    expect(uses(zhHant, simplified)).toEqual([]);
    // And they are not the same text: most messages differ.
    expect(ids.filter((id) => zhHans[id as keyof Catalog] !== zhHant[id as keyof Catalog]).length).toBeGreaterThan(ids.length / 2);
  });

  it('are loaded by locale, and fill in parameters', async () => {
    for (const locale of LOCALES) expect(Object.keys(await loadCatalog(locale)).sort()).toEqual(ids);
    expect(translate(await loadCatalog('zh-Hans'), 'calls.shown', { count: 3, page: 2 })).toBe('第 2 页记录：3 条');
    expect(translate(en, 'calls.shown', { count: 3 })).toBe('Records on page {page}: 3');
  });
});

describe('the language a browser asks for', () => {
  it('is the first of its languages the console speaks', () => {
    expect(pickLocale(['de-DE', 'en-US'])).toBe('en');
    expect(pickLocale(['zh-CN', 'en'])).toBe('zh-Hans');
    expect(pickLocale(['zh'])).toBe('zh-Hans');
    expect(pickLocale(['zh-SG'])).toBe('zh-Hans');
    expect(pickLocale(['zh-Hans-HK'])).toBe('zh-Hans');
    expect(pickLocale(['zh-TW'])).toBe('zh-Hant');
    expect(pickLocale(['zh-HK', 'en'])).toBe('zh-Hant');
    expect(pickLocale(['zh-Hant'])).toBe('zh-Hant');
    expect(pickLocale(['fr', 'zh-MO'])).toBe('zh-Hant');
    expect(pickLocale(['ja', 'ko'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});

/**
 * Every page of the console in a real headless Chromium, walked in its three
 * languages, by keyboard and at phone width, with a screenshot of each: the
 * language follows the browser's and can be switched; the Chinese UI (both
 * scripts) leaves no English on any page but the data and the allowed names;
 * Tab reaches every control of every page, each with a visible focus ring;
 * no page scrolls sideways on a phone.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latinWords } from '../../console/src/i18n/latin.js';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { openSignedIn } from '../helpers/console-page.js';
import { stops, uiTexts, visit, type Stop } from '../helpers/console-walk.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let w: ConsoleWorld;
let browser: Browser;
let receiver: WebhookReceiver;
let walk: Stop[];
const contexts: BrowserContext[] = [];

async function signedInPage(locale: string, size: { width?: number; height?: number } = {}): Promise<Page> {
  const context = await newContext(browser, { locale, ...size });
  contexts.push(context);
  const page = await context.newPage();
  await openSignedIn(page, w, '/sites');
  return page;
}

beforeAll(async () => {
  [w, browser, receiver] = await Promise.all([startConsoleWorld(), launchChromium(), startWebhookReceiver()]);
  // Something on every page: calls, a queue call (cc_cdr, statistics), a webhook endpoint with deliveries.
  const hook = await w.call('POST', `/v1/tenants/${w.tenantId}/webhooks`, { token: w.apiKey, body: { url: receiver.url, events: ['cdr', 'cc_cdr'] } });
  await w.box.sim.call('801', '802', { talkMs: 1000 });
  await w.box.sim.queueCall('802', '630', { agents: { '803': 'answer' }, talkMs: 1000 });
  await deliveriesSettled(w.cloud, w.box.relay);
  await waitFor(async () => (await w.tenantApi(`/stats?siteId=${w.siteId}&groupBy=queue`)).body.total?.offered === 1, { what: 'the queue call counted' });
  walk = stops(w, hook.body.id);
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await receiver?.close();
  await w?.stop();
});

describe('languages', () => {
  it('follows the browser’s language, and switches on request for the session and after', async () => {
    for (const [browserLanguage, lang, sites] of [
      ['en-US', 'en', 'Sites'],
      ['zh-CN', 'zh-Hans', '站点'],
      ['zh-TW', 'zh-Hant', '站點'],
      ['zh-HK', 'zh-Hant', '站點'],
    ] as const) {
      const page = await signedInPage(browserLanguage);
      await page.getByRole('heading', { level: 1, name: sites }).waitFor();
      expect(await page.evaluate('document.documentElement.lang'), browserLanguage).toBe(lang);
    }
    const page = await signedInPage('en-US');
    await walk[0].ready(page);
    // What the Chinese walk below reads: in English it is full of Latin words.
    expect((await uiTexts(page)).flatMap(latinWords)).toEqual(expect.arrayContaining(['Sites', 'Relay', 'Refresh', 'Language']));
    await page.getByLabel('Language').selectOption('zh-Hant');
    await page.getByRole('heading', { level: 1, name: '站點' }).waitFor();
    expect(await page.getByRole('navigation').textContent()).toBe('站點通話統計Webhook監控牆座席工具列');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '站點' }).waitFor();
    await page.getByLabel('語言').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
  });

  for (const [locale, lang] of [
    ['zh-CN', 'zh-Hans'],
    ['zh-TW', 'zh-Hant'],
  ] as const) {
    it(`in ${lang}, leaves no English on any page but the data`, async () => {
      const signedOut = await (await newContext(browser, { locale })).newPage();
      await signedOut.goto(w.url('/'));
      await signedOut.locator('#api-key').waitFor();
      const found: Array<[string, string]> = (await uiTexts(signedOut)).map((t) => ['sign-in', t]);
      await screenshot(signedOut, `${lang}-sign-in`);
      await signedOut.context().close();

      const page = await signedInPage(locale);
      const problems = pageProblems(page);
      for (const stop of walk) {
        await visit(page, w, stop);
        found.push(...(await uiTexts(page)).map((t): [string, string] => [stop.name, t]));
        await screenshot(page, `${lang}-${stop.name}`);
      }
      expect(found.length).toBeGreaterThan(300);
      // The walk reads the UI's text: the navigation in this script is among it.
      for (const label of lang === 'zh-Hans' ? ['站点', '通话', '统计', '监控墙'] : ['站點', '通話', '統計', '監控牆']) expect(found.map(([, t]) => t)).toContain(label);
      expect(found.filter(([, text]) => latinWords(text).length > 0)).toEqual([]);
      expect(problems).toEqual([]);
    });
  }
});

describe('keyboard', () => {
  it('reaches every control of every page with Tab, in order, each with a visible focus ring', async () => {
    const page = await signedInPage('en-US');
    for (const stop of walk) {
      await visit(page, w, stop);
      // Number the page's controls, then Tab from the top until each has had the focus.
      const controls = (await page.evaluate(`(() => {
        const all = [...document.querySelectorAll('a[href], button, input, select, textarea, audio[controls], [tabindex]')];
        const reachable = all.filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0);
        reachable.forEach((el, i) => el.setAttribute('data-kb', String(i)));
        document.activeElement && document.activeElement.blur();
        window.scrollTo(0, 0);
        return reachable.length;
      })()`)) as number;
      expect(controls, stop.name).toBeGreaterThan(5);
      const seen: number[] = [];
      const reached = () => new Set(seen.filter((n) => n >= 0)).size;
      const unringed: number[] = [];
      for (let i = 0; i < controls * 6 && reached() < controls; i++) {
        await page.keyboard.press('Tab');
        const [at, ring] = (await page.evaluate(`(() => {
          const el = document.activeElement;
          const s = el ? getComputedStyle(el) : null;
          // A date field's calendar button is a part of the browser's own: it has the focus without the field matching :focus, and the browser draws its ring.
          const browserPart = el && !el.matches(':focus');
          return [el ? Number(el.getAttribute('data-kb') ?? -1) : -1, browserPart || (s ? s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 : false)];
        })()`)) as [number, boolean];
        if (seen[seen.length - 1] !== at) seen.push(at);
        if (at >= 0 && !ring) unringed.push(at);
      }
      const missed = [...Array(controls).keys()].filter((i) => !seen.includes(i));
      expect(missed, `${stop.name}: controls Tab never reached`).toEqual([]);
      expect(unringed, `${stop.name}: controls focused without a visible ring`).toEqual([]);
      // The order follows the document (no positive tabindex). Tab starts after what was last clicked and wraps round, hence the rotation.
      const order = [...new Set(seen.filter((n) => n >= 0))];
      const rotated = [...order.slice(order.indexOf(0)), ...order.slice(0, order.indexOf(0))];
      expect(rotated, stop.name).toEqual([...Array(controls).keys()]);
    }
  });

  it('starts at a skip link that takes the focus past the navigation', async () => {
    const page = await signedInPage('en-US');
    await page.goto(w.url('/calls'));
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('f-site');
  });
});

describe('at phone width', () => {
  it('scrolls no page sideways (tables scroll inside their box), and keeps the navigation', async () => {
    const page = await signedInPage('en-US', { width: 390, height: 844 });
    for (const stop of walk) {
      await visit(page, w, stop);
      const [scrollWidth, innerWidth] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
      expect(scrollWidth, stop.name).toBeLessThanOrEqual(innerWidth);
      expect(await page.getByRole('navigation').isVisible()).toBe(true);
      await screenshot(page, `phone-${stop.name}`);
    }
  });
});

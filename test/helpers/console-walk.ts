/**
 * Every page of the console, in a state that shows what it can show (results,
 * a record opened, charts drawn, a test event's result, deliveries), for the
 * tests that walk them all: languages, keyboard, phone width, screenshots.
 * And what a page shows as text of the UI (not of the data), read in the page.
 */
import type { Page } from 'playwright-core';
import type { ConsoleWorld } from './console-world.js';

export interface Stop {
  name: string;
  path: string;
  /** Bring the page to the state to look at, once loaded. */
  ready(page: Page): Promise<void>;
}

const visible = (page: Page, selector: string) => page.locator(selector).first().waitFor({ timeout: 15_000 });

export function stops(w: ConsoleWorld, webhookId: string): Stop[] {
  return [
    { name: 'sites', path: '/sites', ready: (p) => visible(p, `tr[data-site="${w.siteId}"] .badge`) },
    {
      name: 'calls',
      path: '/calls?caller=801',
      ready: async (p) => {
        await visible(p, 'table.data tbody tr[data-id]');
        await p.locator('table.data tbody tr[data-id]').first().locator('button[aria-expanded]').click();
        await visible(p, 'tr.details');
      },
    },
    { name: 'calls-cc', path: '/calls?type=cc_cdr', ready: (p) => visible(p, 'table.data[data-type="cc_cdr"] tbody tr[data-id]') },
    { name: 'statistics', path: `/statistics?siteId=${w.siteId}&period=last7`, ready: (p) => visible(p, '#chart-times canvas') },
    { name: 'statistics-queue', path: `/statistics?siteId=${w.siteId}&period=last7&groupBy=queue`, ready: (p) => visible(p, '.stats[data-group-by="queue"] #chart-calls canvas') },
    { name: 'webhooks', path: '/webhooks', ready: (p) => visible(p, `tr[data-webhook="${webhookId}"]`) },
    {
      name: 'webhook',
      path: `/webhooks/${webhookId}`,
      ready: async (p) => {
        await visible(p, '#deliveries-table tbody tr');
        await p.locator('.toolbar button').first().click();
        await visible(p, '#test-result');
        // A delivery's attempts opened, and a replay followed to its end.
        await p.locator('#deliveries-table tbody tr[data-event] button[aria-expanded]').first().click();
        await visible(p, '.attempts table tbody tr');
        await p.locator('section[aria-labelledby="replay"] button[type="submit"]').click();
        await visible(p, '.replay-job[data-status="done"]');
      },
    },
    { name: 'wallboard', path: `/wallboard?site=${w.siteId}`, ready: (p) => visible(p, '.wallboard[data-live="current"] .queue[data-queue="630"] li[data-member]') },
    { name: 'agent-pick', path: '/agent', ready: (p) => visible(p, '#agent-extension') },
    // The lab's 803 in queue 630 (and not in 631): its state, the queue table, the login button, the call forms.
    { name: 'agent', path: `/agent?site=${w.siteId}&extension=803`, ready: (p) => visible(p, '.agent-queues tr[data-queue="630"] .badge') },
    { name: 'not-found', path: '/no-such-page', ready: (p) => visible(p, 'main h1') },
  ];
}

/** Open a stop in a signed-in tab and bring it to its state. */
export async function visit(page: Page, w: ConsoleWorld, stop: Stop): Promise<void> {
  await page.goto(w.url(stop.path));
  await page.locator('main h1').waitFor();
  await stop.ready(page);
}

/**
 * The UI's own text on the page: text nodes and the labels of controls
 * (aria-label, placeholder, title, alt), the options of selects and the
 * document title — everything but what is marked translate="no" (the data).
 */
export function uiTexts(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    const isData = (el) => el.closest('[translate="no"]') !== null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || isData(el) || el.closest('script, style, noscript')) continue;
      const text = (node.textContent || '').trim();
      if (text) out.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
      if (isData(el)) continue;
      for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
        const v = el.getAttribute(name);
        if (v) out.push(v);
      }
    }
    out.push(document.title);
    return out;
  })()`);
}

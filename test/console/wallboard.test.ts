/**
 * The wallboard in a real headless Chromium against the local stack and the
 * PBX simulator: a call the simulator makes appears within 1 s and goes when
 * it ends (the time from the simulator's action to the page's change is
 * measured in the page and printed); a member paused through the box API,
 * and one paused with a reason over AMI, show so; a caller waiting in a queue
 * shows with the time waited, then goes when answered; today's figures are
 * the scenario's; after a network blip the page reconnects with `after` and
 * gets the events it missed, none twice; a stopped relay is said to be offline.
 *
 * WALLBOARD_SCREENSHOT=1 also writes docs/img/console-wallboard.png (the one README shows).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/lib/paths.js';
import { AmiTestClient } from '../../simulator/src/testing/ami-test-client.js';
import { callUp } from '../helpers/box-world.js';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { openSignedIn, waitForText } from '../helpers/console-page.js';
import { cuttableProxy } from '../helpers/cuttable-proxy.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { waitFor } from '../helpers/wait.js';

let w: ConsoleWorld;
let browser: Browser;
let page: Page;
let problems: string[];
const WAIT = { timeoutMs: 15_000, intervalMs: 20 };

beforeAll(async () => {
  [w, browser] = await Promise.all([startConsoleWorld(), launchChromium()]);
  page = await (await newContext(browser, { width: 1200, height: 860 })).newPage();
  problems = pageProblems(page);
  await openSignedIn(page, w, `/wallboard?site=${w.siteId}`);
  await page.locator('.wallboard[data-live="current"]').waitFor({ timeout: 20_000 });
  await page.locator('.queue[data-queue="630"] li[data-member="sip/803"]').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

/**
 * Watch the page for `selector` to appear and then to go, noting the browser's
 * Date.now() at each (the same clock as this process's), so that the time from
 * the simulator's action to what the reader sees is measured, not polled.
 */
async function watch(selector: string): Promise<{ appeared(): Promise<number>; gone(): Promise<number> }> {
  await page.evaluate(`(() => {
    const seen = {};
    window.__watch = seen;
    const check = () => {
      const present = document.querySelector(${JSON.stringify(selector)}) !== null;
      if (present && seen.appeared === undefined) seen.appeared = Date.now();
      if (!present && seen.appeared !== undefined && seen.gone === undefined) seen.gone = Date.now();
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  })()`);
  const read = (key: 'appeared' | 'gone') => () => waitFor(() => page.evaluate<number | undefined>(`window.__watch.${key}`), { ...WAIT, what: `${selector} ${key}` });
  return { appeared: read('appeared'), gone: read('gone') };
}

const member = (iface: string, kind = '') => page.locator(`.queue[data-queue="630"] li[data-member="${iface}"]${kind ? `[data-kind="${kind}"]` : ''}`);
const pause = (m: string, state: 'on' | 'off') => w.call('POST', `/sites/${w.siteId}/coocenter-api/queues/agent-pause`, { token: w.apiKey, form: { queue: '630', member: m, state } });

describe('the wallboard', () => {
  it('shows a simulated call within 1 s of the simulator starting it, its duration running, and drops it within 1 s of its end', async () => {
    const row = '#wall-calls-table tr[data-caller="801"]';
    const seen = await watch(row);
    const started = Date.now();
    const { channels } = await callUp(w.box.sim, '801', '802');
    const appearedMs = (await seen.appeared()) - started;
    await waitForText(page.locator(`${row} td`).nth(1), 'Talking');
    const first = await page.locator(`${row} td.duration`).textContent();
    expect(first).toMatch(/^\d+:\d\d$/);
    await waitFor(async () => (await page.locator(`${row} td.duration`).textContent()) !== first, { ...WAIT, what: 'the duration running' });
    expect(await page.locator(`${row} th`).textContent()).toMatch(/^801\b/);
    expect(await page.locator(`${row} td`).first().textContent()).toMatch(/^802\b/);
    await page.locator('.ext[data-extension="801"]:not([data-kind="idle"])').waitFor();

    await screenshot(page, 'wallboard-call');
    if (process.env.WALLBOARD_SCREENSHOT) {
      const file = join(REPO_ROOT, 'docs', 'img', 'console-wallboard.png');
      mkdirSync(join(REPO_ROOT, 'docs', 'img'), { recursive: true });
      await page.screenshot({ path: file, fullPage: false });
      expect(statSync(file).size).toBeLessThanOrEqual(150 * 1024);
    }

    const ended = Date.now();
    w.box.sim.hangup(channels[0]);
    const goneMs = (await seen.gone()) - ended;
    await page.locator('#wall-no-calls').waitFor();
    console.log(`wallboard: call shown ${appearedMs} ms after the simulator started it, gone ${goneMs} ms after it ended`);
    expect(appearedMs).toBeLessThan(1000);
    expect(goneMs).toBeLessThan(1000);
  });

  it('shows a member paused through the box API, and one paused with a reason over AMI with its reason', async () => {
    expect((await pause('803', 'on')).status).toBe(200);
    await member('sip/803', 'paused').waitFor({ timeout: WAIT.timeoutMs });
    expect(await member('sip/803').locator('.member-state').textContent()).toBe('Paused');
    expect((await pause('803', 'off')).status).toBe(200);
    await member('sip/803', 'ready').waitFor({ timeout: WAIT.timeoutMs });

    // The box API takes no reason; a supervisor's AMI client (or a phone's feature code) can give one.
    const ami = await AmiTestClient.connect(w.box.sim.port);
    try {
      await ami.login();
      await ami.action('QueuePause', { Queue: '630', Interface: 'SIP/805', Paused: 'true', Reason: 'lunch' });
      await waitForText(member('sip/805').locator('.paused-reason'), 'Reason: lunch');
      expect(await member('sip/805').getAttribute('data-kind')).toBe('paused');
      await ami.action('QueuePause', { Queue: '630', Interface: 'SIP/805', Paused: 'false' });
      await member('sip/805', 'ready').waitFor({ timeout: WAIT.timeoutMs });
    } finally {
      ami.close();
    }
  });

  it('shows a caller waiting in the queue with the time waited, then not once answered', async () => {
    for (const m of ['803', '804', '805']) expect((await pause(m, 'on')).status).toBe(200);
    const caller = '.queue[data-queue="630"] .callers li[data-caller="806"]';
    const done = w.box.sim.queueCall('806', '630', { agents: { '804': 'answer' }, agentRingMs: 2000, maxWaitMs: 3_600_000, talkMs: 300_000 });
    await page.locator(caller).waitFor({ timeout: WAIT.timeoutMs });
    const waited = await page.locator(`${caller} .duration`).textContent();
    expect(waited).toMatch(/^\d+:\d\d$/);
    await waitFor(async () => (await page.locator(`${caller} .duration`).textContent()) !== waited, { ...WAIT, what: 'the wait time running' });
    await waitForText(page.locator('#wall-calls-table tr[data-caller="806"] td').nth(1), 'Waiting in a queue');

    expect((await pause('804', 'off')).status).toBe(200);
    await page.locator(caller).waitFor({ state: 'detached', timeout: WAIT.timeoutMs });
    await waitForText(page.locator('#wall-calls-table tr[data-caller="806"] td').nth(3), '804', 'the call answered by 804');
    await member('sip/804', 'inCall').waitFor({ timeout: WAIT.timeoutMs });
    for (const m of ['803', '805']) expect((await pause(m, 'off')).status).toBe(200);
    await done;
    await page.locator('#wall-calls-table tr[data-caller="806"]').waitFor({ state: 'detached', timeout: WAIT.timeoutMs });
  });

  it('shows today’s figures of the scenario, refreshed as calls end', async () => {
    // With the one above (806, answered): one more answered (801), one (802) abandoned after 2 s with no agent answering.
    await w.box.sim.queueCall('801', '630', { agents: { '803': 'answer' }, talkMs: 1000 });
    await w.box.sim.queueCall('802', '630', { abandonAfterMs: 2000, agents: { '803': 'noanswer', '804': 'noanswer', '805': 'noanswer' } });
    const tile = (metric: string) => page.locator(`#wall-today ~ ul.tiles li[data-metric="${metric}"] .tile-value`);
    await waitForText(tile('stats.offered'), '3');
    await waitForText(tile('stats.abandoned'), '1');
    expect(await tile('stats.answered').textContent()).toBe('2');
    expect(await tile('stats.answerRate').textContent()).toBe('66.7%');
    // Speed of answer and service level: the cloud's figures for the same day, in the site's zone.
    const query = new URL(await page.evaluate<string>(`performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/stats?')).pop()`)).search;
    const stats = (await w.tenantApi(`/stats${query}`)).body;
    expect(stats.timezone).toBe(w.timezone);
    expect([stats.total.offered, stats.total.answered, stats.total.abandoned]).toEqual([3, 2, 1]);
    const seconds = new Intl.NumberFormat('en', { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(stats.total.averageSpeedOfAnswer);
    expect(await tile('stats.asa').textContent()).toBe(seconds);
    expect(await tile('stats.serviceLevel').textContent()).toBe(new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(stats.total.serviceLevel));
  });

  it('reconnects after a network blip with after=<the last event id>: the events of a call made meanwhile arrive, none missed or repeated', async () => {
    const proxy = await cuttableProxy(Number(new URL(w.cloud.url).port));
    const other = await (await newContext(browser)).newPage();
    const sockets: string[] = [];
    const events: Array<{ id: string; seq: number; event: string }> = [];
    other.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framereceived', (f) => {
        const m = JSON.parse(String(f.payload));
        if (m.type === 'event') events.push({ id: m.id, seq: m.seq, event: m.data.event });
      });
    });
    try {
      await other.goto(`${proxy.url}/console/wallboard?site=${w.siteId}#key=${encodeURIComponent(w.apiKey)}`);
      await other.locator('.wallboard[data-live="current"][data-stream="open"]').waitFor({ timeout: WAIT.timeoutMs });
      await w.box.sim.call('801', '802', { talkMs: 1000 });
      await waitFor(() => events.find((e) => e.event === 'cdr'), { ...WAIT, what: 'the first call’s events' });

      // The blip: the connection is cut, and the next one held back while a call is made and stored.
      proxy.setDelay(1500);
      proxy.drop();
      await other.locator('[data-note="reconnecting"]').waitFor({ timeout: WAIT.timeoutMs });
      const before = events.length;
      const lastBefore = events[before - 1].id;
      await w.box.sim.call('803', '804', { talkMs: 1000 });
      proxy.setDelay(0);
      await other.locator('.wallboard[data-live="current"][data-stream="open"]').waitFor({ timeout: WAIT.timeoutMs });
      await waitFor(() => events.filter((e) => e.event === 'cdr').length === 2, { ...WAIT, what: 'the second call’s cdr, after the reconnect' });

      expect(sockets).toHaveLength(2);
      expect(new URL(sockets[1]).searchParams.get('after')).toBe(lastBefore);
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i)); // consecutive: no gap, no duplicate
      expect(events.slice(before).map((e) => e.event)).toContain('hangup');
    } finally {
      await other.context().close();
      await proxy.close();
    }
  });

  it('says the relay is offline, and since when, once it stops', async () => {
    await w.stopRelay();
    await page.locator('.wallboard[data-live="stale"][data-reason="relay-offline"]').waitFor({ timeout: WAIT.timeoutMs });
    expect(await page.locator('[data-note="stale"]').textContent()).toMatch(/^The site’s relay is offline since .+: what follows is the state as it was then\.$/);
    expect(await page.locator('.connection .badge').textContent()).toBe('Not current');
    await screenshot(page, 'wallboard-offline');
    expect(problems).toEqual([]);
  });
});

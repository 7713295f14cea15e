/**
 * The console's statistics and webhooks pages in a real headless Chromium
 * against the local stack: queue calls the simulator makes show up as the
 * charts' and tables' totals, equal to what the scenario made and to /stats,
 * the speed of answer and talk time the means of the scenario's waits and
 * talks, the missed caller under the box's reason;
 * their cc_cdr records listed and downloaded as CSV with each caller's
 * queue, agent and outcome; a webhook endpoint is created, tested (its
 * signature checked with the Standard Webhooks library), changed, disabled,
 * its secret rotated, its deliveries listed with their states and attempts,
 * replayed and deleted, each step checked against the API and the receiver.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../analytics/expected.js';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { navigateTo, openSignedIn, tableCells, waitForText } from '../helpers/console-page.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let w: ConsoleWorld;
let browser: Browser;
let page: Page;
let problems: string[];
let receiver: WebhookReceiver;

beforeAll(async () => {
  [w, browser, receiver] = await Promise.all([startConsoleWorld({ steadyClock: true }), launchChromium(), startWebhookReceiver()]);
  page = await (await newContext(browser)).newPage();
  problems = pageProblems(page);
  await openSignedIn(page, w, '/sites');
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await w?.stop();
});

const tile = (label: string) => page.locator(`li.tile[data-metric="${label}"] .tile-value`);

/**
 * The answered queue calls: how long each caller waited for the agent (the agent's phone rang that long, under the
 * lab's ring timeout: 6 s a member in 630, 4 s in 631) and talked.
 */
const ANSWERED = [
  { queue: '630', waitS: 1, talkS: 2 },
  { queue: '630', waitS: 3, talkS: 4 },
  { queue: '630', waitS: 5, talkS: 9 },
  { queue: '631', waitS: 1, talkS: 7 },
];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('statistics', () => {
  beforeAll(async () => {
    // Queue 630: three callers answered by an agent, one who hangs up after 3 s of waiting with no agent answering; queue 631: one answered.
    for (const c of ANSWERED.filter((a) => a.queue === '630')) await w.box.sim.queueCall('801', '630', { agents: { '803': 'answer' }, agentRingMs: c.waitS * 1000, talkMs: c.talkS * 1000 });
    await w.box.sim.queueCall('802', '630', { abandonAfterMs: 3000, agents: { '803': 'noanswer', '804': 'noanswer', '805': 'noanswer' } });
    for (const c of ANSWERED.filter((a) => a.queue === '631')) await w.box.sim.queueCall('808', '631', { agents: { '806': 'answer' }, agentRingMs: c.waitS * 1000, talkMs: c.talkS * 1000 });
    await waitFor(async () => (await w.tenantApi(`/stats?siteId=${w.siteId}&groupBy=queue`)).body.total?.offered === 5, { timeoutMs: 30_000, what: 'the five queue calls counted' });
  });

  it('shows the scenario’s totals in the tiles, the chart’s caption and the table, equal to /stats', async () => {
    const from = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const api = (await w.tenantApi(`/stats?siteId=${w.siteId}&groupBy=hour&timezone=${w.timezone}&from=${from}`)).body;
    expect([api.total.offered, api.total.answered, api.total.abandoned]).toEqual([5, 4, 1]);

    await navigateTo(page, 'Statistics');
    await page.getByLabel('Site').selectOption(w.siteId);
    await page.getByLabel('Period').selectOption('last7');
    const answered = page.waitForResponse((r) => r.url().includes('/stats?') && r.url().includes(`siteId=${w.siteId}`));
    await page.getByRole('button', { name: 'Show' }).click();
    expect((await (await answered).json()).total).toEqual(api.total);
    await waitForText(tile('stats.offered'), '5');
    expect([await tile('stats.answered').textContent(), await tile('stats.abandoned').textContent(), await tile('stats.answerRate').textContent()]).toEqual(['4', '1', '80%']);
    expect(await page.getByText(/Days and hours in/).textContent()).toContain('Asia/Shanghai');

    // The chart is drawn (uPlot's canvas, sized) from the same series its caption sums.
    const chart = page.locator('#chart-calls');
    const width = await waitFor(() => chart.locator('canvas').evaluate((c) => (c as unknown as { width: number }).width).catch(() => 0), { what: 'the calls chart drawn' });
    expect(width).toBeGreaterThan(200);
    expect(await chart.locator('figcaption').textContent()).toBe('In all: 5 offered, 4 answered, 1 abandoned.');
    expect(Number(await chart.locator('.chart-box').getAttribute('data-points'))).toBe(api.groups.length);
    expect(await page.locator('#chart-rates figcaption').textContent()).toBe(`In all: answer rate 80%, service level ${Math.round(api.total.serviceLevel * 1000) / 10}% (answered within 20 s).`);

    const total = page.locator('#stats-table tfoot tr.total');
    expect((await total.locator('td').allTextContents()).slice(0, 4)).toEqual(['5', '4', '1', '80%']);
    // Speed of answer and talk time: the means of what the scenario's answered callers waited and talked (the abandoned caller waited too, but was not answered).
    const asa = `${mean(ANSWERED.map((c) => c.waitS))} sec`;
    const talk = `${mean(ANSWERED.map((c) => c.talkS))} sec`;
    expect([asa, talk]).toEqual(['2.5 sec', '5.5 sec']);
    expect([await tile('stats.asa').textContent(), await tile('stats.averageTalk').textContent()]).toEqual([asa, talk]);
    expect([await total.locator('td[data-metric="stats.asa"]').textContent(), await total.locator('td[data-metric="stats.averageTalk"]').textContent()]).toEqual([asa, talk]);
    expect(await page.locator('#chart-times figcaption').textContent()).toBe(`In all: average speed of answer ${asa}, average talk time ${talk}.`);
    // Why the one caller was missed, by the box's rule: the caller hung up 3 s after joining, under 10 s: MEMBER_CANCEL.
    const byCause = await page.locator('#abandoned-by tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-cause'), Number(r.querySelector('td')?.textContent)]));
    expect(Object.fromEntries(byCause)).toEqual({ MEMBER_CANCEL: 1, NO_AGENT_LOGIN: 0, NO_ASSIGN: 0, NO_AGENT_ANSWER: 0, OTHER: 0 });
    expect(Object.fromEntries(byCause)).toEqual(api.total.abandonedBy);
    await screenshot(page, 'en-statistics');
    // The one README shows (docs/console.png is a copy of it).
    await page.setViewportSize({ width: 1200, height: 1000 });
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'readme-statistics', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('groups by queue, one row per queue with its own figures', async () => {
    await page.getByLabel('By', { exact: true }).selectOption('queue');
    const answered = page.waitForResponse((r) => r.url().includes('/stats?') && r.url().includes('groupBy=queue'));
    await page.getByRole('button', { name: 'Show' }).click();
    expect(new URL((await answered).url()).searchParams.get('timezone')).toBeNull();
    await page.locator('.stats[data-group-by="queue"]').waitFor();
    await page.getByText('Queues and agents are counted per UTC day.').waitFor();
    const rows = await tableCells(page.locator('#stats-table'));
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ['630', '4', '3', '1'],
      ['631', '1', '1', '0'],
    ]);
    // Each queue's speed of answer and talk time (columns 5 and 7), from its own answered callers.
    const of = (queue: string, key: 'waitS' | 'talkS') => `${mean(ANSWERED.filter((c) => c.queue === queue).map((c) => c[key]))} sec`;
    expect(rows.map((r) => [r[5], r[7]])).toEqual([
      [of('630', 'waitS'), of('630', 'talkS')],
      [of('631', 'waitS'), of('631', 'talkS')],
    ]);
    const canvas = page.locator('#chart-calls canvas');
    await canvas.waitFor();
  });
});

describe('the queue calls as call-center records', () => {
  it('lists their cc_cdr records and downloads them as CSV: each caller’s queue, agent and outcome as the scenario made them', async () => {
    await page.goto(w.url('/calls?type=cc_cdr&limit=100'));
    await waitForText(page.locator('p.count'), 'Records on page 1: 5');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cdrs-all-cc_cdr-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    const [header, ...rows] = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const col = (name: string) => header.indexOf(name);
    const bridged = rows.filter((r) => r[col('cdrState')] === 'bridged');
    // Three callers on 630 answered by 803, one on 631 by 806; 802 gave up waiting on 630.
    expect(bridged.map((r) => [r[col('caller')], r[col('queueCode')], r[col('agentCode')]]).sort()).toEqual([
      ['801', '630', '803'],
      ['801', '630', '803'],
      ['801', '630', '803'],
      ['808', '631', '806'],
    ]);
    for (const r of bridged) expect(Number(r[col('talkingTime')]), 'talk time').toBeGreaterThan(0);
    const missed = rows.filter((r) => r[col('cdrState')] !== 'bridged');
    expect(missed.map((r) => [r[col('caller')], r[col('queueCode')], r[col('agentCode')]])).toEqual([['802', '630', '']]);
    expect(missed[0][col('missCause')]).not.toBe('');
    await page.getByRole('status').getByText('CSV downloaded.').waitFor();
  });
});

describe('webhooks', () => {
  let secret = '';
  let webhookId = '';
  const verify = (d: Delivery, key: string) =>
    new StandardWebhook(key).verify(d.raw, { 'webhook-id': String(d.headers['webhook-id']), 'webhook-timestamp': String(d.headers['webhook-timestamp']), 'webhook-signature': String(d.headers['webhook-signature']) }) as { type: string };

  it('creates an endpoint and shows its secret once', async () => {
    await navigateTo(page, 'Webhooks');
    await page.getByText('No endpoints yet').waitFor();
    const form = page.locator('#create');
    await form.getByLabel('Endpoint URL').fill(receiver.url);
    await form.getByLabel('cdr', { exact: true }).check();
    await form.getByLabel('hangup', { exact: true }).check();
    await form.getByLabel('Endpoint URL').press('Enter');
    secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    const listed = (await w.tenantApi('/webhooks')).body.data;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ url: receiver.url, status: 'active', siteIds: null, ordered: false });
    expect([...listed[0].events].sort()).toEqual(['cdr', 'hangup']);
    webhookId = listed[0].id;
    const row = page.locator(`tr[data-webhook="${webhookId}"]`);
    await waitForText(row.locator('td').first(), 'Active');
    // A fresh form for the next endpoint.
    expect(await form.getByLabel('Endpoint URL').inputValue()).toBe('');
    await screenshot(page, 'en-webhooks');
  });

  it('sends a signed test event from the endpoint’s page', async () => {
    await page.locator(`tr[data-webhook="${webhookId}"]`).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }).waitFor();
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await waitForText(page.locator('#test-result'), 'Test event delivered.');
    expect(receiver.deliveries).toHaveLength(1);
    expect(verify(receiver.deliveries[0], secret).type).toBe('test');
  });

  it('lists the deliveries of a call’s events as the API has them, failed ones with their attempts', async () => {
    await w.box.sim.call('801', '802', { talkMs: 1000 });
    await deliveriesSettled(w.cloud, w.box.relay);
    const delivered = (await w.tenantApi(`/webhooks/${webhookId}/deliveries`)).body.data;
    expect(delivered.length).toBeGreaterThanOrEqual(3); // the call's cdr and both legs' hangups
    receiver.respond = () => ({ status: 500 });
    await w.box.sim.call('803', '804', { talkMs: 1000 });
    await deliveriesSettled(w.cloud, w.box.relay);
    receiver.respond = () => ({ status: 200 });
    const all = (await w.tenantApi(`/webhooks/${webhookId}/deliveries`)).body.data as Array<{ eventId: string; status: string; attempts: number }>;
    const failed = all.filter((d) => d.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const rows = page.locator('#deliveries-table tbody tr');
    await waitFor(async () => (await rows.count()) === all.length, { what: `${all.length} deliveries listed` });
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-event'), tr.getAttribute('data-status')]))).toEqual(all.map((d) => [d.eventId, d.status]));

    await page.getByLabel('State').selectOption('failed');
    await waitFor(async () => (await rows.count()) === failed.length, { what: 'only the failed deliveries' });
    const cells = await tableCells(page.locator('#deliveries-table'));
    for (const [i, d] of failed.entries()) expect([cells[i][2], cells[i][3], cells[i][4]]).toEqual(['Failed', String(d.attempts), '500']);
    await screenshot(page, 'en-webhook');
    await page.getByLabel('State').selectOption('');
  });

  it('changes, disables, enables and rotates the endpoint, as the API then shows it', async () => {
    const edit = page.locator('#edit');
    await edit.getByLabel('hangup', { exact: true }).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    expect((await w.tenantApi(`/webhooks/${webhookId}`)).body.events).toEqual(['cdr']);

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    expect((await w.tenantApi(`/webhooks/${webhookId}`)).body.status).toBe('disabled');
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    expect((await w.tenantApi(`/webhooks/${webhookId}`)).body.status).toBe('active');

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await page.getByLabel('Signing secret').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await waitForText(page.locator('#test-result'), 'Test event delivered.');
    // During the rotation both secrets sign.
    const last = receiver.deliveries[receiver.deliveries.length - 1];
    expect(verify(last, rotated).type).toBe('test');
    expect(verify(last, secret).type).toBe('test');
  });

  it('replays the last hour’s stored events with their ids, then deletes the endpoint', async () => {
    // Every cdr this test run made (the endpoint now takes cdr only), under the ids the cloud stored them with.
    const stored = (await w.tenantApi(`/cdrs?siteId=${w.siteId}&limit=1000`)).body.data.map((r: { id: string }) => r.id).sort();
    const before = receiver.deliveries.length;
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const note = page.getByRole('status').getByText(/events queued for delivery/);
    await note.waitFor();
    const enqueued = Number((await note.textContent())!.match(/\d+/)![0]);
    expect(enqueued).toBe(stored.length);
    await receiver.waitForCount(before + enqueued);
    const replayed = receiver.deliveries.slice(before);
    expect(replayed.map((d) => String(d.headers['webhook-id'])).sort()).toEqual(stored);
    expect(new Set(replayed.map((d) => d.body.type))).toEqual(new Set(['cdr']));

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    expect((await w.tenantApi(`/webhooks/${webhookId}`)).status).toBe(404);
    expect(problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});

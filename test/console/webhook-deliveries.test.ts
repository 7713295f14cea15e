/**
 * The webhook page's delivery operations in a real headless Chromium against
 * the local stack and the PBX simulator, with a receiver the test controls:
 * a call's cdr fails at the receiver (500) until the cloud gives up; the page
 * lists it under its state (filtered by the cloud), shows each attempt the
 * receiver saw with its code and the answer's text (as text, not markup);
 * the receiver is fixed, the delivery is resent from the page, the receiver
 * gets it under the same webhook-id and the page follows the row to
 * delivered. Then a replay started from the page is followed to done, and
 * the receiver has every stored cdr again, under its stored id.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { openSignedIn, tableCells, waitForText } from '../helpers/console-page.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** What the broken receiver answers: markup and entities the page must show as they are. */
const BROKEN_ANSWER = '<b id="injected">maintenance</b> & "back soon"';

let w: ConsoleWorld;
let browser: Browser;
let page: Page;
let problems: string[];
let receiver: WebhookReceiver;
let webhookId = '';

const idOf = (d: { headers: Record<string, unknown> }) => String(d.headers['webhook-id']);

beforeAll(async () => {
  [w, browser, receiver] = await Promise.all([startConsoleWorld(), launchChromium(), startWebhookReceiver()]);
  const created = await w.call('POST', `/v1/tenants/${w.tenantId}/webhooks`, { token: w.apiKey, body: { url: receiver.url, events: ['cdr'] } });
  expect(created.status).toBe(201);
  webhookId = created.body.id;
  page = await (await newContext(browser)).newPage();
  problems = pageProblems(page);
  await openSignedIn(page, w, `/webhooks/${webhookId}`);
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await w?.stop();
});

describe('a failed delivery, resent from the page', () => {
  let eventId = '';
  let failedPosts = 0;

  it('lists it under Failed and shows every attempt the receiver answered 500, its answer as text', async () => {
    receiver.respond = () => ({ status: 500, body: BROKEN_ANSWER });
    await w.box.sim.call('801', '802', { talkMs: 1000 });
    await deliveriesSettled(w.cloud, w.box.relay);
    const ids = [...new Set(receiver.deliveries.map(idOf))];
    expect(ids.length).toBeGreaterThan(0);
    eventId = ids[0];
    const posts = receiver.deliveries.filter((d) => idOf(d) === eventId);
    failedPosts = posts.length;
    expect(posts.every((d) => d.answered === 500)).toBe(true);

    // The state filter is the cloud's: the page asks for status=failed.
    const asked = page.waitForResponse((r) => r.url().includes('/deliveries?') && r.url().includes('status=failed'));
    await page.getByLabel('State').selectOption('failed');
    expect((await asked).status()).toBe(200);
    const rows = page.locator('#deliveries-table tbody tr[data-event]');
    await waitFor(async () => (await rows.count()) === ids.length, { what: `the ${ids.length} failed deliveries listed` });
    expect((await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-event'), tr.getAttribute('data-status')]))).sort()).toEqual(ids.map((id) => [id, 'failed']).sort());

    const row = page.locator(`tr[data-event="${eventId}"]`);
    await row.getByRole('button', { name: 'Show attempts' }).click();
    const attempts = page.getByRole('table', { name: `Attempts of ${eventId}` });
    await waitFor(async () => (await attempts.locator('tbody tr').count()) === failedPosts, { what: `${failedPosts} attempts shown` });
    const cells = await tableCells(attempts);
    expect(cells.map((c) => [c[0], c[2]])).toEqual(posts.map((_, i) => [String(i + 1), '500']));
    expect(await attempts.locator('pre.answer').allTextContents()).toEqual(posts.map(() => BROKEN_ANSWER));
    expect(await page.locator('#injected').count()).toBe(0);
    await screenshot(page, 'en-webhook-attempts');
  });

  it('resends it once the receiver is fixed: the receiver gets the same webhook-id, the page shows it delivered', async () => {
    receiver.respond = () => ({ status: 200, body: '{"ok":true}' });
    const before = receiver.deliveries.length;
    const row = page.locator(`tr[data-event="${eventId}"]`);
    await row.getByRole('button', { name: 'Resend' }).click();
    await receiver.waitForCount(before + 1);
    const resent = receiver.deliveries.slice(before);
    expect(resent.map(idOf)).toEqual([eventId]);
    await waitFor(async () => (await row.getAttribute('data-status')) === 'delivered', { timeoutMs: 15_000, what: 'the row followed to delivered' });
    await waitForText(row.locator('td').nth(2), 'Delivered');
    await waitForText(row.locator('td').nth(3), String(failedPosts + 1));
    await waitForText(row.locator('td').nth(4), '200');

    // The open attempts show the new one, numbered on.
    const attempts = page.getByRole('table', { name: `Attempts of ${eventId}` });
    await waitFor(async () => (await attempts.locator('tbody tr').count()) === failedPosts + 1, { what: 'the new attempt shown' });
    const last = (await tableCells(attempts)).at(-1)!;
    expect([last[0], last[2], last[5]]).toEqual([String(failedPosts + 1), '200', '{"ok":true}']);
    expect((await w.tenantApi(`/webhooks/${webhookId}/deliveries/${eventId}`)).body).toMatchObject({ status: 'delivered', attempts: failedPosts + 1, responseCode: 200 });
    await screenshot(page, 'en-webhook-resent');
  });
});

describe('a replay started from the page', () => {
  it('is followed to done, and the receiver gets every stored cdr again under its id', { timeout: 60_000 }, async () => {
    await w.box.sim.call('803', '804', { talkMs: 1000 });
    await deliveriesSettled(w.cloud, w.box.relay);
    const stored = (await w.tenantApi(`/cdrs?siteId=${w.siteId}&limit=1000`)).body.data.map((r: { id: string }) => r.id).sort();
    expect(stored.length).toBeGreaterThanOrEqual(2);

    // Two days back to a minute ahead, in the browser's zone (UTC): one step per site and UTC day it touches, both ends included.
    const minute = 60_000;
    const from = Math.floor((Date.now() - 2 * 86_400_000) / minute) * minute;
    const to = Math.ceil((Date.now() + minute) / minute) * minute;
    const days = Math.floor(to / 86_400_000) - Math.floor(from / 86_400_000) + 1;
    const field = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    await page.getByLabel('From', { exact: true }).fill(field(from));
    await page.getByLabel('To', { exact: true }).fill(field(to));

    const polls: Array<{ status: string; stepsDone: number }> = [];
    page.on('response', (r) => void (r.url().includes('/replays/') && r.json().then((j) => polls.push(j), () => undefined)));
    const before = receiver.deliveries.length;
    const started = page.waitForResponse((r) => r.url().endsWith(`/webhooks/${webhookId}/replay`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const job = await (await started).json();
    expect(job).toMatchObject({ status: 'running', steps: days, from: new Date(from).toISOString(), to: new Date(to).toISOString() });

    const shown = page.locator(`.replay-job[data-job="${job.jobId}"]`);
    await waitFor(async () => (await shown.getAttribute('data-status').catch(() => null)) === 'done', { timeoutMs: 30_000, what: 'the replay shown done' });
    // The page followed the job (GET …/replays/{jobId}) to its end.
    const done = await waitFor(() => polls.find((j) => j.status === 'done'), { what: 'the page to have read the job done' });
    expect(done.stepsDone).toBe(days);
    expect(await shown.locator('progress').evaluate((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max])).toEqual([days, days]);
    await waitForText(shown.locator('label'), `Site-days read: ${days} of ${days}`);
    // Found counts every stored event of the range (the call's other events too); queued, those the endpoint takes: its cdrs.
    await waitForText(shown.getByRole('status'), new RegExp(`^${stored.length} events queued for delivery\\. \\((\\d+) stored events in the range\\.\\)$`));
    const found = Number(/\((\d+) stored/.exec((await shown.getByRole('status').textContent())!)![1]);
    expect(found).toBeGreaterThan(stored.length);

    await receiver.waitForCount(before + stored.length);
    expect(receiver.deliveries.slice(before).map(idOf).sort()).toEqual(stored);
    await screenshot(page, 'en-webhook-replayed');
    expect(problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});

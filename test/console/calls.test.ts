/**
 * The console in a real headless Chromium against the local stack (cloud on
 * DynamoDB Local and fauxqs, a relay on the PBX simulator): signing in and
 * out, the site's relay shown online then offline and its outage listed once
 * it is back (the grace shortened to 2 s), and the call search — the
 * simulator's calls found with the API's filters, paged with the cursor, a
 * record's fields, the events of its call and its recording, and the CSV export checked row by row
 * against the API.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { parseCsv } from '../analytics/expected.js';
import { navigateTo, openSignedIn, tableCells, waitForText } from '../helpers/console-page.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { waitFor } from '../helpers/wait.js';

/** The relay's absence becomes an outage after this long (the product's 30 s, shortened). */
const GRACE_MS = 2_000;

let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [w, browser] = await Promise.all([startConsoleWorld({ outageGraceMs: GRACE_MS }), launchChromium()]);
  context = await newContext(browser);
  page = await context.newPage();
  problems = pageProblems(page);
});
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

/** What the tab keeps of the session, and what the browser keeps beyond it (expressions run in the page). */
const session = async (p: Page) => ({
  tab: (await p.evaluate("sessionStorage.getItem('coocenter.session')")) as string | null,
  kept: (await p.evaluate("localStorage.getItem('coocenter.session')")) as string | null,
});

describe('signing in', () => {
  it('takes the tenant key, for this tab only, opens the page asked for, and signs out', async () => {
    await page.goto(w.url('/calls'));
    const key = page.getByLabel('API key');
    await key.fill('not-a-key');
    await key.press('Enter');
    await page.getByRole('alert').getByText('This is not a tenant API key').waitFor();
    await key.fill(`ck.${w.tenantId}.0123456789abcdefghijklmn`);
    await key.press('Enter');
    await page.getByRole('alert').getByText('The cloud refused this key').waitFor();
    await screenshot(page, 'en-sign-in');

    await key.fill(w.apiKey);
    await key.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Calls' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/calls');
    expect(await session(page)).toEqual({ tab: expect.stringContaining(w.apiKey), kept: null });

    // Another tab of the same browser has its own session storage: not signed in there.
    const other = await context.newPage();
    await other.goto(w.url('/sites'));
    await other.getByLabel('API key').waitFor();
    await other.close();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await session(page)).toEqual({ tab: null, kept: null });
    await page.reload();
    await page.getByLabel('API key').waitFor();
  });

  it('signs in from a sign-in link and takes the key out of the address bar', async () => {
    await openSignedIn(page, w, '/sites');
    await page.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
    expect(page.url()).toBe(w.url('/sites'));
    expect(page.url()).not.toContain(w.apiKey);
  });
});

describe('sites', () => {
  it('shows the site’s relay online with AMI up, its version and time zone, as the API reports them', async () => {
    const api = (await w.tenantApi(`/sites/${w.siteId}`)).body;
    const row = page.locator(`tr[data-site="${w.siteId}"]`);
    await waitForText(row.locator('[data-col="relay"]'), 'Online');
    await waitForText(row.locator('[data-col="ami"]'), 'Up');
    const cells = (await tableCells(page.locator('table.data')))[0];
    expect(cells[0]).toBe(`${w.siteName}${w.siteId}`);
    // The version the relay said in its hello: the project's own, named as its LAN pushes' user-agent.
    const version = `coocenter-relay/${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}`;
    expect(api.relay.version).toBe(version);
    expect(cells[3]).toBe(version);
    expect(cells).toContain('Asia/Shanghai');
    await screenshot(page, 'en-sites');
  });
});

describe('calls', () => {
  const calls = async (query: string) => (await w.tenantApi(`/cdrs?siteId=${w.siteId}&${query}`)).body;

  /** How many cdr records the calls left (Asterisk writes more than one for some calls), as the API counts them. */
  let total = 0;

  beforeAll(async () => {
    // Eleven answered calls and one to a busy phone (the lab's 805), all from 801.
    for (let i = 0; i < 11; i++) await w.box.sim.call('801', '802', { talkMs: 2000 });
    await w.box.sim.call('801', '805');
    await waitFor(async () => (await calls('caller=801&disposition=ANSWERED')).data.length === 11 && (await calls('caller=801&disposition=BUSY')).data.length > 0, {
      timeoutMs: 30_000,
      what: "the calls' cdr records",
    });
    total = (await calls('caller=801&limit=100')).data.length;
  });

  it('finds the simulated calls with the API’s filters and pages through them with the cursor', async () => {
    await navigateTo(page, 'Calls');
    await page.getByLabel('Caller').fill('801');
    await page.getByLabel('Per page').selectOption('10');
    await page.getByLabel('Caller').press('Enter');
    await waitForText(page.locator('p.count'), 'Records on page 1: 10');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ caller: '801', limit: '10' });

    const first = await calls('caller=801&limit=10');
    const ids = () => page.locator('table.data tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(await ids()).toEqual(first.data.map((r: { id: string }) => r.id));
    const cells = await tableCells(page.locator('table.data'));
    expect(cells[0].slice(0, 4)).toEqual([first.data[0].data.starttime, '801', '802', 'Answered']);

    await page.getByRole('button', { name: 'Next page' }).click();
    await waitForText(page.locator('p.count'), `Records on page 2: ${total - 10}`);
    const second = (await w.tenantApi(`/cdrs?cursor=${encodeURIComponent(first.nextCursor)}&limit=10`)).body;
    expect(await ids()).toEqual(second.data.map((r: { id: string }) => r.id));
    expect(second.nextCursor).toBeNull();
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitForText(page.locator('p.count'), 'Records on page 1: 10');

    await page.getByLabel('Disposition').selectOption('BUSY');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const busy = (await calls('caller=801&disposition=BUSY')).data;
    await waitForText(page.locator('p.count'), `Records on page 1: ${busy.length}`);
    for (const row of await tableCells(page.locator('table.data'))) expect(row.slice(1, 4)).toEqual(['801', '805', 'Busy']);
    await screenshot(page, 'en-calls');
  });

  it('shows every field of a record, and plays its recording through the box API', async () => {
    await page.goto(w.url('/calls?caller=801&called=802&limit=10'));
    const row = page.locator('table.data tbody tr[data-id]').first();
    const id = await row.getAttribute('data-id');
    const record = (await calls('caller=801&called=802&limit=10')).data.find((r: { id: string }) => r.id === id);
    expect(record.data.recordfile).not.toBe('');

    await row.getByRole('button', { name: 'Details' }).click();
    const details = page.locator(`#details-${id}`);
    await details.waitFor();
    expect(await details.textContent()).toContain(record.data.uniqueid);
    expect(await row.getByRole('button', { name: 'Details' }).getAttribute('aria-expanded')).toBe('true');

    // The events of its call, loaded on opening: the API's, in seq order, the record's own among them.
    const history = (await w.tenantApi(`/sites/${record.siteId}/calls/${encodeURIComponent(record.call)}/events`)).body;
    expect(history.data.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['dialbegin', 'dialend', 'hangup', 'cdr']));
    const events = details.locator('table.call-events');
    await details.getByRole('heading', { name: 'Events of this call' }).waitFor();
    await events.waitFor();
    expect(await events.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')))).toEqual(history.data.map((e: { id: string }) => e.id));
    const own = (await tableCells(events))[history.data.findIndex((e: { id: string }) => e.id === id)];
    // Event, caller, called, extension, queue, state, flags.
    expect(own.slice(1)).toEqual(['cdr', '801', '802', '–', '–', 'ANSWERED', '–']);
    await screenshot(page, 'en-call-events');

    await row.getByRole('button', { name: 'Play' }).click();
    const audio = row.locator('audio');
    await audio.waitFor();
    expect(await audio.getAttribute('src')).toMatch(/^blob:/);
    // The browser decoded the simulator's WAV (as written to the relay's monitor_dir).
    const duration = await waitFor(() => audio.evaluate((a) => ((a as unknown as { readyState: number }).readyState >= 1 ? (a as unknown as { duration: number }).duration : 0)), {
      timeoutMs: 10_000,
      what: 'the recording decoded',
    });
    const wav = readFileSync(`${w.box.monitorDir}/${record.data.recordfile}`);
    // RIFF header: bytes per second at 28, the data chunk's size at 40.
    expect(duration).toBeCloseTo(wav.readUInt32LE(40) / wav.readUInt32LE(28), 1);
  });

  it('downloads the search as the cloud’s CSV, the same rows as the API’s', async () => {
    await page.goto(w.url('/calls?caller=801'));
    await waitForText(page.locator('p.count'), `Records on page 1: ${total}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cdrs-all-cdr-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    const file = readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = parseCsv(file);
    expect(header.slice(0, 6)).toEqual(['id', 'siteId', 'seq', 'occurredAt', 'callerid', 'source']);
    const json = (await calls('caller=801&limit=100')).data;
    expect(rows.map((r) => r[0])).toEqual(json.map((r: { id: string }) => r.id));
    const col = (name: string) => header.indexOf(name);
    // What the simulator was asked for: eleven answered calls 801 → 802, the rest to the busy 805.
    expect(rows.filter((r) => r[col('disposition')] === 'ANSWERED').map((r) => [r[col('source')], r[col('destination')]])).toEqual(Array.from({ length: 11 }, () => ['801', '802']));
    expect(new Set(rows.filter((r) => r[col('disposition')] !== 'ANSWERED').map((r) => r[col('destination')]))).toEqual(new Set(['805']));
    for (const [i, r] of rows.entries()) {
      expect([r[col('source')], r[col('destination')], r[col('disposition')], r[col('uniqueid')]]).toEqual([json[i].data.source, json[i].data.destination, json[i].data.disposition, json[i].data.uniqueid]);
    }
    await page.getByRole('status').getByText('CSV downloaded.').waitFor();
  });
});

describe('a site whose relay stops', () => {
  it('shows offline, with the AMI state unknown', async () => {
    await navigateTo(page, 'Sites');
    const row = page.locator(`tr[data-site="${w.siteId}"]`);
    await waitForText(row.locator('[data-col="relay"]'), 'Online');
    await w.stopRelay();
    // Watched on the page, refreshed as a reader would (it refreshes itself every 30 s).
    await waitFor(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await row.locator('[data-col="relay"]').textContent())?.trim() === 'Offline';
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'the page to show the relay offline' },
    );
    await waitForText(row.locator('[data-col="ami"]'), 'Unknown');
    // Last seen is now a time, and the reason the connection went is shown as the cloud recorded it.
    const relay = (await w.tenantApi(`/sites/${w.siteId}`)).body.relay;
    expect(relay).toMatchObject({ connected: false, lastSeen: expect.any(String), offlineSince: expect.any(String) });
    const cells = (await tableCells(page.locator('table.data')))[0];
    expect(cells[5]).not.toBe('Now');
    expect(cells[5]).toMatch(/\d/);
    expect(cells[6]).toBe(relay.lastReason ?? '–');
    expect(problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });

  it('lists the outage under Recent outages once the relay is back, from when it went to when it returned', async () => {
    const history = async () => (await w.tenantApi(`/sites/${w.siteId}/outages`)).body.outages as Array<{ kind: string; from: string; to: string | null; reason?: string }>;
    // Announced once the grace is over: ongoing until the relay is back.
    await waitFor(async () => (await history()).length === 1, { timeoutMs: 15_000, what: 'the outage announced' });
    const away = (await w.tenantApi(`/sites/${w.siteId}`)).body.relay;
    await w.startRelay();
    const [outage] = await waitFor(async () => ((await history())[0]?.to ? history() : undefined), { timeoutMs: 15_000, what: 'the outage ended' });
    expect(outage).toMatchObject({ kind: 'relay', from: away.offlineSince, reason: away.lastReason });

    await page.reload();
    const section = page.locator(`details[data-outages="${w.siteId}"]`);
    await section.locator('summary').click();
    const row = section.locator('tr[data-outage="relay"]');
    await waitForText(row.locator('th'), 'Relay offline');
    const [cells] = await tableCells(section.locator('table.data'));
    // Times in the site's zone, to the second: the page's from and to are the API's.
    const clock = (at: string) => new Intl.DateTimeFormat('en-GB', { timeZone: w.timezone, hour: 'numeric', minute: '2-digit', second: '2-digit', hourCycle: 'h12' }).format(new Date(at)).replace(/\s*[ap]m$/i, '');
    expect(cells[1]).toContain(clock(outage.from));
    expect(cells[2]).toContain(clock(outage.to!));
    expect(cells[3]).toBe(outage.reason);
    await screenshot(page, 'en-sites-outages');
    expect(problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});

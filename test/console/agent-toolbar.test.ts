/**
 * The agent toolbar in a real headless Chromium against the local stack, the
 * relay logged in to the PBX simulator (in real time, so a call rings long
 * enough to be seen), with `pop_url` and after-call work in its api.conf.
 * What the toolbar does is checked where it happens: the pause in the PBX's
 * queue (the box API's queue-info; and on a wallboard open in another tab),
 * the call gone from the simulator, the
 * screen pop's request at the CRM (a local HTTP server standing in for it),
 * the URL built here from the scenario's caller, extension, call id and queue.
 * The tests run in order; the last one stops the relay.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { latinWords } from '../../console/src/i18n/latin.js';
import { openSignedIn } from '../helpers/console-page.js';
import { uiTexts } from '../helpers/console-walk.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { waitFor } from '../helpers/wait.js';

const EXT = '803';
const QUEUE = '630';
const RELAY_POP_URL = 'http://crm.example.com/pop?caller={caller}';

let w: ConsoleWorld;
let browser: Browser;
let crm: Server;
const crmSeen: string[] = [];
let crmBase = '';

/** queue-info through the cloud: is the extension paused in the queue, as the PBX says ("1")? */
async function pausedInPbx(): Promise<string | undefined> {
  const r = await w.call('GET', `/sites/${w.siteId}/coocenter-api/queues/queue-info`, { token: w.apiKey });
  return (r.body?.data?.[QUEUE] as Array<{ name: string; paused: string }> | undefined)?.find((m) => m.name === `sip/${EXT}`)?.paused;
}

const row = (page: Page) => page.locator(`.agent-queues tr[data-queue="${QUEUE}"]`);

beforeAll(async () => {
  crm = createServer((req, res) => {
    crmSeen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>CRM</title><h1>Customer</h1>');
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
  crmBase = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  [w, browser] = await Promise.all([
    startConsoleWorld({
      relaySettings: { general: { pop_url: RELAY_POP_URL }, enable: { pausetime: 'yes', wrapup_seconds: 45 } },
      simulator: { timeScale: 1 },
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await w?.stop();
  await new Promise((r) => crm?.close(r));
});

describe('the agent toolbar', () => {
  it("carries the relay's pop_url and wrap-up length to the site, and the site's own popUrl over it", async () => {
    const site = await w.tenantApi(`/sites/${w.siteId}`);
    expect(site.body.relay).toMatchObject({ popUrl: RELAY_POP_URL, wrapupSeconds: 45 });
    const own = `${crmBase}/pop?caller={caller}&called={called}&call={uniqueid}&queue={queue}`;
    const set = await w.call('PATCH', `/v1/tenants/${w.tenantId}/sites/${w.siteId}`, { token: w.apiKey, body: { popUrl: own } });
    expect([set.status, set.body.popUrl]).toEqual([200, own]);
  });

  it('pauses and resumes the extension in the PBX, pops the screen for a ringing call with the pop_url filled in, hangs it up', async () => {
    const context = await newContext(browser, { locale: 'en-US' });
    const page = await context.newPage();
    const problems = pageProblems(page);
    await openSignedIn(page, w, `/agent?site=${w.siteId}&extension=${EXT}`);
    await row(page).waitFor({ timeout: 15_000 });
    expect(await page.locator('.agent-status').textContent()).toBe('Idle');
    expect(await pausedInPbx()).toBe('0');
    // A supervisor's wallboard beside it, in another tab: it shows what the toolbar does.
    const board = await context.newPage();
    await openSignedIn(board, w, `/wallboard?site=${w.siteId}`);
    const onBoard = board.locator(`.wallboard[data-live="current"] .queue[data-queue="${QUEUE}"] li[data-member="sip/${EXT}"]`);
    await onBoard.waitFor({ timeout: 15_000 });

    // 置忙: the PBX has the member paused, and the toolbar shows it from the live state.
    await page.getByRole('button', { name: `Pause in queue ${QUEUE}` }).click();
    await waitFor(async () => (await pausedInPbx()) === '1', { timeoutMs: 10_000, what: 'paused in the PBX' });
    await page.locator(`.agent-queues tr[data-queue="${QUEUE}"][data-paused="1"]`).waitFor({ timeout: 10_000 });
    expect(await row(page).locator('.badge').textContent()).toBe('Paused');
    await board.locator(`.queue[data-queue="${QUEUE}"] li[data-member="sip/${EXT}"][data-kind="paused"]`).waitFor({ timeout: 10_000 });
    await page.getByRole('status').filter({ hasText: 'the PBX took the command' }).waitFor();
    // 置閑 likewise.
    await page.getByRole('button', { name: `Resume in queue ${QUEUE}` }).click();
    await waitFor(async () => (await pausedInPbx()) === '0', { timeoutMs: 10_000, what: 'unpaused in the PBX' });
    await page.locator(`.agent-queues tr[data-queue="${QUEUE}"][data-paused="0"]`).waitFor({ timeout: 10_000 });
    await board.locator(`.queue[data-queue="${QUEUE}"] li[data-member="sip/${EXT}"]:not([data-kind="paused"])`).waitFor({ timeout: 10_000 });
    await board.close();

    // An incoming queue call rings the extension: the pop shows it, and opens the CRM by itself once asked to.
    await page.getByLabel('Open it automatically when a call rings').check();
    const popup = context.waitForEvent('page', { timeout: 20_000 });
    const call = w.box.sim.queueCall('801', QUEUE, { agents: { [EXT]: 'answer', '804': 'noanswer', '805': 'noanswer' }, agentRingMs: 4000, talkMs: Infinity }).catch((e: unknown) => e);
    await page.locator('.agent-pop[data-phase="ringing"]').waitFor({ timeout: 15_000 });
    const caller = w.box.sim.state.channels.find((c) => c.name.startsWith('SIP/801-'));
    if (!caller) throw new Error('no caller channel in the simulator');
    const expected = `${crmBase}/pop?caller=801&called=${EXT}&call=${encodeURIComponent(caller.uniqueid)}&queue=${QUEUE}`;
    // The queue may come with the live state just after the dialbegin: the link is filled in once both are there.
    await page.locator(`a.pop-link[href="${expected}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('.pop-caller').textContent()).toBe('801');
    expect(await page.locator('.pop-queue').textContent()).toBe(QUEUE);
    await screenshot(page, 'agent-screen-pop');
    const opened = await popup;
    await opened.waitForLoadState();
    expect(opened.url()).toBe(expected);
    expect(crmSeen).toContain(expected.slice(crmBase.length));
    await opened.close();

    // Answered (the phone picks up after 4 s): hang up from the toolbar ends the call in the PBX.
    await page.locator('.agent-pop[data-phase="answered"]').waitFor({ timeout: 15_000 });
    await page.locator('.agent-status', { hasText: 'In a call' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Hang up' }).click();
    await waitFor(() => !w.box.sim.state.channels.some((c) => c.name.startsWith(`SIP/${EXT}-`) || c.name.startsWith('SIP/801-')), { timeoutMs: 10_000, what: 'the call gone from the PBX' });
    await call;
    await page.locator('.agent-pop[data-phase="ended"]').waitFor({ timeout: 10_000 });

    // After-call work: the relay paused the agent for 45 s; the toolbar counts it down.
    const countdown = row(page).locator('.countdown');
    await countdown.waitFor({ timeout: 10_000 });
    expect(await countdown.textContent()).toMatch(/^After-call work: 0:(4[0-5]|3\d) left$/);
    expect(await pausedInPbx()).toBe('1');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is usable at phone width (360 px) in Chinese: nothing scrolls sideways, every control is on screen and big enough to tap, no English left', async () => {
    const context = await newContext(browser, { locale: 'zh-CN', width: 360, height: 780 });
    const page = await context.newPage();
    await openSignedIn(page, w, `/agent?site=${w.siteId}&extension=${EXT}`);
    await row(page).waitFor({ timeout: 15_000 });
    const [scrollWidth, innerWidth] = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as [number, number];
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const controls = (await page.evaluate(`[...document.querySelectorAll('main button, main input, main a, main select')].map((el) => {
      const r = el.getBoundingClientRect();
      return { what: el.outerHTML.slice(0, 60), left: r.left, right: r.right, height: r.height };
    })`)) as Array<{ what: string; left: number; right: number; height: number }>;
    expect(controls.length).toBeGreaterThan(5);
    for (const c of controls) {
      expect(c.left, c.what).toBeGreaterThanOrEqual(0);
      expect(c.right, c.what).toBeLessThanOrEqual(360);
    }
    for (const c of controls.filter((x) => !x.what.startsWith('<input type="checkbox"') && !x.what.startsWith('<a href'))) expect(c.height, c.what).toBeGreaterThanOrEqual(36);
    // In Chinese, with the pop's option and the after-call countdown on screen: nothing left in English.
    await row(page).locator('.countdown').waitFor();
    await page.locator('#pop-auto').waitFor();
    expect((await uiTexts(page)).filter((text) => latinWords(text).length > 0)).toEqual([]);
    await screenshot(page, 'phone-360-agent');
    await context.close();
  });
  it('calls out (the PBX rings the extension first) and transfers a call, as the PBX shows', async () => {
    const context = await newContext(browser, { locale: 'en-US' });
    const page = await context.newPage();
    await openSignedIn(page, w, `/agent?site=${w.siteId}&extension=${EXT}`);
    await row(page).waitFor({ timeout: 15_000 });
    const channels = (ext: string) => w.box.sim.state.channels.filter((c) => c.name.startsWith(`SIP/${ext}-`));

    // Click-to-call: the PBX rings the agent's own phone first (the lab's 803 lets it ring).
    await page.getByLabel('Number to call').fill('802');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await waitFor(() => channels(EXT).length === 1, { timeoutMs: 10_000, what: `${EXT} rung by click-to-call` });
    await page.getByRole('status').filter({ hasText: 'the PBX took the command' }).waitFor();
    await page.getByRole('button', { name: 'Hang up' }).click();
    await waitFor(() => channels(EXT).length === 0, { timeoutMs: 10_000, what: 'the click-to-call gone' });

    // Transfer: 801 talks to 803; the toolbar sends 801 on to 800, and 803 drops out.
    const talk = w.box.sim.call('801', EXT, { outcome: 'answer', talkMs: Infinity }).catch((e: unknown) => e);
    await waitFor(() => channels(EXT).some((c) => c.bridgeId), { timeoutMs: 10_000, what: '801 and 803 talking' });
    await page.locator('.agent-status', { hasText: 'In a call' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Transfer the call to').fill('800');
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await waitFor(() => channels('800').length > 0 && channels(EXT).length === 0, { timeoutMs: 10_000, what: '801 sent on to 800' });
    for (const c of w.box.sim.state.channels) w.box.sim.hangup(c.name);
    await talk;
    await waitFor(() => w.box.sim.state.channels.length === 0, { what: 'the PBX idle again' });
    await context.close();
  });

  it('logs the extension in to a queue and out again in the PBX; a command the relay cannot take is refused in words', async () => {
    const context = await newContext(browser, { locale: 'en-US' });
    const page = await context.newPage();
    await openSignedIn(page, w, `/agent?site=${w.siteId}&extension=${EXT}`);
    await row(page).waitFor({ timeout: 15_000 });
    const memberOf631 = async () => {
      const r = await w.call('GET', `/sites/${w.siteId}/coocenter-api/queues/queue-info`, { token: w.apiKey });
      return ((r.body?.data?.['631'] ?? []) as Array<{ name: string }>).some((m) => m.name === `sip/${EXT}`);
    };
    expect(await memberOf631()).toBe(false);
    await page.getByRole('button', { name: 'Log in to queue 631' }).click();
    await waitFor(memberOf631, { timeoutMs: 10_000, what: 'a member of 631 in the PBX' });
    await page.locator('.agent-queues tr[data-queue="631"]').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Log out of queue 631' }).click();
    await waitFor(async () => !(await memberOf631()), { timeoutMs: 10_000, what: 'no longer a member of 631' });
    await page.locator('.agent-queues tr[data-queue="631"]').waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByRole('button', { name: 'Log in to queue 631' }).waitFor();

    // The relay goes away: the toolbar says the state is not current, and a command is refused in the reader's words.
    await w.stopRelay();
    await page.getByRole('status').filter({ hasText: 'The live state is not current' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Log in to queue 631' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toMatch(/^Not available right now \(is the site’s relay online\?\)\./);
    await context.close();
  });
});

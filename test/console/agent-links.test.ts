/**
 * Agent links in a real headless Chromium against the local stack: an
 * administrator creates one on the Sites page with the keyboard; a new tab
 * opened with it lands on that extension's toolbar, with no other page
 * reachable; revoking it on the Sites page signs that tab out on its next
 * request.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, newContext, pageProblems, screenshot } from '../helpers/browser.js';
import { openSignedIn } from '../helpers/console-page.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { waitFor } from '../helpers/wait.js';

let w: ConsoleWorld;
let browser: Browser;
let context: BrowserContext;
let admin: Page;
let problems: string[];

beforeAll(async () => {
  [w, browser] = await Promise.all([startConsoleWorld(), launchChromium()]);
  context = await newContext(browser);
  admin = await context.newPage();
  problems = pageProblems(admin);
});
afterAll(async () => {
  await browser?.close();
  await w?.stop();
});

const links = () => w.call('GET', `/v1/tenants/${w.tenantId}/sites/${w.siteId}/agent-links`, { token: w.apiKey });

it('an administrator creates an agent link; it opens only that extension\'s toolbar, and revoking it signs that tab out', async () => {
  await openSignedIn(admin, w, '/sites');
  const section = admin.locator(`[data-agent-links="${w.siteId}"]`);
  // With the keyboard: open the section, fill the form, submit with Enter.
  await section.locator('summary').focus();
  await admin.keyboard.press('Enter');
  await section.getByText('No agent links for this site yet.').waitFor();
  await section.getByLabel('Extension').fill('804');
  await section.getByLabel('Name (optional)').fill('Eve');
  await section.getByLabel('Expires').selectOption({ label: 'In 90 days' });
  await section.getByLabel('Name (optional)').press('Enter');
  const shown = section.getByRole('textbox', { name: 'Agent link', exact: true });
  await shown.waitFor();
  const link = await shown.inputValue();
  expect(link).toMatch(new RegExp(`^${w.cloud.url}/console/#agent=ck\\.${w.tenantId}\\.key_[a-z0-9]{16}\\.`));
  // The cloud has it, for extension 804, expiring in 90 days; the page lists it.
  const stored = (await links()).body.data;
  expect(stored).toMatchObject([{ extension: '804', name: 'Eve', siteId: w.siteId }]);
  expect(Date.parse(stored[0].expiresAt) - Date.parse(stored[0].createdAt)).toBe(90 * 86_400_000);
  await section.locator(`[data-agent-link="${stored[0].id}"]`).waitFor();
  await screenshot(admin, 'en-agent-links');

  // A new tab opened with the link: the toolbar of 804 at its site, nothing else.
  const agent = await context.newPage();
  const agentProblems = pageProblems(agent);
  await agent.goto(link);
  await agent.locator('.shell-agent main h1').waitFor();
  const at = new URL(agent.url());
  expect([at.pathname, at.searchParams.get('site'), at.searchParams.get('extension'), at.hash]).toEqual(['/console/agent', w.siteId, '804', '']);
  await agent.locator('header.top').getByText('804').waitFor();
  // The toolbar itself, live: 804's state and its queue (the link may read its own extension's state).
  await agent.locator('.agent[data-extension="804"] .agent-queues tr[data-queue="630"]').waitFor({ timeout: 15_000 });
  expect(await agent.getByRole('link', { name: 'Another extension' }).count()).toBe(0);
  expect(await agent.getByRole('navigation').count()).toBe(0);
  expect(JSON.parse((await agent.evaluate("sessionStorage.getItem('coocenter.session')")) as string)).toMatchObject({ kind: 'agent', tenantId: w.tenantId, siteId: w.siteId, extension: '804' });
  await screenshot(agent, 'en-agent-link-toolbar');
  // Another page of the console, typed in the address bar: back to the toolbar.
  for (const path of ['/calls', '/sites', '/webhooks', `/agent?site=${w.siteId}&extension=801`]) {
    await agent.goto(w.url(path));
    await waitFor(() => new URL(agent.url()).search.includes('extension=804') && new URL(agent.url()).pathname === '/console/agent', { what: `${path} sent back to the toolbar` });
    await agent.locator('.shell-agent main h1').waitFor();
    expect(await agent.getByRole('navigation').count()).toBe(0);
  }

  // Revoked on the Sites page: gone from the list, and the agent's tab is signed out on its next request.
  await section.getByRole('button', { name: 'Revoke the agent link Eve (extension 804)' }).click();
  await section.getByText('Agent link Eve revoked: it no longer works.').waitFor();
  await section.getByText('No agent links for this site yet.').waitFor();
  expect((await links()).body.data).toEqual([]);
  await agent.reload();
  await agent.getByText('Your key was refused (revoked or changed): sign in again.').waitFor();
  expect(await agent.evaluate("sessionStorage.getItem('coocenter.session')")).toBeNull();
  expect([...problems, ...agentProblems.filter((p) => !/401/.test(p))]).toEqual([]);
});

/**
 * Driving the console in a browser page: signing in, going to a page,
 * reading what a page shows. Shared by the console's browser tests.
 */
import type { Locator, Page } from 'playwright-core';
import type { ConsoleWorld } from './console-world.js';
import { waitFor } from './wait.js';

/** Open a console path signed in, through a sign-in link (the key travels in the fragment). */
export async function openSignedIn(page: Page, w: ConsoleWorld, path = '/sites'): Promise<void> {
  await page.goto(`${w.url(path)}#key=${encodeURIComponent(w.apiKey)}`);
  await page.locator('main h1').waitFor();
  await page.locator('.shell:not(.shell-out)').waitFor({ timeout: 10_000 });
}

/** Go to a console path the way a user does: through the navigation (no reload). */
export async function navigateTo(page: Page, linkName: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: linkName, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: linkName }).waitFor();
}

/** The trimmed text of each cell of a table's body rows. */
export async function tableCells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));
}

/** Wait until `locator` shows exactly `text` (trimmed). */
export async function waitForText(locator: Locator, text: string | RegExp, what = String(text)): Promise<void> {
  await waitFor(
    async () => {
      const t = ((await locator.textContent({ timeout: 1000 }).catch(() => null)) ?? '').trim();
      return typeof text === 'string' ? t === text : text.test(t);
    },
    { timeoutMs: 15_000, what },
  );
}

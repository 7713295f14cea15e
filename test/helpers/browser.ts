/**
 * A real headless Chromium for the console's tests: Debian's `chromium`
 * (installed by scripts/ensure-system-deps.sh --browser), driven by
 * playwright-core, which never downloads a browser of its own. One browser per
 * test file; pages are reused within it. Playwright gives every launch a
 * fresh, empty profile (its own temporary --user-data-dir).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../infra/lib/paths.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless Chromium as root in a closed network (/work/.library/env/machines/node.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Where the tests write their screenshots (git-ignored). */
export const SCREENSHOTS = join(REPO_ROOT, '.screenshots', 'console');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run sh scripts/ensure-system-deps.sh --browser (npm test does)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface ContextOptions {
  /** The browser's languages (navigator.languages and Accept-Language). */
  locale?: string;
  width?: number;
  height?: number;
}

export async function newContext(browser: Browser, o: ContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: o.locale ?? 'en-US', viewport: { width: o.width ?? 1280, height: o.height ?? 900 }, acceptDownloads: true, timezoneId: 'UTC' });
}

/** A screenshot into SCREENSHOTS (the whole page unless `fullPage: false`), named after what it shows. */
export async function screenshot(page: Page, name: string, o: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: o.fullPage ?? true });
  return path;
}

/** What went wrong in the page (uncaught errors, console errors), to assert it stayed empty. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return problems;
}

/**
 * The console's pages and their paths under /console (real paths, not
 * fragments: the cloud answers index.html for every /console path, and the
 * fragment stays free for sign-in links). One table; the shell maps each page
 * to its component and the navigation to its label.
 */

import { withQuery, type Query } from './url.js';

export const BASE = '/console';

export type PageName = 'sign-in' | 'sites' | 'calls' | 'statistics' | 'webhooks' | 'webhook' | 'wallboard' | 'agent' | 'not-found';

export interface Route {
  page: PageName;
  /** Path parameters (`id` of a webhook). */
  params: Record<string, string>;
  query: URLSearchParams;
}

const TABLE: ReadonlyArray<{ pattern: RegExp; page: PageName; params?: readonly string[] }> = [
  { pattern: /^\/?$/, page: 'sites' },
  { pattern: /^\/sign-in\/?$/, page: 'sign-in' },
  { pattern: /^\/sites\/?$/, page: 'sites' },
  { pattern: /^\/calls\/?$/, page: 'calls' },
  { pattern: /^\/statistics\/?$/, page: 'statistics' },
  { pattern: /^\/webhooks\/?$/, page: 'webhooks' },
  { pattern: /^\/webhooks\/([A-Za-z0-9_.-]{1,128})\/?$/, page: 'webhook', params: ['id'] },
  { pattern: /^\/wallboard\/?$/, page: 'wallboard' },
  { pattern: /^\/agent\/?$/, page: 'agent' },
];

/** The route of a location (pathname under BASE, and its query). */
export function parseLocation(pathname: string, search = ''): Route {
  const query = new URLSearchParams(search);
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : null;
  if (rest !== null && (rest === '' || rest.startsWith('/'))) {
    for (const row of TABLE) {
      const m = row.pattern.exec(rest);
      if (!m) continue;
      const params: Record<string, string> = {};
      (row.params ?? []).forEach((name, i) => (params[name] = m[i + 1]));
      return { page: row.page, params, query };
    }
  }
  return { page: 'not-found', params: {}, query };
}

/** The URL of a console path (`/calls`) with an optional query; empty values are left out. */
export function href(path: string, query: Query = {}): string {
  return BASE + withQuery(path, query);
}

const EVENT = 'coocenter:navigate';

/** Go to a console URL without reloading (history entry, or replacing the current one). */
export function navigate(url: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event(EVENT));
}

/** Call `listener` whenever the location changes (links, back and forward). Returns the unsubscribe. */
export function onNavigate(listener: () => void): () => void {
  addEventListener(EVENT, listener);
  addEventListener('popstate', listener);
  return () => {
    removeEventListener(EVENT, listener);
    removeEventListener('popstate', listener);
  };
}

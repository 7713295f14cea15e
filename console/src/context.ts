/**
 * What every page of a signed-in console uses: the language, the tenant's API
 * (endpoints.ts over the session's key), the tenant's sites (loaded once by
 * the shell, reloaded by the Sites page), and signing out. Plus the small hook
 * the pages load their data with.
 */

import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Tenant } from './api/endpoints.js';
import type { Site } from './api/types.js';
import type { Locale, Translate } from './i18n/index.js';

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale(locale: Locale): void;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside the console shell');
  return v;
}

export interface Console {
  tenant: Tenant;
  /** The tenant's sites, once loaded (every page's site choice uses them). */
  sites: Site[] | undefined;
  sitesError: unknown;
  reloadSites(): void;
  signOut(): void;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const v = useContext(ConsoleContext);
  if (!v) throw new Error('useConsole outside a signed-in console');
  return v;
}

/** The zone a site's times are in: its own, or UTC for all sites together. */
export function zoneOf(sites: readonly Site[] | undefined, siteId: string): string {
  return sites?.find((s) => s.id === siteId)?.timezone ?? 'UTC';
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * Data a page loads: `load` runs again whenever `key` changes (or on reload);
 * an answer that arrives after a newer request started is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === latest.current && setState({ data, loading: false }),
      (error: unknown) => mine === latest.current && setState({ error, loading: false }),
    );
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

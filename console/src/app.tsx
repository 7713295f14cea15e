/**
 * The console's shell: the language, the session, the route; a header (the
 * tenant, the language switcher, sign-out), the navigation and the page. Not
 * signed in, every path shows the sign-in form, and the page asked for
 * follows the sign-in. An agent link's session gets its own shell
 * (agent-shell.tsx): the toolbar only.
 */

import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiClient } from './api/client.js';
import { Tenant } from './api/endpoints.js';
import { Data, Link } from './components/ui.js';
import { ConsoleContext, I18nContext, useI18n, useLoad, type Console, type I18n } from './context.js';
import { isLocale, loadCatalog, LOCALE_NAMES, LOCALES, pickLocale, translate, type Catalog, type Locale, type MessageId } from './i18n/index.js';
import { CallsPage } from './pages/calls.js';
import { AgentPage } from './pages/agent.js';
import { WallboardPage } from './pages/wallboard.js';
import { NotFoundPage } from './pages/not-found.js';
import { SignInPage } from './pages/sign-in.js';
import { SitesPage } from './pages/sites.js';
import { StatisticsPage } from './pages/statistics.js';
import { WebhookPage } from './pages/webhook.js';
import { WebhooksPage } from './pages/webhooks.js';
import { navigate, onNavigate, parseLocation, href, type PageName, type Route } from './router.js';
import { AgentShell } from './agent-shell.js';
import { clearSession, loadSession, saveSession, signInFragment, type Session, type TenantSession } from './session.js';

const LANGUAGE_KEY = 'coocenter.language';

/** The navigation, in order; `pages` are the routes that mark the item as current. */
const NAV: ReadonlyArray<{ path: string; label: MessageId; pages: readonly PageName[] }> = [
  { path: '/sites', label: 'nav.sites', pages: ['sites'] },
  { path: '/calls', label: 'nav.calls', pages: ['calls'] },
  { path: '/statistics', label: 'nav.statistics', pages: ['statistics'] },
  { path: '/webhooks', label: 'nav.webhooks', pages: ['webhooks', 'webhook'] },
  { path: '/wallboard', label: 'nav.wallboard', pages: ['wallboard'] },
  { path: '/agent', label: 'nav.agent', pages: ['agent'] },
];

const PAGES: Record<Exclude<PageName, 'sign-in'>, ComponentType<{ route: Route }>> = {
  sites: SitesPage,
  calls: CallsPage,
  statistics: StatisticsPage,
  webhooks: WebhooksPage,
  webhook: WebhookPage,
  wallboard: WallboardPage,
  agent: AgentPage,
  'not-found': NotFoundPage,
};

function initialLocale(): Locale {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  return isLocale(saved) ? saved : pickLocale(navigator.languages ?? [navigator.language]);
}

/** A sign-in link's key, taken out of the address bar before anything else runs. */
function takeLinkKey(): string | undefined {
  const found = signInFragment(location.hash);
  if (found) history.replaceState(null, '', location.pathname + location.search);
  return found?.key;
}

export function App() {
  // The language and its catalog, set together once the catalog is loaded.
  const [language, setLanguage] = useState<{ locale: Locale; catalog: Catalog } | undefined>();
  const [session, setSession] = useState<Session | undefined>(() => loadSession(sessionStorage));
  const [linkKey] = useState(takeLinkKey);
  const [signedOutBecause, setSignedOutBecause] = useState<MessageId | undefined>();
  const [route, setRoute] = useState(() => parseLocation(location.pathname, location.search));

  useEffect(() => onNavigate(() => setRoute(parseLocation(location.pathname, location.search))), []);
  const choose = useCallback((locale: Locale) => {
    void loadCatalog(locale).then((catalog) => {
      document.documentElement.lang = locale;
      setLanguage({ locale, catalog });
    });
  }, []);
  useEffect(() => choose(initialLocale()), []);

  const i18n = useMemo<I18n | undefined>(
    () =>
      language && {
        locale: language.locale,
        t: (id, params) => translate(language.catalog, id, params),
        setLocale: (l) => {
          localStorage.setItem(LANGUAGE_KEY, l);
          choose(l);
        },
      },
    [language],
  );

  const signIn = useCallback((s: Session) => {
    saveSession(sessionStorage, s);
    setSignedOutBecause(undefined);
    setSession(s);
  }, []);
  const signOut = useCallback((because?: MessageId) => {
    clearSession(sessionStorage);
    setSignedOutBecause(because);
    setSession(undefined);
  }, []);

  if (!i18n) return null;
  return (
    <I18nContext.Provider value={i18n}>
      {session?.kind === 'agent' ? (
        <AgentShell key={session.key} session={session} route={route} signOut={signOut} languageSwitch={<LanguageSwitch />} />
      ) : session ? (
        <SignedIn key={session.key} session={session} route={route} signOut={signOut} />
      ) : (
        <SignedOut linkKey={linkKey} because={signedOutBecause} onSignIn={signIn} />
      )}
    </I18nContext.Provider>
  );
}

function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div class="language">
      <label for="language">{t('shell.language')}</label>
      <select id="language" value={locale} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l} translate={false}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

function SignedOut({ linkKey, because, onSignIn }: { linkKey?: string; because?: MessageId; onSignIn(s: Session): void }) {
  return (
    <div class="shell shell-out">
      <header class="top">
        <span class="brand" translate={false}>
          coocenter
        </span>
        <LanguageSwitch />
      </header>
      <main id="main" tabIndex={-1}>
        <SignInPage linkKey={linkKey} because={because} onSignIn={onSignIn} />
      </main>
    </div>
  );
}

function SignedIn({ session, route, signOut }: { session: TenantSession; route: Route; signOut(because?: MessageId): void }) {
  const { t } = useI18n();
  const tenant = useMemo(() => new Tenant(apiClient(session.key, () => signOut('signIn.expired')), session.tenantId), [session.key]);
  const sites = useLoad(() => tenant.sites(), session.key);
  const value = useMemo<Console>(
    () => ({
      tenant,
      sites: sites.data,
      sitesError: sites.error,
      reloadSites: sites.reload,
      signOut: () => signOut(),
    }),
    [tenant, sites.data, sites.error],
  );

  // After a navigation (not the first render), move focus to the new page's heading, as a page load would.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route.page, route.params.id]);

  // Signed in, the sign-in page has nothing to do: go to the sites.
  useEffect(() => {
    if (route.page === 'sign-in') navigate(href('/sites'), { replace: true });
  }, [route.page]);
  if (route.page === 'sign-in') return null;
  const PageView = PAGES[route.page];
  return (
    <ConsoleContext.Provider value={value}>
      <div class="shell">
        <a class="skip" href="#main">
          {t('shell.skip')}
        </a>
        <header class="top">
          <Link to="/sites" class="brand" translate={false}>
            coocenter
          </Link>
          <span class="tenant">
            {t('shell.tenant')} <Data>{session.tenantId}</Data>
          </span>
          <LanguageSwitch />
          <button type="button" class="secondary" onClick={() => signOut()}>
            {t('shell.signOut')}
          </button>
        </header>
        <nav class="nav" aria-label={t('shell.navigation')}>
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <Link to={item.path} current={item.pages.includes(route.page)}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <PageView route={route} />
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}

/**
 * The console of an agent link: the toolbar of its one extension and nothing
 * else. No navigation; any other console path leads back to the toolbar
 * (the cloud would refuse everything those pages ask for anyway). A 401 —
 * the link revoked or expired — signs the tab out, as for a tenant key.
 */

import type { ComponentChildren } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { siteOf } from './api/agent-links.js';
import { apiClient } from './api/client.js';
import { Tenant } from './api/endpoints.js';
import { Data } from './components/ui.js';
import { ConsoleContext, useI18n, useLoad, type Console } from './context.js';
import type { MessageId } from './i18n/index.js';
import { AgentToolbarPage } from './pages/agent.js';
import { BASE, navigate, type Route } from './router.js';
import { agentHome, type AgentSession } from './session.js';

/** Whether a route is the session's own toolbar. */
export function isAgentHome(route: Route, session: AgentSession): boolean {
  return route.page === 'agent' && route.query.get('site') === session.siteId && route.query.get('extension') === session.extension;
}

export function AgentShell({ session, route, signOut, languageSwitch }: { session: AgentSession; route: Route; signOut(because?: MessageId): void; languageSwitch: ComponentChildren }) {
  const { t } = useI18n();
  const tenant = useMemo(() => new Tenant(apiClient(session.key, () => signOut('signIn.expired')), session.tenantId), [session.key]);
  const site = useLoad(() => siteOf(tenant, session.siteId), session.key);
  const value = useMemo<Console>(
    () => ({ tenant, sites: site.data && [site.data], sitesError: site.error, reloadSites: site.reload, signOut: () => signOut() }),
    [tenant, site.data, site.error],
  );
  const home = isAgentHome(route, session);
  useEffect(() => {
    if (!home) navigate(BASE + agentHome(session), { replace: true });
  }, [home]);
  if (!home) return null;
  return (
    <ConsoleContext.Provider value={value}>
      <div class="shell shell-agent" data-session="agent">
        <header class="top">
          <span class="brand" translate={false}>
            coocenter
          </span>
          <span class="tenant">
            {t('agentLink.signedInAs')} <Data>{session.extension}</Data>
            {site.data ? (
              <>
                {' · '}
                <Data>{site.data.name}</Data>
              </>
            ) : null}
          </span>
          {languageSwitch}
          <button type="button" class="secondary" onClick={() => signOut()}>
            {t('shell.signOut')}
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          <AgentToolbarPage siteId={session.siteId} extension={session.extension} />
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}

/**
 * Sites: each site's relay (online or offline, since when, its version, when
 * it was last heard from and why it went), its AMI session, its time zone;
 * each site's recent outages (site-outages.tsx) and agent links
 * (agent-links.tsx). Refreshed every 30 s while open; the live view comes
 * with the wallboard (issue 13's stream).
 */

import { useEffect } from 'preact/hooks';
import type { Site } from '../api/types.js';
import { Badge, Data, ErrorNote, Loading, Page, TableRegion } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';
import { formatInstant, NONE } from '../format.js';
import type { Route } from '../router.js';
import { AgentLinks } from './agent-links.js';
import { SiteOutagesSection } from './site-outages.js';

const REFRESH_MS = 30_000;

export function SitesPage(_: { route: Route }) {
  const { t } = useI18n();
  const { sites, sitesError, reloadSites } = useConsole();

  useEffect(() => {
    reloadSites();
    const timer = setInterval(reloadSites, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <Page
      title={t('sites.title')}
      actions={
        <button type="button" class="secondary" onClick={reloadSites}>
          {t('common.refresh')}
        </button>
      }
    >
      <ErrorNote error={sitesError} />
      {sites === undefined ? sitesError ? null : <Loading /> : sites.length === 0 ? <p>{t('sites.none')}</p> : <SitesTable sites={sites} />}
    </Page>
  );
}

function SitesTable({ sites }: { sites: Site[] }) {
  const { t, locale } = useI18n();
  const when = (at: string | null | undefined, site: Site) => (at ? formatInstant(at, site.timezone, locale) : NONE);
  return (
    <>
      <TableRegion label={t('sites.title')}>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('sites.site')}</th>
              <th scope="col">{t('sites.relay')}</th>
              <th scope="col">{t('sites.ami')}</th>
              <th scope="col">{t('sites.version')}</th>
              <th scope="col">{t('sites.since')}</th>
              <th scope="col">{t('sites.lastSeen')}</th>
              <th scope="col">{t('sites.lastReason')}</th>
              <th scope="col">{t('sites.timezone')}</th>
            </tr>
          </thead>
          <tbody>
            {sites.map((site) => {
              const r = site.relay;
              return (
                <tr key={site.id} data-site={site.id}>
                  <th scope="row">
                    <Data class="strong">{site.name}</Data>
                    <br />
                    <Data class="id">{site.id}</Data>
                  </th>
                  <td data-col="relay">{r.connected ? <Badge tone="ok">{t('sites.online')}</Badge> : <Badge tone="bad">{t('sites.offline')}</Badge>}</td>
                  <td data-col="ami">
                    {!r.connected ? <Badge tone="muted">{t('sites.amiUnknown')}</Badge> : r.amiConnected ? <Badge tone="ok">{t('sites.amiUp')}</Badge> : <Badge tone="bad">{t('sites.amiDown')}</Badge>}
                  </td>
                  <td>{r.version ? <Data>{r.version}</Data> : NONE}</td>
                  <td>{r.connected ? when(r.since, site) : when(r.offlineSince, site)}</td>
                  <td>{r.connected ? t('sites.now') : when(r.lastSeen, site)}</td>
                  <td>{r.lastReason ? <Data>{r.lastReason}</Data> : NONE}</td>
                  <td>
                    <Data>{site.timezone}</Data>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableRegion>
      {sites.map((site) => (
        <SiteOutagesSection key={site.id} site={site} />
      ))}
      {sites.map((site) => (
        <AgentLinks key={site.id} site={site} />
      ))}
    </>
  );
}

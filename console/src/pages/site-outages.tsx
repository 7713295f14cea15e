/**
 * A site's recent outages, on the Sites page: the last 7 days of relay
 * offline and AMI down periods as the cloud paired them from its outage
 * events (GET …/outages), newest first. Read when the section is opened, and
 * again with *Refresh*.
 */

import { useState } from 'preact/hooks';
import { siteOutages } from '../api/outages.js';
import type { Site } from '../api/types.js';
import { Data, ErrorNote, Loading, TableRegion } from '../components/ui.js';
import { useConsole, useI18n, useLoad } from '../context.js';
import { formatInstant, NONE } from '../format.js';

export function SiteOutagesSection({ site }: { site: Site }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details class="card" data-outages={site.id} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        {t('outages.title')} <Data>{site.name}</Data>
      </summary>
      {open ? <OutagesBody site={site} /> : null}
    </details>
  );
}

function OutagesBody({ site }: { site: Site }) {
  const { t, locale } = useI18n();
  const { tenant } = useConsole();
  const outages = useLoad(() => siteOutages(tenant, site.id), site.id);
  const when = (at: string) => formatInstant(at, site.timezone, locale);
  const list = outages.data?.outages;
  return (
    <>
      <p>
        {t('outages.intro')}{' '}
        <button type="button" class="secondary" onClick={outages.reload}>
          {t('common.refresh')}
        </button>
      </p>
      <ErrorNote error={outages.error} />
      {list === undefined ? (
        outages.error ? null : <Loading />
      ) : list.length === 0 ? (
        <p>{t('outages.none')}</p>
      ) : (
        <TableRegion label={t('outages.list', { site: site.name })}>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('outages.kind')}</th>
                <th scope="col">{t('outages.from')}</th>
                <th scope="col">{t('outages.to')}</th>
                <th scope="col">{t('outages.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((o) => (
                <tr key={`${o.kind}-${o.from}`} data-outage={o.kind}>
                  <th scope="row">{o.kind === 'relay' ? t('outages.relay') : t('outages.ami')}</th>
                  <td>{when(o.from)}</td>
                  <td>{o.to ? when(o.to) : t('outages.ongoing')}</td>
                  <td>{o.reason ? <Data>{o.reason}</Data> : NONE}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}

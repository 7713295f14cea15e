/**
 * Webhooks: the tenant's endpoints (state, what they receive) and a new one.
 * An endpoint's own page (webhook.tsx) changes, tests and replays it and
 * lists its deliveries.
 */

import { useState } from 'preact/hooks';
import type { Site, Webhook } from '../api/types.js';
import { Badge, Data, ErrorNote, Link, Loading, Page, TableRegion } from '../components/ui.js';
import { useConsole, useI18n, useLoad } from '../context.js';
import { formatInstant, localZone } from '../format.js';
import type { Route } from '../router.js';
import { NEW_WEBHOOK, SecretOnce, WebhookForm } from './webhook-form.js';

/** The names of the sites an endpoint hears from ("all" when it names none). */
export function sitesText(w: Pick<Webhook, 'siteIds'>, sites: Site[] | undefined): string | undefined {
  if (!w.siteIds) return undefined;
  return w.siteIds.map((id) => sites?.find((s) => s.id === id)?.name ?? id).join(', ');
}

export function WebhookState({ webhook }: { webhook: Webhook }) {
  const { t } = useI18n();
  if (webhook.status === 'disabled') return <Badge tone="bad">{t('webhooks.disabled')}</Badge>;
  if (webhook.failingSince) return <Badge tone="warn">{t('webhooks.failing')}</Badge>;
  return <Badge tone="ok">{t('webhooks.active')}</Badge>;
}

export function WebhooksPage(_: { route: Route }) {
  const { t, locale } = useI18n();
  const { tenant, sites } = useConsole();
  const list = useLoad(() => tenant.webhooks(), 'webhooks');
  const [created, setCreated] = useState<(Webhook & { secret: string }) | undefined>();
  const [creating, setCreating] = useState<{ busy: boolean; error?: unknown; round: number }>({ busy: false, round: 0 });

  const create = async (input: typeof NEW_WEBHOOK) => {
    setCreating((c) => ({ ...c, busy: true, error: undefined }));
    try {
      setCreated(await tenant.createWebhook(input));
      // A fresh, empty form for the next one.
      setCreating((c) => ({ busy: false, round: c.round + 1 }));
      list.reload();
    } catch (error) {
      setCreating((c) => ({ ...c, busy: false, error }));
    }
  };

  return (
    <Page title={t('webhooks.title')}>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.length === 0 ? <p>{t('webhooks.none')}</p> : null}
      {list.data && list.data.length > 0 ? (
        <TableRegion label={t('webhooks.title')}>
          <table class="data" id="webhooks-table">
            <thead>
              <tr>
                <th scope="col">{t('webhooks.url')}</th>
                <th scope="col">{t('webhooks.state')}</th>
                <th scope="col">{t('webhooks.events')}</th>
                <th scope="col">{t('webhooks.sites')}</th>
                <th scope="col">{t('webhooks.orderedShort')}</th>
                <th scope="col">{t('webhooks.created')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((w) => (
                <tr key={w.id} data-webhook={w.id}>
                  <th scope="row">
                    <Link to={`/webhooks/${encodeURIComponent(w.id)}`}>
                      <Data>{w.url}</Data>
                    </Link>
                  </th>
                  <td>
                    <WebhookState webhook={w} />
                  </td>
                  <td>{w.events ? <Data>{w.events.join(', ')}</Data> : t('webhooks.allEvents')}</td>
                  <td>{w.siteIds ? <Data>{sitesText(w, sites)}</Data> : t('common.allSites')}</td>
                  <td>{w.ordered ? t('common.yes') : t('common.no')}</td>
                  <td>
                    {formatInstant(w.createdAt, localZone(), locale)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      <section class="card" aria-labelledby="new-webhook">
        <h2 id="new-webhook">{t('webhooks.new')}</h2>
        {created ? <SecretOnce secret={created.secret} note={t('webhooks.createdSecret')} /> : null}
        <WebhookForm key={creating.round} id="create" initial={NEW_WEBHOOK} submitLabel={t('webhooks.create')} busy={creating.busy} onSubmit={create} />
        <ErrorNote error={creating.error} />
      </section>
    </Page>
  );
}

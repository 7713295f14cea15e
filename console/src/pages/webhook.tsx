/**
 * One webhook endpoint: its settings (change them), enable or disable it,
 * rotate its secret, send it a test event, delete it; replay a time range of
 * stored events (replay.tsx); and its deliveries (deliveries.tsx).
 */

import { useState } from 'preact/hooks';
import type { TestSendResult } from '../api/types.js';
import { Data, ErrorNote, Link, Loading, Page, StatusNote } from '../components/ui.js';
import { useConsole, useI18n, useLoad } from '../context.js';
import { formatInstant, localZone, formatMs } from '../format.js';
import { href, navigate, type Route } from '../router.js';
import { Deliveries } from './deliveries.js';
import { Replay } from './replay.js';
import { SecretOnce, WebhookForm } from './webhook-form.js';
import { WebhookState } from './webhooks.js';

type Outcome = { kind: 'saved' } | { kind: 'secret'; secret: string; hours: number } | { kind: 'test'; result: TestSendResult } | { kind: 'error'; error: unknown };

export function WebhookPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { tenant } = useConsole();
  const id = route.params.id;
  const hook = useLoad(() => tenant.webhook(id), id);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [round, setRound] = useState(0);

  /** Run one action; the page shows its outcome and reloads the endpoint. */
  const act = async (run: () => Promise<Outcome | undefined>) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      setOutcome(await run());
      hook.reload();
    } catch (error) {
      setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };

  const w = hook.data;
  return (
    <Page title={t('webhook.title')} actions={<Link to="/webhooks">{t('webhook.back')}</Link>}>
      <ErrorNote error={hook.error} />
      {hook.loading && !w ? <Loading /> : null}
      {w ? (
        <>
          <div class="card">
            <p class="webhook-head">
              <Data class="strong">{w.url}</Data> <WebhookState webhook={w} />
            </p>
            {w.disabledReason ? (
              <p>
                {t('webhook.disabledReason')} <Data>{w.disabledReason}</Data>
              </p>
            ) : null}
            {w.failingSince ? (
              <p>
                {t('webhook.failingSince')} <FailingSince at={w.failingSince} />
              </p>
            ) : null}
            <div class="toolbar">
              <button type="button" disabled={busy} onClick={() => act(async () => ({ kind: 'test', result: await tenant.testWebhook(w.id) }))}>
                {t('webhook.test')}
              </button>
              <button type="button" class="secondary" disabled={busy} onClick={() => act(async () => (await tenant.updateWebhook(w.id, { enabled: w.status !== 'active' }), { kind: 'saved' }))}>
                {w.status === 'active' ? t('webhook.disable') : t('webhook.enable')}
              </button>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  act(async () => {
                    const r = await tenant.rotateSecret(w.id);
                    return { kind: 'secret', secret: r.secret, hours: r.previousSecretValidForHours };
                  })
                }
              >
                {t('webhook.rotate')}
              </button>
              {confirmDelete ? (
                <span class="confirm" role="group" aria-label={t('webhook.confirmDelete')}>
                  {t('webhook.confirmDelete')}{' '}
                  <button type="button" class="danger" disabled={busy} onClick={() => act(async () => (await tenant.deleteWebhook(w.id), navigate(href('/webhooks')), undefined))}>
                    {t('webhook.deleteYes')}
                  </button>{' '}
                  <button type="button" class="secondary" onClick={() => setConfirmDelete(false)}>
                    {t('common.cancel')}
                  </button>
                </span>
              ) : (
                <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
                  {t('webhook.delete')}
                </button>
              )}
            </div>
            <OutcomeNote outcome={outcome} />
          </div>
          <section class="card" aria-labelledby="edit-webhook">
            <h2 id="edit-webhook">{t('webhook.settings')}</h2>
            <WebhookForm
              key={`${w.id}-${w.updatedAt}-${round}`}
              id="edit"
              initial={{ url: w.url, events: w.events, siteIds: w.siteIds, ordered: w.ordered }}
              submitLabel={t('common.save')}
              busy={busy}
              onSubmit={(v) => act(async () => (await tenant.updateWebhook(w.id, v), setRound((r) => r + 1), { kind: 'saved' }))}
            />
          </section>
          <Replay webhook={w} />
          <Deliveries webhookId={w.id} />
        </>
      ) : null}
    </Page>
  );
}

function FailingSince({ at }: { at: string }) {
  const { locale } = useI18n();
  return <>{formatInstant(at, localZone(), locale)}</>;
}

function OutcomeNote({ outcome }: { outcome: Outcome | undefined }) {
  const { t, locale } = useI18n();
  if (!outcome) return null;
  switch (outcome.kind) {
    case 'saved':
      return <StatusNote>{t('webhook.saved')}</StatusNote>;
    case 'secret':
      return <SecretOnce secret={outcome.secret} note={t('webhook.rotated', { hours: outcome.hours })} />;
    case 'error':
      return <ErrorNote error={outcome.error} />;
    case 'test': {
      const r = outcome.result;
      return (
        <StatusNote tone={r.delivered ? 'ok' : 'bad'}>
          <span id="test-result">{r.delivered ? t('webhook.testDelivered') : t('webhook.testFailed')}</span> {t('webhook.testCode')} <Data>{r.responseCode ?? '–'}</Data>, {formatMs(r.latencyMs, locale)}
          {r.error ? (
            <>
              {' '}
              <Data class="detail">({r.error})</Data>
            </>
          ) : null}
        </StatusNote>
      );
    }
  }
}

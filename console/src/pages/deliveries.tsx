/**
 * An endpoint's deliveries, newest first: each event's state, attempts, the
 * last answer (code, latency, error) and the next try; more pages on demand,
 * and a state filter over what is loaded. Seams for issue 12: the filter
 * moves to the cloud (`?status=`), a row opens its attempt history
 * (`GET …/deliveries/{eventId}`), and `rowAction` gets a Resend button
 * (`POST …/deliveries/{eventId}/resend`).
 */

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '../api/types.js';
import { Badge, Data, ErrorNote, Field, Loading, TableRegion, type Tone } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';
import { formatInstant, localZone, formatMs, NONE } from '../format.js';
import { DELIVERY_LABEL } from '../labels.js';

const PAGE = 50;
const TONE: Record<DeliveryStatus, Tone> = { pending: 'muted', delivered: 'ok', retrying: 'warn', failed: 'bad', skipped: 'muted' };

export function Deliveries({ webhookId, rowAction }: { webhookId: string; rowAction?: (d: Delivery) => ComponentChildren }) {
  const { t, locale } = useI18n();
  const { tenant } = useConsole();
  const [rows, setRows] = useState<Delivery[] | undefined>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [status, setStatus] = useState<'' | DeliveryStatus>('');

  const load = async (cursor?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await tenant.deliveries(webhookId, { limit: PAGE, cursor });
      setRows((old) => (cursor ? [...(old ?? []), ...page.data] : page.data));
      setNext(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(), [webhookId]);

  const shown = (rows ?? []).filter((d) => status === '' || d.status === status);
  return (
    <section class="card" aria-labelledby="deliveries">
      <div class="section-head">
        <h2 id="deliveries">{t('deliveries.title')}</h2>
        <div class="toolbar">
          <Field id="delivery-status" label={t('deliveries.status')}>
            <select id="delivery-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as DeliveryStatus | '')}>
              <option value="">{t('common.any')}</option>
              {DELIVERY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(DELIVERY_LABEL[s])}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" class="secondary" onClick={() => void load()} disabled={loading}>
            {t('common.refresh')}
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      {rows === undefined && loading ? <Loading /> : null}
      {rows !== undefined && shown.length === 0 ? <p>{t('deliveries.none')}</p> : null}
      {shown.length > 0 ? (
        <TableRegion label={t('deliveries.title')}>
          <table class="data" id="deliveries-table">
            <thead>
              <tr>
                <th scope="col">{t('deliveries.last')}</th>
                <th scope="col">{t('deliveries.event')}</th>
                <th scope="col">{t('deliveries.status')}</th>
                <th scope="col">{t('deliveries.attempts')}</th>
                <th scope="col">{t('deliveries.code')}</th>
                <th scope="col">{t('deliveries.latency')}</th>
                <th scope="col">{t('deliveries.error')}</th>
                <th scope="col">{t('deliveries.next')}</th>
                {rowAction ? (
                  <th scope="col">
                    <span class="visually-hidden">{t('deliveries.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr key={`${d.eventId}-${d.enqueuedAt}`} data-event={d.eventId} data-status={d.status}>
                  <td>
                    {formatInstant(d.lastAttemptAt || d.enqueuedAt, localZone(), locale)}
                  </td>
                  <td>
                    <Data>{d.type}</Data>
                    <br />
                    <Data class="id">{d.eventId}</Data>
                  </td>
                  <td>
                    <Badge tone={TONE[d.status] ?? 'muted'}>{DELIVERY_LABEL[d.status] ? t(DELIVERY_LABEL[d.status]) : <Data>{d.status}</Data>}</Badge>
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.responseCode ?? NONE}</td>
                  <td>{formatMs(d.latencyMs, locale)}</td>
                  <td>{d.error ? <Data class="detail">{d.error}</Data> : NONE}</td>
                  <td>{d.nextAttemptAt ? formatInstant(d.nextAttemptAt, localZone(), locale) : NONE}</td>
                  {rowAction ? <td>{rowAction(d)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {next ? (
        <button type="button" class="secondary" onClick={() => void load(next)} disabled={loading}>
          {t('deliveries.more')}
        </button>
      ) : null}
    </section>
  );
}

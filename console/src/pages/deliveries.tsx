/**
 * An endpoint's deliveries, newest first: each event's state, attempts, the
 * last answer (code, latency, error) and the next try; more pages on demand;
 * a state filter the cloud applies (`?status=`). A row opens its attempts
 * (delivery-attempts.tsx) and sends its event again (resend): the row shows
 * pending, then what the new attempt got, followed until it is made.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import { follow } from '../api/follow.js';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '../api/types.js';
import { Badge, Data, ErrorNote, Field, Loading, TableRegion, type Tone } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';
import { formatInstant, localZone, formatMs, NONE } from '../format.js';
import { DELIVERY_LABEL } from '../labels.js';
import { DeliveryAttempts } from './delivery-attempts.js';

const PAGE = 50;
/** How often a resent delivery is looked at until its attempt is made. */
const RESEND_POLL_MS = 1000;
const TONE: Record<DeliveryStatus, Tone> = { pending: 'muted', delivered: 'ok', retrying: 'warn', failed: 'bad', skipped: 'muted' };
const COLUMNS = 9;

export function Deliveries({ webhookId }: { webhookId: string }) {
  const { t } = useI18n();
  const { tenant } = useConsole();
  const [rows, setRows] = useState<Delivery[] | undefined>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [status, setStatus] = useState<'' | DeliveryStatus>('');
  const [open, setOpen] = useState<string | undefined>();
  const [resending, setResending] = useState<Record<string, unknown>>({});
  const gone = useRef(new AbortController());
  useEffect(() => () => gone.current.abort(), []);

  const load = async (cursor?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await tenant.deliveries(webhookId, { limit: PAGE, cursor, status: status || undefined });
      setRows((old) => (cursor ? [...(old ?? []), ...page.data] : page.data));
      setNext(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(), [webhookId, status]);

  const replaceRow = (d: Delivery) => setRows((old) => old?.map((r) => (r.eventId === d.eventId ? d : r)));

  /** Queue the event again, then follow its row until the attempt is made. */
  const resend = async (d: Delivery) => {
    setResending((m) => ({ ...m, [d.eventId]: true }));
    try {
      await tenant.resend(webhookId, d.eventId);
      await follow<Delivery>(
        { ...d, status: 'pending' },
        async () => {
          const { attemptLog: _, ...row } = await tenant.delivery(webhookId, d.eventId);
          return row;
        },
        (row) => row.status !== 'pending',
        replaceRow,
        { everyMs: RESEND_POLL_MS, signal: gone.current.signal },
      );
      setResending(({ [d.eventId]: _, ...m }) => m);
    } catch (err) {
      setResending((m) => ({ ...m, [d.eventId]: err }));
    }
  };

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
      {rows !== undefined && rows.length === 0 && !loading ? <p>{t('deliveries.none')}</p> : null}
      {rows && rows.length > 0 ? (
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
                <th scope="col">
                  <span class="visually-hidden">{t('deliveries.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <DeliveryRow
                  key={d.eventId}
                  d={d}
                  webhookId={webhookId}
                  open={open === d.eventId}
                  onToggle={() => setOpen(open === d.eventId ? undefined : d.eventId)}
                  resending={resending[d.eventId]}
                  onResend={() => void resend(d)}
                />
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

interface RowProps {
  d: Delivery;
  webhookId: string;
  open: boolean;
  onToggle(): void;
  /** true while a resend is under way; an error when it failed. */
  resending: unknown;
  onResend(): void;
}

function DeliveryRow({ d, webhookId, open, onToggle, resending, onResend }: RowProps) {
  const { t, locale } = useI18n();
  const detailsId = `attempts-${d.eventId}`;
  return (
    <>
      <tr data-event={d.eventId} data-status={d.status}>
        <td>{formatInstant(d.lastAttemptAt || d.enqueuedAt, localZone(), locale)}</td>
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
        <td class="row-actions">
          <button type="button" class="secondary" aria-expanded={open} aria-controls={open ? detailsId : undefined} onClick={onToggle}>
            {t('deliveries.showAttempts')}
          </button>{' '}
          <button type="button" class="secondary" disabled={d.status === 'pending' || resending === true} onClick={onResend}>
            {t('deliveries.resend')}
          </button>
          {resending && resending !== true ? <ErrorNote error={resending} /> : null}
        </td>
      </tr>
      {open ? (
        <tr class="details" id={detailsId}>
          <td colSpan={COLUMNS}>
            <DeliveryAttempts webhookId={webhookId} eventId={d.eventId} version={`${d.status}-${d.attempts}`} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

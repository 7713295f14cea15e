/**
 * The event history of a call, under a record's Details: every stored event
 * of its Asterisk Linkedid (GET …/sites/{siteId}/calls/{callId}/events), in
 * seq order, with the fields that say what happened. Raw call events expire
 * after the cloud's retention, and the list says so.
 */

import type { CallEvent } from '../api/types.js';
import { Data, ErrorNote, StatusNote, TableRegion } from '../components/ui.js';
import { useConsole, useI18n, useLoad } from '../context.js';
import { formatInstant, NONE } from '../format.js';
import type { MessageId } from '../i18n/index.js';

type FieldOf = (d: Record<string, unknown>) => unknown;
/** Where each event type keeps the caller, called, extension, queue and state (README "Events"). */
const FIELDS: Record<string, Partial<Record<'caller' | 'called' | 'extension' | 'queue' | 'state', FieldOf>>> = {
  dialbegin: { caller: (d) => d.calleridnum, called: (d) => d.destcalleridnum },
  dialend: { caller: (d) => d.calleridnum, called: (d) => d.destcalleridnum, state: (d) => d.dialstatus },
  hangup: { caller: (d) => d.calleridnum, called: (d) => d.connectedlinenum },
  extensionstatus: { extension: (d) => d.exten, state: (d) => d.statustext },
  ivr: { caller: (d) => d.caller, called: (d) => d.called, queue: (d) => d.queueCode, state: (d) => d.ivrDtmf },
  cdr: { caller: (d) => d.source, called: (d) => d.destination, state: (d) => d.disposition },
  cc_cdr: { caller: (d) => d.caller, called: (d) => d.called, extension: (d) => d.agentCode, queue: (d) => d.queueCode, state: (d) => d.cdrState },
};
const COLUMNS: Array<[keyof (typeof FIELDS)[string], MessageId]> = [
  ['caller', 'calls.caller'],
  ['called', 'calls.called'],
  ['extension', 'callEvents.extension'],
  ['queue', 'calls.queue'],
  ['state', 'callEvents.state'],
];

export function CallEvents({ siteId, call, zone }: { siteId: string; call: string; zone: string }) {
  const { t, locale } = useI18n();
  const { tenant } = useConsole();
  const loaded = useLoad(() => tenant.callEvents(siteId, call), `${siteId}|${call}`);
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!loaded.data) return <StatusNote tone="muted">{t('common.loading')}</StatusNote>;
  const { data: events, truncated, retentionDays } = loaded.data;
  const text = (e: CallEvent, col: keyof (typeof FIELDS)[string]) => String(FIELDS[e.type]?.[col]?.(e.data) ?? '');
  return (
    <section class="call-events" aria-label={t('callEvents.title')}>
      <h3>{t('callEvents.title')}</h3>
      <p class="hint">{t('callEvents.retention', { days: retentionDays })}</p>
      {truncated ? <StatusNote tone="warn">{t('callEvents.truncated', { count: events.length })}</StatusNote> : null}
      {events.length === 0 ? (
        <p>{t('callEvents.none')}</p>
      ) : (
        <TableRegion label={t('callEvents.title')}>
          <table class="data call-events">
            <thead>
              <tr>
                <th scope="col">{t('callEvents.at')}</th>
                <th scope="col">{t('callEvents.event')}</th>
                {COLUMNS.map(([k, label]) => (
                  <th key={k} scope="col">
                    {t(label)}
                  </th>
                ))}
                <th scope="col">{t('callEvents.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-event={e.id}>
                  <td>{formatInstant(e.occurredAt, zone, locale)}</td>
                  <td>
                    <Data>{e.type}</Data>
                  </td>
                  {COLUMNS.map(([k]) => (
                    <td key={k}>{text(e, k) ? <Data>{text(e, k)}</Data> : NONE}</td>
                  ))}
                  <td>{[e.recovered ? t('callEvents.recovered') : '', e.partial ? t('callEvents.partial') : ''].filter(Boolean).join(', ') || NONE}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

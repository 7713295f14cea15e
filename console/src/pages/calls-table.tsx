/**
 * The found records: the columns that matter per record type, every field of
 * a record on demand with the event history of its call (dialbegin …
 * hangup of the same Asterisk Linkedid: call-events.tsx), and its recording.
 */

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CdrRow, CdrType } from '../api/types.js';
import { Data, ErrorNote, StatusNote, TableRegion } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';
import { formatSeconds, NONE } from '../format.js';
import type { MessageId } from '../i18n/index.js';
import { dispositionLabel, missCauseLabel } from '../labels.js';
import { CallEvents } from './call-events.js';

type Cell = { text: string; code?: (code: string) => MessageId | undefined; seconds?: boolean };
type Column = { label: MessageId; cell: (d: Record<string, unknown>) => Cell };

const field = (name: string, extra: Omit<Cell, 'text'> = {}) => (d: Record<string, unknown>): Cell => ({ text: String(d[name] ?? ''), ...extra });

/** The columns of each record type (the rest is under Details). */
const COLUMNS: Record<CdrType, Column[]> = {
  cdr: [
    { label: 'calls.start', cell: field('starttime') },
    { label: 'calls.caller', cell: field('source') },
    { label: 'calls.called', cell: field('destination') },
    { label: 'calls.disposition', cell: field('disposition', { code: dispositionLabel }) },
    { label: 'calls.duration', cell: field('duration', { seconds: true }) },
    { label: 'calls.billable', cell: field('billableseconds', { seconds: true }) },
    { label: 'calls.callType', cell: field('calltype') },
  ],
  cc_cdr: [
    { label: 'calls.start', cell: field('startTime') },
    { label: 'calls.caller', cell: field('caller') },
    { label: 'calls.called', cell: field('called') },
    { label: 'calls.queue', cell: field('queueCode') },
    { label: 'calls.agent', cell: field('agentCode') },
    { label: 'calls.state', cell: field('cdrState', { code: dispositionLabel }) },
    { label: 'calls.missCause', cell: field('missCause', { code: missCauseLabel }) },
    { label: 'calls.queueTime', cell: field('queueTime', { seconds: true }) },
    { label: 'calls.talkTime', cell: field('talkingTime', { seconds: true }) },
  ],
};

/** Where a record's recording is (relative to the relay's monitor_dir), if it has one. */
export function recordingOf(type: CdrType, data: Record<string, unknown>): string | undefined {
  const file = String((type === 'cdr' ? data.recordfile : data.filePath) ?? '');
  return file && !file.startsWith('/') ? file : undefined;
}

function CellView({ cell }: { cell: Cell }) {
  const { t, locale } = useI18n();
  if (cell.text === '') return <>{NONE}</>;
  if (cell.seconds && /^\d+(\.\d+)?$/.test(cell.text)) return <>{formatSeconds(Number(cell.text), locale)}</>;
  const label = cell.code?.(cell.text);
  return label ? <>{t(label)}</> : <Data>{cell.text}</Data>;
}

export function CallsTable({ type, rows, zone }: { type: CdrType; rows: CdrRow[]; zone: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | undefined>();
  const columns = COLUMNS[type];
  return (
    <TableRegion label={t('calls.results')}>
      <table class="data" data-type={type} data-zone={zone}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {t(c.label)}
              </th>
            ))}
            <th scope="col">{t('calls.recording')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('calls.details')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const data = row.data as unknown as Record<string, unknown>;
            const file = recordingOf(type, data);
            const expanded = open === row.id;
            return (
              <Fragment key={row.id}>
                <tr data-id={row.id}>
                  {columns.map((c) => (
                    <td key={c.label}>
                      <CellView cell={c.cell(data)} />
                    </td>
                  ))}
                  <td>{file ? <Recording siteId={row.siteId} file={file} /> : NONE}</td>
                  <td>
                    <button type="button" class="link" aria-expanded={expanded} aria-controls={`details-${row.id}`} onClick={() => setOpen(expanded ? undefined : row.id)}>
                      {t('calls.details')}
                    </button>
                  </td>
                </tr>
                {expanded ? (
                  <tr class="details" id={`details-${row.id}`}>
                    <td colSpan={columns.length + 2}>
                      <Details row={row} />
                      {row.call ? <CallEvents siteId={row.siteId} call={row.call} zone={zone} /> : null}
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** Every field of the record, as the box sent it. */
function Details({ row }: { row: CdrRow }) {
  return (
    <dl class="fields" translate={false}>
      <dt>id</dt>
      <dd>{row.id}</dd>
      <dt>siteId</dt>
      <dd>{row.siteId}</dd>
      <dt>occurredAt</dt>
      <dd>{row.occurredAt}</dd>
      {Object.entries(row.data).map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{String(v) || NONE}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Fetches the recording (with the key) when asked, and plays it from memory. */
function Recording({ siteId, file }: { siteId: string; file: string }) {
  const { t } = useI18n();
  const { tenant } = useConsole();
  const [state, setState] = useState<{ step: 'idle' | 'loading' } | { step: 'ready'; url: string } | { step: 'failed'; error: unknown }>({ step: 'idle' });
  useEffect(() => () => void (state.step === 'ready' && URL.revokeObjectURL(state.url)), [state]);
  const load = async () => {
    setState({ step: 'loading' });
    try {
      const { blob } = await tenant.recording(siteId, file);
      setState({ step: 'ready', url: URL.createObjectURL(blob) });
    } catch (error) {
      setState({ step: 'failed', error });
    }
  };
  if (state.step === 'ready') return <audio controls autoPlay src={state.url} aria-label={t('calls.recording')} />;
  return (
    <>
      <button type="button" class="link" onClick={load} disabled={state.step === 'loading'}>
        {t('calls.play')}
      </button>
      {state.step === 'loading' ? <StatusNote tone="muted">{t('common.loading')}</StatusNote> : null}
      {state.step === 'failed' ? <ErrorNote error={state.error} /> : null}
    </>
  );
}

/**
 * CSV of CDR rows (RFC 4180: CRLF line ends; a field holding a comma, a
 * double quote, CR or LF is quoted, its quotes doubled). A field starting
 * with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'` so that spreadsheets
 * do not run it as a formula (CSV injection) — note that this also applies to
 * international numbers such as `+4930123`, exported as `'+4930123`. Pure.
 */

import type { CdrType } from './keys.js';
import type { CdrRow } from './rows.js';

/** The envelope's columns, then the box's own field names in the vendor's order. */
export const ENVELOPE_COLUMNS = ['id', 'siteId', 'seq', 'occurredAt'] as const;

export const BOX_COLUMNS: Record<CdrType, readonly string[]> = {
  cdr: ['callerid', 'source', 'destination', 'starttime', 'answertime', 'endtime', 'disposition', 'duration', 'billableseconds', 'calltype', 'recordfile', 'uniqueid', 'timestamp', 'mac'],
  cc_cdr: [
    'uuid',
    'caller',
    'called',
    'queueCode',
    'agentCode',
    'callType',
    'cdrState',
    'hangupSide',
    'hangupCause',
    'startTime',
    'endTime',
    'duration',
    'queueTime',
    'feedbackTime',
    'ivrTime',
    'ringTime',
    'holdTime',
    'pauseTime',
    'talkingTime',
    'voicemailState',
    'ivrId',
    'ivrName',
    'ivrDtmf',
    'fwType',
    'score',
    'trunkNumber',
    'forwardNumber',
    'filePath',
    'missCause',
    'timestamp',
    'mac',
  ],
};

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: unknown): string {
  let s = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export function csvHeader(type: CdrType): string {
  return csvLine([...ENVELOPE_COLUMNS, ...BOX_COLUMNS[type]]);
}

export function csvRow(type: CdrType, row: CdrRow): string {
  const data = row.data as unknown as Record<string, unknown>;
  return csvLine([row.id, row.siteId, row.seq, row.occurredAt, ...BOX_COLUMNS[type].map((c) => data[c])]);
}

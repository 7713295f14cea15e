/**
 * Master.csv, exactly as cdr_csv writes it (cdr/cdr_csv.c, build_csv_record):
 * one record per CDR, fields in the CDR engine's order, text and dates in
 * double quotes with `"` doubled inside and nothing else escaped, numbers
 * bare, an unset date as an empty unquoted field, the last comma replaced by
 * LF. Dates are `%Y-%m-%d %T` in the PBX's local time (GMT with
 * `usegmtime`). Which trailing columns exist depends on cdr.conf's [csv]
 * `loguniqueid`, `loguserfield` and `newcdrcolumns`, so the layout is
 * derived from those settings (one table below) and a row with another
 * field count is an error, not a guess.
 */

import { parseIni } from '../config/ini.js';
import type { CdrRecord } from '../events/cdr.js';
import { dateTimeText, parseDateTimeText, zonedEpochMs, zonedFields } from '../../../protocol/src/zoned-time.js';
import { preview, recordsError } from './errors.js';
import { RecordDecoder, type Decoded, type RecordParse } from './framer.js';

/** cdr.conf [csv] options that shape Master.csv. */
export interface CdrCsvSettings {
  loguniqueid: boolean;
  loguserfield: boolean;
  /** Adds peeraccount, linkedid, sequence. */
  newcdrcolumns: boolean;
  /** Dates in GMT instead of local time. */
  usegmtime: boolean;
  /** Also one file per account code (does not change Master.csv). */
  accountlogs: boolean;
}

/** cdr_csv.c's defaults when cdr.conf says nothing: no uniqueid, so no backfill can be joined. */
export const CDR_CSV_DEFAULTS: CdrCsvSettings = { loguniqueid: false, loguserfield: false, newcdrcolumns: false, usegmtime: false, accountlogs: true };

/** What the backfill needs and the lab runs with (loguniqueid and loguserfield on, local time). */
export const CDR_CSV_RECOMMENDED: CdrCsvSettings = { ...CDR_CSV_DEFAULTS, loguniqueid: true, loguserfield: true, accountlogs: false };

/** A Master.csv row: the CDR record, plus the newcdrcolumns when written. */
export interface CdrCsvRow extends CdrRecord {
  peerAccount?: string;
  linkedId?: string;
  sequence?: string;
}

type ColumnKind = 'text' | 'date' | 'int';
type Column = { key: keyof CdrCsvRow; kind: ColumnKind; when?: (s: CdrCsvSettings) => boolean };

/** build_csv_record's order. */
const COLUMNS: readonly Column[] = [
  { key: 'accountCode', kind: 'text' },
  { key: 'source', kind: 'text' },
  { key: 'destination', kind: 'text' },
  { key: 'destinationContext', kind: 'text' },
  { key: 'callerId', kind: 'text' },
  { key: 'channel', kind: 'text' },
  { key: 'destinationChannel', kind: 'text' },
  { key: 'lastApplication', kind: 'text' },
  { key: 'lastData', kind: 'text' },
  { key: 'startTime', kind: 'date' },
  { key: 'answerTime', kind: 'date' },
  { key: 'endTime', kind: 'date' },
  { key: 'duration', kind: 'int' },
  { key: 'billableSeconds', kind: 'int' },
  { key: 'disposition', kind: 'text' },
  { key: 'amaFlags', kind: 'text' },
  { key: 'uniqueId', kind: 'text', when: (s) => s.loguniqueid },
  { key: 'userField', kind: 'text', when: (s) => s.loguserfield },
  { key: 'peerAccount', kind: 'text', when: (s) => s.newcdrcolumns },
  { key: 'linkedId', kind: 'text', when: (s) => s.newcdrcolumns },
  { key: 'sequence', kind: 'int', when: (s) => s.newcdrcolumns },
];

export function cdrCsvColumns(settings: CdrCsvSettings): readonly Column[] {
  return COLUMNS.filter((c) => !c.when || c.when(settings));
}

/**
 * cdr_csv drops a record that does not fit its 1024-byte buffer (it logs
 * "CDR not recorded!"): a written record, LF included, is at most this long.
 */
export const CDR_CSV_MAX_WRITTEN = 1018;

/** One record as cdr_csv writes it, LF included. Columns the settings leave out are not written. */
export function formatCdrCsvRecord(row: CdrCsvRow, settings: CdrCsvSettings): string {
  const parts = cdrCsvColumns(settings).map((c) => {
    const v = row[c.key] ?? '';
    if (c.kind === 'int') return v === '' ? '0' : v;
    if (c.kind === 'date' && v === '') return '';
    return `"${v.replace(/"/g, '""')}"`;
  });
  return `${parts.join(',')}\n`;
}

export type CdrCsvParse = RecordParse<CdrCsvRow>;

/** One record's text (no LF) → its row; `offset` only labels errors. */
export function parseCdrCsvRecord(text: string, settings: CdrCsvSettings, offset?: number): CdrCsvParse {
  const fail = (code: 'RECORDS_CSV_QUOTING' | 'RECORDS_CSV_COLUMNS' | 'RECORDS_CSV_VALUE', message: string): CdrCsvParse => ({
    ok: false,
    error: recordsError(code, offset === undefined ? message : `${message} (offset ${offset})`, { offset, preview: preview(text) }),
  });
  const fields = splitCsv(text);
  if (typeof fields === 'string') return fail('RECORDS_CSV_QUOTING', fields);
  const columns = cdrCsvColumns(settings);
  if (fields.length !== columns.length) {
    return fail(
      'RECORDS_CSV_COLUMNS',
      `Master.csv record has ${fields.length} fields, cdr.conf's [csv] settings give ${columns.length} (loguniqueid=${yn(settings.loguniqueid)}, loguserfield=${yn(settings.loguserfield)}, newcdrcolumns=${yn(settings.newcdrcolumns)})`,
    );
  }
  const row = {} as Record<string, string>;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    const v = fields[i];
    if (c.kind === 'int' && !/^-?\d{1,12}$/.test(v)) return fail('RECORDS_CSV_VALUE', `Master.csv ${c.key} is not a whole number: ${JSON.stringify(v)}`);
    if (c.kind === 'date' && v !== '' && !parseDateTimeText(v)) return fail('RECORDS_CSV_VALUE', `Master.csv ${c.key} is not YYYY-MM-DD HH:MM:SS: ${JSON.stringify(v)}`);
    row[c.key] = v;
  }
  // Columns the settings leave out are unknown here: empty.
  row.uniqueId ??= '';
  row.userField ??= '';
  return { ok: true, record: row as unknown as CdrCsvRow };
}

/** Fields of one record: `"…"` with `""` for a quote, or bare text without quotes; a string says what is wrong. */
function splitCsv(text: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return `unterminated quoted field at character ${i}`;
        v += text.slice(j, q);
        if (text[q + 1] === '"') {
          v += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(v);
    } else {
      const comma = text.indexOf(',', i);
      const v = comma < 0 ? text.slice(i) : text.slice(i, comma);
      if (v.includes('"')) return `quote inside a bare field at character ${i}`;
      out.push(v);
      i = comma < 0 ? text.length : comma;
    }
    if (i >= text.length) return out;
    if (text[i] !== ',') return `expected a comma after the quoted field at character ${i}`;
    i++;
    if (i === text.length) {
      out.push('');
      return out;
    }
  }
}

function yn(v: boolean): string {
  return v ? 'yes' : 'no';
}

export type CdrCsvItem = Decoded<CdrCsvRow>;

/** Master.csv bytes in, complete rows out (a torn last record waits for its LF). */
export class CdrCsvDecoder extends RecordDecoder<CdrCsvRow> {
  constructor(
    readonly settings: CdrCsvSettings,
    options: { startOffset?: number; maxRecordBytes?: number } = {},
  ) {
    super('csv', (text, offset) => parseCdrCsvRecord(text, settings, offset), options);
  }
}

/**
 * Master.csv when the relay is not told cdr.conf's settings (`[pbx] cdr_csv`
 * names only the file): the layout is the first that reads the first row —
 * uniqueid and user field, uniqueid alone, then the same with newcdrcolumns
 * — and is kept for the rest. loguniqueid is required (without it no row can
 * be joined to a call), dates are taken as local time (usegmtime = no).
 */
export class AutoCdrCsvDecoder extends RecordDecoder<CdrCsvRow> {
  settings?: CdrCsvSettings;

  constructor(options: { startOffset?: number; maxRecordBytes?: number } = {}) {
    super('csv', (text, offset) => this.parseAuto(text, offset), options);
  }

  private parseAuto(text: string, offset: number): CdrCsvParse {
    if (this.settings) return parseCdrCsvRecord(text, this.settings, offset);
    let first: CdrCsvParse | undefined;
    for (const candidate of AUTO_LAYOUTS) {
      const p = parseCdrCsvRecord(text, candidate, offset);
      first ??= p;
      if (p.ok && /^[\w.-]*\d+\.\d+$/.test(p.record.uniqueId)) {
        this.settings = candidate;
        return p;
      }
    }
    return first!;
  }
}

const AUTO_LAYOUTS: readonly CdrCsvSettings[] = [
  CDR_CSV_RECOMMENDED,
  { ...CDR_CSV_RECOMMENDED, loguserfield: false },
  { ...CDR_CSV_RECOMMENDED, newcdrcolumns: true },
  { ...CDR_CSV_RECOMMENDED, loguserfield: false, newcdrcolumns: true },
];

/**
 * cdr.conf's text → the [csv] settings, with cdr_csv's defaults for what it
 * leaves out (ast_true's spellings); undefined when no Master.csv is written
 * at all: CDRs off (`[general] enable = no`) or no `[csv]` section (cdr_csv
 * then declines to load).
 */
export function cdrCsvSettings(cdrConf: string): CdrCsvSettings | undefined {
  let sections;
  try {
    sections = parseIni(cdrConf);
  } catch (err) {
    throw recordsError('RECORDS_CONFIG', `cdr.conf: ${(err as Error).message}`, {}, { cause: err });
  }
  const enable = sections.get('general')?.get('enable')?.value;
  const csv = sections.get('csv');
  if ((enable !== undefined && !astTrue(enable)) || !csv) return undefined;
  const flag = (key: keyof CdrCsvSettings) => {
    const v = csv.get(key.toLowerCase())?.value;
    return v === undefined ? CDR_CSV_DEFAULTS[key] : astTrue(v);
  };
  return { loguniqueid: flag('loguniqueid'), loguserfield: flag('loguserfield'), newcdrcolumns: flag('newcdrcolumns'), usegmtime: flag('usegmtime'), accountlogs: flag('accountlogs') };
}

/** Asterisk's ast_true. */
export function astTrue(v: string): boolean {
  return ['yes', 'true', 'y', 't', '1', 'on'].includes(v.trim().toLowerCase());
}

/** Seconds since the epoch of a Master.csv date; `timeZone` is the PBX's (ignored with usegmtime). */
export function cdrCsvEpochSec(text: string, settings: CdrCsvSettings, timeZone: string | undefined): number | undefined {
  const f = parseDateTimeText(text);
  return f ? zonedEpochMs(f, settings.usegmtime ? 'UTC' : timeZone) / 1000 : undefined;
}

/**
 * The row with its dates as cdr_manager would print them (the PBX's local
 * time): unchanged unless cdr_csv wrote GMT (`usegmtime`).
 */
export function cdrRowInPbxTime(row: CdrCsvRow, settings: CdrCsvSettings, timeZone: string | undefined): CdrCsvRow {
  if (!settings.usegmtime) return row;
  const local = (text: string) => {
    const f = parseDateTimeText(text);
    return f ? dateTimeText(zonedFields(zonedEpochMs(f, 'UTC'), timeZone)) : text;
  };
  return { ...row, startTime: local(row.startTime), answerTime: local(row.answerTime), endTime: local(row.endTime) };
}

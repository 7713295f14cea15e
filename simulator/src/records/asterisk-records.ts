/**
 * The files a real Asterisk keeps beside AMI: cdr_csv's Master.csv and
 * app_queue's queue_log, written in Asterisk's exact formats (from
 * Asterisk's source, apart from the relay's readers) from the same values the simulator puts
 * in its AMI events, so a test can stop the relay, let calls happen, and
 * check what it recovers from the files against what AMI would have said.
 *
 * Like Asterisk, every record is appended as it happens, whether or not an
 * AMI client is connected; a write that fails is logged and the PBX goes on.
 */

import { appendFileSync, existsSync, renameSync } from 'node:fs';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { Fields } from '../model/channel.js';

/**
 * cdr_csv's columns (build_csv_record in cdr/cdr_csv.c) with the lab's
 * cdr.conf [csv]: loguniqueid = yes, loguserfield = yes, accountlogs = no,
 * no newcdrcolumns, local time. Each is the cdr_manager header that carries
 * the same value, and how cdr_csv prints it: text quoted (quotes doubled),
 * an empty date bare, a number bare. Written here from Asterisk's source, not
 * with the relay's codec, so the relay's reader is checked against an
 * independent writer.
 */
const CSV_COLUMNS: ReadonlyArray<readonly [header: string, kind: 'text' | 'date' | 'int']> = [
  ['AccountCode', 'text'],
  ['Source', 'text'],
  ['Destination', 'text'],
  ['DestinationContext', 'text'],
  ['CallerID', 'text'],
  ['Channel', 'text'],
  ['DestinationChannel', 'text'],
  ['LastApplication', 'text'],
  ['LastData', 'text'],
  ['StartTime', 'date'],
  ['AnswerTime', 'date'],
  ['EndTime', 'date'],
  ['Duration', 'int'],
  ['BillableSeconds', 'int'],
  ['Disposition', 'text'],
  ['AMAFlags', 'text'],
  ['UniqueID', 'text'],
  ['UserField', 'text'],
];

/** cdr_csv builds a record in a 1024-byte buffer and drops what does not fit (LF included, at most 1018 bytes). */
const CSV_MAX_WRITTEN = 1018;

function csvRow(fields: Fields): string {
  const get = (h: string) => fields.find(([k]) => k === h)?.[1] ?? '';
  const parts = CSV_COLUMNS.map(([h, kind]) => {
    const v = get(h);
    if (kind === 'int') return v === '' ? '0' : v;
    if (kind === 'date' && v === '') return '';
    return `"${v.replace(/"/g, '""')}"`;
  });
  return `${parts.join(',')}\n`;
}

export interface AsteriskRecordsOptions {
  /** Master.csv to append to (cdr.conf [csv] as the lab's: loguniqueid, loguserfield, local time). */
  cdrCsvPath?: string;
  /** queue_log to append to (logger.conf queue_log = yes). */
  queueLogPath?: string;
}

export class AsteriskRecords {
  constructor(
    private readonly options: AsteriskRecordsOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** cdr_csv's row for a CDR cdr_manager prints as `fields` (the same record goes to every backend). */
  cdr(fields: Fields): void {
    const path = this.options.cdrCsvPath;
    if (!path) return;
    const text = csvRow(fields);
    if (Buffer.byteLength(text) > CSV_MAX_WRITTEN) {
      this.logger.warn('Unable to create CSV record in 1024 bytes.  CDR not recorded!', { uniqueid: fields.find(([k]) => k === 'UniqueID')?.[1] });
      return;
    }
    this.append(path, text);
  }

  /** ast_queue_log(queuename, callid, agent, event, data…): stamped with the PBX clock's second. */
  queueLog(queue: string, callid: string, agent: string, event: string, data: ReadonlyArray<string | number>): void {
    const path = this.options.queueLogPath;
    if (!path) return;
    const time = Math.floor(this.clock.now() / 1000);
    // logger.c: time|callid|queuename|agent|event|data1|data2|..., one line each.
    const fieldsText = (data.length === 0 ? [''] : data.map(String)).join('|');
    this.append(path, `${time}|${callid}|${queue}|${agent}|${event}|${fieldsText}\n`);
  }

  /** The logger's first line when queue_log opens (start and restart). */
  queueStart(): void {
    this.queueLog('NONE', 'NONE', 'NONE', 'QUEUESTART', []);
  }

  /**
   * `logger rotate` (rotatestrategy = sequential): queue_log becomes
   * queue_log.N (the first free N) and a new queue_log is started. Returns the
   * rotated file's path, or undefined when there was nothing to rotate.
   */
  rotateQueueLog(): string | undefined {
    const path = this.options.queueLogPath;
    if (!path || !existsSync(path)) return undefined;
    let n = 0;
    while (existsSync(`${path}.${n}`)) n++;
    renameSync(path, `${path}.${n}`);
    return `${path}.${n}`;
  }

  private append(path: string, text: string): void {
    try {
      appendFileSync(path, text);
    } catch (err) {
      this.logger.warn('Unable to write Asterisk record', { path, err });
    }
  }
}

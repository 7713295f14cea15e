/**
 * The files a real Asterisk keeps beside AMI: cdr_csv's Master.csv and
 * app_queue's queue_log, written in Asterisk's exact formats (the relay's
 * own codecs, edge-relay/src/records) from the same values the simulator puts
 * in its AMI events, so a test can stop the relay, let calls happen, and
 * check what it recovers from the files against what AMI would have said.
 *
 * Like Asterisk, every record is appended as it happens, whether or not an
 * AMI client is connected; a write that fails is logged and the PBX goes on.
 */

import { appendFileSync, existsSync, renameSync } from 'node:fs';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { CDR_CSV_MAX_WRITTEN, CDR_CSV_RECOMMENDED, formatCdrCsvRecord, type CdrCsvSettings } from '../../../edge-relay/src/records/cdr-csv.js';
import { formatQueueLogLine, type QueueLogEvent } from '../../../edge-relay/src/records/queue-log.js';
import { cdrRecordFrom } from '../../../edge-relay/src/events/cdr.js';
import type { Fields } from '../model/channel.js';

export interface AsteriskRecordsOptions {
  /** Master.csv to append to (cdr.conf [csv] as the lab's: loguniqueid, loguserfield, local time). */
  cdrCsvPath?: string;
  /** queue_log to append to (logger.conf queue_log = yes). */
  queueLogPath?: string;
}

export class AsteriskRecords {
  private readonly csvSettings: CdrCsvSettings = CDR_CSV_RECOMMENDED;

  constructor(
    private readonly options: AsteriskRecordsOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** cdr_csv's row for a CDR cdr_manager prints as `fields` (the same record goes to every backend). */
  cdr(fields: Fields): void {
    const path = this.options.cdrCsvPath;
    if (!path) return;
    const row = cdrRecordFrom((h) => fields.find(([k]) => k === h)?.[1]);
    const text = formatCdrCsvRecord(row, this.csvSettings);
    // cdr_csv builds a record in a 1024-byte buffer and drops what does not fit.
    if (Buffer.byteLength(text) > CDR_CSV_MAX_WRITTEN) {
      this.logger.warn('Unable to create CSV record in 1024 bytes.  CDR not recorded!', { uniqueid: row.uniqueId });
      return;
    }
    this.append(path, text);
  }

  /** ast_queue_log(queuename, callid, agent, event, data…): stamped with the PBX clock's second. */
  queueLog(queue: string, callid: string, agent: string, event: QueueLogEvent, data: ReadonlyArray<string | number>): void {
    const path = this.options.queueLogPath;
    if (!path) return;
    const time = Math.floor(this.clock.now() / 1000);
    this.append(path, formatQueueLogLine({ time, callid, queue, agent, event, data: data.length === 0 ? [''] : data.map(String) }));
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

/**
 * queue_log, exactly as Asterisk writes it (main/logger.c, ast_queue_log):
 * `time|callid|queuename|agent|event|data…` + LF, `time` in Unix seconds,
 * `callid` the caller channel's Uniqueid (or NONE, MANAGER, CLI, REALTIME),
 * `agent` the member name (NONE when no member). The data fields of each
 * event are the `ast_queue_log` calls of apps/app_queue.c, declared once
 * below: the parser names them, the simulator writes them, the tests check
 * real files against them.
 */

import { parseIni } from '../config/ini.js';
import { astTrue } from './cdr-csv.js';
import { preview, recordsError } from './errors.js';
import { RecordDecoder, type Decoded, type RecordParse } from './framer.js';

export interface QueueLogLine {
  /** Unix seconds (time(NULL) when the line was written). */
  time: number;
  callid: string;
  queue: string;
  agent: string;
  event: string;
  /** Everything after the event, split on `|` (one empty field when the event has none). */
  data: string[];
}

/**
 * Data fields per event, in app_queue's order. `min` is how many are always
 * written when fewer than the names (ENTERQUEUE adds the caller's name only
 * with log_caller_id_name; transfers of kind LINK write one more field).
 */
export const QUEUE_LOG_EVENTS = {
  ENTERQUEUE: { data: ['url', 'callerid', 'position', 'callername'], min: 3 },
  CONNECT: { data: ['holdtime', 'bridgedchanneluniqueid', 'ringtime'] },
  RINGNOANSWER: { data: ['ringtime'] },
  RINGCANCELED: { data: ['ringtime'] },
  COMPLETECALLER: { data: ['holdtime', 'calltime', 'origposition'] },
  COMPLETEAGENT: { data: ['holdtime', 'calltime', 'origposition'] },
  ABANDON: { data: ['position', 'origposition', 'waittime'] },
  EXITWITHTIMEOUT: { data: ['position', 'origposition', 'waittime'] },
  EXITEMPTY: { data: ['position', 'origposition', 'waittime'] },
  EXITWITHKEY: { data: ['key', 'position', 'origposition', 'waittime'] },
  WITHDRAW: { data: ['position', 'origposition', 'waittime', 'withdrawinfo'] },
  // BRIDGE|<bridge> or APP|<app> or LINK|<chan1>|<chan2>, then holdtime|calltime|origposition.
  ATTENDEDTRANSFER: { data: ['method', 'target', 'holdtime', 'calltime', 'origposition'], max: 6 },
  BLINDTRANSFER: { data: ['extension', 'context', 'holdtime', 'calltime', 'origposition'] },
  // Asterisk up to 11: the blind transfer's name.
  TRANSFER: { data: ['extension', 'context', 'holdtime', 'calltime', 'origposition'] },
  AGENTDUMP: { data: [''] },
  SYSCOMPAT: { data: [''] },
  ADDMEMBER: { data: ['paused'] },
  REMOVEMEMBER: { data: [''] },
  PAUSE: { data: ['reason'] },
  UNPAUSE: { data: ['reason'] },
  PAUSEALL: { data: ['reason'] },
  UNPAUSEALL: { data: ['reason'] },
  PENALTY: { data: ['penalty'] },
  RINGINUSE: { data: ['ringinuse'] },
  AGENTLOGIN: { data: ['channel'] },
  AGENTLOGOFF: { data: ['channel', 'logintime'] },
  QUEUESTART: { data: [''] },
  CONFIGRELOAD: { data: [''] },
} as const satisfies Record<string, { data: readonly string[]; min?: number; max?: number }>;

export type QueueLogEvent = keyof typeof QUEUE_LOG_EVENTS;

/** Events that end a caller's stay in the queue (with or without an agent). */
export const CALLER_LEAVES: ReadonlySet<string> = new Set<QueueLogEvent>([
  'COMPLETECALLER',
  'COMPLETEAGENT',
  'ATTENDEDTRANSFER',
  'BLINDTRANSFER',
  'TRANSFER',
  'ABANDON',
  'EXITWITHTIMEOUT',
  'EXITEMPTY',
  'EXITWITHKEY',
  'WITHDRAW',
  'SYSCOMPAT',
]);

export function isKnownQueueLogEvent(event: string): event is QueueLogEvent {
  return Object.prototype.hasOwnProperty.call(QUEUE_LOG_EVENTS, event);
}

/** Data field counts app_queue writes for `event` ([min, max]); undefined for events it does not know (QueueLog() can log any). */
export function queueLogDataCounts(event: string): [number, number] | undefined {
  if (!isKnownQueueLogEvent(event)) return undefined;
  const spec: { data: readonly string[]; min?: number; max?: number } = QUEUE_LOG_EVENTS[event];
  return [spec.min ?? spec.data.length, spec.max ?? spec.data.length];
}

/**
 * A named data field. For transfers the trailing three (holdtime, calltime,
 * origposition) are counted from the end, since ATTENDEDTRANSFER's target can
 * take one or two fields.
 */
export function queueLogField(line: QueueLogLine, name: string): string | undefined {
  if (!isKnownQueueLogEvent(line.event)) return undefined;
  const names: readonly string[] = QUEUE_LOG_EVENTS[line.event].data;
  const i = names.indexOf(name);
  if (i < 0) return undefined;
  const fromEnd = line.event === 'ATTENDEDTRANSFER' && i >= 2 ? line.data.length - (names.length - i) : i;
  return line.data[fromEnd];
}

/** A named data field as a whole number; undefined when absent or not a number. */
export function queueLogNumber(line: QueueLogLine, name: string): number | undefined {
  const v = queueLogField(line, name);
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** The line as logger.c writes it, LF included. */
export function formatQueueLogLine(line: QueueLogLine): string {
  return `${line.time}|${line.callid}|${line.queue}|${line.agent}|${line.event}|${line.data.join('|')}\n`;
}

export type QueueLogParse = RecordParse<QueueLogLine>;

/** One line (no LF) → its fields; a known event with a data count app_queue never writes is an error. */
export function parseQueueLogLine(text: string, offset?: number): QueueLogParse {
  const at = () => (offset === undefined ? '' : ` (offset ${offset})`);
  const parts = text.split('|');
  if (parts.length < 6 || !/^\d{1,12}$/.test(parts[0]) || parts[4] === '') {
    return { ok: false, error: recordsError('RECORDS_QUEUE_LOG_LINE', `queue_log line is not time|callid|queue|agent|event|data${at()}`, { offset, preview: preview(text) }) };
  }
  const line: QueueLogLine = { time: Number(parts[0]), callid: parts[1], queue: parts[2], agent: parts[3], event: parts[4], data: parts.slice(5) };
  const counts = queueLogDataCounts(line.event);
  if (counts && (line.data.length < counts[0] || line.data.length > counts[1])) {
    const want = counts[0] === counts[1] ? `${counts[0]}` : `${counts[0]} to ${counts[1]}`;
    return {
      ok: false,
      error: recordsError('RECORDS_QUEUE_LOG_DATA', `queue_log ${line.event} has ${line.data.length} data fields, app_queue writes ${want}${at()}`, { offset, preview: preview(text) }),
    };
  }
  return { ok: true, record: line };
}

export type QueueLogItem = Decoded<QueueLogLine>;

/** queue_log bytes in, complete lines out (a torn last line waits for its LF). */
export class QueueLogDecoder extends RecordDecoder<QueueLogLine> {
  constructor(options: { startOffset?: number; maxRecordBytes?: number } = {}) {
    super('line', parseQueueLogLine, options);
  }
}

/** logger.conf [general] options for queue_log, with logger.c's defaults. */
export interface QueueLogSettings {
  /** `queue_log` (default yes). */
  enabled: boolean;
  /** `queue_log_to_file` (default no): with a realtime queue_log, also write the file. */
  toFile: boolean;
  /** `queue_log_name` (default queue_log), in Asterisk's log directory. */
  name: string;
}

export function queueLogSettings(loggerConf: string): QueueLogSettings {
  let sections;
  try {
    sections = parseIni(loggerConf);
  } catch (err) {
    throw recordsError('RECORDS_CONFIG', `logger.conf: ${(err as Error).message}`, {}, { cause: err });
  }
  const general = sections.get('general');
  const v = (k: string) => general?.get(k)?.value;
  return { enabled: v('queue_log') === undefined ? true : astTrue(v('queue_log')!), toFile: astTrue(v('queue_log_to_file') ?? 'no'), name: v('queue_log_name') || 'queue_log' };
}

/**
 * The box `cdr` event, built once from a neutral CDR record. Asterisk's CDR
 * engine hands the same record to every backend: cdr_manager prints it as
 * the AMI `Cdr` event, cdr_csv as a Master.csv row (same fields, same order,
 * same `%Y-%m-%d %T` local times). The mapper turns the AMI event into a
 * CdrRecord; the backfill turns a Master.csv row into one; both then go
 * through buildCdr, so a call's box `cdr` cannot differ by where it came from.
 */

import type { CdrEvent } from '../../../protocol/src/events/box-events.js';
import type { MapperContext } from './context.js';
import { clean, recordingPath, userFieldRecording } from './names.js';

export interface CdrRecord {
  accountCode: string;
  source: string;
  destination: string;
  destinationContext: string;
  /** `"Name" <number>` as Asterisk prints caller id. */
  callerId: string;
  channel: string;
  destinationChannel: string;
  lastApplication: string;
  lastData: string;
  /** `YYYY-MM-DD HH:MM:SS`, the PBX's local time; answerTime is "" when never answered. */
  startTime: string;
  answerTime: string;
  endTime: string;
  /** Whole seconds, as Asterisk printed them. */
  duration: string;
  billableSeconds: string;
  disposition: string;
  amaFlags: string;
  uniqueId: string;
  userField: string;
}

/** cdr_manager's header for each field, in the order both backends write them (cdr_manager.c, cdr_csv.c). */
export const CDR_AMI_HEADERS: ReadonlyArray<readonly [keyof CdrRecord, string]> = [
  ['accountCode', 'AccountCode'],
  ['source', 'Source'],
  ['destination', 'Destination'],
  ['destinationContext', 'DestinationContext'],
  ['callerId', 'CallerID'],
  ['channel', 'Channel'],
  ['destinationChannel', 'DestinationChannel'],
  ['lastApplication', 'LastApplication'],
  ['lastData', 'LastData'],
  ['startTime', 'StartTime'],
  ['answerTime', 'AnswerTime'],
  ['endTime', 'EndTime'],
  ['duration', 'Duration'],
  ['billableSeconds', 'BillableSeconds'],
  ['disposition', 'Disposition'],
  ['amaFlags', 'AMAFlags'],
  ['uniqueId', 'UniqueID'],
  ['userField', 'UserField'],
];

/** The record of a `Cdr` event (or of anything that answers header look-ups, e.g. the simulator's fields). */
export function cdrRecordFrom(get: (header: string) => string | undefined): CdrRecord {
  const r = {} as Record<keyof CdrRecord, string>;
  for (const [key, header] of CDR_AMI_HEADERS) r[key] = get(header) ?? '';
  return r;
}

/**
 * The box `cdr` of a record, stamped `stamp`, and the call (Linkedid) it belongs
 * to when the mapper still knows one of its channels. `recordfile` comes from
 * the channel's MixMonitor file when the mapper saw it, else from the user field.
 */
export function buildCdr(ctx: MapperContext, rec: CdrRecord, stamp: string): { event: CdrEvent; call?: string } {
  const channel = clean(rec.channel);
  const dest = clean(rec.destinationChannel);
  const own = ctx.state.byName(channel) ?? ctx.state.channel(rec.uniqueId);
  const destCh = ctx.state.byName(dest);
  const file = own?.recording ?? destCh?.recording;
  const event: CdrEvent = {
    event: 'cdr',
    timestamp: stamp,
    callerid: clean(rec.callerId),
    source: clean(rec.source),
    destination: clean(rec.destination),
    starttime: clean(rec.startTime),
    answertime: clean(rec.answerTime),
    endtime: clean(rec.endTime),
    disposition: clean(rec.disposition),
    duration: clean(rec.duration),
    billableseconds: clean(rec.billableSeconds),
    calltype: ctx.trunks.isTrunk(channel) ? 'inbound' : ctx.trunks.isTrunk(dest) ? 'outbound' : '',
    recordfile: file ? recordingPath(file, ctx.cfg.monitorDir) : userFieldRecording(rec.userField, ctx.cfg.monitorDir),
    uniqueid: clean(rec.uniqueId),
    mac: ctx.cfg.mac,
  };
  return { event, call: own?.linkedid ?? destCh?.linkedid };
}

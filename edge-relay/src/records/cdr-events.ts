/**
 * Master.csv rows → the box `cdr` events the relay would have pushed from the
 * same CDRs' AMI `Cdr` events, through the mapper's own builder (so the two
 * cannot drift). What a row cannot say:
 *
 * - `timestamp`: AMI stamps a Cdr when Asterisk posts it, to the microsecond.
 *   A channel's CDRs are posted together when the channel ends, and cdr_csv
 *   writes them consecutively, so every row of a run (consecutive rows of one
 *   uniqueid) gets the end time of the run's last row, or the caller's last
 *   queue_log line when that is later (a queue caller that hangs up between
 *   two ring attempts: its last CDR ended with the attempt): the same second
 *   as the AMI Timestamp, `.000000` for the fraction.
 * - `recordfile`: from the MixMonitor file the mapper saw on the channel
 *   (MIXMONITOR_FILENAME), which it did not see while AMI was down; only a
 *   user field naming the file (or a channel the mapper still remembers)
 *   gives it.
 */

import type { CdrEvent } from '../../../protocol/src/events/box-events.js';
import type { EventMapper } from '../events/mapper.js';
import { cdrCsvEpochSec, cdrRowInPbxTime, type CdrCsvRow, type CdrCsvSettings } from './cdr-csv.js';

export interface BackfilledCdr {
  event: CdrEvent;
  /** The call (Linkedid) when the mapper still knows one of the row's channels. */
  call?: string;
  row: CdrCsvRow;
  /** When Asterisk posted the CDR (Unix seconds): the events' time order. */
  postedAtSec: number;
}

export interface CdrRowsContext {
  settings: CdrCsvSettings;
  /** The PBX's IANA zone (`[pbx] timezone`); undefined: the relay host's. */
  timezone?: string;
  /** The last time other records show the caller up (QueueCall.lastSec of queue_log): its CDRs were posted no earlier. */
  lastSeenSec?: (uniqueid: string) => number | undefined;
}

/** Rows in file order → box cdr events in the same order. */
export function cdrEventsFromRows(mapper: EventMapper, rows: readonly CdrCsvRow[], ctx: CdrRowsContext): BackfilledCdr[] {
  const posted = postingTimes(rows, ctx);
  return rows.map((raw, i) => {
    const row = cdrRowInPbxTime(raw, ctx.settings, ctx.timezone);
    const r = mapper.mapCdrRecord(row, posted[i]);
    return { event: r.events[0] as CdrEvent, call: r.calls[0], row: raw, postedAtSec: posted[i] };
  });
}

/** Each row's posting time: the end of the last row of its run of one uniqueid. */
function postingTimes(rows: readonly CdrCsvRow[], ctx: CdrRowsContext): number[] {
  const out = new Array<number>(rows.length);
  let i = rows.length - 1;
  while (i >= 0) {
    const last = rows[i];
    const ended = cdrCsvEpochSec(last.endTime || last.startTime, ctx.settings, ctx.timezone) ?? 0;
    const at = Math.max(ended, ctx.lastSeenSec?.(last.uniqueId) ?? 0);
    let j = i;
    while (j >= 0 && rows[j].uniqueId === last.uniqueId) out[j--] = at;
    i = j;
  }
  return out;
}

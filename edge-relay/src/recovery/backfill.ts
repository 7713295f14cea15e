/**
 * What Asterisk's own records say about the time the relay was not listening
 * (`[pbx] cdr_csv`, `queue_log`), after every start and every AMI reconnect:
 *
 * - queue_log lines of the blind window complete the call-center records of
 *   callers the relay knows (and start the wrap-ups that should have begun);
 * - channels that ended meanwhile are closed at the time their CDR says;
 * - the `cdr` of every Master.csv row posted in the window that the relay has
 *   not pushed, and the `cc_cdr` of every queue caller it never saw, go out
 *   marked recovered, in time order, through the normal spool.
 *
 * Deduplicated by uniqueid against what the relay pushed (the mapper keeps
 * those ids, saved with its state). The files are read asynchronously in
 * small chunks (never holding up the AMI reader), as they grow, keeping the
 * last minutes in memory (retained-tail.ts); positions are saved only once
 * what was made from them is durable in the spool.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { CdrRecord } from '../events/cdr.js';
import type { EventMapper, MapResult } from '../events/mapper.js';
import type { Backfill, BlindWindow } from '../events/pipeline.js';
import type { Spool } from '../events/spool.js';
import { AutoCdrCsvDecoder, CDR_CSV_RECOMMENDED, cdrCsvEpochSec, type CdrCsvRow } from '../records/cdr-csv.js';
import { cdrEventsFromRows } from '../records/cdr-events.js';
import { QueueCallAssembler, type QueueCall } from '../records/queue-calls.js';
import { QueueLogDecoder, type QueueLogLine } from '../records/queue-log.js';
import { RetainedTail } from './retained-tail.js';

export interface RecordsBackfillOptions {
  mapper: EventMapper;
  publish: (result: MapResult) => void;
  spool: Spool;
  cdrCsv?: string;
  queueLog?: string;
  /** Where the reading positions are saved. */
  dir: string;
  timezone?: string;
  clock: Clock;
  logger: Logger;
  /** How often the files are read while nothing is missed, to keep their positions current. */
  passEveryMs?: number;
}

/**
 * Records kept this long before the last message the relay saved, and before
 * the start of every blind window not yet processed (an outage can last
 * longer than this: its lines must survive until its window is read).
 */
const RETAIN_SEC = 300;
/** Blind windows waiting to be processed are few (one per AMI drop or start); past this many only the earliest matters. */
const MAX_PENDING_WINDOWS = 64;

export class RecordsBackfill implements Backfill {
  private readonly csv?: RetainedTail<CdrCsvRow>;
  private readonly qlog?: RetainedTail<QueueLogLine>;
  private readonly log: Logger;
  private chain: Promise<void> = Promise.resolve();
  private timer?: TimerHandle;
  private stopped = false;
  /** Where each blind window not yet processed begins (Unix seconds). */
  private pendingFrom: number[] = [];

  constructor(private readonly opts: RecordsBackfillOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'backfill' });
    const tz = opts.timezone;
    if (opts.cdrCsv) {
      this.csv = new RetainedTail<CdrCsvRow>({
        path: opts.cdrCsv,
        statePath: `${opts.dir}/cdr-csv.position.json`,
        decoder: (startOffset) => new AutoCdrCsvDecoder({ startOffset }),
        timeOf: (row) => cdrCsvEpochSec(row.endTime || row.startTime, CDR_CSV_RECOMMENDED, tz) ?? 0,
        logger: this.log,
      });
    }
    if (opts.queueLog) {
      this.qlog = new RetainedTail<QueueLogLine>({
        path: opts.queueLog,
        statePath: `${opts.dir}/queue-log.position.json`,
        decoder: (startOffset) => new QueueLogDecoder({ startOffset }),
        timeOf: (line) => line.time,
        logger: this.log,
      });
    }
  }

  start(): void {
    this.enqueue(() => this.keepCurrent());
  }

  blind(fromSec: number | undefined): void {
    if (fromSec === undefined) return;
    if (this.pendingFrom.length >= MAX_PENDING_WINDOWS) this.pendingFrom = [Math.min(...this.pendingFrom, fromSec)];
    else this.pendingFrom.push(fromSec);
  }

  process(window: BlindWindow): void {
    this.enqueue(() => this.recover(window));
  }

  /** Resolves once everything asked so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.clock.clearTimeout(this.timer);
    await this.chain;
    await this.csv?.close();
    await this.qlog?.close();
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((err: unknown) => this.log.error('reading Asterisk\'s records failed', { error: err }));
  }

  /** Read what was appended, drop what is older than any window can need, and come back later. */
  private async keepCurrent(): Promise<void> {
    if (this.stopped) return;
    await this.csv?.readAll();
    await this.qlog?.readAll();
    await this.forgetOld();
    this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => this.enqueue(() => this.keepCurrent()), this.opts.passEveryMs ?? 30_000);
  }

  private async forgetOld(): Promise<void> {
    // Only what the journal holds counts as heard: flush first.
    await this.opts.spool.flush();
    const heard = this.opts.mapper.ctx.clockBase?.sec;
    if (heard === undefined) return;
    // After a new login `heard` is already past the outage: the window's start bounds what may go.
    const keepFrom = Math.min(heard, ...this.pendingFrom) - RETAIN_SEC;
    await this.csv?.dropBefore(keepFrom);
    await this.qlog?.dropBefore(keepFrom);
  }

  private async recover(w: BlindWindow): Promise<void> {
    const rows = (await this.csv?.readAll()) ?? [];
    const lines = (await this.qlog?.readAll()) ?? [];
    if (this.stopped) return;
    const { mapper, clock } = this.opts;
    const nowMs = clock.now();
    const out: Array<{ sec: number; result: MapResult }> = [];
    const resolve = (queue: string, name: string) => mapper.queues.interfaceByName(queue, name);
    const missed: QueueCall[] = [];
    const calls = new QueueCallAssembler();
    if (this.qlog && w.fromSec !== undefined) {
      // Lines strictly inside the window: the seconds it starts and ends in were heard.
      const from = Math.floor(w.fromSec);
      const to = Math.floor(w.toSec);
      const gone = new Set(w.gone);
      for (const l of lines) {
        // A caller the relay knows was heard up to `from` (the second it starts in excluded, or a line
        // would count twice), and from `to` on if it is still up; one it never saw, or one gone
        // before the relay was back, was not heard at all.
        const known = mapper.knowsCaller(l.callid);
        if (l.time < from || (known && l.time <= from)) continue;
        if (l.time > to && !gone.has(l.callid)) continue;
        if (known && l.time === to && !gone.has(l.callid)) continue;
        if (l.event !== 'ENTERQUEUE' && known) calls.seed(l.callid, l.queue, l.time);
        calls.push(l);
      }
      for (const q of calls.all()) {
        if (mapper.knowsCaller(q.uniqueid)) out.push({ sec: -Infinity, result: mapper.fillQueueCall(q, resolve, nowMs) });
        else if (q.left && !q.seeded) missed.push(q);
      }
      out.push({ sec: -Infinity, result: mapper.queueLogCovered() });
    }
    for (const id of w.gone) {
      const facts = goneFacts(mapper, id, rows, this.opts.timezone);
      out.push({ sec: facts.endSec ?? Infinity, result: mapper.closeGone(id, facts, nowMs) });
    }
    for (const q of missed) {
      const own = rows.filter((r) => r.uniqueId === q.uniqueid);
      const [start, end] = span(own, this.opts.timezone);
      const endSec = Math.max(end ?? 0, q.left!.sec);
      out.push({ sec: endSec, result: mapper.missedCc(q, own, endSec, start ?? q.enteredSec, resolve, nowMs) });
    }
    if (this.csv && w.fromSec !== undefined) {
      const from = Math.floor(w.fromSec);
      const to = Math.floor(w.toSec);
      const lastSeenSec = (u: string) => calls.get(u)?.lastSec;
      // A channel's CDRs are posted together: pushed through AMI, all of them were.
      const pushed = new Set(rows.map((r) => r.uniqueId).filter((u) => mapper.pushedCdr(u)));
      for (const c of cdrEventsFromRows(mapper, rows, { settings: CDR_CSV_RECOMMENDED, timezone: this.opts.timezone, lastSeenSec })) {
        if (c.postedAtSec < from || c.postedAtSec > to || pushed.has(c.event.uniqueid)) continue;
        out.push({ sec: c.postedAtSec, result: mapper.recoveredCdr(c.event, c.call, c.postedAtSec) });
      }
    }
    // In time order (stable: what a second holds stays in the order it was made).
    out.sort((a, b) => a.sec - b.sec);
    let recovered = 0;
    for (const o of out) {
      recovered += o.result.events.length;
      this.opts.publish(o.result);
    }
    this.log.info('recovered from Asterisk\'s records what the relay did not see', {
      fromSec: w.fromSec,
      toSec: w.toSec,
      events: recovered,
      gone: w.gone.length,
      missedQueueCallers: missed.length,
    });
    // This window, and any that began before it, are read.
    const done = w.fromSec;
    this.pendingFrom = done === undefined ? [] : this.pendingFrom.filter((s) => s > done);
    await this.forgetOld();
  }
}

/** When a gone channel hung up (its own CDR's end, or the CDR that dialled it), and how its dial ended. */
function goneFacts(mapper: EventMapper, uniqueid: string, rows: readonly CdrCsvRow[], tz: string | undefined): { endSec?: number; cause?: string } {
  const ch = mapper.ctx.state.channel(uniqueid);
  let endSec: number | undefined;
  let cause: string | undefined;
  for (const r of rows) {
    const mine = r.uniqueId === uniqueid;
    const dialled = ch !== undefined && r.destinationChannel === ch.name;
    if (!mine && !dialled) continue;
    const end = cdrCsvEpochSec(r.endTime || r.startTime, CDR_CSV_RECOMMENDED, tz);
    if (end !== undefined) endSec = Math.max(endSec ?? 0, end);
    if (dialled) cause = DISPOSITION_CAUSE[r.disposition];
  }
  return { endSec, cause };
}

/** A CDR disposition as the Hangup cause that gives the same dialend status (events/dials.ts). */
const DISPOSITION_CAUSE: Record<string, string | undefined> = { BUSY: '17', 'NO ANSWER': '19', FAILED: '34', CONGESTION: '34' };

/** The first row's start and the last row's end (Unix seconds). */
function span(rows: readonly CdrRecord[], tz: string | undefined): [number | undefined, number | undefined] {
  if (rows.length === 0) return [undefined, undefined];
  const start = cdrCsvEpochSec(rows[0].startTime, CDR_CSV_RECOMMENDED, tz);
  const ends = rows.map((r) => cdrCsvEpochSec(r.endTime || r.startTime, CDR_CSV_RECOMMENDED, tz) ?? 0);
  return [start, Math.max(...ends)];
}

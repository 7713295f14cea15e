/**
 * AMI messages in, box events out. Pure: no I/O, no timers; the time of each
 * message is its Timestamp header or the receive time the caller passes in.
 * The rules are coocenter-events.md, with the decisions of
 * docs/event-mapping.md. What the relay must do besides pushing events
 * (after-call work, timers, questions to Asterisk, closing calls that ended
 * while it was not listening) comes back as commands.
 *
 * The whole state is saved with the events it produced (persist.ts, through
 * the spool's journal), so a restarted relay goes on with every call.
 */

import type { BoxEvent, CdrEvent } from '../../../protocol/src/events/box-events.js';
import type { QueueCall } from '../records/queue-calls.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { buildCdr, type CdrRecord } from './cdr.js';
import { MapperContext, type EventMarks, type MapperCommand, type MapperConfig } from './context.js';
import { handleMessage, release } from './dispatch.js';
import { completeTimedOut, endChannel } from './endings.js';
import { fullState, restoreState, takeDelta, type MapperDelta } from './persist.js';
import { closeGone, fillQueueCall, missedCc, queueStayComplete, type GoneFacts, type MemberResolver } from './reconcile.js';
import { applySnapshot, type Snapshot } from './snapshot.js';
import { fromMs, messageTime } from './time.js';
import type { PersistedWrapup } from './wrapup.js';

export interface MapResult {
  events: BoxEvent[];
  /** The call (Linkedid) of each event, same index; undefined for events of no call. */
  calls: Array<string | undefined>;
  /** How each event came about (same index), when not simply from live AMI. */
  marks: Array<EventMarks | undefined>;
  commands: MapperCommand[];
}

const DEFAULT_GRACE_SEC = 60;
const DEFAULT_MAX_SILENCE_SEC = 8 * 3600;

export class EventMapper {
  /** Everything the mapper knows; the parts (events/*.ts) share it. */
  readonly ctx: MapperContext;
  private lastExpireSec = -Infinity;

  constructor(readonly config: MapperConfig) {
    this.ctx = new MapperContext(config);
  }

  get queues() {
    return this.ctx.queues;
  }

  get wrapups() {
    return this.ctx.wrapups;
  }

  get extensionStates() {
    return this.ctx.extensionStates;
  }

  /** Messages mapped so far; a snapshot notes it when requested, to tell newer channels apart. */
  get messages(): number {
    return this.ctx.messages;
  }

  /** Map one AMI message received at `receivedAtMs` (relay clock). */
  map(msg: AmiMessage, receivedAtMs: number): MapResult {
    if (msg.kind !== 'event') return { events: [], calls: [], marks: [], commands: [] };
    const ctx = this.ctx;
    ctx.messages++;
    ctx.time = messageTime(msg, receivedAtMs);
    ctx.clockBase = { sec: ctx.time.sec, atMs: receivedAtMs };
    // Whatever this message touches is saved with its events (persist.ts): its channel's
    // records are marked when it is touched, other changes where they are made.
    handleMessage(ctx, msg);
    ctx.state.changes.other = true;
    // Expiry walks all state: once a second of message time is plenty.
    if (ctx.time.sec - this.lastExpireSec >= 1) this.expire();
    return this.result();
  }

  /**
   * Reconcile with the answers to QueueStatus / ExtensionStateList /
   * CoreShowChannels / Status. `afterGap`: the relay was not listening before
   * this login (it restarted, or AMI dropped), so what it remembers may have
   * ended meanwhile (a `gone` command) and what is still up may have missed events.
   */
  snapshot(snap: Snapshot, atMs: number, afterGap = false): MapResult {
    this.ctx.time = this.timeAt(atMs);
    applySnapshot(this.ctx, snap, afterGap);
    return this.result();
  }

  /** Time passes without AMI traffic: forget finished calls, expire silent channels. */
  tick(nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    this.expire();
    return this.result();
  }

  /** The answer to a QueueStatus for one queue (asked because a caller joined a queue the relay did not know). */
  queueStatus(queue: string, items: AmiMessage[], requestedAtMessage: number): void {
    this.ctx.queues.replaceQueue(queue, items, requestedAtMessage);
    const reachable = this.ctx.queues.reachableMembers(queue);
    for (const r of this.ctx.cc.records.values()) {
      if (r.queue === queue && r.reachableAtJoin === undefined && r.joinedSec !== undefined) {
        r.reachableAtJoin = reachable;
        this.ctx.state.changes.id(r.uniqueid);
      }
    }
  }

  /**
   * A CDR Asterisk recorded while AMI did not show it (a Master.csv row read
   * back): the same box `cdr` its AMI `Cdr` event gives, stamped `atSec`
   * (when Asterisk posted it). Mapper state is only read, never changed.
   */
  mapCdrRecord(rec: CdrRecord, atSec: number): MapResult {
    const { event, call } = buildCdr(this.ctx, rec, fromMs(atSec * 1000).stamp);
    return { events: [event], calls: [call], marks: [undefined], commands: [] };
  }

  /** A channel that ended while the relay was not listening: close it at the time its records say, or now. */
  closeGone(uniqueid: string, facts: GoneFacts, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    closeGone(this.ctx, uniqueid, facts);
    return this.result();
  }

  // ── what Asterisk's records tell after an outage (recovery/backfill.ts) ──

  /** The relay has a record of this caller (or its channel): queue_log lines about it complete that record. */
  knowsCaller(uniqueid: string): boolean {
    const c = this.ctx;
    return c.cc.records.has(uniqueid) || c.cc.awaiting.has(uniqueid) || c.state.channels.has(uniqueid);
  }

  /** What queue_log says happened to a known caller while the relay was not listening. */
  fillQueueCall(q: QueueCall, resolve: MemberResolver, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    fillQueueCall(this.ctx, q, resolve, this.ctx.time.sec);
    return this.result();
  }

  /** queue_log covered the blind window: the queue stays of the callers still up are complete again. */
  queueLogCovered(): MapResult {
    const c = this.ctx;
    for (const r of [...c.cc.records.values(), ...[...c.cc.awaiting.values()].map((a) => a.r)]) {
      if (r.blind && r.lastPhase === 'queue' && !c.state.channel(r.uniqueid)?.visit) queueStayComplete(c, r.uniqueid);
    }
    return this.result();
  }

  /** The cc_cdr of a queue caller the relay never saw, from queue_log and its CDR rows. */
  missedCc(q: QueueCall, rows: readonly CdrRecord[], endSec: number, startSec: number, resolve: MemberResolver, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    missedCc(this.ctx, q, rows, endSec, startSec, resolve, this.ctx.time.sec);
    return this.result();
  }

  /** The relay pushed a cdr of this uniqueid lately. */
  pushedCdr(uniqueid: string): boolean {
    return this.ctx.seenCdr.has(uniqueid);
  }

  /** A cdr from Master.csv the relay never pushed (built by mapCdrRecord): remembered, marked recovered. */
  recoveredCdr(event: CdrEvent, call: string | undefined, postedAtSec: number): MapResult {
    this.ctx.seenCdr.add(event.uniqueid, postedAtSec);
    return { events: [event], calls: [call], marks: [{ recovered: true }], commands: [] };
  }

  /** The relay gave up waiting for the unpause event of `member`'s wrap-up. */
  expireWrapup(member: string, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    release(this.ctx, this.ctx.wrapups.expire(member, this.ctx.time.sec));
    return this.result();
  }

  /** The talk-time race's wait is over for this caller (see endings.ts). */
  completeTimeout(uniqueid: string, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    completeTimedOut(this.ctx, uniqueid);
    return this.result();
  }

  /**
   * "Now" for work not triggered by a message. When Asterisk stamps its events
   * (PBX clock), continue from the last stamp rather than mixing in the relay's
   * clock, so every duration uses one time base.
   */
  timeAt(nowMs: number) {
    const base = this.ctx.clockBase;
    if (base === undefined) return fromMs(nowMs);
    return fromMs((base.sec + Math.max(0, nowMs - base.atMs) / 1000) * 1000);
  }

  private result(): MapResult {
    const mapped = this.ctx.out.drain();
    return { events: mapped.map((m) => m.event), calls: mapped.map((m) => m.call), marks: mapped.map((m) => m.marks), commands: this.ctx.out.drainCommands() };
  }


  // ── the relay's saved state (persist.ts) ───────────────────────────────

  /** Something a restart must know changed since the last takeDelta(). */
  get dirty(): boolean {
    const c = this.ctx;
    return c.state.changes.any || c.queues.changed || c.wrapups.changed || c.seenCdr.changed || c.seenCc.changed;
  }

  takeDelta(): MapperDelta {
    return takeDelta(this.ctx);
  }

  fullState(): MapperDelta {
    return fullState(this.ctx);
  }

  /** Start from a checkpoint and the deltas after it (a restart). */
  restoreState(full: MapperDelta | undefined, deltas: MapperDelta[]): void {
    restoreState(this.ctx, full, deltas);
  }

  restoreWrapups(saved: PersistedWrapup[]): void {
    this.ctx.wrapups.restore(saved);
  }

  /** Sizes, for the memory-bound tests and the status endpoint. */
  get stats(): { channels: number; calls: number; dials: number; ccRecords: number; wrapups: number } {
    const c = this.ctx;
    return { channels: c.state.channels.size, calls: c.state.calls.size, dials: c.state.dials.size, ccRecords: c.cc.records.size + c.cc.awaiting.size, wrapups: c.wrapups.size };
  }

  private expire(): void {
    const ctx = this.ctx;
    this.lastExpireSec = ctx.time.sec;
    const silent = ctx.state.expire(ctx.time.sec, ctx.cfg.finishedGraceSec ?? DEFAULT_GRACE_SEC, ctx.cfg.channelMaxSilenceSec ?? DEFAULT_MAX_SILENCE_SEC);
    for (const ch of silent) endChannel(ctx, ch, false);
    ctx.seenCdr.prune(ctx.time.sec);
    ctx.seenCc.prune(ctx.time.sec);
  }
}

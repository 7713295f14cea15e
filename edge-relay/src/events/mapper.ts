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

import type { BoxEvent, ExtensionStatusEvent } from '../../../protocol/src/events/box-events.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { buildCdr, cdrRecordFrom, type CdrRecord } from './cdr.js';
import { MapperContext, type EventMarks, type MapperCommand, type MapperConfig } from './context.js';
import { onDialBegin, onDialEnd } from './dials.js';
import { completeArrived, completeTimedOut, endChannel, endHold } from './endings.js';
import { flushCall, onDtmf, onNewextenIvr } from './ivr.js';
import { clean } from './names.js';
import { fullState, restoreState, takeDelta, type MapperDelta } from './persist.js';
import { closeGone, type GoneFacts } from './reconcile.js';
import { applySnapshot, type Snapshot } from './snapshot.js';
import type { Channel } from './state.js';
import { fromMs, messageTime } from './time.js';
import type { PersistedWrapup, ReleasedRecord } from './wrapup.js';

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
    this.handle(msg);
    // Whatever this message touched is saved with its events (persist.ts).
    const changes = ctx.state.changes;
    changes.id(msg.get('Uniqueid'));
    changes.id(msg.get('DestUniqueid'));
    changes.call(msg.get('Linkedid'));
    changes.call(msg.get('DestLinkedid'));
    changes.other = true;
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

  /** The relay gave up waiting for the unpause event of `member`'s wrap-up. */
  expireWrapup(member: string, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    this.release(this.ctx.wrapups.expire(member, this.ctx.time.sec));
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

  private release(done: ReleasedRecord[]): void {
    for (const r of done) this.ctx.out.ccCdr({ ...r.record, timestamp: this.ctx.time.stamp }, r.call, r.partial);
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

  // ── dispatch ───────────────────────────────────────────────────────────

  private handle(msg: AmiMessage): void {
    const ctx = this.ctx;
    // List items (they answer one of our actions) are snapshot data, never events.
    if (msg.has('ActionID') && msg.event !== 'OriginateResponse') return;
    const ch = this.touch(msg);
    switch (msg.event) {
      case 'Newchannel':
        return;
      case 'Newexten':
        if (ch) this.onNewexten(ch, msg);
        return;
      case 'VarSet':
        if (ch && msg.get('Variable') === 'MIXMONITOR_FILENAME') ch.recording = clean(msg.get('Value'));
        return;
      case 'DialBegin':
        onDialBegin(ctx, msg);
        this.noteForward(msg);
        return;
      case 'DialEnd':
        onDialEnd(ctx, msg);
        return;
      case 'HangupRequest':
        if (ch) ch.hangupRequested = true;
        return;
      case 'Hangup':
        if (ch) endChannel(ctx, ch, true, clean(msg.get('Cause')), clean(msg.get('Cause-txt')));
        return;
      case 'ExtensionStatus':
        this.onExtensionStatus(msg);
        return;
      case 'Cdr':
        this.onCdr(msg);
        return;
      case 'DTMFEnd':
        if (ch && (msg.get('Direction') ?? '').toLowerCase() === 'received') onDtmf(ch, msg.get('Digit') ?? '');
        return;
      case 'QueueCallerJoin':
        if (ch) this.onQueueJoin(ch, msg.get('Queue') ?? '');
        return;
      case 'QueueCallerLeave':
      case 'QueueCallerAbandon':
      case 'AgentCalled':
      case 'AgentRingNoAnswer':
      case 'AgentConnect':
        ctx.cc.onQueueEvent(msg, ctx.time.sec);
        return;
      case 'AgentComplete':
      case 'AgentDump':
        this.onAgentComplete(msg);
        return;
      case 'QueueMemberAdded':
      case 'QueueMemberRemoved':
      case 'QueueMemberStatus':
      case 'QueueMemberPenalty':
        ctx.queues.apply(msg, ctx.messages);
        return;
      case 'QueueMemberPause':
        this.onMemberPause(msg);
        return;
      case 'Hold':
        if (ch) ch.holdSinceSec ??= ctx.time.sec;
        return;
      case 'Unhold':
        if (ch) endHold(ctx, ch);
        return;
      case 'UserEvent':
        this.onUserEvent(msg);
        return;
    }
  }

  /** Keep a channel's identity fields current; every channel event carries them. */
  private touch(msg: AmiMessage): Channel | undefined {
    const uniqueid = msg.get('Uniqueid');
    const name = msg.get('Channel');
    if (uniqueid === undefined || name === undefined) return undefined;
    const { state, time, messages } = this.ctx;
    let ch = state.channel(uniqueid);
    if (!ch) {
      ch = {
        uniqueid,
        name,
        linkedid: msg.get('Linkedid') ?? uniqueid,
        callerNum: '',
        callerName: '',
        connectedNum: '',
        connectedName: '',
        context: '',
        createdSec: time.sec,
        lastSeenSec: time.sec,
        lastMessage: messages,
        hangupRequested: false,
      };
      state.addChannel(ch);
    }
    ch.lastSeenSec = time.sec;
    ch.lastMessage = messages;
    const linkedid = msg.get('Linkedid');
    if (linkedid !== undefined && linkedid !== ch.linkedid) state.relink(ch, linkedid);
    const num = msg.get('CallerIDNum');
    if (num !== undefined) ch.callerNum = clean(num);
    const cname = msg.get('CallerIDName');
    if (cname !== undefined) ch.callerName = clean(cname);
    const cln = msg.get('ConnectedLineNum');
    if (cln !== undefined) ch.connectedNum = clean(cln);
    const clname = msg.get('ConnectedLineName');
    if (clname !== undefined) ch.connectedName = clean(clname);
    return ch;
  }

  private onNewexten(ch: Channel, msg: AmiMessage): void {
    const ctx = this.ctx;
    const context = msg.get('Context') ?? '';
    const wasInIvr = ch.visit !== undefined;
    const ended = onNewextenIvr(ctx, ch, context);
    if (ended) ctx.cc.visitEnded(ch, ended);
    if (ch.visit && (!wasInIvr || ended)) ctx.cc.visitStarted(ch);
    if (ch.did === undefined && ctx.inbound.has(context)) ch.did = clean(msg.get('Extension') ?? msg.get('Exten'));
    const r = ctx.cc.get(ch.uniqueid);
    if (r) {
      if (context !== ch.context) ctx.cc.contextChanged(r, context, ctx.cfg.feedbackContext, ctx.time.sec);
      if ((msg.get('Application') ?? '').toLowerCase() === 'voicemail') r.voicemail = true;
    }
    ch.context = context;
  }

  private onQueueJoin(ch: Channel, queue: string): void {
    const ctx = this.ctx;
    // A queue created after the relay's last QueueStatus (queue reload): ask, so NO_AGENT_LOGIN is right for it.
    if (!ctx.queues.known(queue)) ctx.out.commands.push({ kind: 'queue-status', queue });
    ctx.cc.joined(ch, queue, ctx.time.sec);
    flushCall(ctx, ctx.state.call(ch.linkedid), queue);
  }

  private onAgentComplete(msg: AmiMessage): void {
    const ctx = this.ctx;
    const r = ctx.cc.onQueueEvent(msg, ctx.time.sec);
    if (!r) return;
    if (msg.event === 'AgentComplete' && ctx.cfg.pausetime) {
      const member = msg.get('Interface') ?? r.agentIface;
      if (member) ctx.wrapups.start(member, r.uniqueid, ctx.time.sec, ctx.out.commands);
    }
    completeArrived(ctx, r.uniqueid);
  }

  private onMemberPause(msg: AmiMessage): void {
    const ctx = this.ctx;
    ctx.queues.apply(msg, ctx.messages);
    const member = msg.get('Interface') ?? msg.get('Location');
    if (!member) return;
    const paused = (msg.get('Paused') ?? '0') === '1';
    this.release(ctx.wrapups.onPause(member, paused, ctx.time.sec, ctx.out.commands));
  }

  private onExtensionStatus(msg: AmiMessage): void {
    const ctx = this.ctx;
    const exten = clean(msg.get('Exten'));
    const status = clean(msg.get('Status'));
    const statustext = clean(msg.get('StatusText'));
    ctx.extensionStates.set(exten, { status, statustext, updatedAt: ctx.messages });
    ctx.state.changes.extens.add(exten);
    const event: ExtensionStatusEvent = { event: 'extensionstatus', timestamp: ctx.time.stamp, exten, status, statustext, mac: ctx.cfg.mac };
    ctx.out.own_(event);
  }

  private onCdr(msg: AmiMessage): void {
    const ctx = this.ctx;
    const { event, call } = buildCdr(ctx, cdrRecordFrom((h) => msg.get(h)), ctx.time.stamp);
    ctx.seenCdr.add(event.uniqueid, ctx.time.sec);
    ctx.out.own_(event, call);
  }

  private onUserEvent(msg: AmiMessage): void {
    if ((msg.get('UserEvent') ?? '').toLowerCase() !== 'feedback') return;
    const r = this.ctx.cc.get(msg.get('Uniqueid'));
    const score = msg.get('Score');
    if (r && score !== undefined) r.score = score.trim();
  }

  /** A call-center caller dialled out through a trunk: a forward to an outside number. */
  private noteForward(msg: AmiMessage): void {
    const ctx = this.ctx;
    const r = ctx.cc.get(msg.get('Uniqueid'));
    if (!r || !ctx.trunks.isTrunk(msg.get('DestChannel'))) return;
    const dialString = clean(msg.get('DialString'));
    const number = dialString.slice(dialString.lastIndexOf('/') + 1).replace(/^sips?:/, '').replace(/@.*$/, '');
    r.forwardNumber = number || clean(msg.get('DestCallerIDNum'));
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

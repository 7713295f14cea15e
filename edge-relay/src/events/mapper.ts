/**
 * AMI messages in, box events out. Pure: no I/O, no timers; the time of each
 * message is its Timestamp header or the receive time the caller passes in.
 * The rules are coocenter-events.md, with the decisions of
 * docs/event-mapping.md.
 */

import type { BoxEvent, CcCdrEvent, ExtensionStatusEvent, HangupEvent } from '../../../protocol/src/events/box-events.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { CallCenter } from './callcenter.js';
import { buildCdr, cdrRecordFrom, type CdrRecord } from './cdr.js';
import { MapperContext, Output, type MapperConfig, type WrapupCommand } from './context.js';
import { onDialBegin, onDialEnd, onHangupDials } from './dials.js';
import { endVisit, flushCall, flushChannel, onDtmf, onNewextenIvr } from './ivr.js';
import { clean } from './names.js';
import { QueueTable } from './queues.js';
import { applySnapshot, type Snapshot } from './snapshot.js';
import { MapperState, type Channel } from './state.js';
import { fromMs, messageTime } from './time.js';
import { Wrapups, type PersistedWrapup } from './wrapup.js';

export interface MapResult {
  events: BoxEvent[];
  /** The call (Linkedid) of each event, same index; undefined for events of no call. */
  calls: Array<string | undefined>;
  commands: WrapupCommand[];
}

const DEFAULT_GRACE_SEC = 60;
const DEFAULT_MAX_SILENCE_SEC = 8 * 3600;

export class EventMapper {
  private readonly state = new MapperState();
  private readonly out = new Output();
  private readonly ctx: MapperContext;
  readonly queues = new QueueTable();
  private readonly cc: CallCenter;
  readonly wrapups: Wrapups;
  /** Last known state per extension, to report changes missed while AMI was down. */
  readonly extensionStates = new Map<string, { status: string; statustext: string; updatedAt: number }>();
  /** Messages mapped so far; a snapshot notes it when requested, to tell newer channels apart. */
  messages = 0;
  /** The last message's time and when (relay clock) it arrived: one time base for ticks. */
  private lastSec?: number;
  private lastAtMs = 0;
  private lastExpireSec = -Infinity;

  constructor(readonly config: MapperConfig) {
    this.ctx = new MapperContext(config, this.state, this.out);
    this.cc = new CallCenter(this.queues);
    this.wrapups = new Wrapups(config.wrapupSeconds);
  }

  /** Map one AMI message received at `receivedAtMs` (relay clock). */
  map(msg: AmiMessage, receivedAtMs: number): MapResult {
    if (msg.kind !== 'event') return { events: [], calls: [], commands: [] };
    this.messages++;
    this.ctx.time = messageTime(msg, receivedAtMs);
    this.lastSec = this.ctx.time.sec;
    this.lastAtMs = receivedAtMs;
    this.handle(msg);
    // Expiry walks all state: once a second of message time is plenty.
    if (this.ctx.time.sec - this.lastExpireSec >= 1) this.expire();
    return this.result();
  }

  /** Rebuild state from the answers to QueueStatus / ExtensionStateList / CoreShowChannels. */
  snapshot(snap: Snapshot, atMs: number): MapResult {
    this.ctx.time = this.timeAt(atMs);
    applySnapshot(this.snapshotDeps(), snap);
    return this.result();
  }

  /** Time passes without AMI traffic: forget finished calls, expire silent channels. */
  tick(nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    this.expire();
    return this.result();
  }

  /**
   * A CDR Asterisk recorded while AMI did not show it (a Master.csv row read
   * back): the same box `cdr` its AMI `Cdr` event gives, stamped `atSec`
   * (when Asterisk posted it). Mapper state is only read, never changed.
   */
  mapCdrRecord(rec: CdrRecord, atSec: number): MapResult {
    const { event, call } = buildCdr(this.ctx, rec, fromMs(atSec * 1000).stamp);
    return { events: [event], calls: [call], commands: [] };
  }

  /** The relay gave up waiting for the unpause event of `member`'s wrap-up. */
  expireWrapup(member: string, nowMs: number): MapResult {
    this.ctx.time = this.timeAt(nowMs);
    for (const r of this.wrapups.expire(member, this.ctx.time.sec)) this.out.ccCdr({ ...r, timestamp: this.ctx.time.stamp }, this.wrapups.callOf(r.uuid));
    return this.result();
  }

  /**
   * "Now" for work not triggered by a message. When Asterisk stamps its events
   * (PBX clock), continue from the last stamp rather than mixing in the relay's
   * clock, so every duration uses one time base.
   */
  private timeAt(nowMs: number) {
    if (this.lastSec === undefined) return fromMs(nowMs);
    return fromMs((this.lastSec + Math.max(0, nowMs - this.lastAtMs) / 1000) * 1000);
  }

  private result(): MapResult {
    const mapped = this.out.drain();
    return { events: mapped.map((m) => m.event), calls: mapped.map((m) => m.call), commands: this.out.drainCommands() };
  }

  restoreWrapups(saved: PersistedWrapup[]): void {
    this.wrapups.restore(saved);
  }

  /** The wrap-ups changed since they were last saved. */
  get wrapupsChanged(): boolean {
    return this.wrapups.changed;
  }

  /** Save the wrap-ups a restart must finish with `write`; they count as saved once it returns. */
  saveWrapups(write: (pending: PersistedWrapup[]) => void): void {
    this.wrapups.save(write);
  }

  /** Sizes, for the memory-bound tests and the status endpoint. */
  get stats(): { channels: number; calls: number; dials: number; ccRecords: number; wrapups: number } {
    return {
      channels: this.state.channels.size,
      calls: this.state.calls.size,
      dials: this.state.dials.size,
      ccRecords: this.cc.records.size,
      wrapups: this.wrapups.size,
    };
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
        if (ch) this.endChannel(ch, true, msg);
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
        if (ch) {
          this.cc.joined(ch, msg.get('Queue') ?? '', ctx.time.sec);
          flushCall(ctx, ctx.state.call(ch.linkedid), msg.get('Queue') ?? '');
        }
        return;
      case 'QueueCallerLeave':
      case 'QueueCallerAbandon':
      case 'AgentCalled':
      case 'AgentRingNoAnswer':
      case 'AgentConnect':
        this.cc.onQueueEvent(msg, ctx.time.sec);
        return;
      case 'AgentComplete':
        this.onAgentComplete(msg);
        return;
      case 'QueueMemberAdded':
      case 'QueueMemberRemoved':
      case 'QueueMemberStatus':
      case 'QueueMemberPenalty':
        this.queues.apply(msg, this.messages);
        return;
      case 'QueueMemberPause':
        this.onMemberPause(msg);
        return;
      case 'Hold':
        if (ch) ch.holdSinceSec ??= ctx.time.sec;
        return;
      case 'Unhold':
        if (ch) this.endHold(ch);
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
    const sec = this.ctx.time.sec;
    let ch = this.state.channel(uniqueid);
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
        createdSec: sec,
        lastSeenSec: sec,
        lastMessage: this.messages,
        hangupRequested: false,
      };
      this.state.addChannel(ch);
    }
    ch.lastSeenSec = sec;
    ch.lastMessage = this.messages;
    const linkedid = msg.get('Linkedid');
    if (linkedid !== undefined && linkedid !== ch.linkedid) this.state.relink(ch, linkedid);
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
    if (ended) this.cc.visitEnded(ch, ended);
    if (ch.visit && (!wasInIvr || ended)) this.cc.visitStarted(ch);
    if (ch.did === undefined && ctx.inbound.has(context)) ch.did = clean(msg.get('Extension') ?? msg.get('Exten'));
    const r = this.cc.get(ch.uniqueid);
    if (r) {
      if (context !== ch.context) this.cc.contextChanged(r, context, ctx.cfg.feedbackContext, ctx.time.sec);
      if ((msg.get('Application') ?? '').toLowerCase() === 'voicemail') r.voicemail = true;
    }
    ch.context = context;
  }

  /**
   * A channel ends: on its Hangup (`msg`, with Asterisk's cause), or because
   * we will never hear from it again, as if it had hung up now. `announce`
   * pushes the box's hangup event (a channel expired for silence goes quietly).
   */
  private endChannel(ch: Channel, announce: boolean, msg?: AmiMessage): void {
    const ctx = this.ctx;
    if (ch.hungUpSec !== undefined) return;
    ch.hungUpSec = ctx.time.sec;
    if (announce) ctx.out.own_(this.hangupEvent(ch), ch.linkedid);
    onHangupDials(ctx, ch.uniqueid, clean(msg?.get('Cause')));
    this.endHold(ch);
    const ended = endVisit(ctx, ch);
    if (ended) this.cc.visitEnded(ch, ended);
    flushChannel(ctx, ch, '');
    this.finishCc(ch, clean(msg?.get('Cause-txt')));
    this.state.noteHangup(ch, ctx.time.sec);
  }

  private hangupEvent(ch: Channel): HangupEvent {
    return {
      event: 'hangup',
      timestamp: this.ctx.time.stamp,
      calleridnum: ch.callerNum,
      calleridname: ch.callerName,
      connectedlinenum: ch.connectedNum,
      connectedlinename: ch.connectedName,
      uniqueid: ch.uniqueid,
      mac: this.ctx.cfg.mac,
    };
  }

  private finishCc(ch: Channel, cause: string): void {
    const r = this.cc.get(ch.uniqueid);
    if (!r) return;
    this.cc.records.delete(ch.uniqueid);
    const record = this.cc.build(this.ctx, r, ch, cause);
    if (this.wrapups.isWaiting(ch.uniqueid)) {
      this.wrapups.hold(ch.uniqueid, record, r.linkedid);
      return;
    }
    const settled = this.wrapups.takeSettled(ch.uniqueid);
    this.ctx.out.ccCdr(settled === undefined ? record : { ...record, pauseTime: settled }, r.linkedid);
  }

  private onAgentComplete(msg: AmiMessage): void {
    const r = this.cc.onQueueEvent(msg, this.ctx.time.sec);
    if (!r || !this.ctx.cfg.pausetime) return;
    const member = msg.get('Interface') ?? r.agentIface;
    if (member) this.wrapups.start(member, r.uniqueid, this.ctx.time.sec, this.out.commands);
  }

  private onMemberPause(msg: AmiMessage): void {
    this.queues.apply(msg, this.messages);
    const member = msg.get('Interface') ?? msg.get('Location');
    if (!member) return;
    const paused = (msg.get('Paused') ?? '0') === '1';
    const done: CcCdrEvent[] = this.wrapups.onPause(member, paused, this.ctx.time.sec, this.out.commands);
    for (const r of done) this.out.ccCdr({ ...r, timestamp: this.ctx.time.stamp }, this.wrapups.callOf(r.uuid));
  }

  private endHold(ch: Channel): void {
    if (ch.holdSinceSec === undefined) return;
    const held = this.ctx.time.sec - ch.holdSinceSec;
    ch.holdSinceSec = undefined;
    // Count it for every caller of this call who is connected to an agent.
    for (const r of this.cc.records.values()) if (r.linkedid === ch.linkedid && r.agentIface !== undefined) r.holdSec += held;
  }

  private onExtensionStatus(msg: AmiMessage): void {
    const exten = clean(msg.get('Exten'));
    const status = clean(msg.get('Status'));
    const statustext = clean(msg.get('StatusText'));
    this.extensionStates.set(exten, { status, statustext, updatedAt: this.messages });
    const event: ExtensionStatusEvent = { event: 'extensionstatus', timestamp: this.ctx.time.stamp, exten, status, statustext, mac: this.ctx.cfg.mac };
    this.out.own_(event);
  }

  private onCdr(msg: AmiMessage): void {
    const { event, call } = buildCdr(this.ctx, cdrRecordFrom((h) => msg.get(h)), this.ctx.time.stamp);
    this.ctx.out.own_(event, call);
  }

  private onUserEvent(msg: AmiMessage): void {
    if ((msg.get('UserEvent') ?? '').toLowerCase() !== 'feedback') return;
    const r = this.cc.get(msg.get('Uniqueid'));
    const score = msg.get('Score');
    if (r && score !== undefined) r.score = score.trim();
  }

  /** A call-center caller dialled out through a trunk: a forward to an outside number. */
  private noteForward(msg: AmiMessage): void {
    const r = this.cc.get(msg.get('Uniqueid'));
    if (!r || !this.ctx.trunks.isTrunk(msg.get('DestChannel'))) return;
    const dialString = clean(msg.get('DialString'));
    const number = dialString.slice(dialString.lastIndexOf('/') + 1).replace(/^sips?:/, '').replace(/@.*$/, '');
    r.forwardNumber = number || clean(msg.get('DestCallerIDNum'));
  }

  private expire(): void {
    const ctx = this.ctx;
    this.lastExpireSec = ctx.time.sec;
    const silent = this.state.expire(ctx.time.sec, ctx.cfg.finishedGraceSec ?? DEFAULT_GRACE_SEC, ctx.cfg.channelMaxSilenceSec ?? DEFAULT_MAX_SILENCE_SEC);
    for (const ch of silent) this.endChannel(ch, false);
  }

  private snapshotDeps() {
    return {
      ctx: this.ctx,
      state: this.state,
      queues: this.queues,
      extensionStates: this.extensionStates,
      hangUp: (ch: Channel) => this.endChannel(ch, true),
    };
  }
}

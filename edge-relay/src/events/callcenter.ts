/**
 * The call-center record (cc_cdr) of a caller channel that joined a queue or
 * visited an IVR: what happened to it, phase by phase, and the record built
 * from it when the caller hangs up (docs/event-mapping.md has the field table).
 */

import type { CcCdrEvent } from '../../../protocol/src/events/box-events.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { MapperContext } from './context.js';
import { didOf } from './ivr.js';
import { clean, extensionOf, recordingPath } from './names.js';
import type { QueueTable } from './queues.js';
import type { Channel, PendingIvr } from './state.js';
import { seconds, wallClock } from './time.js';

export interface CcRecord {
  uniqueid: string;
  linkedid: string;
  queue: string;
  joinedSec?: number;
  leftSec?: number;
  abandoned: boolean;
  /** Seconds queued as Asterisk reported it (AgentConnect / QueueCallerAbandon HoldTime). */
  reportedQueueSec?: number;
  /** Reachable members when the caller joined; undefined when the queue was unknown. */
  reachableAtJoin?: number;
  agentsCalled: number;
  lastMemberRung: string;
  ringMs: number;
  agentIface?: string;
  agentUniqueid?: string;
  talkTime?: string;
  completeReason?: string;
  holdSec: number;
  /** The last call-center phase: decides cdrState between queue and ivr. */
  lastPhase: 'ivr' | 'queue';
  ivrSec: number;
  visits: number;
  lastVisit?: { id: string; name: string; dtmf: string };
  feedbackSinceSec?: number;
  feedbackSec: number;
  inFeedbackAtEnd: boolean;
  voicemail: boolean;
  score: string;
  forwardNumber: string;
  /** Built partly from a snapshot (the relay started while the call was up): some fields cannot be known. */
  partial?: true;
  /** The relay was not listening for part of the call; cleared when queue_log filled that part in. */
  blind?: true;
}

/** A record whose caller hung up while bridged, waiting (briefly) for its agent's AgentComplete. */
export interface AwaitingComplete {
  r: CcRecord;
  /** The caller channel as it was when it hung up. */
  ch: Channel;
  endSec: number;
  cause: string;
}

export class CallCenter {
  readonly records = new Map<string, CcRecord>();
  /** By caller uniqueid: see AwaitingComplete. */
  readonly awaiting = new Map<string, AwaitingComplete>();

  constructor(private readonly queues: QueueTable) {}

  get(uniqueid: string | undefined): CcRecord | undefined {
    return uniqueid === undefined ? undefined : this.records.get(uniqueid);
  }

  /** The record of a caller channel, created when it first enters the call-center logic. */
  enter(ch: Channel): CcRecord {
    let r = this.records.get(ch.uniqueid);
    if (!r) {
      r = {
        uniqueid: ch.uniqueid,
        linkedid: ch.linkedid,
        queue: '',
        abandoned: false,
        agentsCalled: 0,
        lastMemberRung: '',
        ringMs: 0,
        holdSec: 0,
        lastPhase: 'ivr',
        ivrSec: 0,
        visits: 0,
        feedbackSec: 0,
        inFeedbackAtEnd: false,
        voicemail: false,
        score: '0',
        forwardNumber: '',
      };
      this.records.set(ch.uniqueid, r);
    }
    return r;
  }

  visitEnded(ch: Channel, v: PendingIvr): void {
    const r = this.enter(ch);
    r.visits++;
    r.ivrSec += v.endSec - v.startSec;
    r.lastVisit = { id: v.menu.id, name: v.menu.name, dtmf: v.dtmf };
  }

  visitStarted(ch: Channel): void {
    this.enter(ch).lastPhase = 'ivr';
  }

  joined(ch: Channel, queue: string, sec: number): void {
    const r = this.enter(ch);
    r.queue = queue;
    r.joinedSec = sec;
    r.leftSec = undefined;
    r.lastPhase = 'queue';
    r.reachableAtJoin = this.queues.known(queue) ? this.queues.reachableMembers(queue) : undefined;
  }

  /** AgentCalled, AgentRingNoAnswer, AgentConnect, AgentComplete, AgentDump, QueueCallerLeave/Abandon. */
  onQueueEvent(msg: AmiMessage, sec: number): CcRecord | undefined {
    const id = clean(msg.get('Uniqueid'));
    const r = this.records.get(id) ?? this.awaiting.get(id)?.r;
    if (!r) return undefined;
    switch (msg.event) {
      case 'QueueCallerLeave':
        r.leftSec ??= sec;
        break;
      case 'QueueCallerAbandon':
        r.abandoned = true;
        r.reportedQueueSec = num(msg.get('HoldTime'));
        break;
      case 'AgentCalled':
        r.agentsCalled++;
        r.lastMemberRung = extensionOf(msg.get('Interface') ?? msg.get('DestChannel') ?? '');
        break;
      case 'AgentRingNoAnswer':
        r.ringMs += num(msg.get('RingTime')) ?? 0;
        break;
      case 'AgentConnect':
        r.agentIface = msg.get('Interface') ?? '';
        r.agentUniqueid = clean(msg.get('DestUniqueid'));
        r.reportedQueueSec = num(msg.get('HoldTime'));
        r.ringMs += (num(msg.get('RingTime')) ?? 0) * 1000;
        r.leftSec ??= sec;
        break;
      case 'AgentComplete':
        r.talkTime = clean(msg.get('TalkTime'));
        r.completeReason = clean(msg.get('Reason')).toLowerCase();
        // Connected before the relay was listening: AgentComplete names the agent and, with HoldTime, the wait.
        if (r.agentIface === undefined) {
          r.agentIface = msg.get('Interface') ?? '';
          r.agentUniqueid = clean(msg.get('DestUniqueid'));
        }
        r.reportedQueueSec ??= num(msg.get('HoldTime'));
        break;
      case 'AgentDump':
        r.completeReason = 'agent';
        break;
    }
    return r;
  }

  /** The caller's phase changed context: feedback time bookkeeping. */
  contextChanged(r: CcRecord, context: string, feedbackContext: string | undefined, sec: number): void {
    const inFeedback = feedbackContext !== undefined && context === feedbackContext;
    if (inFeedback && r.feedbackSinceSec === undefined) r.feedbackSinceSec = sec;
    if (!inFeedback && r.feedbackSinceSec !== undefined) {
      r.feedbackSec += sec - r.feedbackSinceSec;
      r.feedbackSinceSec = undefined;
    }
  }

  /** Build the cc_cdr of a caller that hung up at `end`; pauseTime is filled in by after-call work. */
  build(ctx: MapperContext, r: CcRecord, ch: Channel, hangupCause: string, end: number): CcCdrEvent {
    if (r.feedbackSinceSec !== undefined) {
      r.feedbackSec += end - r.feedbackSinceSec;
      r.feedbackSinceSec = undefined;
      r.inFeedbackAtEnd = true;
    }
    const bridged = r.agentIface !== undefined;
    const agentCode = bridged ? extensionOf(r.agentIface!) : '';
    const callerHungUp = ch.hangupRequested || r.abandoned;
    const hangupSide = bridged ? reasonSide(r.completeReason, callerHungUp) : callerHungUp ? 'caller' : 'system';
    const queueSec = r.reportedQueueSec ?? (r.joinedSec !== undefined ? seconds(r.joinedSec, r.leftSec ?? end) : undefined);
    const agentChannel = ctx.state.channel(r.agentUniqueid);
    const recording = bridged ? (ch.recording ?? agentChannel?.recording) : undefined;
    const tz = ctx.cfg.timezone;
    return {
      event: 'cc_cdr',
      timestamp: ctx.time.stamp,
      uuid: ch.uniqueid,
      caller: ch.callerNum,
      called: agentCode || r.lastMemberRung,
      queueCode: r.queue,
      agentCode,
      callType: 'incoming',
      cdrState: bridged ? 'bridged' : r.inFeedbackAtEnd ? 'feedback' : r.joinedSec !== undefined && r.lastPhase === 'queue' ? 'queue' : 'ivr',
      hangupSide,
      hangupCause,
      startTime: wallClock(ch.createdSec, tz),
      endTime: wallClock(end, tz),
      duration: String(seconds(ch.createdSec, end)),
      queueTime: queueSec === undefined ? '0' : String(Math.round(queueSec)),
      feedbackTime: String(Math.round(r.feedbackSec)),
      ivrTime: r.visits > 0 ? String(Math.round(r.ivrSec)) : '',
      ringTime: String(Math.round(r.ringMs / 1000)),
      holdTime: Math.round(r.holdSec),
      pauseTime: 0,
      talkingTime: r.talkTime ?? '0',
      voicemailState: r.voicemail ? '1' : '0',
      ivrId: r.lastVisit?.id ?? '',
      ivrName: r.lastVisit?.name ?? '',
      ivrDtmf: r.lastVisit ? r.lastVisit.dtmf : '0',
      fwType: r.forwardNumber ? 'external' : '',
      score: r.score,
      trunkNumber: didOf(ctx, ch),
      forwardNumber: r.forwardNumber,
      filePath: recording ? recordingPath(recording, ctx.cfg.monitorDir) : '',
      missCause: bridged ? '' : missCause(r, callerHungUp, end),
      mac: ctx.cfg.mac,
    };
  }
}

function reasonSide(reason: string | undefined, callerHungUp: boolean): string {
  if (reason === 'caller' || reason === 'agent' || reason === 'transfer') return reason;
  return callerHungUp ? 'caller' : 'agent';
}

/** What missCause is decided from; the mapper and the queue_log backfill both fill it in. */
export interface MissFacts {
  callerHungUp: boolean;
  /** Seconds between joining the queue and leaving it (Asterisk's HoldTime when it gave one). */
  waitedSec: number;
  /** Reachable members when the caller joined; undefined when unknown. */
  reachableAtJoin?: number;
  agentsCalled: number;
}

/** The first cause that holds, in the spec's order (for a caller that queued and was not bridged). */
export function missCauseOf(f: MissFacts): string {
  if (f.callerHungUp && f.waitedSec < 10) return 'MEMBER_CANCEL';
  if (f.reachableAtJoin === 0) return 'NO_AGENT_LOGIN';
  if (f.agentsCalled === 0) return 'NO_ASSIGN';
  return 'NO_AGENT_ANSWER';
}

/** "" for a call that never queued. */
function missCause(r: CcRecord, callerHungUp: boolean, endSec: number): string {
  if (r.joinedSec === undefined) return '';
  const waited = r.abandoned && r.reportedQueueSec !== undefined ? r.reportedQueueSec : endSec - r.joinedSec;
  return missCauseOf({ callerHungUp, waitedSec: waited, reachableAtJoin: r.reachableAtJoin, agentsCalled: r.agentsCalled });
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

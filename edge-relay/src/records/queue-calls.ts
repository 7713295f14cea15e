/**
 * queue_log lines → one record per caller channel (keyed by callid, the
 * caller's Uniqueid): what app_queue wrote about its stay in the queue, and
 * from it the queue part of the box `cc_cdr`, by the mapper's own rules
 * (events/callcenter.ts) applied to the facts queue_log gives:
 *
 *   ENTERQUEUE → joined (queue, caller number, original position)
 *   RINGNOANSWER / RINGCANCELED / AGENTDUMP → a member was rung (ring ms)
 *   CONNECT → bridged: member name, hold seconds, ring seconds
 *   COMPLETECALLER / COMPLETEAGENT / *TRANSFER → talk seconds, who ended it
 *   ABANDON / EXITWITHTIMEOUT / EXITEMPTY / EXITWITHKEY / WITHDRAW / SYSCOMPAT → left unanswered
 *
 * Pure: lines in, records out; the backfill decides when a caller is over
 * (its CDRs were written, or the channel is gone) and merges the result with
 * what the relay knew.
 */

import type { CcCdrEvent } from '../../../protocol/src/events/box-events.js';
import { missCauseOf } from '../events/callcenter.js';
import type { CdrRecord } from '../events/cdr.js';
import { clean, extensionOf } from '../events/names.js';
import { CALLER_LEAVES, queueLogField, queueLogNumber, type QueueLogLine } from './queue-log.js';

export interface QueueCall {
  /** The caller channel's Uniqueid (queue_log's callid). */
  uniqueid: string;
  /** The queue it entered last. */
  queue: string;
  callerNum: string;
  enteredSec: number;
  originalPosition?: number;
  /** Ring attempts logged for this caller (RINGNOANSWER, RINGCANCELED, AGENTDUMP, CONNECT). */
  membersRung: number;
  /** Member name of the last attempt. */
  lastMemberRung?: string;
  /** RINGNOANSWER milliseconds plus CONNECT ring seconds (×1000): what AMI's RingTimes add up to. */
  ringMs: number;
  /** Member name that answered (CONNECT). */
  agentName?: string;
  agentUniqueid?: string;
  connectedSec?: number;
  /** Seconds queued as app_queue counted them (CONNECT holdtime, or the wait of the line that took the caller out). */
  queueSec?: number;
  talkSec?: number;
  /** The line that ended the stay; undefined while the caller is queued or talking. */
  left?: { event: string; sec: number };
  /** Time of the last line about this caller. */
  lastSec: number;
  /** Created by seed(), not by its ENTERQUEUE line. */
  seeded?: true;
}

/** Exits whose app_queue code also publishes QueueCallerAbandon (record_abandoned): the mapper counts them as abandoned. */
const ABANDONED = new Set(['ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'SYSCOMPAT']);
const TRANSFERS = new Set(['ATTENDEDTRANSFER', 'BLINDTRANSFER', 'TRANSFER']);
const COMPLETE_REASON: Record<string, string> = { COMPLETECALLER: 'caller', COMPLETEAGENT: 'agent' };

export const DEFAULT_MAX_QUEUE_CALLS = 100_000;

export class QueueCallAssembler {
  private readonly calls = new Map<string, QueueCall>();

  constructor(private readonly maxCalls = DEFAULT_MAX_QUEUE_CALLS) {}

  /** Apply one line; returns the caller record it changed (undefined for member, pause and system lines). */
  push(line: QueueLogLine): QueueCall | undefined {
    if (line.event === 'ENTERQUEUE') return this.enter(line);
    const c = this.calls.get(line.callid);
    if (!c) return undefined;
    c.lastSec = line.time;
    const rung = () => {
      c.membersRung++;
      c.lastMemberRung = line.agent;
    };
    switch (line.event) {
      case 'RINGNOANSWER':
        rung();
        c.ringMs += queueLogNumber(line, 'ringtime') ?? 0;
        break;
      case 'RINGCANCELED': // AMI sends no AgentRingNoAnswer for it: rung, but no ring time
      case 'AGENTDUMP':
        rung();
        break;
      case 'CONNECT':
        rung();
        c.agentName = line.agent;
        c.agentUniqueid = queueLogField(line, 'bridgedchanneluniqueid');
        c.connectedSec = line.time;
        c.queueSec = queueLogNumber(line, 'holdtime');
        c.ringMs += (queueLogNumber(line, 'ringtime') ?? 0) * 1000;
        break;
    }
    if (CALLER_LEAVES.has(line.event)) {
      c.left = { event: line.event, sec: line.time };
      const talk = queueLogNumber(line, 'calltime');
      if (talk !== undefined) c.talkSec = talk;
      const waited = queueLogNumber(line, 'waittime');
      if (waited !== undefined) c.queueSec = waited;
    }
    return c;
  }

  private enter(line: QueueLogLine): QueueCall {
    let c = this.calls.get(line.callid);
    if (!c) {
      c = { uniqueid: line.callid, queue: '', callerNum: '', enteredSec: line.time, membersRung: 0, ringMs: 0, lastSec: line.time };
      this.calls.set(line.callid, c);
      if (this.calls.size > this.maxCalls) this.calls.delete(this.calls.keys().next().value!);
    }
    // A caller that enters another queue later keeps what it accumulated, as the mapper's record does.
    c.queue = line.queue;
    c.callerNum = queueLogField(line, 'callerid') ?? '';
    c.enteredSec = line.time;
    c.originalPosition = queueLogNumber(line, 'position');
    c.left = undefined;
    c.lastSec = line.time;
    return c;
  }

  /**
   * Follow a caller whose ENTERQUEUE is not among the lines read (the relay
   * saw it join through AMI): lines about it then count from here on.
   */
  seed(uniqueid: string, queue: string, enteredSec: number): QueueCall {
    let c = this.calls.get(uniqueid);
    if (!c) {
      c = { uniqueid, queue, callerNum: '', enteredSec, membersRung: 0, ringMs: 0, lastSec: enteredSec, seeded: true };
      this.calls.set(uniqueid, c);
    }
    return c;
  }

  get(uniqueid: string): QueueCall | undefined {
    return this.calls.get(uniqueid);
  }

  /** Remove and return a caller's record (its cc_cdr is being built). */
  take(uniqueid: string): QueueCall | undefined {
    const c = this.calls.get(uniqueid);
    this.calls.delete(uniqueid);
    return c;
  }

  /** Every record held, oldest first. */
  all(): QueueCall[] {
    return [...this.calls.values()];
  }

  /** Drop records with no line since before `sec` (a caller whose end was never logged); returns them. */
  forgetBefore(sec: number): QueueCall[] {
    const gone: QueueCall[] = [];
    for (const [id, c] of this.calls) {
      if (c.lastSec < sec) {
        gone.push(c);
        this.calls.delete(id);
      }
    }
    return gone;
  }

  get size(): number {
    return this.calls.size;
  }
}

/** The caller's stay ended in a way app_queue counts as abandoned (it sent QueueCallerAbandon). */
export function leftAbandoned(call: QueueCall): boolean {
  return ABANDONED.has(call.left?.event ?? '');
}

/** AgentComplete's Reason for how a bridged stay ended (caller, agent, transfer), if it did. */
export function completeReason(call: QueueCall): string | undefined {
  const left = call.left?.event ?? '';
  return COMPLETE_REASON[left] ?? (TRANSFERS.has(left) ? 'transfer' : undefined);
}

/** The cc_cdr fields queue_log decides. hangupSide is absent where queue_log cannot tell (the caller left by key or withdraw). */
export type QueueCcFields = Pick<CcCdrEvent, 'queueCode' | 'agentCode' | 'called' | 'cdrState' | 'queueTime' | 'ringTime' | 'talkingTime' | 'missCause'> & { hangupSide?: string };

export interface QueueCcContext {
  /** Interface of a member by name (QueueStatus' Name → Location); queue_log names members, cc_cdr wants extensions. */
  memberInterface?: (queue: string, memberName: string) => string | undefined;
  /** The caller's Master.csv rows: the answered row's destination channel names the agent when the name cannot be resolved. */
  cdrRows?: readonly CdrRecord[];
  /** Reachable members of the queue when the caller joined (for NO_AGENT_LOGIN); undefined when unknown. */
  reachableAtJoin?: number;
}

/**
 * The queue part of the cc_cdr of a caller whose stay is over. cdrState is
 * `bridged` or `queue`: a caller that went on to an IVR or the feedback
 * context after the queue is not in queue_log.
 */
export function queueCcFields(call: QueueCall, ctx: QueueCcContext = {}): QueueCcFields {
  const bridged = call.agentName !== undefined;
  const abandoned = leftAbandoned(call);
  const agentCode = bridged ? agentExtension(call, call.agentName!, ctx) : '';
  const lastRung = call.lastMemberRung !== undefined ? memberExtension(call.queue, call.lastMemberRung, ctx) : '';
  const reason = completeReason(call);
  // Bridged: AgentComplete's Reason, which is what COMPLETECALLER/COMPLETEAGENT/…TRANSFER say.
  const hangupSide = bridged ? reason : abandoned ? 'caller' : undefined;
  const fields: QueueCcFields = {
    queueCode: call.queue,
    agentCode,
    called: agentCode || lastRung,
    cdrState: bridged ? 'bridged' : 'queue',
    queueTime: call.queueSec === undefined ? '0' : String(Math.round(call.queueSec)),
    ringTime: String(Math.round(call.ringMs / 1000)),
    talkingTime: call.talkSec === undefined ? '0' : String(call.talkSec),
    missCause: bridged
      ? ''
      : missCauseOf({ callerHungUp: abandoned, waitedSec: call.queueSec ?? (call.left ? call.left.sec - call.enteredSec : 0), reachableAtJoin: ctx.reachableAtJoin, agentsCalled: call.membersRung }),
  };
  if (hangupSide !== undefined) fields.hangupSide = hangupSide;
  return fields;
}

/** Extension of a member name: the resolver, else the name itself when it is an interface (app_queue's default name). */
export function memberExtension(queue: string, name: string, ctx: QueueCcContext): string {
  const iface = ctx.memberInterface?.(queue, name) ?? (name.includes('/') ? name : undefined);
  return iface ? extensionOf(iface) : '';
}

function agentExtension(call: QueueCall, name: string, ctx: QueueCcContext): string {
  const byName = memberExtension(call.queue, name, ctx);
  if (byName) return byName;
  const channel = answeredAgentChannel(ctx.cdrRows ?? [], call.uniqueid);
  return channel ? extensionOf(channel) : '';
}

/**
 * The agent channel of a queue caller from its CDR rows: the caller's Queue
 * row that is ANSWERED with a destination channel (the attempts that failed
 * are NO ANSWER or BUSY even though Answer() already set an answer time).
 */
export function answeredAgentChannel(rows: readonly CdrRecord[], uniqueid: string): string | undefined {
  let found: string | undefined;
  for (const r of rows) {
    if (r.uniqueId === uniqueid && r.disposition === 'ANSWERED' && clean(r.destinationChannel) !== '' && r.lastApplication === 'Queue') found = r.destinationChannel;
  }
  return found;
}

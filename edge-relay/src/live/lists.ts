/**
 * The tracker's records of calls and queues, how a call shows in the state,
 * and the records built from the snapshot lists (CoreShowChannels,
 * QueueStatus). Pure.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { LIVE_LIMITS, type LiveCall, type LiveCaller, type LiveChannel, type LiveMember } from '../../../protocol/src/live/state.js';
import { clean } from '../events/names.js';
import { callerOf, channelOf, durationSec, iso, memberOf } from './parts.js';

export interface CallRec {
  id: string;
  channels: Map<string, LiveChannel>;
  startedSec: number;
  queue?: string;
  agent?: string;
  dialled?: { number: string; name?: string };
  answered?: { number: string; name?: string };
}

export interface QueueRec {
  members: Map<string, LiveMember>;
  callers: Map<string, LiveCaller>;
}

/** A call as the state shows it; `waiting`: one of its channels waits in a queue. */
export function callView(rec: CallRec, waiting: boolean): LiveCall {
  const channels = [...rec.channels.values()];
  const first = channels[0];
  const up = channels.filter((c) => c.state === '6').length;
  const ringing = channels.some((c) => c.state === '4' || c.state === '5');
  const state: LiveCall['state'] = up >= 2 ? 'up' : waiting ? 'queued' : ringing ? 'ringing' : up === 1 ? 'up' : 'dialing';
  const call: LiveCall = {
    id: rec.id,
    channels,
    caller: { number: first?.callerNum ?? '', ...(first?.callerName ? { name: first.callerName } : {}) },
    state,
    startedAt: iso(rec.startedSec),
    onHold: channels.some((c) => c.onHold === true),
  };
  const callee = rec.answered ?? rec.dialled;
  if (callee) call.callee = callee;
  if (rec.queue) call.queue = rec.queue;
  if (rec.agent) call.agent = rec.agent;
  return call;
}


/** Calls from CoreShowChannel items; `known` lends what events said of calls already followed. */
export function listedCalls(items: AmiMessage[], nowSec: number, known: ReadonlyMap<string, CallRec>, truncated: () => void): Map<string, CallRec> {
  const listed = new Map<string, CallRec>();
  for (const item of items) {
    if (item.event !== 'CoreShowChannel') continue;
    const ch = channelOf(item);
    if (!ch) continue;
    const id = clean(item.get('Linkedid')) || ch.uniqueid;
    const started = nowSec - durationSec(item.get('Duration'));
    const prev = known.get(id);
    let rec = listed.get(id);
    if (!rec) {
      if (listed.size >= LIVE_LIMITS.calls) {
        truncated();
        continue;
      }
      rec = { ...prev, id, channels: new Map(), startedSec: prev?.startedSec ?? started };
      listed.set(id, rec);
    }
    if (!prev && started < rec.startedSec) rec.startedSec = started;
    if (rec.channels.size < LIVE_LIMITS.channelsPerCall) rec.channels.set(ch.uniqueid, { ...prev?.channels.get(ch.uniqueid), ...ch });
  }
  for (const rec of listed.values()) {
    if (known.has(rec.id)) continue;
    // Uniqueids grow with creation: the caller's channel comes first, the one it dialled next.
    const sorted = [...rec.channels.values()].sort((a, b) => Number(a.uniqueid) - Number(b.uniqueid));
    rec.channels = new Map(sorted.map((c) => [c.uniqueid, c]));
    const second = sorted[1];
    if (second?.callerNum) rec.dialled = { number: second.callerNum, ...(second.callerName ? { name: second.callerName } : {}) };
  }
  return listed;
}

/** Queues, members and waiting callers from a QueueStatus answer (QueueParams, QueueMember, QueueEntry items). */
export function listedQueues(items: AmiMessage[], nowSec: number): Map<string, QueueRec> {
  const out = new Map<string, QueueRec>();
  for (const item of items) {
    const name = clean(item.get('Queue'));
    let q = out.get(name);
    if (!name || (!q && out.size >= LIVE_LIMITS.queues)) continue;
    if (!q) out.set(name, (q = { members: new Map(), callers: new Map() }));
    if (item.event === 'QueueMember' && q.members.size < LIVE_LIMITS.membersPerQueue) {
      const member = memberOf(item);
      if (member) q.members.set(member.interface, member);
    } else if (item.event === 'QueueEntry' && q.callers.size < LIVE_LIMITS.callersPerQueue) {
      const caller = callerOf(item, nowSec);
      if (caller) q.callers.set(caller.uniqueid, caller);
    }
  }
  return out;
}

/**
 * IVR visits. A visit starts at a channel's first Newexten in an `[ivr]`
 * context and ends at its first Newexten elsewhere or at its Hangup. The ivr
 * event then waits to learn `queueCode` (the queue the call joins next): it is
 * pushed at that QueueCallerJoin, at the channel's next IVR visit, or at its
 * Hangup, whichever comes first.
 */

import type { IvrEvent } from '../../../protocol/src/events/box-events.js';
import type { MapperContext } from './context.js';
import type { Call, Channel, PendingIvr } from './state.js';
import { seconds, wallClock } from './time.js';

export interface VisitSummary {
  menuId: string;
  menuName: string;
  dtmf: string;
  seconds: number;
}

/** Called for every Newexten; returns the visit that just ended, if any. */
export function onNewextenIvr(ctx: MapperContext, ch: Channel, context: string): PendingIvr | undefined {
  const menu = ctx.cfg.ivr.get(context);
  let ended: PendingIvr | undefined;
  if (ch.visit && ch.visit.context !== context) ended = endVisit(ctx, ch);
  if (menu && !ch.visit) {
    // A new visit: the previous one of this channel no longer waits for a queue.
    flushChannel(ctx, ch, '');
    ch.visit = { context, menu, startSec: ctx.time.sec, dtmf: '' };
  }
  return ended;
}

export function onDtmf(ch: Channel, digit: string): void {
  if (ch.visit) ch.visit.dtmf += digit;
}

/** The visit ends now (Newexten elsewhere, or Hangup); its event starts waiting. */
export function endVisit(ctx: MapperContext, ch: Channel): PendingIvr | undefined {
  const v = ch.visit;
  if (!v) return undefined;
  ch.visit = undefined;
  const pending: PendingIvr = {
    uniqueid: ch.uniqueid,
    call: ch.linkedid,
    caller: ch.callerNum,
    callType: isInbound(ctx, ch) ? 'IN' : 'LOCAL',
    startSec: v.startSec,
    endSec: ctx.time.sec,
    menu: v.menu,
    dtmf: v.dtmf,
    trunkNumber: didOf(ctx, ch),
  };
  if (v.partial || ch.blind) pending.partial = true;
  ctx.state.call(ch.linkedid).pendingIvr.push(pending);
  ctx.state.changes.call(ch.linkedid);
  return pending;
}

/** A caller of this call joined `queue`: every waiting ivr event of the call says so. */
export function flushCall(ctx: MapperContext, call: Call, queue: string): void {
  const waiting = call.pendingIvr.splice(0, call.pendingIvr.length);
  if (waiting.length > 0) ctx.state.changes.call(call.linkedid);
  for (const p of waiting) ctx.out.ivrEvent(build(ctx, p, queue), p.call, p.partial);
}

/** The channel's waiting ivr events go out without a queue. */
export function flushChannel(ctx: MapperContext, ch: Channel, queue: string): void {
  const call = ctx.state.calls.get(ch.linkedid);
  if (!call) return;
  const mine = call.pendingIvr.filter((p) => p.uniqueid === ch.uniqueid);
  if (mine.length === 0) return;
  call.pendingIvr = call.pendingIvr.filter((p) => p.uniqueid !== ch.uniqueid);
  ctx.state.changes.call(call.linkedid);
  for (const p of mine) ctx.out.ivrEvent(build(ctx, p, queue), p.call, p.partial);
}

function build(ctx: MapperContext, p: PendingIvr, queue: string): IvrEvent {
  const tz = ctx.cfg.timezone;
  return {
    event: 'ivr',
    timestamp: ctx.time.stamp,
    uuid: p.uniqueid,
    caller: p.caller,
    called: '',
    callType: p.callType,
    queueCode: queue,
    startTime: wallClock(p.startSec, tz),
    endTime: wallClock(p.endSec, tz),
    duration: String(seconds(p.startSec, p.endSec)),
    ivrId: p.menu.id,
    ivrName: p.menu.name,
    ivrDtmf: p.dtmf,
    trunkNumber: p.trunkNumber,
    mac: ctx.cfg.mac,
  };
}

/** The call came in on a trunk: this channel, or the call's first channel, is a trunk channel. */
export function isInbound(ctx: MapperContext, ch: Channel): boolean {
  if (ctx.trunks.isTrunk(ch.name)) return true;
  const first = ctx.state.channel(ch.linkedid);
  return first !== undefined && ctx.trunks.isTrunk(first.name);
}

/** The DID: this channel's, else that of the call's first channel. */
export function didOf(ctx: MapperContext, ch: Channel): string {
  if (ch.did !== undefined) return ch.did;
  return ctx.state.channel(ch.linkedid)?.did ?? '';
}

/**
 * How a channel ends, and with it its dials, its IVR visit and its caller's
 * cc_cdr: on its Hangup, or, for a channel the relay will never hear from
 * again (silent too long, or gone while the relay was not listening), as if it
 * had hung up at a given time.
 *
 * The talk-time race: Asterisk can send a bridged caller's AgentComplete
 * after the caller's Hangup (seen live; queue_log's COMPLETECALLER comes from
 * the same place). A bridged caller's cc_cdr therefore waits, a short and
 * bounded time, for it: the record is kept in `awaiting` and the relay is
 * asked to call completeTimeout() later; AgentComplete (or AgentDump)
 * releases it at once, and starts the agent's wrap-up whatever the order.
 */

import type { HangupEvent } from '../../../protocol/src/events/box-events.js';
import type { CcRecord } from './callcenter.js';
import type { MapperContext } from './context.js';
import { onHangupDials } from './dials.js';
import { endVisit, flushChannel } from './ivr.js';
import type { Channel } from './state.js';

/** How long a bridged caller's cc_cdr waits for its AgentComplete after the caller's Hangup. */
export const AWAIT_COMPLETE_MS = 2000;

/**
 * A channel ends now (ctx.time). `announce` pushes the box's hangup event (a
 * channel expired for silence goes quietly); `cause` is Asterisk's Cause (for
 * dials that got no DialEnd) and `causeText` its Cause-txt (cc_cdr).
 */
export function endChannel(ctx: MapperContext, ch: Channel, announce: boolean, cause = '', causeText = ''): void {
  if (ch.hungUpSec !== undefined) return;
  ch.hungUpSec = ctx.time.sec;
  ch.goneSec = undefined;
  ctx.state.changes.id(ch.uniqueid);
  ctx.state.changes.call(ch.linkedid);
  if (announce) ctx.out.own_(hangupEvent(ctx, ch), ch.linkedid);
  onHangupDials(ctx, ch.uniqueid, cause);
  endHold(ctx, ch);
  const ended = endVisit(ctx, ch);
  if (ended) ctx.cc.visitEnded(ch, ended);
  flushChannel(ctx, ch, '');
  finishCc(ctx, ch, causeText);
  ctx.state.noteHangup(ch, ctx.time.sec);
}

function hangupEvent(ctx: MapperContext, ch: Channel): HangupEvent {
  return {
    event: 'hangup',
    timestamp: ctx.time.stamp,
    calleridnum: ch.callerNum,
    calleridname: ch.callerName,
    connectedlinenum: ch.connectedNum,
    connectedlinename: ch.connectedName,
    uniqueid: ch.uniqueid,
    mac: ctx.cfg.mac,
  };
}

/** Hold ends: count it for every caller of this call who is connected to an agent. */
export function endHold(ctx: MapperContext, ch: Channel): void {
  if (ch.holdSinceSec === undefined) return;
  const held = ctx.time.sec - ch.holdSinceSec;
  ch.holdSinceSec = undefined;
  for (const r of ctx.cc.records.values()) {
    if (r.linkedid === ch.linkedid && r.agentIface !== undefined) {
      r.holdSec += held;
      ctx.state.changes.id(r.uniqueid);
    }
  }
}

function finishCc(ctx: MapperContext, ch: Channel, cause: string): void {
  const r = ctx.cc.get(ch.uniqueid);
  if (!r) return;
  ctx.cc.records.delete(ch.uniqueid);
  if (r.agentIface !== undefined && r.talkTime === undefined && r.completeReason === undefined) {
    ctx.cc.awaiting.set(ch.uniqueid, { r, ch: { ...ch }, endSec: ctx.time.sec, cause });
    ctx.out.commands.push({ kind: 'await-complete', uniqueid: ch.uniqueid, delayMs: AWAIT_COMPLETE_MS });
    return;
  }
  emitCc(ctx, r, ch, cause, ctx.time.sec);
}

/** Push a caller's cc_cdr, or keep it for its agent's wrap-up (pauseTime). */
export function emitCc(ctx: MapperContext, r: CcRecord, ch: Channel, cause: string, endSec: number, partial = false): void {
  const record = ctx.cc.build(ctx, r, ch, cause, endSec);
  const incomplete = partial || r.partial === true || r.blind === true;
  ctx.seenCc.add(ch.uniqueid, endSec);
  if (ctx.wrapups.isWaiting(ch.uniqueid)) {
    // Kept for its wrap-up: how it came about goes with it.
    const marks = incomplete ? { ...ctx.out.marks, partial: true } : ctx.out.marks;
    ctx.wrapups.hold(ch.uniqueid, record, r.linkedid, marks);
    return;
  }
  const settled = ctx.wrapups.takeSettled(ch.uniqueid);
  ctx.out.ccCdr(settled === undefined ? record : { ...record, pauseTime: settled }, r.linkedid, incomplete);
}

/** AgentComplete or AgentDump for a caller whose cc_cdr waits for it: push it now (or hold it for the wrap-up just started). */
export function completeArrived(ctx: MapperContext, uniqueid: string): void {
  const a = ctx.cc.awaiting.get(uniqueid);
  if (!a) return;
  ctx.cc.awaiting.delete(uniqueid);
  ctx.state.changes.id(uniqueid);
  emitCc(ctx, a.r, ctx.state.channel(uniqueid) ?? a.ch, a.cause, a.endSec);
}

/** The wait is over without AgentComplete: push what is known (talkingTime unknown: partial). */
export function completeTimedOut(ctx: MapperContext, uniqueid: string): void {
  const a = ctx.cc.awaiting.get(uniqueid);
  if (!a) return;
  ctx.cc.awaiting.delete(uniqueid);
  ctx.state.changes.id(uniqueid);
  emitCc(ctx, a.r, ctx.state.channel(uniqueid) ?? a.ch, a.cause, a.endSec, true);
}

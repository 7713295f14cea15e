/**
 * Closing what the relay did not see end, and filling in what it missed,
 * from Asterisk's own records (docs/event-mapping.md, "After an outage"):
 *
 * - closeGone: a channel that ended while the relay was not listening ends
 *   at the time its CDR says (or now, when no record has it), with its
 *   hangup, dialend, ivr and cc_cdr marked recovered (and partial when the
 *   time is a guess);
 * - fillQueueCall: the queue_log lines of the blind window complete the
 *   call-center record of a caller the relay knows (rings, connect, talk
 *   time, abandon), and start the wrap-up that should have begun meanwhile;
 * - missedCc: a caller the relay never saw gets its cc_cdr from queue_log
 *   and Master.csv alone, its unknown fields left as the box leaves them.
 */

import type { CdrRecord } from './cdr.js';
import type { CcRecord } from './callcenter.js';
import type { MapperContext } from './context.js';
import { completeTimedOut, emitCc, endChannel } from './endings.js';
import { extensionOf } from './names.js';
import { fromMs } from './time.js';
import type { Channel } from './state.js';
import { completeReason, leftAbandoned, type QueueCall } from '../records/queue-calls.js';

/** What Asterisk's records say about a channel that ended unseen. */
export interface GoneFacts {
  /** When it hung up (its CDR's end), Unix seconds; unknown: now, and the events are partial. */
  endSec?: number;
  /** A dial destination that never answered: how the dial ended, as a Hangup cause (from the CDR's disposition). */
  cause?: string;
}

/** Close a gone channel at once with what is known (no records to read). */
export function closeNow(ctx: MapperContext, uniqueid: string): void {
  closeGone(ctx, uniqueid, {});
}

export function closeGone(ctx: MapperContext, uniqueid: string, facts: GoneFacts): void {
  const ch = ctx.state.channel(uniqueid);
  if (!ch || ch.hungUpSec !== undefined) return;
  const now = ctx.time;
  const known = facts.endSec !== undefined;
  if (known) ctx.time = fromMs(Math.min(facts.endSec! * 1000, now.sec * 1000));
  // Asterisk's records keep no hang-up cause: a caller's cc_cdr closed this way lacks it.
  const r = ctx.cc.get(uniqueid);
  if (r) r.partial = true;
  ctx.out.marked({ recovered: true, ...(known ? {} : { partial: true }) }, () => {
    endChannel(ctx, ch, true, facts.cause ?? '', '');
    // No AgentComplete will come for it now: what queue_log did not give stays unknown.
    if (ctx.cc.awaiting.has(uniqueid)) completeTimedOut(ctx, uniqueid);
  });
  ctx.time = now;
}

/** Resolves a queue member's name (queue_log's agent column) to its interface. */
export type MemberResolver = (queue: string, name: string) => string | undefined;

/**
 * Apply what queue_log says happened to a known caller while the relay was
 * not listening (`q`: the window's lines only, seeded with the caller).
 * Returns false when the relay has no record of the caller.
 */
export function fillQueueCall(ctx: MapperContext, q: QueueCall, resolve: MemberResolver, nowSec: number): boolean {
  const r = ctx.cc.get(q.uniqueid) ?? ctx.cc.awaiting.get(q.uniqueid)?.r;
  if (!r) return false;
  ctx.state.changes.id(q.uniqueid);
  fillRecord(ctx, r, q, resolve, nowSec);
  return true;
}

function fillRecord(ctx: MapperContext, r: CcRecord, q: QueueCall, resolve: MemberResolver, nowSec: number): void {
  const iface = (name: string) => resolve(q.queue, name) ?? (name.includes('/') ? name : undefined);
  if (!q.seeded) {
    // Its ENTERQUEUE is among the lines: when it joined is known after all.
    r.queue = q.queue;
    r.joinedSec = q.enteredSec;
  }
  r.ringMs += q.ringMs;
  r.agentsCalled += q.membersRung;
  if (q.lastMemberRung !== undefined) r.lastMemberRung = extensionOf(iface(q.lastMemberRung) ?? '');
  if (q.agentName !== undefined) {
    r.agentIface ??= iface(q.agentName) ?? '';
    r.agentUniqueid ??= q.agentUniqueid;
    r.leftSec ??= q.connectedSec;
    if (q.queueSec !== undefined) r.reportedQueueSec ??= q.queueSec;
  }
  if (q.talkSec !== undefined) r.talkTime ??= String(q.talkSec);
  if (q.left) {
    r.leftSec ??= q.left.sec;
    r.completeReason ??= completeReason(q);
    if (leftAbandoned(q)) {
      r.abandoned = true;
      if (q.queueSec !== undefined) r.reportedQueueSec = q.queueSec;
    }
    if (r.agentIface && completeReason(q) !== undefined) startMissedWrapup(ctx, r.agentIface, r.uniqueid, q.left.sec, nowSec);
  }
}

/** queue_log covered the whole blind window for this caller: nothing of its queue stay is missing. */
export function queueStayComplete(ctx: MapperContext, uniqueid: string): void {
  const r = ctx.cc.get(uniqueid) ?? ctx.cc.awaiting.get(uniqueid)?.r;
  if (r?.blind) {
    r.blind = undefined;
    ctx.state.changes.id(uniqueid);
  }
}

/**
 * The agent finished a call while the relay was not listening: start its
 * wrap-up for what is left of it, or, when it would already be over, leave
 * pauseTime at 0 (the agent was never paused).
 */
function startMissedWrapup(ctx: MapperContext, member: string, callerUniqueid: string, completedSec: number, nowSec: number): void {
  if (!ctx.cfg.pausetime) return;
  const remainingMs = Math.round((completedSec + ctx.wrapups.wrapupSeconds - nowSec) * 1000);
  if (remainingMs > 0) ctx.wrapups.start(member, callerUniqueid, completedSec, ctx.out.commands, remainingMs);
}

/**
 * The cc_cdr of a queue caller the relay never saw (its stay began and ended
 * while it was not listening), from queue_log (`q`) and the caller's
 * Master.csv rows; marked recovered and partial.
 */
export function missedCc(ctx: MapperContext, q: QueueCall, rows: readonly CdrRecord[], endSec: number, startSec: number, resolve: MemberResolver, nowSec: number): void {
  if (ctx.seenCc.has(q.uniqueid) || ctx.cc.get(q.uniqueid)) return;
  const caller = rows.find((row) => row.uniqueId === q.uniqueid);
  const ch: Channel = {
    uniqueid: q.uniqueid,
    name: caller?.channel ?? '',
    linkedid: q.uniqueid,
    callerNum: q.callerNum || caller?.source || '',
    callerName: '',
    connectedNum: '',
    connectedName: '',
    context: '',
    createdSec: startSec,
    lastSeenSec: endSec,
    lastMessage: 0,
    hangupRequested: leftAbandoned(q) || completeReason(q) === 'caller',
  };
  const r: CcRecord = {
    uniqueid: q.uniqueid,
    linkedid: q.uniqueid,
    queue: q.queue,
    joinedSec: q.enteredSec,
    abandoned: false,
    agentsCalled: 0,
    lastMemberRung: '',
    ringMs: 0,
    holdSec: 0,
    lastPhase: 'queue',
    ivrSec: 0,
    visits: 0,
    feedbackSec: 0,
    inFeedbackAtEnd: false,
    voicemail: false,
    score: '0',
    forwardNumber: '',
    partial: true,
  };
  fillRecord(ctx, r, { ...q, seeded: true }, resolve, nowSec);
  ctx.state.changes.id(q.uniqueid);
  const time = ctx.time;
  ctx.time = fromMs(endSec * 1000);
  ctx.out.marked({ recovered: true }, () => emitCc(ctx, r, ch, '', endSec, true));
  ctx.time = time;
}

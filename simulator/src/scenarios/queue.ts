/**
 * app_queue: the `queues` context of the lab (630 linear, 631 ringall) and
 * the Queue() application — join, music on hold, ringing members one by one
 * (or all at once), AgentRingNoAnswer, AgentConnect, AgentComplete, and the
 * ways a caller leaves without an agent (abandon, queue timeout).
 * Follows queue-answered / queue-answered-pjsip; the abandon and timeout
 * paths follow apps/app_queue.c (record_abandoned, leave_queue).
 */

import { ChannelState, type Channel } from '../model/channel.js';
import { PHONE_ANSWER_DELAY_MS } from '../model/lab.js';
import { isAvailable, type Queue, type QueueMember } from '../model/queues.js';
import type { ScenarioContext } from './context.js';
import { openCdr, settleCdrs, type RunEnv } from './dialplan.js';
import { hangupApp } from './internal.js';
import { connectAgent, ringMembers, type AgentAttempt } from './queue-agents.js';

export interface QueuePlan {
  /** How a member's phone reacts when the queue rings it; default: the lab phone's behaviour. */
  agents?: Record<string, 'answer' | 'noanswer' | 'busy'>;
  /** How long an answering agent's phone rings first. */
  agentRingMs?: number;
  /** The caller hangs up after waiting this long without an agent (QueueCallerAbandon). */
  abandonAfterMs?: number;
  /** Queue()'s own timeout (the lab's 60 s). */
  maxWaitMs?: number;
  talkMs?: number;
  hangupBy?: 'caller' | 'agent';
  holdMs?: number;
}

export interface QueueEntry {
  q: Queue;
  caller: Channel;
  joinedAt: number;
  queueStart: number;
  originalPosition: number;
  plan: QueuePlan;
  /** Next member index for linear. */
  next: number;
}

/** queues,630 / queues,631. */
export async function queueDialplan(ctx: ScenarioContext, chan: Channel, exten: string, from: number, env: RunEnv): Promise<void> {
  const { ch } = ctx;
  const place = { context: 'queues', exten };
  const sales = exten === '630';
  let p = 1;
  if (from <= p) ch.newexten(chan, 'NoOp', sales ? 'Sales queue' : 'Support queue', { ...place, priority: p });
  p++;
  if (sales) {
    if (from <= p) {
      const epoch = String(ctx.pbx.nowSec());
      ch.newexten(chan, 'Set', `QUEUE_ENTERED=${epoch}`, { ...place, priority: p });
      ch.varset(chan, 'QUEUE_ENTERED', epoch);
    }
    p++;
  }
  if (from <= p) {
    ch.newexten(chan, 'Answer', '', { ...place, priority: p });
    if (chan.state !== ChannelState.Up) ch.newstate(chan, ChannelState.Up);
    ctx.reportCallerInUse(chan);
    openCdr(env).answer ??= ctx.now();
  }
  p++;
  let status = '';
  if (from <= p) {
    ch.newexten(chan, 'Queue', `${exten},t,,,60`, { ...place, priority: p });
    openCdr(env).follow(chan);
    const q = ctx.pbx.queues.get(exten);
    if (!q) return hangupApp(ctx, chan, { ...place, priority: p + 2 }, env, 16);
    const result = await runQueue(ctx, chan, q, env);
    if (result === 'gone') return;
    status = result;
  }
  p++;
  ch.newexten(chan, 'NoOp', `QUEUESTATUS=${status}`, { ...place, priority: p });
  hangupApp(ctx, chan, { ...place, priority: p + 1 }, env, 16);
}

/** Queue(): returns the QUEUESTATUS when the dialplan goes on, 'gone' when the caller is gone. */
async function runQueue(ctx: ScenarioContext, caller: Channel, q: Queue, env: RunEnv): Promise<'gone' | 'TIMEOUT'> {
  const { ch, ev } = ctx;
  const plan = env.queue ?? {};
  const queueStart = ctx.now();
  for (const v of ['ANSWEREDTIME', 'ANSWEREDTIME_MS', 'DIALEDTIME', 'DIALEDTIME_MS', 'QUEUEWAIT', 'QUEUEWAIT_MS']) ch.varset(caller, v, '');
  q.callers.push({ channelName: caller.name, joinedAt: queueStart, originalPosition: q.callers.length + 1 });
  const position = q.callers.length;
  if (position === 1) ev.queueDevice(`Queue:${q.name}`, 'RINGING');
  ev.queueCaller('QueueCallerJoin', caller, q, position);
  ctx.pbx.records.queueLog(q.name, caller.uniqueid, 'NONE', 'ENTERQUEUE', ['', caller.callerIdNum, position]);
  ch.mohStart(caller, 'default');
  const entry: QueueEntry = { q, caller, joinedAt: queueStart, queueStart, originalPosition: position, plan, next: 0 };
  const maxWaitAt = queueStart + (plan.maxWaitMs ?? 60_000);
  const abandonAt = plan.abandonAfterMs === undefined ? Infinity : queueStart + plan.abandonAfterMs;
  env.track.outcome = 'abandoned';

  const tried = new Set<QueueMember>();
  for (;;) {
    const members = pickMembers(ctx, entry, tried);
    if (members.length > 0) {
      for (const m of members) tried.add(m);
      const attempt: AgentAttempt = await ringMembers(ctx, entry, members, env, { abandonAt, maxWaitAt });
      if (attempt.kind === 'answered') {
        env.track.outcome = 'answered';
        env.track.agent = attempt.member.interface;
        await connectAgent(ctx, entry, attempt, env);
        return 'gone';
      }
      if (attempt.kind === 'caller-gone') return abandon(ctx, entry, env, attempt.cause, attempt.byAmi, !attempt.byAmi);
      if (attempt.kind === 'deadline') {
        timeoutLeave(ctx, entry);
        env.track.outcome = 'timeout';
        return 'TIMEOUT';
      }
      if (attempt.kind === 'busy') continue;
    }
    // A ring cycle is over (or nobody could be rung): wait `retry` seconds.
    tried.clear();
    const until = Math.min(ctx.now() + q.retry * 1000, maxWaitAt, abandonAt);
    const i = await ctx.rt.wait(Math.max(0, until - ctx.now()), [caller]);
    if (i) return abandon(ctx, entry, env, i.interrupt.kind === 'hangup' ? i.interrupt.cause : 16, true, false);
    if (ctx.now() >= abandonAt) return abandon(ctx, entry, env, 16, false, false);
    if (ctx.now() >= maxWaitAt) {
      timeoutLeave(ctx, entry);
      env.track.outcome = 'timeout';
      return 'TIMEOUT';
    }
  }
}

/** Members to ring now: the next available one (linear) or all available ones (ringall). */
function pickMembers(ctx: ScenarioContext, entry: QueueEntry, tried: Set<QueueMember>): QueueMember[] {
  const { q } = entry;
  const free = (m: QueueMember) => !tried.has(m) && isAvailable(m, ctx.pbx.memberStatus(m.stateInterface)) && !m.inCall;
  if (q.strategy === 'ringall') return q.members.filter(free);
  for (let n = 0; n < q.members.length; n++) {
    const idx = (entry.next + n) % q.members.length;
    const m = q.members[idx];
    if (free(m)) {
      entry.next = idx + 1;
      return [m];
    }
  }
  return [];
}

/** The QUEUE* variables `setqueuevar` sets on a channel. */
export function queueVars(ctx: ScenarioContext, chan: Channel, q: Queue): void {
  for (const [name, value] of q.queueVariables()) ctx.ch.varset(chan, name, value);
}

/** leave_queue(): Queue:<q> NOT_INUSE when empty, QueueCallerLeave, QUEUEPOSITION. */
export function leaveQueue(ctx: ScenarioContext, entry: QueueEntry): void {
  const { q, caller } = entry;
  const pos = Math.max(1, q.callers.findIndex((c) => c.channelName === caller.name) + 1);
  q.callers = q.callers.filter((c) => c.channelName !== caller.name);
  if (q.callers.length === 0) ctx.ev.queueDevice(`Queue:${q.name}`, 'NOT_INUSE');
  ctx.ev.queueCaller('QueueCallerLeave', caller, q, pos);
  ctx.ch.varset(caller, 'QUEUEPOSITION', String(pos));
}

/** The stop: block of queue_exec — the duration variables set when the caller leaves. */
function stopVars(ctx: ScenarioContext, entry: QueueEntry): void {
  const now = ctx.now();
  const waited = now - entry.queueStart;
  ctx.ch.varset(entry.caller, 'QUEUEWAIT', String(Math.trunc(waited / 1000)));
  ctx.ch.varset(entry.caller, 'QUEUEWAIT_MS', String(waited));
  const dialed = now - entry.queueStart;
  ctx.ch.varset(entry.caller, 'DIALEDTIME', String(Math.trunc(dialed / 1000)));
  ctx.ch.varset(entry.caller, 'DIALEDTIME_MS', String(dialed));
  ctx.ch.varset(entry.caller, 'ANSWEREDTIME', '0');
  ctx.ch.varset(entry.caller, 'ANSWEREDTIME_MS', '0');
}

/** record_abandoned(): QueueCallerAbandon, with queue_log's ABANDON or EXITWITHTIMEOUT line of the same values. */
function recordAbandoned(ctx: ScenarioContext, entry: QueueEntry, logged: 'ABANDON' | 'EXITWITHTIMEOUT'): void {
  const { q, caller } = entry;
  ctx.ch.varset(caller, 'ABANDONED', 'TRUE');
  q.abandoned++;
  queueVars(ctx, caller, q);
  const pos = Math.max(1, q.callers.findIndex((c) => c.channelName === caller.name) + 1);
  const waited = Math.trunc((ctx.now() - entry.joinedAt) / 1000);
  ctx.ev.queueCallerAbandon(caller, q, pos, entry.originalPosition, waited);
  ctx.pbx.records.queueLog(q.name, caller.uniqueid, 'NONE', logged, [pos, entry.originalPosition, waited]);
}

/** The caller hung up while waiting (or was hung up by the AMI): QueueCallerAbandon, then gone. */
function abandon(ctx: ScenarioContext, entry: QueueEntry, env: RunEnv, cause: number, byAmi: boolean, requested: boolean): 'gone' {
  const { ch, ev } = ctx;
  const { caller, q } = entry;
  if (!byAmi && !requested) ch.hangupRequest(caller);
  stopVars(ctx, entry);
  recordAbandoned(ctx, entry, 'ABANDON');
  queueVars(ctx, caller, q);
  leaveQueue(ctx, entry);
  if (byAmi) ch.softHangupRequest(caller, cause);
  ch.rtpQos(caller);
  if (!ctx.pjsip) ch.rtpQosSummary(caller);
  ev.extensionStatus(caller.device, 'NOT_INUSE');
  caller.released = true;
  ev.deviceStateChange(caller.device);
  ev.queueMemberStatus(caller.device);
  ch.hangup(caller, byAmi ? cause : 16);
  for (const c of settleCdrs(env, caller)) {
    c.end ??= ctx.now();
    ev.cdr(c.fields());
  }
  return 'gone';
}

/** Queue()'s timeout ran out: counted as abandoned, music stops, the dialplan goes on. */
function timeoutLeave(ctx: ScenarioContext, entry: QueueEntry): void {
  recordAbandoned(ctx, entry, 'EXITWITHTIMEOUT');
  stopVars(ctx, entry);
  ctx.ch.mohStop(entry.caller);
  queueVars(ctx, entry.caller, entry.q);
  leaveQueue(ctx, entry);
  ctx.ch.varset(entry.caller, 'QUEUESTATUS', 'TIMEOUT');
}

/** Default ring time of an answering agent. */
export function agentRingMs(plan: QueuePlan): number {
  return plan.agentRingMs ?? PHONE_ANSWER_DELAY_MS;
}

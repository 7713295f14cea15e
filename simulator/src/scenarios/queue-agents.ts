/**
 * app_queue ringing its members and bridging the one that answers: AgentCalled,
 * DialBegin/DialState, AgentRingNoAnswer (RingTime in ms) followed by DialEnd
 * NOANSWER then CANCEL for the same channel, AgentConnect (HoldTime/RingTime
 * in s), AgentComplete (TalkTime, Reason), as in queue-answered.ami.
 */

import { ChannelState, type Channel } from '../model/channel.js';
import type { QueueMember } from '../model/queues.js';
import type { CdrRecord } from './cdr.js';
import type { ScenarioContext } from './context.js';
import { bridgePeers, clearBridgePeers, inheritable } from './dial.js';
import { openCdr, runPlace, settleCdrs, type RunEnv } from './dialplan.js';
import { agentRingMs, leaveQueue, queueVars, type QueueEntry } from './queue.js';
import { talk, type Place } from './talk.js';
import { CdrRecord as Cdr } from './cdr.js';

export type AgentAttempt =
  | { kind: 'answered'; member: QueueMember; agent: Channel; ringStart: number; cdr: CdrRecord }
  | { kind: 'noanswer' }
  | { kind: 'busy' }
  | { kind: 'deadline' }
  | { kind: 'caller-gone'; cause: number; byAmi: boolean };


interface Ringing {
  member: QueueMember;
  agent: Channel;
  reaction: 'answer' | 'noanswer' | 'busy';
  cdr: CdrRecord;
}

function reactionOf(ctx: ScenarioContext, entry: QueueEntry, m: QueueMember): Ringing['reaction'] {
  const peer = ctx.pbx.peerOfDevice(m.interface);
  const ext = peer?.name ?? '';
  const forced = entry.plan.agents?.[ext];
  if (forced) return forced;
  if (!peer) return 'noanswer';
  if (peer.behaviour === 'busy') return 'busy';
  if (peer.behaviour === 'ring') return 'noanswer';
  return 'answer';
}

/** The CDR leg of an attempt: the caller's open record if unused, else a new one from now. */
function legFor(ctx: ScenarioContext, env: RunEnv, caller: Channel): CdrRecord {
  const open = openCdr(env);
  if (open.end === undefined && open.destinationChannel === '') return open;
  const leg = open.fork(ctx.now());
  leg.answer = ctx.now();
  leg.disposition = undefined;
  leg.follow(caller);
  env.cdrs.push(leg);
  return leg;
}

export interface RingLimits {
  /** The caller hangs up at this time (plan.abandonAfterMs). */
  abandonAt: number;
  /** Queue()'s timeout. */
  maxWaitAt: number;
}

/** Ring `members` (one for linear, all for ringall) until one answers, the ring times out, or the caller goes. */
export async function ringMembers(ctx: ScenarioContext, entry: QueueEntry, members: QueueMember[], env: RunEnv, limits: RingLimits): Promise<AgentAttempt> {
  const { ch, ev } = ctx;
  const { caller, q } = entry;
  const ringStart = ctx.now();
  const ringing: Ringing[] = [];
  let busy = 0;
  for (const m of members) {
    const peer = ctx.pbx.peerOfDevice(m.interface);
    if (!peer) continue;
    const agent = ctx.channelFor(peer, 'out', { context: 'from-internal', exten: 's', linkedid: caller.linkedid, track: env.track });
    const cdr = legFor(ctx, env, caller);
    cdr.destinationChannel = agent.name;
    const r: Ringing = { member: m, agent, reaction: reactionOf(ctx, entry, m), cdr };
    ch.newchannel(agent);
    if (!ctx.pjsip) {
      ch.varset(agent, 'SIPCALLID', agent.callId);
      agent.exten = '';
    }
    ch.varset(agent, 'DIALEDPEERNUMBER', peer.name);
    for (const [name, value] of inheritable(caller)) ch.varset(agent, name, value);
    if (r.reaction !== 'busy' || !ctx.pjsip) {
      ev.deviceStateChange(agent.device);
      ev.extensionStatus(agent.device);
      ev.queueMemberStatus(agent.device);
      ev.queueAvailabilityIfMember(agent.device);
    }
    ev.agentEvent('AgentCalled', caller, agent, q, m, []);
    ch.dialBegin(caller, agent, peer.name);
    ch.newConnectedLine(caller, agent.callerIdNum, agent.callerIdName);
    if (r.reaction === 'busy') {
      endAgent(ctx, entry, r, 'BUSY', 0);
      busy++;
      continue;
    }
    ringing.push(r);
    agent.exten = caller.exten;
    agent.connectedNum = caller.callerIdNum;
    agent.connectedName = caller.callerIdName;
    ch.newstate(agent, ChannelState.Ringing);
    ch.newexten(agent, 'AppQueue', '(Outgoing Line)');
    ch.newConnectedLine(agent, caller.callerIdNum, caller.callerIdName);
    if (!ctx.pjsip) ev.deviceStateChange(agent.device, 'RINGING');
    ch.dialState(caller, agent, 'RINGING');
  }
  if (ringing.length === 0) return busy > 0 ? { kind: 'busy' } : { kind: 'noanswer' };

  const answerAt = ringing.some((r) => r.reaction === 'answer') ? ringStart + agentRingMs(entry.plan) : Infinity;
  const timeoutAt = ringStart + q.timeout * 1000;
  const until = Math.min(answerAt, timeoutAt, limits.abandonAt, limits.maxWaitAt);
  const i = await ctx.rt.wait(Math.max(0, until - ctx.now()), [caller, ...ringing.map((r) => r.agent)]);
  const now = ctx.now();
  if (i && i.channel === caller) {
    ringCanceled(ctx, entry, ringing, now - ringStart);
    for (const r of ringing) endAgent(ctx, entry, r, 'CANCEL', now - ringStart);
    return { kind: 'caller-gone', cause: i.interrupt.kind === 'hangup' ? i.interrupt.cause : 16, byAmi: true };
  }
  if (!i && until === answerAt && answerAt !== Infinity) {
    const winner = ringing.find((r) => r.reaction === 'answer') as Ringing;
    for (const r of ringing) if (r !== winner) endAgent(ctx, entry, r, 'ANSWERED_ELSEWHERE', now - ringStart);
    return { kind: 'answered', member: winner.member, agent: winner.agent, ringStart, cdr: winner.cdr };
  }
  if (!i && until === limits.abandonAt) {
    // The caller hangs up while members ring: CANCEL them all.
    ch.hangupRequest(caller);
    ringCanceled(ctx, entry, ringing, now - ringStart);
    for (const r of ringing) endAgent(ctx, entry, r, 'CANCEL', now - ringStart);
    return { kind: 'caller-gone', cause: 16, byAmi: false };
  }
  if (!i && until === limits.maxWaitAt && until < timeoutAt) {
    // try_calling() rang for min(timeout, time left): its end is a ring timeout like any other (rna()).
    for (const r of ringing) endAgent(ctx, entry, r, 'NOANSWER', now - ringStart);
    return { kind: 'deadline' };
  }
  // Ring timeout (or a ringing agent was hung up by the AMI).
  for (const r of ringing) endAgent(ctx, entry, r, 'NOANSWER', now - ringStart);
  return { kind: 'noanswer' };
}

/** wait_for_answer(): the caller hung up while members rang (queue_log only; AMI says DialEnd CANCEL). */
function ringCanceled(ctx: ScenarioContext, entry: QueueEntry, ringing: Ringing[], ringMs: number): void {
  for (const r of ringing) ctx.pbx.records.queueLog(entry.q.name, entry.caller.uniqueid, r.member.memberName, 'RINGCANCELED', [ringMs]);
}

/** One member's ring ends without a connect. */
function endAgent(ctx: ScenarioContext, entry: QueueEntry, r: Ringing, how: 'BUSY' | 'NOANSWER' | 'CANCEL' | 'ANSWERED_ELSEWHERE', ringMs: number): void {
  const { ch, ev } = ctx;
  const { caller, q } = entry;
  if (how === 'NOANSWER' || how === 'BUSY') {
    const ringTime = Math.round(ringMs / 1000) * 1000;
    ev.agentEvent('AgentRingNoAnswer', caller, r.agent, q, r.member, [['RingTime', String(ringTime)]]);
    ctx.pbx.records.queueLog(q.name, caller.uniqueid, r.member.memberName, 'RINGNOANSWER', [ringTime]);
  }
  if (how === 'NOANSWER') ch.dialEnd(caller, r.agent, 'NOANSWER');
  ch.dialEnd(caller, r.agent, how === 'BUSY' ? 'BUSY' : 'CANCEL');
  r.agent.released = true;
  ev.extensionStatus(r.agent.device);
  ch.hangup(r.agent, how === 'BUSY' ? 17 : how === 'ANSWERED_ELSEWHERE' ? 26 : 16);
  ev.queueMemberStatus(r.agent.device);
  ev.deviceStateChange(r.agent.device);
  ev.queueAvailabilityIfMember(r.agent.device);
  r.cdr.end = ctx.now();
  r.cdr.disposition = how === 'BUSY' ? 'BUSY' : 'NO ANSWER';
}

/** The member answered: leave the queue, AgentConnect, bridge, talk, AgentComplete. */
export async function connectAgent(ctx: ScenarioContext, entry: QueueEntry, a: Extract<AgentAttempt, { kind: 'answered' }>, env: RunEnv): Promise<void> {
  const { ch, ev } = ctx;
  const { caller, q } = entry;
  const { agent, member: m } = a;
  agent.answeredAt = ctx.now();
  ev.deviceStateChange(agent.device);
  ev.extensionStatus(agent.device);
  ev.queueMemberStatus(agent.device);
  ch.newstate(agent, ChannelState.Up);
  ch.dialEnd(caller, agent, 'ANSWER');
  ch.mohStop(caller);
  const memberVars: Array<[string, string]> = [
    ['MEMBERINTERFACE', m.interface],
    ['MEMBERNAME', m.memberName],
    ['MEMBERCALLS', String(m.callsTaken)],
    ['MEMBERLASTCALL', String(m.lastCall)],
    ['MEMBERPENALTY', String(m.penalty)],
    ['MEMBERDYNAMIC', m.membership === 'dynamic' ? '1' : '0'],
    ['MEMBERREALTIME', '0'],
  ];
  for (const c of [caller, agent]) for (const [k, v] of memberVars) ch.varset(c, k, v);
  const holdSec = Math.trunc((ctx.now() - entry.joinedAt) / 1000);
  for (const c of [caller, agent]) {
    ch.varset(c, 'QEHOLDTIME', String(holdSec));
    ch.varset(c, 'QEORIGINALPOS', String(entry.originalPosition));
  }
  q.recordAnswered(holdSec);
  queueVars(ctx, caller, q);
  queueVars(ctx, agent, q);
  leaveQueue(ctx, entry);
  ch.varset(caller, 'QUEUEWAIT', String(holdSec));
  ch.varset(caller, 'QUEUEWAIT_MS', String(holdSec * 1000));
  const ringSec = Math.trunc((ctx.now() - a.ringStart) / 1000);
  ev.agentEvent('AgentConnect', caller, agent, q, m, [
    ['HoldTime', String(holdSec)],
    ['RingTime', String(ringSec)],
  ]);
  ctx.pbx.records.queueLog(q.name, caller.uniqueid, m.memberName, 'CONNECT', [holdSec, agent.uniqueid, ringSec]);
  m.inCall = true;
  a.cdr.disposition = 'ANSWERED';
  const bridge = ch.bridgeCreate();
  ch.bridgeEnter(bridge, agent);
  ch.bridgeEnter(bridge, caller);
  bridgePeers(ctx, [agent, caller], 1);

  const connectedAt = ctx.now();
  const plan = entry.plan;
  const talkMs = plan.talkMs ?? env.policy.talkMs ?? env.defaultTalkMs;
  const complete = (reason: 'caller' | 'agent') => {
    const talkSec = Math.trunc((ctx.now() - connectedAt) / 1000);
    ev.agentEvent('AgentComplete', caller, agent, q, m, [
      ['HoldTime', String(holdSec)],
      ['TalkTime', String(talkSec)],
      ['Reason', reason],
    ]);
    ctx.pbx.records.queueLog(q.name, caller.uniqueid, m.memberName, reason === 'caller' ? 'COMPLETECALLER' : 'COMPLETEAGENT', [holdSec, talkSec, entry.originalPosition]);
  };
  const finishStats = () => {
    q.recordCompleted(Math.trunc((ctx.now() - connectedAt) / 1000));
    m.callsTaken++;
    m.lastCall = ctx.pbx.nowSec();
    m.inCall = false;
  };
  const callerLeavesVars = () => {
    queueVars(ctx, caller, q);
    const answered = ctx.now() - connectedAt;
    const dialed = ctx.now() - entry.queueStart;
    ch.varset(caller, 'ANSWEREDTIME', String(Math.trunc(answered / 1000)));
    ch.varset(caller, 'ANSWEREDTIME_MS', String(answered));
    ch.varset(caller, 'DIALEDTIME', String(Math.trunc(dialed / 1000)));
    ch.varset(caller, 'DIALEDTIME_MS', String(dialed));
    queueVars(ctx, caller, q);
  };
  const emitCdrs = () => {
    for (const c of settleCdrs(env, caller)) {
      c.end ??= ctx.now();
      ev.cdr(c.fields());
    }
  };

  const end = await talk(
    ctx,
    { caller, callee: agent, bridge, dialStart: entry.queueStart, answeredAt: connectedAt, cdr: a.cdr, cdrs: env.cdrs },
    { talkMs, hangupBy: plan.hangupBy === 'agent' ? 'callee' : 'caller', holdMs: plan.holdMs ?? env.policy.holdMs, holdBy: 'callee' },
    {
      end: (by, via, cause) => {
        const byCaller = by === 'caller';
        if (via === 'phone') {
          ch.rtpQos(byCaller ? caller : agent, byCaller ? agent : caller);
          if (ctx.pjsip) ch.rtpQos(byCaller ? agent : caller);
          else ch.rtpQos(byCaller ? agent : caller, byCaller ? caller : agent);
          ch.hangupRequest(byCaller ? caller : agent, byCaller ? undefined : 16);
        }
        complete(byCaller ? 'caller' : 'agent');
        clearBridgePeers(ctx, byCaller ? [caller, agent] : [agent, caller]);
        ch.bridgeLeave(bridge, byCaller ? caller : agent);
        ch.bridgeLeave(bridge, byCaller ? agent : caller);
        finishStats();
        if (!byCaller) hangupAgent(ctx, agent, cause, false);
        callerLeavesVars();
        ch.softHangupRequest(caller, byCaller ? cause : 16);
        caller.released = true;
        ch.hangup(caller, byCaller ? cause : 16);
        ev.extensionStatus(caller.device);
        emitCdrs();
        ch.bridgeDestroy(bridge);
        ev.deviceStateChange(caller.device);
        if (byCaller) hangupAgent(ctx, agent, 16, true);
      },
      redirect: (moved: Channel, place: Place) => {
        const other = moved === caller ? agent : caller;
        complete(other === caller ? 'caller' : 'agent');
        clearBridgePeers(ctx, [moved, other]);
        ch.newexten(moved, moved.application, moved.appData, place);
        ch.bridgeLeave(bridge, moved);
        ch.bridgeLeave(bridge, other);
        finishStats();
        a.cdr.end = ctx.now();
        if (other === agent) hangupAgent(ctx, agent, 16, true);
        else {
          callerLeavesVars();
          caller.released = true;
          ch.hangup(caller, 16);
          ev.extensionStatus(caller.device);
          ev.deviceStateChange(caller.device);
          emitCdrs();
        }
        ch.bridgeDestroy(bridge);
        return other;
      },
    },
  );
  if (end.kind !== 'redirected') return;
  const movedEnv: RunEnv = end.channel === caller ? env : { ...env, cdrs: [new Cdr(end.channel, ctx.now())] };
  if (end.channel === caller) {
    const next = openCdr(env).fork(ctx.now());
    next.answer = ctx.now();
    next.disposition = undefined;
    env.cdrs.push(next);
  } else movedEnv.cdrs[0].answer = ctx.now();
  await runPlace(ctx, end.channel, end.place, movedEnv, true);
}

function hangupAgent(ctx: ScenarioContext, agent: Channel, cause: number, withQos: boolean): void {
  const { ch, ev } = ctx;
  if (withQos && !ctx.pjsip) ch.rtpQosSummary(agent);
  agent.released = true;
  ev.extensionStatus(agent.device);
  ch.hangup(agent, cause);
  ev.deviceStateChange(agent.device);
  ev.queueMemberStatus(agent.device);
  ev.queueAvailabilityIfMember(agent.device);
}

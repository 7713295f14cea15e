/**
 * Internal calls: a phone dials 80X, the lab's `_80X` extension records the
 * call (MixMonitor), checks the blacklist and runs Dial(SIP/80X,20). This is
 * call-answered-basic / call-busy / call-noanswer (and their PJSIP twins).
 */

import { ChannelState, type Channel } from '../model/channel.js';
import { CdrRecord } from './cdr.js';
import { CallTrack, ScenarioError, type CallResult, type ScenarioContext } from './context.js';
import { dial, type DialResult } from './dial.js';
import { forkCdr, openCdr, planDial, runPlace, setUserField, settleCdrs, type CallPolicy, type RunEnv } from './dialplan.js';
import { talk, type TalkEnd, type TalkPolicy } from './talk.js';
import { endLoneChannel } from './teardown.js';

/** Default simulated talk time of a `call()` (the lab's recordings talk ~6 s). */
export const DEFAULT_TALK_MS = 6000;

/**
 * A phone picks up and dials `to`: INVITE with digest auth, a new channel in
 * from-internal, then the dialplan. Resolves when the call is over.
 */
export async function phoneCall(
  ctx: ScenarioContext,
  from: string,
  to: string,
  policy: CallPolicy,
  defaultTalkMs = DEFAULT_TALK_MS,
  extras: Partial<Pick<RunEnv, 'ivr' | 'queue'>> = {},
): Promise<CallResult> {
  const peer = ctx.phone(from);
  if (!peer.registered) throw new ScenarioError('SIM_BAD_ARGUMENT', `extension ${from} is not registered and cannot place a call`);
  const track = new CallTrack();
  const n = Number(from) - 800;
  const session = ctx.inviteChallenge(peer, 5200 + (Number.isFinite(n) ? n : 0) + (ctx.pjsip ? 200 : 0));
  if (ctx.pjsip) ctx.inviteAuthenticated(peer.name, session);
  const caller = ctx.channelFor(peer, 'in', { context: 'from-internal', exten: to, track });
  caller.dnid = to;
  if (ctx.pjsip) caller.state = ChannelState.Ring;
  else ctx.reportCallerInUse(caller);
  announceInbound(ctx, caller, `sip:${from}@127.0.0.1:${5200 + n}`);
  if (!ctx.pjsip) ctx.inviteAuthenticated(to, session);
  const env: RunEnv = { track, cdrs: [new CdrRecord(caller, caller.createdAt)], policy, defaultTalkMs, ...extras };
  await runPlace(ctx, caller, { context: caller.context, exten: to, priority: 1 }, env);
  return track.result();
}

/** Newchannel and the SIP variables of an inbound INVITE; chan_pjsip starts in Ring state. */
export function announceInbound(ctx: ScenarioContext, chan: Channel, sipUri: string): void {
  ctx.ch.newchannel(chan);
  if (ctx.pjsip) {
    ctx.ch.varset(chan, 'SIPDOMAIN', '127.0.0.1');
    return;
  }
  ctx.ch.varset(chan, 'SIPURI', sipUri);
  ctx.ch.varset(chan, 'SIPDOMAIN', '127.0.0.1');
  ctx.ch.varset(chan, 'SIPCALLID', chan.callId);
  ctx.ch.newstate(chan, ChannelState.Ring);
}

/** from-internal `_80X`, from priority `from`. */
export async function internalExten(ctx: ScenarioContext, chan: Channel, ext: string, from: number, env: RunEnv): Promise<void> {
  const { ch } = ctx;
  const place = { context: 'from-internal', exten: ext };
  const num = chan.callerIdNum;
  if (from <= 1) ch.newexten(chan, 'NoOp', `Internal call ${num} -> ${ext}`, { ...place, priority: 1 });
  if (from <= 2) {
    ch.newexten(chan, 'Set', '__CALL_DIRECTION=internal', { ...place, priority: 2 });
    ch.varset(chan, '__CALL_DIRECTION', 'internal');
  }
  if (from <= 3) {
    ch.newexten(chan, 'Set', `CDR(userfield)=internal:${num}:${ext}`, { ...place, priority: 3 });
    setUserField(env, `internal:${num}:${ext}`);
  }
  const blocked = ctx.pbx.astdb.get('blacklist', num);
  if (from <= 4) ch.newexten(chan, 'GotoIf', `${blocked !== undefined ? 1 : 0}?blocked`, { ...place, priority: 4 });
  if (blocked !== undefined && from <= 4) return blockedCaller(ctx, chan, `Caller ${num} is blacklisted: ${blocked}`, { ...place, priority: 9 }, env, false);
  if (from <= 5) {
    const rec = ctx.recordingName(chan, ext);
    ch.newexten(chan, 'MixMonitor', `${rec.name},b`, { ...place, priority: 5 });
    ch.varset(chan, 'MIXMONITOR_FILENAME', rec.path);
    ch.mixMonitorStart(chan);
    env.track.recordingFile ??= rec.name;
    ctx.writeRecording(rec.path);
  }
  if (from > 6) return hangupApp(ctx, chan, { ...place, priority: from }, env, 16);
  // Dial(${TECH}/${EXTEN},${DIALTIMEOUT}): the global is the ring timeout (Setvar can change it).
  const dialTimeout = ctx.pbx.globals.get('DIALTIMEOUT') ?? '20';
  const appData = `${ctx.tech}/${ext},${dialTimeout}`;
  ch.newexten(chan, 'Dial', appData, { ...place, priority: 6 });
  const outcome = await dialAndTalk(ctx, chan, env, { peer: ext, dialString: ext, appData, timeoutMs: (Number(dialTimeout) || 20) * 1000 });
  if (outcome.kind === 'done') return;
  // Dial failed: NoOp(DIALSTATUS=… HANGUPCAUSE=…), Hangup().
  const cause = outcome.result.cause;
  ch.newexten(chan, 'NoOp', `DIALSTATUS=${outcome.result.status} HANGUPCAUSE=${cause}`, { ...place, priority: 7 });
  ch.newexten(chan, 'Hangup', '', { ...place, priority: 8 });
  endLoneChannel(ctx, chan, { hangupCause: cause || 16, cdrs: settleCdrs(env, chan), cdrBeforeHangup: outcome.result.status === 'BUSY' });
}

export type DialAndTalk = { kind: 'done' } | { kind: 'failed'; result: Exclude<DialResult, { status: 'ANSWER' }> };

/**
 * Dial a peer from a dialplan priority and, when answered, run the talk until
 * it ends; a Redirect continues the moved channel's dialplan from here.
 */
export async function dialAndTalk(
  ctx: ScenarioContext,
  chan: Channel,
  env: RunEnv,
  target: { peer: string; dialString: string; appData: string; timeoutMs: number },
): Promise<DialAndTalk> {
  const peer = ctx.pbx.peer(target.peer);
  if (!peer) throw new ScenarioError('SIM_UNKNOWN_EXTENSION', `no such peer: ${target.peer}`);
  const plan = planDial(peer, env);
  const cdr = openCdr(env);
  cdr.follow(chan);
  const result = await dial(ctx, chan, { ...target, peer, outcome: plan.outcome, ringMs: plan.ringMs, cdr, track: env.track });
  if (result.status !== 'ANSWER') {
    env.track.outcome = result.status === 'BUSY' ? 'busy' : result.status === 'NOANSWER' ? 'noanswer' : result.status === 'CANCEL' ? 'cancel' : 'unavailable';
    cdr.end = ctx.now();
    cdr.disposition = result.status === 'BUSY' ? 'BUSY' : result.status === 'CHANUNAVAIL' ? 'FAILED' : 'NO ANSWER';
    if (result.status === 'CANCEL') {
      endCancelled(ctx, chan, env);
      return { kind: 'done' };
    }
    if (result.status !== 'CHANUNAVAIL') forkCdr(env, ctx.now(), false);
    return { kind: 'failed', result };
  }
  env.track.outcome = 'answered';
  const talkPolicy: TalkPolicy = plan.talk;
  const end: TalkEnd = await talk(ctx, { caller: chan, callee: result.callee, bridge: result.bridge, dialStart: result.dialStart, answeredAt: result.callee.answeredAt ?? ctx.now(), cdr, cdrs: env.cdrs }, talkPolicy);
  if (end.kind === 'ended') return { kind: 'done' };
  // Redirected: the moved channel runs its new place; it owns the next CDR record.
  const movedEnv: RunEnv =
    end.channel === chan
      ? env
      : { ...env, cdrs: [new CdrRecord(end.channel, ctx.now())] };
  if (end.channel === chan) forkCdr(env, ctx.now(), true);
  else movedEnv.cdrs[0].answer = ctx.now();
  await runPlace(ctx, end.channel, end.place, movedEnv, true);
  return { kind: 'done' };
}

/** The caller gave up while the callee rang (CANCEL): its channel simply ends. */
function endCancelled(ctx: ScenarioContext, chan: Channel, env: RunEnv): void {
  ctx.ev.extensionStatus(chan.device, 'NOT_INUSE');
  chan.released = true;
  ctx.ev.deviceStateChange(chan.device);
  ctx.ev.queueMemberStatus(chan.device);
  ctx.ch.hangup(chan, 16);
  for (const c of settleCdrs(env, chan)) ctx.ev.cdr(c.fields());
}

/** The `blocked` label: a blacklisted caller hears a message and is rejected (cause 21). */
export async function blockedCaller(
  ctx: ScenarioContext,
  chan: Channel,
  note: string,
  place: { context: string; exten: string; priority: number },
  env: RunEnv,
  answerFirst: boolean,
): Promise<void> {
  const { ch } = ctx;
  let p = place.priority;
  if (note) ch.newexten(chan, 'NoOp', note, { ...place, priority: p++ });
  else ch.newexten(chan, 'Answer', '', { ...place, priority: p++ });
  if (answerFirst || chan.state !== ChannelState.Up) ch.newstate(chan, ChannelState.Up);
  ctx.reportCallerInUse(chan);
  if (chan.answeredAt !== undefined) openCdr(env).answer ??= chan.answeredAt;
  ch.newexten(chan, 'Playback', 'custom/blocked', { ...place, priority: p++ });
  const early = await ctx.rt.wait(2000, [chan]);
  if (early) return hangupByAmi(ctx, chan, env, early.interrupt.kind === 'hangup' ? early.interrupt.cause : 16);
  ch.varset(chan, 'PLAYBACKSTATUS', 'SUCCESS');
  ch.newexten(chan, 'Hangup', '21', { ...place, priority: p });
  env.track.outcome = 'rejected';
  endLoneChannel(ctx, chan, { hangupCause: 21, cdrs: settleCdrs(env, chan), rtp: true });
}

/** Run `Hangup()` at `place` and end the channel. */
export function hangupApp(ctx: ScenarioContext, chan: Channel, place: { context: string; exten: string; priority: number }, env: RunEnv, cause: number): void {
  ctx.ch.newexten(chan, 'Hangup', '', place);
  endLoneChannel(ctx, chan, { hangupCause: cause, cdrs: settleCdrs(env, chan), rtp: chan.state === ChannelState.Up });
}

/** The AMI hung up a channel that was alone in the dialplan (Playback, Wait, queue, IVR). */
export function hangupByAmi(ctx: ScenarioContext, chan: Channel, env: RunEnv, cause: number): void {
  const { ch, ev } = ctx;
  ev.extensionStatus(chan.device, 'NOT_INUSE');
  ch.softHangupRequest(chan, cause);
  const cdrs = settleCdrs(env, chan);
  for (const c of cdrs) {
    c.end ??= ctx.now();
  }
  ev.cdr(cdrs[0].fields());
  chan.released = true;
  ev.deviceStateChange(chan.device);
  ev.queueMemberStatus(chan.device);
  for (const c of cdrs.slice(1)) ev.cdr(c.fields());
  if (chan.state === ChannelState.Up) {
    ch.rtpQos(chan);
    if (!ctx.pjsip) ch.rtpQosSummary(chan);
  }
  ch.hangup(chan, cause);
}

/**
 * The Originate action once validated: ring the phone (AppDial2), and when
 * it answers run either a dialplan place (click-to-call) or an application
 * (ChanSpy, Playback, …). Async originates report an OriginateResponse event;
 * a synchronous one answers the action when the phone answers or fails.
 * Follows action-originate-click-to-call / -chanspy / -failure.
 */

import { ChannelState, type Channel } from '../model/channel.js';
import { PHONE_ANSWER_DELAY_MS } from '../model/lab.js';
import type { Fields } from '../model/channel.js';
import { chanSpy, waitAlone, PROMPT_MS } from './apps.js';
import { CdrRecord } from './cdr.js';
import { CallTrack, type CallResult, type ScenarioContext } from './context.js';
import { runPlace, settleCdrs, type RunEnv } from './dialplan.js';
import { dialAndTalk, hangupApp } from './internal.js';
import { endLoneChannel } from './teardown.js';

export interface OriginateRequest {
  actionId: string | undefined;
  /** `SIP/801` as the action named it. */
  channel: string;
  /** Peer part of the channel (`801`). */
  resource: string;
  context?: string;
  exten?: string;
  priority?: number;
  app?: string;
  appData?: string;
  callerIdNum?: string;
  callerIdName?: string;
  /** In the order they were given. */
  variables: Array<[string, string]>;
  account?: string;
  channelId?: string;
  timeoutMs: number;
  async: boolean;
}

export interface OriginateRun {
  /** Resolves when the phone answered (true) or the originate failed (false). */
  settled: Promise<boolean>;
  /** Resolves when everything the originate started is over. */
  done: Promise<CallResult>;
}

/** OriginateResponse Reason values (the control frame that ended the attempt). */
const REASON = { failed: 0, noAnswer: 3, answered: 4, busy: 5 } as const;

export function originate(ctx: ScenarioContext, req: OriginateRequest, defaultTalkMs: number): OriginateRun {
  let settle!: (ok: boolean) => void;
  const settled = new Promise<boolean>((r) => (settle = r));
  const done = run(ctx, req, defaultTalkMs, settle).catch((err: unknown) => {
    settle(false);
    throw err;
  });
  return { settled, done };
}

async function run(ctx: ScenarioContext, req: OriginateRequest, defaultTalkMs: number, settle: (ok: boolean) => void): Promise<CallResult> {
  const { ch, ev } = ctx;
  const track = new CallTrack();
  const peer = ctx.pbx.peer(req.resource);
  const response = (ok: boolean, reason: number, chan?: Channel) => {
    if (!req.async) return;
    const place: Fields = req.app
      ? [['Application', req.app], ['Data', req.appData ?? '']]
      : [['Context', req.context ?? ''], ['Exten', req.exten ?? '']];
    ev.originateResponse(req.actionId, [
      ['Response', ok ? 'Success' : 'Failure'],
      ['Channel', chan?.name ?? req.channel],
      ...place,
      ['Reason', String(reason)],
      ['Uniqueid', chan?.uniqueid ?? '<unknown>'],
      ['CallerIDNum', req.callerIdNum ?? '<unknown>'],
      ['CallerIDName', req.callerIdName ?? '<unknown>'],
    ]);
  };
  if (!peer || peer.isTrunk || !peer.registered) {
    response(false, REASON.failed);
    settle(false);
    track.outcome = 'unavailable';
    return track.result();
  }

  const chan = ctx.channelFor(peer, 'out', { context: req.context ?? 'from-internal', exten: 's', uniqueid: req.channelId || undefined, track });
  const cdr = new CdrRecord(chan, chan.createdAt);
  ch.newchannel(chan);
  if (!ctx.pjsip) {
    ch.varset(chan, 'SIPCALLID', chan.callId);
    chan.exten = '';
  }
  ch.newexten(chan, 'AppDial2', '(Outgoing Line)');
  for (const [name, value] of [...req.variables].reverse()) ch.varset(chan, name, value);
  if (req.account) ch.newAccountCode(chan, req.account);
  if (req.callerIdNum !== undefined || req.callerIdName !== undefined) {
    chan.callerIdNum = req.callerIdNum ?? chan.callerIdNum;
    chan.callerIdName = req.callerIdName ?? chan.callerIdName;
    ch.newCallerid(chan);
    ch.newConnectedLine(chan, chan.callerIdNum, chan.callerIdName);
  }
  cdr.follow(chan);
  ch.dialBegin(undefined, chan, peer.name);
  ev.extensionStatus(chan.device);
  ev.deviceStateChange(chan.device);
  ev.queueMemberStatus(chan.device);

  if (peer.behaviour === 'busy') {
    response(false, ctx.pjsip ? REASON.failed : REASON.busy);
    settle(false);
    cdr.disposition = 'BUSY';
    cdr.end = ctx.now();
    ev.cdr(cdr.fields());
    chan.released = true;
    ch.dialEnd(undefined, chan, 'BUSY');
    ch.hangup(chan, 17);
    ev.extensionStatus(chan.device);
    ev.queueMemberStatus(chan.device);
    ev.deviceStateChange(chan.device);
    track.outcome = 'busy';
    return track.result();
  }

  ev.queueAvailabilityIfMember(chan.device);
  ch.newstate(chan, ChannelState.Ringing);
  ch.dialState(undefined, chan, 'RINGING');
  if (!ctx.pjsip) ev.deviceStateChange(chan.device, 'RINGING');
  const answers = peer.behaviour !== 'ring' && PHONE_ANSWER_DELAY_MS < req.timeoutMs;
  const i = await ctx.rt.wait(answers ? PHONE_ANSWER_DELAY_MS : req.timeoutMs, [chan]);
  if (i || !answers) {
    // Not answered in time (or hung up by the AMI while ringing): Reason 3.
    chan.released = true;
    ev.extensionStatus(chan.device);
    ev.deviceStateChange(chan.device);
    ev.queueMemberStatus(chan.device);
    response(false, i ? 1 : REASON.noAnswer);
    settle(false);
    ev.queueAvailabilityIfMember(chan.device);
    ch.hangup(chan, i ? 16 : 19);
    cdr.end = ctx.now();
    cdr.disposition = 'NO ANSWER';
    ev.cdr(cdr.fields());
    track.outcome = 'noanswer';
    return track.result();
  }

  chan.answeredAt = ctx.now();
  ev.extensionStatus(chan.device);
  ev.queueMemberStatus(chan.device);
  ch.newstate(chan, ChannelState.Up);
  cdr.answer = ctx.now();
  ch.dialEnd(undefined, chan, 'ANSWER');
  ev.deviceStateChange(chan.device);
  response(true, REASON.answered, chan);
  settle(true);
  track.outcome = 'answered';

  const env: RunEnv = { track, cdrs: [cdr], policy: {}, defaultTalkMs };
  if (!req.app) {
    await runPlace(ctx, chan, { context: req.context ?? 'from-internal', exten: req.exten ?? 's', priority: req.priority ?? 1 }, env);
    return track.result();
  }
  await runApplication(ctx, chan, req.app, req.appData ?? '', env);
  return track.result();
}

/** Originate Application=…: the application runs on the answered channel, no dialplan around it. */
async function runApplication(ctx: ScenarioContext, chan: Channel, app: string, data: string, env: RunEnv): Promise<void> {
  chan.application = app;
  chan.appData = data;
  const name = app.toLowerCase();
  const end = () => endLoneChannel(ctx, chan, { hangupCause: 16, cdrs: settleCdrs(env, chan), cdrBeforeHangup: true, request: 'none', rtp: true });
  if (name === 'chanspy') {
    if (await chanSpy(ctx, chan, data, env)) end();
    return;
  }
  if (name === 'playback') {
    if (!(await waitAlone(ctx, chan, PROMPT_MS, env))) return;
    ctx.ch.varset(chan, 'PLAYBACKSTATUS', 'SUCCESS');
    return end();
  }
  if (name === 'dial') {
    const target = data.split(',')[0];
    const peer = target.slice(target.indexOf('/') + 1);
    const r = await dialAndTalk(ctx, chan, env, { peer, dialString: peer, appData: data, timeoutMs: 20_000 });
    if (r.kind === 'failed') hangupApp(ctx, chan, { context: chan.context, exten: chan.exten, priority: chan.priority }, env, r.result.cause || 16);
    return;
  }
  // Echo, Wait, MusicOnHold, …: the call stays up until hung up.
  if (await waitAlone(ctx, chan, env.defaultTalkMs, env)) end();
}

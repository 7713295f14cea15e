/**
 * Small dialplan applications of the lab: the playback extensions 600/601/602
 * (602 is the Redirect target of action-redirect), ChanSpy (555XXX and
 * Originate Application=ChanSpy, action-originate-chanspy), and what happens
 * on an extension that does not exist.
 */

import { ChannelState, type Channel } from '../model/channel.js';
import type { ScenarioContext } from './context.js';
import { bridgePeers } from './dial.js';
import { forkCdr, openCdr, runPlace, settleCdrs, type RunEnv } from './dialplan.js';
import { hangupApp, hangupByAmi } from './internal.js';
import { endLoneChannel } from './teardown.js';

/** Simulated length of the lab's prompts (custom/welcome, custom/hold-tone, …). */
export const PROMPT_MS = 1500;

/**
 * Wait on a channel that is alone in the dialplan. On an AMI Hangup it ends
 * the channel; on a Redirect it moves it. Returns false when the channel is
 * no longer this flow's to run.
 */
export async function waitAlone(ctx: ScenarioContext, chan: Channel, ms: number, env: RunEnv): Promise<boolean> {
  const i = await ctx.rt.wait(ms, [chan]);
  if (!i) return true;
  if (i.interrupt.kind === 'hangup') {
    hangupByAmi(ctx, chan, env, i.interrupt.cause);
    return false;
  }
  const place = { context: i.interrupt.context, exten: i.interrupt.exten, priority: i.interrupt.priority };
  ctx.ch.newexten(chan, chan.application, chan.appData, place);
  forkCdr(env, ctx.now(), chan.answeredAt !== undefined);
  await runPlace(ctx, chan, place, env, true);
  return false;
}

function answer(ctx: ScenarioContext, chan: Channel, env: RunEnv, place: { context: string; exten: string; priority: number }): void {
  ctx.ch.newexten(chan, 'Answer', '', place);
  if (chan.state !== ChannelState.Up) ctx.ch.newstate(chan, ChannelState.Up);
  ctx.reportCallerInUse(chan);
  openCdr(env).answer ??= ctx.now();
}

async function playback(ctx: ScenarioContext, chan: Channel, file: string, env: RunEnv, place: { context: string; exten: string; priority: number }): Promise<boolean> {
  ctx.ch.newexten(chan, 'Playback', file, place);
  if (chan.state !== ChannelState.Up) {
    ctx.ch.newstate(chan, ChannelState.Up);
    ctx.reportCallerInUse(chan);
    openCdr(env).answer ??= ctx.now();
  }
  if (!(await waitAlone(ctx, chan, PROMPT_MS, env))) return false;
  ctx.ch.varset(chan, 'PLAYBACKSTATUS', 'SUCCESS');
  return true;
}

/** from-internal 600 (echo test), 601 (tone loop for Originate tests), 602 (Redirect target). */
export async function playbackApp(ctx: ScenarioContext, chan: Channel, exten: string, from: number, env: RunEnv): Promise<void> {
  const place = { context: 'from-internal', exten };
  if (from <= 1) answer(ctx, chan, env, { ...place, priority: 1 });
  env.track.outcome = 'answered';
  if (exten === '600') {
    if (from <= 2 && !(await playback(ctx, chan, 'custom/welcome', env, { ...place, priority: 2 }))) return;
    ctx.ch.newexten(chan, 'Echo', '', { ...place, priority: 3 });
    if (!(await waitAlone(ctx, chan, env.policy.talkMs ?? env.defaultTalkMs, env))) return;
    return hangupApp(ctx, chan, { ...place, priority: 4 }, env, 16);
  }
  if (exten === '601') {
    if (from <= 2) {
      ctx.ch.newexten(chan, 'Set', 'TESTVAR=originate-target', { ...place, priority: 2 });
      ctx.ch.varset(chan, 'TESTVAR', 'originate-target');
    }
    const until = ctx.now() + (env.policy.talkMs ?? env.defaultTalkMs);
    for (;;) {
      if (!(await playback(ctx, chan, 'custom/hold-tone', env, { ...place, priority: 3 }))) return;
      if (ctx.now() >= until) break;
      ctx.ch.newexten(chan, 'Goto', 'loop', { ...place, priority: 4 });
    }
    ctx.ch.newexten(chan, 'Goto', 'loop', { ...place, priority: 4 });
    return endLoneChannel(ctx, chan, { hangupCause: 16, request: 'phone', cdrs: settleCdrs(env, chan), rtp: true });
  }
  // 602
  if (from <= 2) {
    ctx.ch.newexten(chan, 'Set', 'REDIRECTED=yes', { ...place, priority: 2 });
    ctx.ch.varset(chan, 'REDIRECTED', 'yes');
  }
  if (from <= 3 && !(await playback(ctx, chan, 'custom/welcome', env, { ...place, priority: 3 }))) return;
  if (from <= 4) {
    ctx.ch.newexten(chan, 'Wait', '20', { ...place, priority: 4 });
    if (!(await waitAlone(ctx, chan, 20_000, env))) return;
  }
  return hangupApp(ctx, chan, { ...place, priority: 5 }, env, 16);
}

/** `_555XXX`: Answer, ChanSpy(SIP/XXX,qE), Hangup. */
export async function spyDialplan(ctx: ScenarioContext, chan: Channel, exten: string, from: number, env: RunEnv): Promise<void> {
  const place = { context: 'from-internal', exten };
  if (from <= 1) answer(ctx, chan, env, { ...place, priority: 1 });
  if (from <= 2) {
    const data = `${ctx.tech}/${exten.slice(3)},qE`;
    ctx.ch.newexten(chan, 'ChanSpy', data, { ...place, priority: 2 });
    if (!(await chanSpy(ctx, chan, data, env))) return;
  }
  hangupApp(ctx, chan, { ...place, priority: 3 }, env, 16);
}

/**
 * ChanSpy(<prefix>,qE): listen to the first bridged channel whose name starts
 * with the prefix; `E` ends the spy when that channel hangs up. Returns true
 * when the spyer's dialplan goes on (the spied call ended), false when the
 * spyer itself was hung up.
 */
export async function chanSpy(ctx: ScenarioContext, spyer: Channel, data: string, env: RunEnv): Promise<boolean> {
  const prefix = data.split(',')[0] + '-';
  const limit = ctx.now() + (env.policy.talkMs ?? env.defaultTalkMs);
  let spyee: Channel | undefined;
  while (!spyee) {
    spyee = [...ctx.pbx.channels.values()].find((c) => c.name.startsWith(prefix) && c.bridgeId && !c.released);
    if (spyee) break;
    if (ctx.now() >= limit) return true;
    const i = await ctx.rt.wait(250, [spyer]);
    if (i) return spyerInterrupted(ctx, spyer, undefined, env, i.interrupt.kind === 'hangup' ? i.interrupt.cause : 16);
  }
  ctx.ch.chanSpy('ChanSpyStart', spyer, spyee);
  const bridge = spyee.bridgeId ? ctx.pbx.bridges.get(spyee.bridgeId) : undefined;
  if (bridge) bridgePeers(ctx, bridge.channels.slice(), 1);
  for (;;) {
    const i = await ctx.rt.wait(250, [spyer]);
    if (i) return spyerInterrupted(ctx, spyer, spyee, env, i.interrupt.kind === 'hangup' ? i.interrupt.cause : 16);
    if (spyee.gone || spyee.released) {
      ctx.ch.chanSpy('ChanSpyStop', spyer, spyee);
      return true;
    }
    if (ctx.now() >= limit) {
      ctx.ch.chanSpy('ChanSpyStop', spyer, spyee);
      endLoneChannel(ctx, spyer, { hangupCause: 16, request: 'phone', cdrs: settleCdrs(env, spyer), rtp: true });
      return false;
    }
  }
}

/** The supervisor's channel was hung up (AMI) while spying: ChanSpyStop, then it goes. */
function spyerInterrupted(ctx: ScenarioContext, spyer: Channel, spyee: Channel | undefined, env: RunEnv, cause: number): boolean {
  const { ch, ev } = ctx;
  if (spyee) ch.chanSpy('ChanSpyStop', spyer, spyee);
  const cdrs = settleCdrs(env, spyer);
  for (const c of cdrs) {
    c.end ??= ctx.now();
    ev.cdr(c.fields());
  }
  ev.extensionStatus(spyer.device, 'NOT_INUSE');
  spyer.released = true;
  ch.rtpQos(spyer);
  if (!ctx.pjsip) ch.rtpQosSummary(spyer);
  ch.hangup(spyer, cause);
  ev.deviceStateChange(spyer.device);
  ev.queueMemberStatus(spyer.device);
  return false;
}

/** No such extension: Asterisk hangs the channel up (it has no `i` handler there). */
export function unknownExtension(ctx: ScenarioContext, chan: Channel, env: RunEnv): void {
  env.track.outcome = 'failed';
  endLoneChannel(ctx, chan, { hangupCause: 1, cdrs: settleCdrs(env, chan), rtp: chan.state === ChannelState.Up });
}

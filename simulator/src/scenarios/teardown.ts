/**
 * How a bridged two-party call ends, in the four ways the recordings show:
 * the caller sends BYE (call-answered-basic), the callee sends BYE
 * (trunk-outbound), the AMI hangs up the callee (action-hangup) or the
 * caller (action-originate-click-to-call). Plus the end of a lone channel
 * whose dialplan ran out (call-busy, call-noanswer, ivr-dtmf-rfc2833).
 */

import type { Channel } from '../model/channel.js';
import type { Bridge } from '../model/pbx.js';
import type { CdrRecord } from './cdr.js';
import type { ScenarioContext } from './context.js';
import { clearBridgePeers, dialDurations } from './dial.js';

export interface BridgedCall {
  caller: Channel;
  callee: Channel;
  bridge: Bridge;
  dialStart: number;
  answeredAt: number;
  /** The open CDR record of this dial. */
  cdr: CdrRecord;
  /** Every record of the caller's channel still to be emitted (includes `cdr`). */
  cdrs: CdrRecord[];
}

export type Hanger = 'caller' | 'callee';

/** End a bridged call; `via` says whether a phone hung up or the AMI Hangup action did. */
export function endBridgedCall(ctx: ScenarioContext, call: BridgedCall, by: Hanger, via: 'phone' | 'ami', cause = 16): void {
  if (via === 'phone') {
    if (by === 'caller') callerHangsUp(ctx, call);
    else calleeHangsUp(ctx, call);
  } else if (by === 'callee') amiHangsUpCallee(ctx, call, cause);
  else amiHangsUpCaller(ctx, call, cause);
}

function release(ctx: ScenarioContext, ch: Channel): void {
  ch.released = true;
  ctx.ev.deviceStateChange(ch.device);
  ctx.ev.queueMemberStatus(ch.device);
}

/** The caller's channel is going: its CDR records go out, all showing its final place. */
export function finishCdrs(ctx: ScenarioContext, call: BridgedCall): void {
  const now = ctx.now();
  for (const c of call.cdrs) {
    c.end ??= now;
    c.destination = call.caller.exten;
    c.destinationContext = call.caller.context;
    ctx.ev.cdr(c.fields());
  }
}

function callerHangsUp(ctx: ScenarioContext, c: BridgedCall): void {
  const { ch, ev } = ctx;
  ch.rtpQos(c.caller, c.callee);
  if (!ctx.pjsip) ch.rtpQos(c.callee, c.caller);
  ch.hangupRequest(c.caller, 16);
  if (!ctx.pjsip) {
    ev.extensionStatus(c.caller.device, 'NOT_INUSE');
    ev.extensionStatus(c.callee.device, 'NOT_INUSE');
  }
  clearBridgePeers(ctx, [c.caller, c.callee]);
  ch.bridgeLeave(c.bridge, c.caller);
  dialDurations(ctx, c.caller, c.dialStart, c.answeredAt);
  ch.varset(c.caller, 'DIALSTATUS', 'ANSWER');
  ch.softHangupRequest(c.caller, 16);
  if (!ctx.pjsip) release(ctx, c.caller);
  ch.bridgeLeave(c.bridge, c.callee);
  if (ctx.pjsip) {
    ch.rtpQosSummary(c.callee);
    ch.bridgeDestroy(c.bridge);
    ch.rtpQosDetails(c.callee);
    ch.hangup(c.caller, 16);
    finishCdrs(ctx, c);
    release(ctx, c.caller);
    c.callee.released = true;
    ch.hangup(c.callee, 16);
    ev.extensionStatus(c.caller.device);
    ev.extensionStatus(c.callee.device);
    ev.deviceStateChange(c.callee.device);
    ev.queueMemberStatus(c.callee.device);
    return;
  }
  ch.bridgeDestroy(c.bridge);
  ch.rtpQosSummary(c.callee);
  release(ctx, c.callee);
  ch.hangup(c.callee, 16);
  ch.hangup(c.caller, 16);
  finishCdrs(ctx, c);
}

function calleeHangsUp(ctx: ScenarioContext, c: BridgedCall): void {
  const { ch, ev } = ctx;
  ch.rtpQos(c.callee, c.caller);
  if (!ctx.pjsip) ch.rtpQos(c.caller, c.callee);
  ch.hangupRequest(c.callee, 16);
  clearBridgePeers(ctx, [c.callee, c.caller]);
  ch.bridgeLeave(c.bridge, c.callee);
  c.callee.released = true;
  ch.hangup(c.callee, 16);
  ev.deviceStateChange(c.callee.device);
  ev.extensionStatus(c.callee.device);
  ev.queueMemberStatus(c.callee.device);
  ch.bridgeLeave(c.bridge, c.caller);
  ch.bridgeDestroy(c.bridge);
  dialDurations(ctx, c.caller, c.dialStart, c.answeredAt);
  ev.extensionStatus(c.caller.device, 'NOT_INUSE');
  ch.varset(c.caller, 'DIALSTATUS', 'ANSWER');
  ch.softHangupRequest(c.caller, 16);
  if (!ctx.pjsip) ch.rtpQosSummary(c.caller);
  release(ctx, c.caller);
  ch.hangup(c.caller, 16);
  finishCdrs(ctx, c);
}

function amiHangsUpCallee(ctx: ScenarioContext, c: BridgedCall, cause: number): void {
  const { ch, ev } = ctx;
  clearBridgePeers(ctx, [c.callee, c.caller]);
  ch.bridgeLeave(c.bridge, c.callee);
  ch.bridgeLeave(c.bridge, c.caller);
  if (ctx.pjsip) {
    ch.bridgeDestroy(c.bridge);
    dialDurations(ctx, c.caller, c.dialStart, c.answeredAt);
    ch.varset(c.caller, 'DIALSTATUS', 'ANSWER');
    ch.softHangupRequest(c.caller, 16);
    ch.rtpQos(c.callee);
    ch.rtpQos(c.caller);
    c.caller.released = true;
    ch.hangup(c.caller, 16);
    finishCdrs(ctx, c);
    ev.extensionStatus(c.caller.device);
    c.callee.released = true;
    ch.hangup(c.callee, cause);
    ev.deviceStateChange(c.caller.device);
    ev.deviceStateChange(c.callee.device);
    ev.extensionStatus(c.callee.device);
    ev.queueMemberStatus(c.callee.device);
    return;
  }
  ev.extensionStatus(c.callee.device, 'NOT_INUSE');
  c.callee.released = true;
  ev.deviceStateChange(c.callee.device);
  ev.queueMemberStatus(c.callee.device);
  ch.bridgeDestroy(c.bridge);
  dialDurations(ctx, c.caller, c.dialStart, c.answeredAt);
  ev.extensionStatus(c.caller.device, 'NOT_INUSE');
  finishCdrs(ctx, c);
  ch.rtpQos(c.callee);
  ch.rtpQosSummary(c.callee);
  ch.hangup(c.callee, cause);
  ch.varset(c.caller, 'DIALSTATUS', 'ANSWER');
  ch.softHangupRequest(c.caller, 16);
  ch.rtpQos(c.caller);
  ch.rtpQosSummary(c.caller);
  release(ctx, c.caller);
  ch.hangup(c.caller, 16);
}

function amiHangsUpCaller(ctx: ScenarioContext, c: BridgedCall, cause: number): void {
  const { ch, ev } = ctx;
  clearBridgePeers(ctx, [c.caller, c.callee]);
  ch.bridgeLeave(c.bridge, c.caller);
  ch.bridgeLeave(c.bridge, c.callee);
  if (ctx.pjsip) {
    ch.bridgeDestroy(c.bridge);
    ch.rtpQos(c.callee);
    dialDurations(ctx, c.caller, c.dialStart, c.answeredAt);
    ch.varset(c.caller, 'DIALSTATUS', 'ANSWER');
    ch.softHangupRequest(c.caller, cause);
    ch.rtpQos(c.caller);
    c.callee.released = true;
    ch.hangup(c.callee, 16);
    ev.extensionStatus(c.callee.device);
    ev.deviceStateChange(c.callee.device);
    ev.queueMemberStatus(c.callee.device);
    c.caller.released = true;
    ch.hangup(c.caller, cause);
    finishCdrs(ctx, c);
    ev.extensionStatus(c.caller.device);
    ev.deviceStateChange(c.caller.device);
    return;
  }
  ch.rtpQosSummary(c.callee);
  ev.extensionStatus(c.callee.device, 'NOT_INUSE');
  ch.rtpQosDetails(c.callee);
  ch.bridgeDestroy(c.bridge);
  dialDurations(ctx, c.caller, c.dialStart, c.answeredAt);
  c.callee.released = true;
  ev.deviceStateChange(c.callee.device);
  ev.queueMemberStatus(c.callee.device);
  ch.varset(c.caller, 'DIALSTATUS', 'ANSWER');
  ch.softHangupRequest(c.caller, cause);
  ch.rtpQos(c.caller);
  ch.rtpQosSummary(c.callee);
  ev.extensionStatus(c.caller.device, 'NOT_INUSE');
  finishCdrs(ctx, c);
  release(ctx, c.caller);
  ch.rtpQosSummary(c.caller);
  ch.hangup(c.callee, 16);
  ch.hangup(c.caller, cause);
}

/**
 * A channel alone in the dialplan ends: `Hangup()` ran (SoftHangupRequest
 * with cause 16), the phone hung up (HangupRequest) or an application simply
 * returned (no request event), then Hangup with the channel's hangup cause.
 * The CDRs go out around the Hangup as Asterisk does.
 */
export function endLoneChannel(
  ctx: ScenarioContext,
  chan: Channel,
  opts: { hangupCause: number; request?: 'soft' | 'phone' | 'none'; cdrs: CdrRecord[]; cdrBeforeHangup?: boolean; rtp?: boolean },
): void {
  const { ch, ev } = ctx;
  const request = opts.request ?? 'soft';
  if (request === 'phone') ch.hangupRequest(chan, 16);
  else if (request === 'soft') ch.softHangupRequest(chan, 16);
  if (opts.rtp) {
    ch.rtpQos(chan);
    if (!ctx.pjsip) ch.rtpQosSummary(chan);
  }
  ev.extensionStatus(chan.device, 'NOT_INUSE');
  chan.released = true;
  ev.deviceStateChange(chan.device);
  ev.queueMemberStatus(chan.device);
  const emitCdrs = () => {
    for (const cdr of opts.cdrs) {
      cdr.end ??= ctx.now();
      ev.cdr(cdr.fields());
    }
  };
  if (opts.cdrBeforeHangup) emitCdrs();
  ch.hangup(chan, opts.hangupCause);
  if (!opts.cdrBeforeHangup) emitCdrs();
}

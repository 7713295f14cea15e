/**
 * app_dial: from `Newexten Dial` to either a bridged call or a failed dial
 * status. Follows call-answered-basic / call-busy / call-noanswer /
 * trunk-outbound (chan_sip) and call-answered-pjsip (chan_pjsip).
 *
 * Device-state events (DeviceStateChange, ExtensionStatus, QueueMemberStatus)
 * come from another Asterisk thread and land at racy positions in real
 * traffic; they are placed where the reference recordings show them.
 */

import { ChannelState, type Channel } from '../model/channel.js';
import type { Bridge } from '../model/pbx.js';
import type { Peer } from '../model/peers.js';
import type { CdrRecord } from './cdr.js';
import type { CallTrack, ScenarioContext } from './context.js';

export type DialOutcome = 'answer' | 'busy' | 'noanswer' | 'cancel' | 'unavailable';

export interface DialRequest {
  peer: Peer;
  /** `802`, `trunk-provider/0049301234567`, `0049301234567@trunk-provider`. */
  dialString: string;
  /** The Dial application's argument, e.g. `SIP/802,20`. */
  appData: string;
  timeoutMs: number;
  outcome: DialOutcome;
  /** How long the callee rings before it answers / the caller gives up. */
  ringMs: number;
  cdr: CdrRecord;
  track?: CallTrack;
}

export type DialResult =
  | { status: 'ANSWER'; callee: Channel; bridge: Bridge; dialStart: number }
  | { status: 'BUSY' | 'NOANSWER' | 'CANCEL' | 'CHANUNAVAIL'; callee?: Channel; cause: number; dialStart: number };

const DIAL_VARS = ['DIALSTATUS', 'DIALEDPEERNUMBER', 'DIALEDPEERNAME', 'ANSWEREDTIME', 'ANSWEREDTIME_MS', 'DIALEDTIME', 'DIALEDTIME_MS', 'RINGTIME', 'RINGTIME_MS', 'PROGRESSTIME', 'PROGRESSTIME_MS'];

/** Run Dial() on `caller`, which already sits at its `Newexten Dial` priority. */
export async function dial(ctx: ScenarioContext, caller: Channel, req: DialRequest): Promise<DialResult> {
  const { ch, ev } = ctx;
  const dialStart = ctx.now();
  for (const v of DIAL_VARS) ch.varset(caller, v, '');
  req.cdr.follow(caller);

  if (req.outcome === 'unavailable' || (!req.peer.registered && !req.peer.isTrunk)) {
    // ast_request() fails: no channel, no DialBegin (cause 20, Subscriber absent).
    ch.varset(caller, 'DIALSTATUS', 'CHANUNAVAIL');
    return { status: 'CHANUNAVAIL', cause: 20, dialStart };
  }

  const trunk = req.peer.isTrunk;
  const busy = req.outcome === 'busy';
  const callee = ctx.channelFor(req.peer, 'out', { context: trunk ? 'from-trunk' : 'from-internal', exten: 's', linkedid: caller.linkedid, track: req.track });
  const device = callee.device;
  const dnum = req.dialString;

  if (busy && !ctx.pjsip) ev.extensionStatus(device, 'RINGING');
  ch.newchannel(callee);
  if (!ctx.pjsip) ch.varset(callee, 'SIPCALLID', callee.callId);
  if (!ctx.pjsip) callee.exten = '';
  ch.varset(callee, 'DIALEDPEERNUMBER', dnum);
  for (const [name, value] of inheritable(caller)) ch.varset(callee, name, value);
  callee.connectedNum = caller.callerIdNum;
  callee.connectedName = caller.callerIdName;
  ch.newexten(callee, 'AppDial', '(Outgoing Line)', { exten: caller.exten });
  if (caller.accountCode) ch.newAccountCode(callee, caller.accountCode);
  if (trunk) {
    callee.callerIdNum = caller.exten;
    ch.newCallerid(callee);
  }
  ch.newConnectedLine(callee, caller.callerIdNum, caller.callerIdName);
  if (trunk) ev.deviceStateChange(device, 'RINGING');
  ch.dialBegin(caller, callee, dnum);
  req.cdr.destinationChannel = callee.name;
  if (!trunk) ch.newConnectedLine(caller, callee.callerIdNum, callee.callerIdName);

  if (busy) {
    // 486 Busy Here before any ringing (chan_pjsip reports no device state for it).
    if (!ctx.pjsip) {
      ev.deviceStateChange(device, 'RINGING');
      ev.queueMemberStatus(device);
    }
    callee.released = true;
    ch.dialEnd(caller, callee, 'BUSY');
    ch.hangup(callee, 17);
    ch.varset(caller, 'DIALSTATUS', 'BUSY');
    if (!ctx.pjsip) {
      ev.extensionStatus(device);
      ev.queueMemberStatus(device);
      ev.deviceStateChange(device);
    }
    return { status: 'BUSY', callee, cause: 17, dialStart };
  }

  if (ctx.pjsip && !trunk) {
    ch.newstate(callee, ChannelState.Ringing);
    ev.extensionStatus(device);
    ev.deviceStateChange(device);
    ctx.reportCallerInUse(caller);
  } else {
    if (!trunk) {
      ev.deviceStateChange(device);
      ev.extensionStatus(device);
      ev.queueMemberStatus(device);
      ev.queueAvailabilityIfMember(device);
    }
    ch.newstate(callee, ChannelState.Ringing);
  }
  ch.varset(caller, 'RINGTIME', '0');
  ch.varset(caller, 'RINGTIME_MS', String(1 + Math.floor(Math.random() * 2)));
  if (!ctx.pjsip) ev.deviceStateChange(device, 'RINGING');
  ch.dialState(caller, callee, 'RINGING');

  const ringFor = req.outcome === 'answer' ? Math.min(req.ringMs, req.timeoutMs) : req.outcome === 'cancel' ? req.ringMs : req.timeoutMs;
  const interrupted = await ctx.rt.wait(ringFor, [caller, callee]);
  const calleeGone = interrupted?.channel === callee;
  if ((interrupted && !calleeGone) || req.outcome === 'cancel') {
    // The caller hung up (CANCEL) or was hung up by the AMI while ringing.
    if (!interrupted) ch.hangupRequest(caller);
    callee.released = true;
    ch.dialEnd(caller, callee, 'CANCEL');
    ev.deviceStateChange(device);
    ch.hangup(callee, 16);
    ch.varset(caller, 'DIALSTATUS', 'CANCEL');
    ev.extensionStatus(device);
    ev.queueMemberStatus(device);
    ev.queueAvailabilityIfMember(device);
    return { status: 'CANCEL', callee, cause: 16, dialStart };
  }
  if (calleeGone || req.outcome !== 'answer' || req.ringMs >= req.timeoutMs) {
    // Dial's timeout (or the AMI hung up the ringing callee): NOANSWER.
    callee.released = true;
    ch.dialEnd(caller, callee, 'NOANSWER');
    ev.deviceStateChange(device);
    ch.hangup(callee, 16);
    ch.varset(caller, 'DIALSTATUS', 'NOANSWER');
    ev.extensionStatus(device);
    ev.queueMemberStatus(device);
    ev.queueAvailabilityIfMember(device);
    return { status: 'NOANSWER', callee, cause: 0, dialStart };
  }

  // 200 OK
  callee.answeredAt = ctx.now();
  if (trunk) ev.deviceStateChange(device);
  else {
    ev.extensionStatus(device);
    if (!ctx.pjsip) ev.deviceStateChange(device);
    ev.queueMemberStatus(device);
  }
  ch.newstate(callee, ChannelState.Up);
  ch.varset(caller, 'DIALSTATUS', 'ANSWER');
  ch.varset(caller, 'DIALEDPEERNAME', callee.name);
  ch.varset(caller, 'DIALEDPEERNUMBER', dnum);
  ch.dialEnd(caller, callee, 'ANSWER');
  if (caller.state !== ChannelState.Up) ch.newstate(caller, ChannelState.Up);
  if (ctx.pjsip && !trunk) ev.deviceStateChange(device);
  req.cdr.answer ??= ctx.now();
  req.cdr.disposition = 'ANSWERED';

  const bridge = ch.bridgeCreate();
  ch.newexten(callee, 'AppDial', '(Outgoing Line)', { exten: '' });
  ch.bridgeEnter(bridge, callee);
  ch.bridgeEnter(bridge, caller);
  bridgePeers(ctx, trunk ? [caller, callee] : [callee, caller], trunk ? 3 : ctx.pjsip ? 2 : 1);
  return { status: 'ANSWER', callee, bridge, dialStart };
}

/** BRIDGEPEER / BRIDGEPVTCALLID on both sides; chan_sip re-reports them on every bridge re-evaluation. */
export function bridgePeers(ctx: ScenarioContext, order: Channel[], rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    for (const c of order) {
      const other = order.find((o) => o !== c);
      if (!other) continue;
      ctx.ch.varset(c, 'BRIDGEPEER', other.name);
      ctx.ch.varset(c, 'BRIDGEPVTCALLID', other.callId);
    }
  }
}

/** Clear BRIDGEPEER/BRIDGEPVTCALLID as the bridge breaks up. */
export function clearBridgePeers(ctx: ScenarioContext, order: Channel[]): void {
  for (const c of order) {
    ctx.ch.varset(c, 'BRIDGEPEER', '');
    ctx.ch.varset(c, 'BRIDGEPVTCALLID', '');
  }
}

/** `__VAR` variables a channel passes to the channels it dials. */
export function inheritable(ch: Channel): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of ch.inherited) out.push([name, value]);
  return out;
}

/** ANSWEREDTIME…/DIALEDTIME… that Dial sets when it returns after a bridge. */
export function dialDurations(ctx: ScenarioContext, caller: Channel, dialStart: number, answeredAt: number): void {
  const now = ctx.now();
  const answered = Math.max(0, now - answeredAt);
  const dialed = Math.max(0, now - dialStart);
  ctx.ch.varset(caller, 'ANSWEREDTIME', String(Math.trunc(answered / 1000)));
  ctx.ch.varset(caller, 'ANSWEREDTIME_MS', String(answered));
  ctx.ch.varset(caller, 'DIALEDTIME', String(Math.trunc(dialed / 1000)));
  ctx.ch.varset(caller, 'DIALEDTIME_MS', String(dialed));
}

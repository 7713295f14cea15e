/**
 * The talking part of a bridged call: optional hold/unhold, then an end by a
 * phone's BYE, by the AMI Hangup action, or by an AMI Redirect that pulls one
 * side out of the bridge (action-redirect: the other side is hung up as the
 * bridge dissolves).
 */

import type { Channel, Interrupt } from '../model/channel.js';
import type { ScenarioContext } from './context.js';
import { clearBridgePeers } from './dial.js';
import { endBridgedCall, finishCdrs, type BridgedCall, type Hanger } from './teardown.js';

export interface Place {
  context: string;
  exten: string;
  priority: number;
}

export interface TalkPolicy {
  /** Simulated talk time; Infinity: until the AMI hangs it up or redirects it. */
  talkMs: number;
  hangupBy: Hanger;
  /** Put the call on hold for this long (Hold/Unhold events). */
  holdMs?: number;
  holdBy?: Hanger;
  /** When the hold starts, counted from the answer. */
  holdAfterMs?: number;
}

/** How a particular kind of bridge ends (Dial's by default; Queue has its own). */
export interface TalkHooks {
  end(by: Hanger, via: 'phone' | 'ami', cause: number): void;
  /** `moved` leaves for `place`; the other side is hung up and returned. */
  redirect(moved: Channel, place: Place): Channel;
}

export type TalkEnd =
  | { kind: 'ended'; by: Hanger; via: 'phone' | 'ami' }
  | { kind: 'redirected'; channel: Channel; place: Place; other: Channel };

export async function talk(ctx: ScenarioContext, call: BridgedCall, policy: TalkPolicy, custom?: TalkHooks): Promise<TalkEnd> {
  const both = [call.caller, call.callee];
  const hooks: TalkHooks = custom ?? {
    end: (by, via, cause) => endBridgedCall(ctx, call, by, via, cause),
    redirect: (moved, place) => redirectOut(ctx, call, moved, place),
  };
  let remaining = policy.talkMs;
  if (policy.holdMs && policy.holdMs > 0) {
    const before = Math.min(policy.holdAfterMs ?? Math.min(remaining / 4, 2000), remaining);
    const early = await ctx.rt.wait(before, both);
    if (early) return onInterrupt(call, hooks, early.channel, early.interrupt);
    const holder = policy.holdBy === 'caller' ? call.caller : call.callee;
    const other = holder === call.caller ? call.callee : call.caller;
    hold(ctx, holder, other);
    const during = await ctx.rt.wait(policy.holdMs, both);
    if (during) {
      holder.onHold = false;
      return onInterrupt(call, hooks, during.channel, during.interrupt);
    }
    unhold(ctx, holder, other);
    remaining = Math.max(0, remaining - before - policy.holdMs);
  }
  const i = await ctx.rt.wait(remaining, both);
  if (i) return onInterrupt(call, hooks, i.channel, i.interrupt);
  hooks.end(policy.hangupBy, 'phone', 16);
  return { kind: 'ended', by: policy.hangupBy, via: 'phone' };
}

/** A re-INVITE sendonly from `holder`: Hold on its channel, music for the other side. */
export function hold(ctx: ScenarioContext, holder: Channel, other: Channel): void {
  ctx.ch.hold(holder, 'default');
  ctx.ev.deviceStateChange(holder.device);
  ctx.ev.extensionStatus(holder.device);
  ctx.ev.queueMemberStatus(holder.device);
  ctx.ch.mohStart(other, 'default');
}

export function unhold(ctx: ScenarioContext, holder: Channel, other: Channel): void {
  ctx.ch.unhold(holder);
  ctx.ev.deviceStateChange(holder.device);
  ctx.ev.extensionStatus(holder.device);
  ctx.ev.queueMemberStatus(holder.device);
  ctx.ch.mohStop(other);
}

function onInterrupt(call: BridgedCall, hooks: TalkHooks, channel: Channel, interrupt: Interrupt): TalkEnd {
  const by: Hanger = channel === call.caller ? 'caller' : 'callee';
  if (interrupt.kind === 'hangup') {
    hooks.end(by, 'ami', interrupt.cause);
    return { kind: 'ended', by, via: 'ami' };
  }
  const place: Place = { context: interrupt.context, exten: interrupt.exten, priority: interrupt.priority };
  const other = hooks.redirect(channel, place);
  return { kind: 'redirected', channel, place, other };
}

/**
 * `moved` leaves the bridge for a new dialplan place; the other side is hung
 * up. The first Newexten still names the old application (as Asterisk
 * publishes it) at the new place.
 */
function redirectOut(ctx: ScenarioContext, call: BridgedCall, moved: Channel, place: Place): Channel {
  const { ch, ev } = ctx;
  const other = moved === call.caller ? call.callee : call.caller;
  clearBridgePeers(ctx, [moved]);
  ch.newexten(moved, moved.application, moved.appData, place);
  clearBridgePeers(ctx, [other]);
  ch.bridgeLeave(call.bridge, moved);
  if (moved === call.caller) ch.varset(moved, 'DIALSTATUS', 'ANSWER');
  call.cdr.end = ctx.now();
  ch.bridgeLeave(call.bridge, other);
  ch.rtpQos(other);
  if (!ctx.pjsip) ch.rtpQosSummary(other);
  other.released = true;
  ch.hangup(other, 16);
  ch.bridgeDestroy(call.bridge);
  ev.deviceStateChange(other.device);
  ev.extensionStatus(other.device);
  ev.queueMemberStatus(other.device);
  if (moved !== call.caller) finishCdrs(ctx, call);
  return other;
}

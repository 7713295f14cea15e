/**
 * A phone registers or un-registers. chan_sip reports PeerStatus
 * Registered/Unregistered (+ Reachable after the first qualify); chan_pjsip
 * reports ContactStatus plus PeerStatus Reachable/Unreachable only
 * (peer-register-unregister.ami, peer-register-unregister-pjsip.ami).
 */

import { pointerId } from '../events/pbx-events.js';
import { markRegistered } from '../model/peers.js';
import type { ScenarioContext } from './context.js';

function digest(ctx: ScenarioContext, ext: string, port: number): void {
  const session = ctx.pjsip ? (ctx.pbx.peer(ext)?.regCallId ?? '') : pointerId();
  ctx.ev.challengeSent(ext, session, `127.0.0.1/${port}`);
}

function authenticated(ctx: ScenarioContext, ext: string, port: number): void {
  const session = ctx.pjsip ? ctx.pbx.peer(ext)?.regCallId ?? '' : pointerId();
  ctx.ev.successfulAuth(ctx.pjsip ? 'PJSIP' : 'SIP', ext, session, ctx.pjsip ? 5070 : 5060, `127.0.0.1/${port}`, true);
}

export function register(ctx: ScenarioContext, ext: string): void {
  const peer = ctx.phone(ext);
  const { ev } = ctx;
  const device = `${ctx.tech}/${ext}`;
  const wasRegistered = peer.registered;
  digest(ctx, ext, peer.port);
  markRegistered(peer, ctx.pbx.nowSec());
  if (wasRegistered) {
    // A refresh: only the digest exchange shows.
    authenticated(ctx, ext, peer.port);
    return;
  }
  if (ctx.pjsip) {
    const uri = `sip:${ext}@${peer.ip}:${peer.port};transport=udp`;
    authenticated(ctx, ext, peer.port);
    ev.contactStatus(uri, 'NonQualified', ext, 0);
    ev.peerStatus(ext, 'Reachable');
    ev.extensionStatus(device);
    ev.contactStatus(uri, 'Reachable', ext, peer.roundtripUsec);
    ev.deviceStateChange(device);
    ev.queueMemberStatus(device);
    ev.queueAvailabilityIfMember(device);
    return;
  }
  ev.peerStatus(ext, 'Registered', [['Address', `${peer.ip}:${peer.port}`]]);
  ev.extensionStatus(device);
  authenticated(ctx, ext, peer.port);
  ev.deviceStateChange(device);
  ev.queueMemberStatus(device);
  ev.queueAvailabilityIfMember(device);
  ev.peerStatus(ext, 'Reachable');
}

export function unregister(ctx: ScenarioContext, ext: string): void {
  const peer = ctx.phone(ext);
  const { ev } = ctx;
  const device = `${ctx.tech}/${ext}`;
  digest(ctx, ext, peer.port);
  if (!peer.registered) {
    authenticated(ctx, ext, peer.port);
    return;
  }
  peer.registered = false;
  if (ctx.pjsip) {
    authenticated(ctx, ext, peer.port);
    ev.extensionStatus(device);
    ev.deviceStateChange(device);
    ev.queueMemberStatus(device);
    ev.queueAvailabilityIfMember(device);
    ev.peerStatus(ext, 'Unreachable');
    ev.contactStatus(`sip:${ext}@${peer.ip}:${peer.port};transport=udp`, 'Removed', ext, 0);
    return;
  }
  ev.peerStatus(ext, 'Unregistered', [['Cause', 'Expired']]);
  ev.extensionStatus(device);
  authenticated(ctx, ext, peer.port);
  ev.deviceStateChange(device);
  ev.queueMemberStatus(device);
  ev.queueAvailabilityIfMember(device);
}

/**
 * Reading live-state entities out of AMI messages: one function per entity,
 * shared by the live events and the snapshot lists (QueueStatus,
 * ExtensionStateList, CoreShowChannels answer with the same headers).
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { LiveCaller, LiveChannel, LiveExtension, LiveMember } from '../../../protocol/src/live/state.js';
import { clean } from '../events/names.js';

type Registration = NonNullable<LiveExtension['registration']>;

const MAX_TEXT = 256;
const text = (value: string | undefined): string => clean(value).slice(0, MAX_TEXT);
const opt = (value: string | undefined): string | undefined => text(value) || undefined;

export function iso(sec: number): string {
  return new Date(Math.round(sec * 1000)).toISOString();
}

/** ExtensionStatus (event or ExtensionStateList item); undefined when it names no extension. */
export function extensionOf(m: AmiMessage, prev?: LiveExtension): LiveExtension | undefined {
  const extension = text(m.get('Exten'));
  const status = clean(m.get('Status'));
  if (!extension || !/^-?\d{1,3}$/.test(status)) return undefined;
  const out: LiveExtension = { ...prev, extension, status };
  const hint = opt(m.get('Hint'));
  if (hint) out.hint = hint;
  const statusText = opt(m.get('StatusText'));
  if (statusText) out.statusText = statusText;
  return out;
}

/** PeerStatus (chan_sip and chan_pjsip): the peer's number and what it says of its registration. */
export function peerRegistration(m: AmiMessage): { peer: string; registration: Registration } | undefined {
  const peer = text(m.get('Peer')).replace(/^[^/]*\//, '');
  const s = clean(m.get('PeerStatus')).toLowerCase();
  const registration: Registration | undefined =
    s === 'registered' || s === 'reachable' || s === 'lagged' ? 'registered' : s === 'unregistered' || s === 'rejected' ? 'unregistered' : s === 'unreachable' ? 'unreachable' : undefined;
  return peer && registration ? { peer, registration } : undefined;
}

/** ContactStatus (chan_pjsip): a contact of the AOR came, went or changed reachability. */
export function contactRegistration(m: AmiMessage): { peer: string; registration: Registration } | undefined {
  const peer = text(m.get('AOR') ?? m.get('EndpointName'));
  const s = clean(m.get('ContactStatus')).toLowerCase();
  const registration: Registration | undefined =
    s === 'removed' ? 'unregistered' : s === 'unreachable' ? 'unreachable' : s === 'created' || s === 'reachable' || s === 'nonqualified' || s === 'updated' ? 'registered' : undefined;
  return peer && registration ? { peer, registration } : undefined;
}

/** The member key of QueueMember* events and QueueStatus items: the interface, lower-cased like the box's queue-info. */
export function memberInterface(m: AmiMessage): string {
  return text(m.get('Interface') ?? m.get('Location') ?? m.get('StateInterface')).toLowerCase();
}

/** A queue member from QueueMember* events or a QueueStatus QueueMember item, over what was known. */
export function memberOf(m: AmiMessage, prev?: LiveMember): LiveMember | undefined {
  const iface = memberInterface(m);
  if (!iface) return undefined;
  const paused = m.get('Paused');
  const isPaused = paused === undefined ? (prev?.paused ?? false) : paused === '1' || paused.toLowerCase() === 'true';
  const inCall = m.get('InCall');
  const status = Number(m.get('Status'));
  const lastCall = Number(m.get('LastCall'));
  const out: LiveMember = {
    interface: iface,
    paused: isPaused,
    inCall: inCall === undefined ? (prev?.inCall ?? false) : inCall === '1',
  };
  const name = opt(m.get('MemberName') ?? m.get('Name')) ?? prev?.name;
  if (name) out.name = name;
  // Asterisk 13+ says PausedReason; older QueueMemberPause said Reason.
  const reason = m.has('PausedReason') || m.has('Reason') ? opt(m.get('PausedReason') ?? m.get('Reason')) : prev?.pausedReason;
  if (isPaused && reason) out.pausedReason = reason;
  if (Number.isFinite(lastCall) && lastCall > 0) out.lastCall = iso(lastCall);
  else if (prev?.lastCall) out.lastCall = prev.lastCall;
  if (m.has('Status') && Number.isInteger(status)) out.deviceStatus = status;
  else if (prev?.deviceStatus !== undefined) out.deviceStatus = prev.deviceStatus;
  return out;
}

/** A waiting caller from QueueCallerJoin or a QueueStatus QueueEntry item (`Wait`: seconds it has waited). */
export function callerOf(m: AmiMessage, nowSec: number): LiveCaller | undefined {
  const uniqueid = text(m.get('Uniqueid'));
  const position = Number(m.get('Position'));
  if (!uniqueid || !Number.isInteger(position) || position < 1) return undefined;
  const wait = Number(m.get('Wait'));
  const out: LiveCaller = { uniqueid, number: text(m.get('CallerIDNum')), position, since: iso(nowSec - (Number.isFinite(wait) && wait > 0 ? wait : 0)) };
  const name = opt(m.get('CallerIDName'));
  if (name) out.name = name;
  return out;
}

/** A channel from Newchannel or a CoreShowChannel item, over what was known. */
export function channelOf(m: AmiMessage, prev?: LiveChannel): LiveChannel | undefined {
  const uniqueid = text(m.get('Uniqueid'));
  const name = text(m.get('Channel')) || prev?.name;
  if (!uniqueid || !name) return undefined;
  const state = clean(m.get('ChannelState'));
  const out: LiveChannel = {
    ...prev,
    uniqueid,
    name,
    state: /^\d{1,2}$/.test(state) ? state : (prev?.state ?? '0'),
    callerNum: m.has('CallerIDNum') ? text(m.get('CallerIDNum')) : (prev?.callerNum ?? ''),
  };
  for (const [field, header] of [['callerName', 'CallerIDName'], ['connectedNum', 'ConnectedLineNum'], ['connectedName', 'ConnectedLineName']] as const) {
    if (!m.has(header)) continue;
    const value = opt(m.get(header));
    if (value) out[field] = value;
    else delete out[field];
  }
  return out;
}

/** `HH:MM:SS` (CoreShowChannel Duration) in seconds; 0 when unreadable. */
export function durationSec(value: string | undefined): number {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(value ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

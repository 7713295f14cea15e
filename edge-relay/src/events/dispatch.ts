/**
 * One AMI event, handed to the parts of the mapper it concerns (channels,
 * dials, IVR visits, call-center records, queues, wrap-ups, CDRs).
 */

import type { ExtensionStatusEvent } from '../../../protocol/src/events/box-events.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { buildCdr, cdrRecordFrom } from './cdr.js';
import type { MapperContext } from './context.js';
import { onDialBegin, onDialEnd } from './dials.js';
import { completeArrived, endChannel, endHold } from './endings.js';
import { flushCall, onDtmf, onNewextenIvr } from './ivr.js';
import { clean } from './names.js';
import type { Channel } from './state.js';
import type { ReleasedRecord } from './wrapup.js';

export function handleMessage(ctx: MapperContext, msg: AmiMessage): void {
  // List items (they answer one of our actions) are snapshot data, never events.
  if (msg.has('ActionID') && msg.event !== 'OriginateResponse') return;
  const ch = touch(ctx, msg);
  switch (msg.event) {
    case 'Newchannel':
      return;
    case 'Newexten':
      if (ch) onNewexten(ctx, ch, msg);
      return;
    case 'VarSet':
      if (ch && msg.get('Variable') === 'MIXMONITOR_FILENAME') ch.recording = clean(msg.get('Value'));
      return;
    case 'DialBegin':
      onDialBegin(ctx, msg);
      noteForward(ctx, msg);
      return;
    case 'DialEnd':
      onDialEnd(ctx, msg);
      return;
    case 'HangupRequest':
      if (ch) ch.hangupRequested = true;
      return;
    case 'Hangup':
      if (ch) endChannel(ctx, ch, true, clean(msg.get('Cause')), clean(msg.get('Cause-txt')));
      return;
    case 'ExtensionStatus':
      onExtensionStatus(ctx, msg);
      return;
    case 'Cdr':
      onCdr(ctx, msg);
      return;
    case 'DTMFEnd':
      if (ch && (msg.get('Direction') ?? '').toLowerCase() === 'received') onDtmf(ch, msg.get('Digit') ?? '');
      return;
    case 'QueueCallerJoin':
      if (ch) onQueueJoin(ctx, ch, msg.get('Queue') ?? '');
      return;
    case 'QueueCallerLeave':
    case 'QueueCallerAbandon':
    case 'AgentCalled':
    case 'AgentRingNoAnswer':
    case 'AgentConnect':
      ctx.cc.onQueueEvent(msg, ctx.time.sec);
      return;
    case 'AgentComplete':
    case 'AgentDump':
      onAgentComplete(ctx, msg);
      return;
    case 'QueueMemberAdded':
    case 'QueueMemberRemoved':
    case 'QueueMemberStatus':
    case 'QueueMemberPenalty':
      ctx.queues.apply(msg, ctx.messages);
      return;
    case 'QueueMemberPause':
      onMemberPause(ctx, msg);
      return;
    case 'Hold':
      if (ch) ch.holdSinceSec ??= ctx.time.sec;
      return;
    case 'Unhold':
      if (ch) endHold(ctx, ch);
      return;
    case 'UserEvent':
      onUserEvent(ctx, msg);
      return;
  }
}

/** Keep a channel's identity fields current; every channel event carries them. */
function touch(ctx: MapperContext, msg: AmiMessage): Channel | undefined {
  const uniqueid = msg.get('Uniqueid');
  const name = msg.get('Channel');
  if (uniqueid === undefined || name === undefined) return undefined;
  const { state, time, messages } = ctx;
  let ch = state.channel(uniqueid);
  if (!ch) {
    ch = {
      uniqueid,
      name,
      linkedid: msg.get('Linkedid') ?? uniqueid,
      callerNum: '',
      callerName: '',
      connectedNum: '',
      connectedName: '',
      context: '',
      createdSec: time.sec,
      lastSeenSec: time.sec,
      lastMessage: messages,
      hangupRequested: false,
    };
    state.addChannel(ch);
  }
  ch.lastSeenSec = time.sec;
  ch.lastMessage = messages;
  // The channel, its call-center record and the dial it is the destination of, and its call.
  state.changes.id(uniqueid);
  state.changes.call(ch.linkedid);
  const linkedid = msg.get('Linkedid');
  if (linkedid !== undefined && linkedid !== ch.linkedid) state.relink(ch, linkedid);
  const num = msg.get('CallerIDNum');
  if (num !== undefined) ch.callerNum = clean(num);
  const cname = msg.get('CallerIDName');
  if (cname !== undefined) ch.callerName = clean(cname);
  const cln = msg.get('ConnectedLineNum');
  if (cln !== undefined) ch.connectedNum = clean(cln);
  const clname = msg.get('ConnectedLineName');
  if (clname !== undefined) ch.connectedName = clean(clname);
  return ch;
}

function onNewexten(ctx: MapperContext, ch: Channel, msg: AmiMessage): void {
  const context = msg.get('Context') ?? '';
  const wasInIvr = ch.visit !== undefined;
  const ended = onNewextenIvr(ctx, ch, context);
  if (ended) ctx.cc.visitEnded(ch, ended);
  if (ch.visit && (!wasInIvr || ended)) ctx.cc.visitStarted(ch);
  if (ch.did === undefined && ctx.inbound.has(context)) ch.did = clean(msg.get('Extension') ?? msg.get('Exten'));
  const r = ctx.cc.get(ch.uniqueid);
  if (r) {
    if (context !== ch.context) ctx.cc.contextChanged(r, context, ctx.cfg.feedbackContext, ctx.time.sec);
    if ((msg.get('Application') ?? '').toLowerCase() === 'voicemail') r.voicemail = true;
  }
  ch.context = context;
}

function onQueueJoin(ctx: MapperContext, ch: Channel, queue: string): void {
  // A queue created after the relay's last QueueStatus (queue reload): ask, so NO_AGENT_LOGIN is right for it.
  if (!ctx.queues.known(queue)) ctx.out.commands.push({ kind: 'queue-status', queue });
  ctx.cc.joined(ch, queue, ctx.time.sec);
  flushCall(ctx, ctx.state.call(ch.linkedid), queue);
}

function onAgentComplete(ctx: MapperContext, msg: AmiMessage): void {
  const r = ctx.cc.onQueueEvent(msg, ctx.time.sec);
  if (!r) return;
  if (msg.event === 'AgentComplete' && ctx.cfg.pausetime) {
    const member = msg.get('Interface') ?? r.agentIface;
    if (member) ctx.wrapups.start(member, r.uniqueid, ctx.time.sec, ctx.out.commands);
  }
  completeArrived(ctx, r.uniqueid);
}

function onMemberPause(ctx: MapperContext, msg: AmiMessage): void {
  ctx.queues.apply(msg, ctx.messages);
  const member = msg.get('Interface') ?? msg.get('Location');
  if (!member) return;
  const paused = (msg.get('Paused') ?? '0') === '1';
  release(ctx, ctx.wrapups.onPause(member, paused, ctx.time.sec, ctx.out.commands));
}

function onExtensionStatus(ctx: MapperContext, msg: AmiMessage): void {
  const exten = clean(msg.get('Exten'));
  const status = clean(msg.get('Status'));
  const statustext = clean(msg.get('StatusText'));
  ctx.extensionStates.set(exten, { status, statustext, updatedAt: ctx.messages });
  ctx.state.changes.extens.add(exten);
  const event: ExtensionStatusEvent = { event: 'extensionstatus', timestamp: ctx.time.stamp, exten, status, statustext, mac: ctx.cfg.mac };
  ctx.out.own_(event);
}

function onCdr(ctx: MapperContext, msg: AmiMessage): void {
  const { event, call } = buildCdr(ctx, cdrRecordFrom((h) => msg.get(h)), ctx.time.stamp);
  ctx.seenCdr.add(event.uniqueid, ctx.time.sec);
  ctx.out.own_(event, call);
}

function onUserEvent(ctx: MapperContext, msg: AmiMessage): void {
  if ((msg.get('UserEvent') ?? '').toLowerCase() !== 'feedback') return;
  const r = ctx.cc.get(msg.get('Uniqueid'));
  const score = msg.get('Score');
  if (r && score !== undefined) r.score = score.trim();
}

/** A call-center caller dialled out through a trunk: a forward to an outside number. */
function noteForward(ctx: MapperContext, msg: AmiMessage): void {
  const r = ctx.cc.get(msg.get('Uniqueid'));
  if (!r || !ctx.trunks.isTrunk(msg.get('DestChannel'))) return;
  const dialString = clean(msg.get('DialString'));
  const number = dialString.slice(dialString.lastIndexOf('/') + 1).replace(/^sips?:/, '').replace(/@.*$/, '');
  r.forwardNumber = number || clean(msg.get('DestCallerIDNum'));
}

/** cc_cdrs whose wrap-up ended, now with pauseTime. */
export function release(ctx: MapperContext, done: ReleasedRecord[]): void {
  for (const r of done) ctx.out.ccCdr({ ...r.record, timestamp: ctx.time.stamp }, r.call, r.marks);
}

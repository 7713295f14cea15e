/**
 * Channels a snapshot shows that the relay knows nothing of (it started while
 * calls were up, or lost its data directory), taken up with what Asterisk's
 * lists say, so that every call in progress still ends with its events
 * (docs/event-mapping.md, "Snapshot"). Nothing from before the login is ever
 * re-sent by Asterisk (test/fixtures/asterisk-records/restart):
 *
 * - CoreShowChannel pairs a call: a queue caller runs `Queue` (queue = first
 *   argument of ApplicationData) whether waiting or talking; its agent leg
 *   runs `AppQueue` with Linkedid = the caller's Uniqueid and, once
 *   connected, the caller's BridgeId; a dialled phone runs `AppDial`.
 * - QueueStatus lists only callers still waiting (QueueEntry Wait: seconds
 *   so far); a connected caller appears nowhere in it.
 * - Status gives the DNID: the DID of a trunk call.
 *
 * What cannot be known is left as the box leaves unknown fields and the
 * records are marked partial: when a waiting caller joined (its HoldTime at
 * AgentConnect or QueueCallerAbandon still counts the whole wait), rings before
 * the login, when a talking caller was connected (AgentComplete gives hold and
 * talk time), the DTMF already pressed in an IVR.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { MapperContext } from './context.js';
import { channelPeer, channelTech, clean, extensionOf } from './names.js';
import type { Snapshot } from './snapshot.js';
import type { Channel } from './state.js';

export function adoptChannels(ctx: MapperContext, unknown: AmiMessage[], all: AmiMessage[], snap: Snapshot): void {
  const dnid = new Map((snap.status ?? []).filter((s) => s.event === 'Status').map((s) => [s.get('Uniqueid') ?? '', clean(s.get('DNID'))]));
  const waits = new Map((snap.queues ?? []).filter((q) => q.event === 'QueueEntry').map((q) => [q.get('Uniqueid') ?? q.get('Channel') ?? '', Number(q.get('Wait'))]));
  const adopted: Array<[Channel, AmiMessage]> = [];
  for (const item of unknown) {
    const ch = adoptChannel(ctx, item);
    if (ctx.trunks.isTrunk(ch.name) && dnid.get(ch.uniqueid)) ch.did = dnid.get(ch.uniqueid);
    adopted.push([ch, item]);
  }
  for (const [ch, item] of adopted) {
    const app = item.get('Application') ?? '';
    if (app === 'Queue') adoptQueueCaller(ctx, ch, item, all, waits.get(ch.uniqueid) ?? waits.get(ch.name));
    const menu = ctx.cfg.ivr.get(ch.context);
    if (menu) {
      ch.visit = { context: ch.context, menu, startSec: ch.createdSec, dtmf: '', partial: true };
      ctx.cc.visitStarted(ch);
      ctx.cc.enter(ch).partial = true;
    }
    if ((app === 'AppDial' || app === 'AppQueue') && ch.linkedid !== ch.uniqueid) adoptDial(ctx, ch, item);
  }
}

function adoptChannel(ctx: MapperContext, item: AmiMessage): Channel {
  const uniqueid = item.get('Uniqueid')!;
  const sec = ctx.time.sec;
  const ch: Channel = {
    uniqueid,
    name: item.get('Channel')!,
    linkedid: item.get('Linkedid') ?? uniqueid,
    callerNum: clean(item.get('CallerIDNum')),
    callerName: clean(item.get('CallerIDName')),
    connectedNum: clean(item.get('ConnectedLineNum')),
    connectedName: clean(item.get('ConnectedLineName')),
    context: item.get('Context') ?? '',
    createdSec: createdSec(uniqueid, sec, parseDuration(item.get('Duration'))),
    lastSeenSec: sec,
    lastMessage: 0,
    hangupRequested: false,
    blind: true,
  };
  ctx.state.addChannel(ch);
  return ch;
}

function adoptQueueCaller(ctx: MapperContext, ch: Channel, item: AmiMessage, all: AmiMessage[], waitedSec: number | undefined): void {
  const queue = (item.get('ApplicationData') ?? '').split(',')[0];
  const r = ctx.cc.enter(ch);
  r.queue = queue;
  r.lastPhase = 'queue';
  r.partial = true;
  r.joinedSec = waitedSec !== undefined && Number.isFinite(waitedSec) ? ctx.time.sec - waitedSec : ch.createdSec;
  const bridge = item.get('BridgeId') ?? '';
  for (const leg of all) {
    if (leg.get('Application') !== 'AppQueue' || leg.get('Linkedid') !== ch.uniqueid) continue;
    const iface = memberInterface(leg.get('Channel') ?? '');
    r.agentsCalled++;
    r.lastMemberRung = extensionOf(iface);
    if (bridge !== '' && leg.get('BridgeId') === bridge) {
      r.agentIface = iface;
      r.agentUniqueid = leg.get('Uniqueid');
      r.leftSec = ch.createdSec;
    }
  }
}

/** A dial in progress at login: its DialEnd, and its dialend when it ends, must not be lost. */
function adoptDial(ctx: MapperContext, dest: Channel, item: AmiMessage): void {
  if (ctx.state.dials.has(dest.uniqueid)) return;
  const caller = ctx.state.channel(dest.linkedid);
  ctx.state.addDial({
    destUniqueid: dest.uniqueid,
    callerUniqueid: caller?.uniqueid ?? '',
    party: {
      channel: caller?.name ?? '',
      calleridnum: caller?.callerNum ?? '',
      destchannel: dest.name,
      destcalleridnum: dest.callerNum,
      uniqueid: caller?.uniqueid ?? '',
    },
    answered: (item.get('BridgeId') ?? '') !== '' || item.get('ChannelState') === '6',
    ended: false,
    order: ++ctx.state.dialSeq,
    call: dest.linkedid,
  });
}

/** `SIP/804-000000d0` → `SIP/804` (the queue member the channel was dialled for). */
function memberInterface(channel: string): string {
  return `${channelTech(channel)}/${channelPeer(channel)}`;
}

/** The second the channel was created: its Uniqueid's epoch when it agrees with Duration, else now − Duration. */
function createdSec(uniqueid: string, nowSec: number, durationSec: number): number {
  const epoch = Number(/^(\d+)\.\d+$/.exec(uniqueid)?.[1]);
  const estimate = nowSec - durationSec;
  return Number.isFinite(epoch) && Math.abs(epoch - estimate) <= 2 ? epoch : estimate;
}

/** `HH:MM:SS` → seconds. */
function parseDuration(v: string | undefined): number {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(v ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

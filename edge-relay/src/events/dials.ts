/**
 * dialbegin / dialend. Exactly one dialend per dialbegin:
 * - a failed dial ends at its first DialEnd (status lower-cased); app_queue's
 *   second DialEnd (CANCEL after NOANSWER) for the same destination is ignored;
 * - an answered dial ends when the call does: once both the caller channel and
 *   the destination channel have hung up, with status "hangup".
 */

import type { DialBeginEvent, DialEndEvent } from '../../../protocol/src/events/box-events.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { MapperContext } from './context.js';
import { clean } from './names.js';
import type { Dial, DialParty } from './state.js';

function party(msg: AmiMessage): DialParty {
  return {
    channel: clean(msg.get('Channel')),
    calleridnum: clean(msg.get('CallerIDNum')),
    destchannel: clean(msg.get('DestChannel')),
    destcalleridnum: clean(msg.get('DestCallerIDNum')),
    uniqueid: clean(msg.get('Uniqueid')),
  };
}

export function onDialBegin(ctx: MapperContext, msg: AmiMessage): void {
  const p = party(msg);
  const destUniqueid = clean(msg.get('DestUniqueid'));
  const event: DialBeginEvent = {
    event: 'dialbegin',
    timestamp: ctx.time.stamp,
    channel: p.channel,
    calleridnum: p.calleridnum,
    destchannel: p.destchannel,
    destcalleridnum: p.destcalleridnum,
    destuniqueid: destUniqueid,
    dialstring: clean(msg.get('DialString')),
    uniqueid: p.uniqueid,
    mac: ctx.cfg.mac,
  };
  const call = msg.get('Linkedid') ?? msg.get('DestLinkedid');
  ctx.out.own_(event, call);
  if (destUniqueid === '') return;
  ctx.state.addDial({
    destUniqueid,
    callerUniqueid: p.uniqueid,
    party: p,
    answered: false,
    ended: false,
    order: ++ctx.state.dialSeq,
    call,
  });
}

export function onDialEnd(ctx: MapperContext, msg: AmiMessage): void {
  const dial = ctx.state.dials.get(clean(msg.get('DestUniqueid')));
  if (!dial || dial.ended || dial.answered) return;
  ctx.state.changes.id(dial.destUniqueid);
  dial.party = party(msg);
  const status = clean(msg.get('DialStatus'));
  if (status.toUpperCase() === 'ANSWER') {
    dial.answered = true;
    // The call may already be over (a DialEnd after both hung up is unusual but harmless).
    endIfCallOver(ctx, dial);
    return;
  }
  emitEnd(ctx, dial, status.toLowerCase());
}

/** Hangup cause → the DIALSTATUS Dial would have reported (for dials that got no DialEnd). */
function statusFromCause(cause: string): string {
  switch (cause) {
    case '17':
      return 'busy';
    case '18':
    case '19':
      return 'noanswer';
    case '1':
    case '3':
    case '20':
      return 'chanunavail';
    case '34':
    case '38':
    case '41':
    case '42':
    case '44':
      return 'congestion';
    default:
      return 'hangup';
  }
}

/** A channel hung up: answered dials it was part of may now be over. */
export function onHangupDials(ctx: MapperContext, uniqueid: string, cause = ''): void {
  for (const dial of ctx.state.dialsOfChannel(uniqueid).sort((a, b) => a.order - b.order)) {
    if (dial.ended) continue;
    if (dial.answered) endIfCallOver(ctx, dial);
    else if (dial.destUniqueid === uniqueid) {
      // The destination went away without any DialEnd (an Originate that timed
      // out, or its caller vanished): say why, as Dial would have.
      emitEnd(ctx, dial, statusFromCause(cause));
    }
  }
}

function endIfCallOver(ctx: MapperContext, dial: Dial): void {
  const dest = ctx.state.channel(dial.destUniqueid);
  const destGone = !dest || dest.hungUpSec !== undefined;
  const caller = dial.callerUniqueid === '' ? undefined : ctx.state.channel(dial.callerUniqueid);
  const callerGone = dial.callerUniqueid === '' || !caller || caller.hungUpSec !== undefined;
  if (destGone && callerGone) emitEnd(ctx, dial, 'hangup');
}

function emitEnd(ctx: MapperContext, dial: Dial, status: string): void {
  dial.ended = true;
  ctx.state.changes.id(dial.destUniqueid);
  const p = dial.party;
  const event: DialEndEvent = {
    event: 'dialend',
    timestamp: ctx.time.stamp,
    channel: p.channel,
    calleridnum: p.calleridnum,
    destchannel: p.destchannel,
    destcalleridnum: p.destcalleridnum,
    uniqueid: p.uniqueid,
    dialstatus: status,
    mac: ctx.cfg.mac,
  };
  ctx.out.dialend(dial.order, event, dial.call);
}

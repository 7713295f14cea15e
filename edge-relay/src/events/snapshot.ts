/**
 * After every (re)login the relay asks Asterisk for QueueStatus,
 * ExtensionStateList, CoreShowChannels and Status, and the mapper reconciles:
 * - queues and members are replaced by the answer;
 * - an extension whose state changed while AMI was down gets its
 *   extensionstatus event now;
 * - channels the relay knew that Asterisk no longer has ended while it was
 *   not listening: they are closed from Asterisk's own records when the relay
 *   can read them (a `gone` command: reconcile.ts), else at once, as if they
 *   had hung up now (hangup, dialend, ivr, cc_cdr are not lost, and say so);
 * - channels it did not know are taken up (adopt.ts), with what the lists
 *   say of their queue, IVR and dial, so their later events map;
 * - after a gap, channels still up may have missed events: marked blind.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { adoptChannels } from './adopt.js';
import type { MapperContext } from './context.js';
import { clean } from './names.js';
import { closeNow } from './reconcile.js';

export interface Snapshot {
  /** QueueStatus items; undefined when that action failed (keep what we had). */
  queues?: AmiMessage[];
  /** ExtensionStateList items. */
  hints?: AmiMessage[];
  /** CoreShowChannels items. */
  channels?: AmiMessage[];
  /** Status items (the DNID of each channel: the only place the DID of a call already past its DID extension shows). */
  status?: AmiMessage[];
  /** EventMapper.messages when the snapshot was requested: channels heard of since are alive. */
  requestedAtMessage: number;
}

export function applySnapshot(ctx: MapperContext, snap: Snapshot, afterGap: boolean): void {
  if (snap.queues) ctx.queues.replace(snap.queues, snap.requestedAtMessage);
  if (snap.hints) reconcileHints(ctx, snap.hints, snap.requestedAtMessage);
  if (snap.channels) reconcileChannels(ctx, snap, afterGap);
}

function reconcileHints(ctx: MapperContext, hints: AmiMessage[], requestedAt: number): void {
  for (const h of hints) {
    if (h.event !== 'ExtensionStatus') continue;
    const exten = clean(h.get('Exten'));
    const status = clean(h.get('Status'));
    const statustext = clean(h.get('StatusText'));
    const prev = ctx.extensionStates.get(exten);
    // An event newer than our question already told the truth.
    if (prev && prev.updatedAt > requestedAt) continue;
    ctx.extensionStates.set(exten, { status, statustext, updatedAt: requestedAt });
    ctx.state.changes.extens.add(exten);
    if (prev && prev.status !== status) {
      ctx.out.marked({ recovered: true }, () =>
        ctx.out.own_({ event: 'extensionstatus', timestamp: ctx.time.stamp, exten, status, statustext, mac: ctx.cfg.mac }),
      );
    }
  }
}

function reconcileChannels(ctx: MapperContext, snap: Snapshot, afterGap: boolean): void {
  const { state, time } = ctx;
  const items = (snap.channels ?? []).filter((i) => i.event === 'CoreShowChannel' && i.get('Uniqueid') && i.get('Channel'));
  const alive = new Set(items.map((i) => i.get('Uniqueid')!));
  const unknown = items.filter((i) => !state.channel(i.get('Uniqueid')));
  for (const item of items) {
    const ch = state.channel(item.get('Uniqueid'));
    if (!ch) continue;
    ch.lastSeenSec = time.sec;
    state.changes.id(ch.uniqueid);
    if (afterGap) {
      ch.blind = true;
      const r = ctx.cc.get(ch.uniqueid);
      if (r) r.blind = true;
    }
  }
  adoptChannels(ctx, unknown, items, snap);
  const gone: string[] = [];
  for (const ch of [...state.channels.values()]) {
    if (ch.hungUpSec !== undefined || ch.goneSec !== undefined || alive.has(ch.uniqueid) || ch.lastMessage > snap.requestedAtMessage) continue;
    ch.goneSec = time.sec;
    state.changes.id(ch.uniqueid);
    gone.push(ch.uniqueid);
  }
  if (gone.length === 0) return;
  if (ctx.cfg.closeGoneFromRecords) ctx.out.commands.push({ kind: 'gone', uniqueids: gone });
  else for (const id of gone) closeNow(ctx, id);
}

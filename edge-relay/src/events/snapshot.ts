/**
 * After every (re)login the relay asks Asterisk for QueueStatus,
 * ExtensionStateList and CoreShowChannels, and the mapper reconciles:
 * - queues and members are replaced by the answer;
 * - an extension whose state changed while AMI was down gets its
 *   extensionstatus event now;
 * - channels the relay knew that Asterisk no longer has ended while we were
 *   away: they finish as if they had hung up now (hangup, dialend, cc_cdr are
 *   not lost); channels it did not know are adopted, so their later events map.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { MapperContext } from './context.js';
import { clean } from './names.js';
import type { QueueTable } from './queues.js';
import type { Channel, MapperState } from './state.js';

export interface Snapshot {
  /** QueueStatus items; undefined when that action failed (keep what we had). */
  queues?: AmiMessage[];
  /** ExtensionStateList items. */
  hints?: AmiMessage[];
  /** CoreShowChannels items. */
  channels?: AmiMessage[];
  /** EventMapper.messages when the snapshot was requested: channels heard of since are alive. */
  requestedAtMessage: number;
}

export interface SnapshotDeps {
  ctx: MapperContext;
  state: MapperState;
  queues: QueueTable;
  extensionStates: Map<string, { status: string; statustext: string; updatedAt: number }>;
  /** The channel is gone: it ends as if it had hung up now, hangup event included. */
  hangUp(ch: Channel): void;
}

export function applySnapshot(d: SnapshotDeps, snap: Snapshot): void {
  if (snap.queues) d.queues.replace(snap.queues, snap.requestedAtMessage);
  if (snap.hints) reconcileHints(d, snap.hints, snap.requestedAtMessage);
  if (snap.channels) reconcileChannels(d, snap.channels, snap.requestedAtMessage);
}

function reconcileHints(d: SnapshotDeps, hints: AmiMessage[], requestedAt: number): void {
  for (const h of hints) {
    if (h.event !== 'ExtensionStatus') continue;
    const exten = clean(h.get('Exten'));
    const status = clean(h.get('Status'));
    const statustext = clean(h.get('StatusText'));
    const prev = d.extensionStates.get(exten);
    // An event newer than our question already told the truth.
    if (prev && prev.updatedAt > requestedAt) continue;
    d.extensionStates.set(exten, { status, statustext, updatedAt: requestedAt });
    if (prev && prev.status !== status) {
      d.ctx.out.own_({ event: 'extensionstatus', timestamp: d.ctx.time.stamp, exten, status, statustext, mac: d.ctx.cfg.mac });
    }
  }
}

function reconcileChannels(d: SnapshotDeps, items: AmiMessage[], requestedAt: number): void {
  const sec = d.ctx.time.sec;
  const alive = new Set<string>();
  for (const item of items) {
    if (item.event !== 'CoreShowChannel') continue;
    const uniqueid = item.get('Uniqueid');
    const name = item.get('Channel');
    if (!uniqueid || !name) continue;
    alive.add(uniqueid);
    let ch = d.state.channel(uniqueid);
    if (!ch) {
      ch = {
        uniqueid,
        name,
        linkedid: item.get('Linkedid') ?? uniqueid,
        callerNum: clean(item.get('CallerIDNum')),
        callerName: clean(item.get('CallerIDName')),
        connectedNum: clean(item.get('ConnectedLineNum')),
        connectedName: clean(item.get('ConnectedLineName')),
        context: item.get('Context') ?? '',
        createdSec: sec - parseDuration(item.get('Duration')),
        lastSeenSec: sec,
        lastMessage: requestedAt,
        hangupRequested: false,
      };
      d.state.addChannel(ch);
    } else {
      ch.lastSeenSec = sec;
    }
  }
  for (const ch of [...d.state.channels.values()]) {
    if (ch.hungUpSec !== undefined || alive.has(ch.uniqueid) || ch.lastMessage > requestedAt) continue;
    d.hangUp(ch);
  }
}

/** `HH:MM:SS` → seconds. */
function parseDuration(v: string | undefined): number {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(v ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

/**
 * The mapper's state as the relay saves it (recovery/journal.ts): a delta of
 * what changed since the last one — every channel uniqueid touched with its
 * channel, call-center record, dial and awaiting record (or their absence),
 * every call touched, changed extension states, queues and wrap-ups when
 * changed, ids pushed lately — and the same thing complete, for checkpoints.
 * Restoring applies a checkpoint, then each delta in order.
 *
 * Plain JSON: what is saved is what a restart needs, nothing derived (the
 * by-name and by-channel indexes are rebuilt), and message counters start
 * over (restored channels count as not heard of since the next snapshot).
 */

import type { AwaitingComplete, CcRecord } from './callcenter.js';
import type { ExtensionState, MapperContext } from './context.js';
import type { QueueMember } from './queues.js';
import type { RecentEntry } from './recent-ids.js';
import type { Call, Channel, Dial, PendingIvr } from './state.js';
import type { WrapupsJson } from './wrapup.js';

type Absent = 0;
type CallJson = { linkedid: string; channels: string[]; pendingIvr: PendingIvr[]; finishedSec?: number };

export interface MapperDelta {
  /** Everything (a checkpoint), not only changes. */
  full?: true;
  ids?: Array<[string, Channel | Absent, CcRecord | Absent, Dial | Absent, AwaitingComplete | Absent]>;
  calls?: Array<[string, CallJson | Absent]>;
  ext?: Array<[string, ExtensionState]>;
  queues?: Array<[string, QueueMember[]]>;
  wrapups?: WrapupsJson;
  seenCdr?: RecentEntry[];
  seenCc?: RecentEntry[];
  dialSeq?: number;
  clockBase?: { sec: number; atMs: number };
}

function idEntry(ctx: MapperContext, id: string): [string, Channel | Absent, CcRecord | Absent, Dial | Absent, AwaitingComplete | Absent] {
  return [id, ctx.state.channels.get(id) ?? 0, ctx.cc.records.get(id) ?? 0, ctx.state.dials.get(id) ?? 0, ctx.cc.awaiting.get(id) ?? 0];
}

function callEntry(ctx: MapperContext, linkedid: string): [string, CallJson | Absent] {
  const c = ctx.state.calls.get(linkedid);
  return [linkedid, c ? { linkedid, channels: [...c.channels], pendingIvr: c.pendingIvr, finishedSec: c.finishedSec } : 0];
}

/** What changed since the last call; the change marks are cleared. */
export function takeDelta(ctx: MapperContext): MapperDelta {
  const ch = ctx.state.changes;
  const d: MapperDelta = { dialSeq: ctx.state.dialSeq, clockBase: ctx.clockBase };
  if (ch.ids.size > 0) d.ids = [...ch.ids].map((id) => idEntry(ctx, id));
  if (ch.calls.size > 0) d.calls = [...ch.calls].map((l) => callEntry(ctx, l));
  if (ch.extens.size > 0) d.ext = [...ch.extens].map((e) => [e, ctx.extensionStates.get(e)!] as [string, ExtensionState]).filter(([, v]) => v !== undefined);
  if (ctx.queues.changed) d.queues = ctx.queues.toJSON();
  if (ctx.wrapups.changed) d.wrapups = ctx.wrapups.toJSON();
  if (ctx.seenCdr.changed) d.seenCdr = ctx.seenCdr.takeAdded();
  if (ctx.seenCc.changed) d.seenCc = ctx.seenCc.takeAdded();
  ch.clear();
  ctx.queues.changed = false;
  ctx.wrapups.markSaved();
  return d;
}

/** Everything (a checkpoint); the change marks are cleared too. */
export function fullState(ctx: MapperContext): MapperDelta {
  const ids = new Set<string>([...ctx.state.channels.keys(), ...ctx.cc.records.keys(), ...ctx.state.dials.keys(), ...ctx.cc.awaiting.keys()]);
  const d: MapperDelta = {
    full: true,
    ids: [...ids].map((id) => idEntry(ctx, id)),
    calls: [...ctx.state.calls.keys()].map((l) => callEntry(ctx, l)),
    ext: [...ctx.extensionStates],
    queues: ctx.queues.toJSON(),
    wrapups: ctx.wrapups.toJSON(),
    seenCdr: ctx.seenCdr.entries(),
    seenCc: ctx.seenCc.entries(),
    dialSeq: ctx.state.dialSeq,
    clockBase: ctx.clockBase,
  };
  ctx.state.changes.clear();
  ctx.queues.changed = false;
  ctx.wrapups.markSaved();
  ctx.seenCdr.takeAdded();
  ctx.seenCc.takeAdded();
  return d;
}

function apply(ctx: MapperContext, d: MapperDelta): void {
  const { state, cc } = ctx;
  const put = <T>(map: Map<string, T>, id: string, v: T | Absent) => (v === 0 ? map.delete(id) : map.set(id, v));
  for (const [id, channel, record, dial, awaiting] of d.ids ?? []) {
    put(state.channels, id, channel === 0 ? 0 : { ...channel, lastMessage: 0 });
    put(cc.records, id, record);
    put(state.dials, id, dial);
    put(cc.awaiting, id, awaiting);
  }
  for (const [linkedid, c] of d.calls ?? []) {
    put<Call>(state.calls, linkedid, c === 0 ? 0 : { linkedid, channels: new Set(c.channels), pendingIvr: c.pendingIvr, finishedSec: c.finishedSec });
  }
  for (const [exten, v] of d.ext ?? []) ctx.extensionStates.set(exten, { ...v, updatedAt: 0 });
  if (d.queues) ctx.queues.load(d.queues);
  if (d.wrapups) ctx.wrapups.load(d.wrapups);
  if (d.seenCdr) ctx.seenCdr.load(d.seenCdr);
  if (d.seenCc) ctx.seenCc.load(d.seenCc);
  if (d.dialSeq !== undefined) state.dialSeq = d.dialSeq;
  if (d.clockBase) ctx.clockBase = d.clockBase;
}

/** Start over from a checkpoint and the deltas after it. */
export function restoreState(ctx: MapperContext, full: MapperDelta | undefined, deltas: readonly MapperDelta[]): void {
  if (full) apply(ctx, full);
  for (const d of deltas) apply(ctx, d);
  ctx.state.reindex();
  ctx.state.changes.clear();
  ctx.queues.changed = false;
  ctx.wrapups.markSaved();
  ctx.seenCdr.takeAdded();
  ctx.seenCc.takeAdded();
}

/**
 * A site's outage history, from the operational events its outages were
 * announced with (presence.ts, stored by operational/store.ts): each
 * relay.offline with its relay.online, each ami.down with its ami.up. Pure:
 * the route (api/outages.ts) reads the events, asks `partnerIds` for the
 * halves it lacks, reads those by id, and pairs.
 *
 * The two halves of one outage share its key — the moment it began (the
 * policy's `key`: ms of offlineSince / amiDownSince) — which ends their ids
 * (operationalEventId), so a half outside the range is found by id, and a
 * duplicate (the same id twice: at-least-once) counts once.
 */

import { operationalEventId, type OperationalEvent } from '../operational/store.js';
import type { OperationalEventType } from '../operational/types.js';

export type OutageKind = 'relay' | 'ami';

export interface Outage {
  kind: OutageKind;
  /** When it began (ISO): the connection lost, the AMI session down. */
  from: string;
  /** When it ended; null while it goes on. */
  to: string | null;
  /** Why, as the start was announced with. */
  reason?: string;
}

const HALVES = {
  'relay.offline': { kind: 'relay', end: false },
  'relay.online': { kind: 'relay', end: true },
  'ami.down': { kind: 'ami', end: false },
  'ami.up': { kind: 'ami', end: true },
} as const satisfies Partial<Record<OperationalEventType, { kind: OutageKind; end: boolean }>>;
type HalfType = keyof typeof HALVES;
const START: Record<OutageKind, HalfType> = { relay: 'relay.offline', ami: 'ami.down' };
const END: Record<OutageKind, HalfType> = { relay: 'relay.online', ami: 'ami.up' };

export function isOutageEvent(type: string): type is HalfType {
  return Object.hasOwn(HALVES, type);
}

/** The outage's key: the last `_` part of the id (ms since 1970 when it began). */
function keyOf(e: OperationalEvent): number {
  return Number(e.id.slice(e.id.lastIndexOf('_') + 1));
}

interface Halves {
  kind: OutageKind;
  key: number;
  start?: OperationalEvent;
  end?: OperationalEvent;
}

function group(events: Iterable<OperationalEvent>, siteId: string): Map<string, Halves> {
  const outages = new Map<string, Halves>();
  for (const e of events) {
    if (e.siteId !== siteId || !isOutageEvent(e.type)) continue;
    const half = HALVES[e.type];
    const key = keyOf(e);
    if (!Number.isSafeInteger(key)) continue;
    const id = `${half.kind}#${key}`;
    const o = outages.get(id) ?? { kind: half.kind, key };
    o[half.end ? 'end' : 'start'] ??= e;
    outages.set(id, o);
  }
  return outages;
}

/**
 * The ids of the halves these events lack: the end of an outage that began
 * in the range (absent: it goes on, or ended after the range), the start of
 * one that ended in it; and `ongoingSince`'s start (the relay offline now,
 * since then), which may have been announced before the range.
 */
export function partnerIds(events: Iterable<OperationalEvent>, siteId: string, ongoingSince?: { kind: OutageKind; since: string }): string[] {
  const known = new Set<string>();
  const wanted = new Set<string>();
  const outages = group(events, siteId);
  for (const o of outages.values()) {
    for (const e of [o.start, o.end]) if (e) known.add(e.id);
    wanted.add(operationalEventId(o.start ? END[o.kind] : START[o.kind], siteId, o.key));
  }
  if (ongoingSince && Number.isFinite(Date.parse(ongoingSince.since))) wanted.add(operationalEventId(START[ongoingSince.kind], siteId, Date.parse(ongoingSince.since)));
  return [...wanted].filter((id) => !known.has(id));
}

/** The site's outages that overlap [fromMs, toMs), newest first. */
export function pairOutages(events: Iterable<OperationalEvent>, siteId: string, range: { fromMs: number; toMs: number }): Outage[] {
  const out: Outage[] = [];
  for (const o of group(events, siteId).values()) {
    const endSince = o.end?.data.since;
    const to = o.end ? (typeof endSince === 'string' ? endSince : o.end.occurredAt) : null;
    if (o.key >= range.toMs || (to !== null && Date.parse(to) <= range.fromMs)) continue;
    const reason = o.start?.data.reason;
    out.push({ kind: o.kind, from: new Date(o.key).toISOString(), to, ...(typeof reason === 'string' ? { reason } : {}) });
  }
  return out.sort((a, b) => b.from.localeCompare(a.from) || a.kind.localeCompare(b.kind));
}

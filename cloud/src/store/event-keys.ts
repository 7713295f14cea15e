/**
 * How an event is named and keyed (store/events.ts has the layout): its
 * stable id, its item key and shard, its outbox partition and its place in the
 * time index. Pure: no I/O.
 */

import { createHash } from 'node:crypto';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { idPattern } from './ids.js';

export const EVENT_SHARDS = 16;
/** Days raw call events are kept unless configured (EVENT_RETENTION_DAYS). */
export const DEFAULT_RETENTION_DAYS = 30;
export const OUTBOX_PARTITIONS = 8;

/** Stable across re-sends: derived from site and seq only. */
export function eventId(siteId: string, seq: number): string {
  return `evt_${siteId}_${seq}`;
}

/** An event id's shape: `evt_`, the site id, `_`, the seq (for schemas and the API document). */
export const EVENT_ID_PATTERN = new RegExp(`^evt_(${idPattern('site').source.slice(1, -1)})_(\\d{1,15})$`);

/** The site and seq an event id names (undefined: not an event id of ours). */
export function parseEventId(id: string): { siteId: string; seq: number } | undefined {
  const m = EVENT_ID_PATTERN.exec(id);
  return m ? { siteId: m[1], seq: Number(m[2]) } : undefined;
}

export function shardOf(seq: number): number {
  return seq % EVENT_SHARDS;
}

export function eventKey(siteId: string, seq: number): { PK: string; SK: string } {
  return { PK: `EV#${siteId}#${shardOf(seq)}`, SK: String(seq).padStart(12, '0') };
}

export function outboxPartition(siteId: string): string {
  const n = createHash('sha1').update(siteId).digest()[0] % OUTBOX_PARTITIONS;
  return `OUTBOX#${n}`;
}

/** `1534993059.785012` → ISO 8601; falls back to the receive time. */
export function occurredAt(event: BoxEvent, fallbackMs: number): string {
  const sec = Number(event.timestamp);
  return new Date(Number.isFinite(sec) && sec > 0 ? Math.round(sec * 1000) : fallbackMs).toISOString();
}

/** Time-index key of an event: per site, day and shard (spread like the base table). */
export function timeIndexKey(siteId: string, seq: number, occurred: string): { GSI1PK: string; GSI1SK: string } {
  const ms = Date.parse(occurred);
  return { GSI1PK: `EVT#${siteId}#${occurred.slice(0, 10)}#${shardOf(seq)}`, GSI1SK: `${String(ms).padStart(15, '0')}#${String(seq).padStart(12, '0')}` };
}

/**
 * A call's id as the relay sends it (Asterisk's Linkedid: `1534993059.785012`,
 * or `<systemname>-1534993059.785012`).
 */
export const CALL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,149}$/;

/** The call index's partition (GSI2, overloaded with the agent CDR index; README "Data model"). */
export function callPartition(siteId: string, call: string): string {
  return `CALL#${siteId}#${call}`;
}

/**
 * The index keys of a stored event: the time index always, the call index
 * (GSI2, sparse) only when the event belongs to a call: its events by seq.
 */
export function indexKeys(e: { siteId: string; seq: number; occurredAt: string; call?: string }): Record<string, string> {
  const time = timeIndexKey(e.siteId, e.seq, e.occurredAt);
  return e.call ? { ...time, GSI2PK: callPartition(e.siteId, e.call), GSI2SK: String(e.seq).padStart(12, '0') } : time;
}

/**
 * What a tenant may send about its webhook endpoints, checked before any
 * work is done for it (pure; the checks that need I/O — the URL's addresses,
 * the tenant's sites — are the service's). Each refusal is an ApiError saying
 * which field is wrong and what it must be.
 */

import { EVENT_TYPES, normaliseEventType, type EventType } from '../../../protocol/src/events/box-events.js';
import { invalid } from '../api/errors.js';
import { idShape, isId } from '../store/ids.js';

/** At most this much is replayed in one request. */
export const MAX_REPLAY_MS = 31 * 86_400_000;
/** Page sizes of the delivery log. */
export const MAX_DELIVERIES_PAGE = 500;
const DEFAULT_DELIVERIES_PAGE = 50;

/** `events`: null (every type), or a non-empty list of known types (the box's `dialbegein` is `dialbegin`). */
export function eventTypes(v: unknown): EventType[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0) throw invalid(`events: a non-empty array of ${EVENT_TYPES.join(', ')}`);
  const out = new Set<EventType>();
  for (const name of v) {
    const t = typeof name === 'string' ? normaliseEventType(name) : undefined;
    if (!t) throw invalid(`events: unknown event type ${JSON.stringify(name)} (known: ${EVENT_TYPES.join(', ')})`);
    out.add(t);
  }
  return [...out];
}

/** At most this many sites in one endpoint's `siteIds` (more: leave it out, every site). */
export const MAX_SITE_IDS = 1000;

/** `siteIds`: null (every site), or a non-empty list of site ids (whether they are the tenant's is the service's to check). */
export function siteIdList(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string')) throw invalid('siteIds: a non-empty array of site ids');
  if (v.length > MAX_SITE_IDS) throw invalid(`siteIds: at most ${MAX_SITE_IDS} site ids (leave siteIds out for every site)`);
  const bad = v.find((s) => !isId('site', s));
  if (bad !== undefined) throw invalid(`siteIds: ${JSON.stringify(bad).slice(0, 40)} is not a site id (${idShape('site')})`);
  return [...new Set(v as string[])];
}

export function booleanField(v: unknown, name: string): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') throw invalid(`${name}: a boolean`);
  return v;
}

/** ISO 8601 or epoch milliseconds. */
export function instant(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isFinite(n)) return n;
  }
  throw invalid(`${name}: an ISO 8601 time or epoch milliseconds`);
}

/** `{from, to?}` of a replay: `to` defaults to now; at most 31 days. */
export function replayRange(b: Record<string, unknown>, nowMs: number): { from: number; to: number } {
  const from = instant(b.from, 'from');
  const to = instant(b.to ?? nowMs, 'to');
  if (to < from) throw invalid('to: must not be before from');
  if (to - from > MAX_REPLAY_MS) throw invalid('replay at most 31 days at a time');
  return { from, to };
}

/** `?limit&cursor` of the delivery log; the cursor is opaque to the caller (base64url of the store's). */
export function deliveriesPage(limit: string | undefined, cursor: string | undefined): { limit: number; after?: string } {
  const n = Number(limit ?? String(DEFAULT_DELIVERIES_PAGE));
  if (!Number.isInteger(n) || n < 1 || n > MAX_DELIVERIES_PAGE) throw invalid(`limit: 1 to ${MAX_DELIVERIES_PAGE}`);
  if (cursor === undefined || cursor === '') return { limit: n };
  // Opaque to the caller, but client input all the same: a sort key the store made (an over-long one was a 500).
  const after = /^[A-Za-z0-9_-]{1,512}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  if (!/^\d{1,20}#[\x21-\x7e]{1,256}$/.test(after)) throw invalid('cursor: not a cursor of this API');
  return { limit: n, after };
}

export function pageCursor(next: string | null): string | null {
  return next ? Buffer.from(next).toString('base64url') : null;
}

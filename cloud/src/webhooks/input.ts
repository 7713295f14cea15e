/**
 * What a tenant may send about its webhook endpoints, checked before any
 * work is done for it (pure; the checks that need I/O — the URL's addresses,
 * the tenant's sites — are the service's). Each refusal is an ApiError saying
 * which field is wrong and what it must be.
 */

import { invalid } from '../api/errors.js';
import { TENANT_EVENT_TYPES, tenantEventType, type TenantEventType } from '../operational/types.js';

/** At most this much is replayed in one request. */
export const MAX_REPLAY_MS = 31 * 86_400_000;
/** Page sizes of the delivery log. */
export const MAX_DELIVERIES_PAGE = 500;
const DEFAULT_DELIVERIES_PAGE = 50;

/**
 * `events`: null (the box's seven), or a non-empty list of known types: box
 * and operational (the box's `dialbegein` is `dialbegin`).
 */
export function eventTypes(v: unknown): TenantEventType[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0) throw invalid(`events: a non-empty array of ${TENANT_EVENT_TYPES.join(', ')}`);
  const out = new Set<TenantEventType>();
  for (const name of v) {
    const t = typeof name === 'string' ? tenantEventType(name) : undefined;
    if (!t) throw invalid(`events: unknown event type ${JSON.stringify(name)} (known: ${TENANT_EVENT_TYPES.join(', ')})`);
    out.add(t);
  }
  return [...out];
}

/** `siteIds`: null (every site), or a non-empty list of ids (whether they are the tenant's is the service's to check). */
export function siteIdList(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string')) throw invalid('siteIds: a non-empty array of site ids');
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
  return { limit: n, after: cursor ? Buffer.from(cursor, 'base64url').toString() : undefined };
}

export function pageCursor(next: string | null): string | null {
  return next ? Buffer.from(next).toString('base64url') : null;
}

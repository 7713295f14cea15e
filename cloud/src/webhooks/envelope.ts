/**
 * The envelope every webhook POST carries (coocenter-events.md, "Envelope for
 * the cloud"): `{id, type, siteId, seq, occurredAt, data}`. For a box event
 * `data` is the box event exactly and `seq` the site's sequence number; an
 * operational event (operational/types.ts) has `seq: null` (it is the cloud's,
 * not in the relay's numbering) and its own `data`. `id` is stable across
 * retries and replays.
 */

import type { OperationalEvent } from '../operational/store.js';
import type { StoredEvent } from '../store/events.js';

/** What a tenant receives: a box event a relay sent, or an operational event the cloud produced. */
export type TenantEvent = StoredEvent | OperationalEvent;

export interface Envelope {
  id: string;
  type: string;
  siteId: string | null;
  seq: number | null;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function isBoxEvent(e: TenantEvent): e is StoredEvent {
  return 'seq' in e;
}

export function envelopeOf(e: TenantEvent): Envelope {
  return { id: e.id, type: e.type, siteId: e.siteId, seq: isBoxEvent(e) ? e.seq : null, occurredAt: e.occurredAt, data: e.data as unknown as Record<string, unknown> };
}

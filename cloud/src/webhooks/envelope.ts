/**
 * The envelope every webhook POST carries (coocenter-events.md, "Envelope for
 * the cloud"): `{id, type, siteId, seq, occurredAt, data}`. For a box event
 * `data` is the box event exactly and `seq` the site's sequence number; an
 * operational event (operational/types.ts) has `seq: null` (it is the cloud's,
 * not in the relay's numbering) and its own `data`. `id` is stable across
 * retries and replays. `recovered: true` when the relay made the event for
 * something that happened while it was not listening (from Asterisk's own
 * records, or closing a call after an outage), `partial: true` when some of
 * its fields could not be known; both absent otherwise.
 */

import type { OperationalEvent } from '../operational/store.js';
import type { StoredEvent } from '../store/events.js';
import type { Envelope } from './envelope-shape.js';

/** What a tenant receives: a box event a relay sent, or an operational event the cloud produced. */
export type TenantEvent = StoredEvent | OperationalEvent;

export type { Envelope };

export function isBoxEvent(e: TenantEvent): e is StoredEvent {
  return 'seq' in e;
}

export function envelopeOf(e: TenantEvent): Envelope {
  const box = isBoxEvent(e);
  return {
    id: e.id,
    type: e.type,
    siteId: e.siteId,
    seq: box ? e.seq : null,
    occurredAt: e.occurredAt,
    ...(box && e.recovered ? { recovered: true as const } : {}),
    ...(box && e.partial ? { partial: true as const } : {}),
    data: e.data as unknown as Record<string, unknown>,
  };
}

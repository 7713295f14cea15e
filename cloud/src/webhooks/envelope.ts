/**
 * The envelope every webhook POST carries (coocenter-events.md, "Envelope for
 * the cloud"): `{id, type, siteId, seq, occurredAt, data}` with `data` the box
 * event exactly. `id` is stable across retries and replays. `recovered: true`
 * when the relay made the event for something that happened while it was not
 * listening (from Asterisk's own records, or closing a call after an outage),
 * `partial: true` when some of its fields could not be known; both absent
 * otherwise.
 */

import type { StoredEvent } from '../store/events.js';

export interface Envelope {
  id: string;
  type: string;
  siteId: string;
  seq: number;
  occurredAt: string;
  recovered?: true;
  partial?: true;
  data: Record<string, unknown>;
}

export function envelopeOf(e: StoredEvent): Envelope {
  return {
    id: e.id,
    type: e.type,
    siteId: e.siteId,
    seq: e.seq,
    occurredAt: e.occurredAt,
    ...(e.recovered ? { recovered: true as const } : {}),
    ...(e.partial ? { partial: true as const } : {}),
    data: e.data as unknown as Record<string, unknown>,
  };
}

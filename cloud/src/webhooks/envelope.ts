/**
 * The envelope every webhook POST carries (coocenter-events.md, "Envelope for
 * the cloud"): `{id, type, siteId, seq, occurredAt, data}` with `data` the box
 * event exactly. `id` is stable across retries and replays.
 */

import type { StoredEvent } from '../store/events.js';

export interface Envelope {
  id: string;
  type: string;
  siteId: string;
  seq: number;
  occurredAt: string;
  data: Record<string, unknown>;
}

export function envelopeOf(e: StoredEvent): Envelope {
  return { id: e.id, type: e.type, siteId: e.siteId, seq: e.seq, occurredAt: e.occurredAt, data: e.data as unknown as Record<string, unknown> };
}

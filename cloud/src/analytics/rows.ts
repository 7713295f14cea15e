/**
 * CDR items: what the projection writes for a `cdr` or `cc_cdr` event, and
 * the row the API returns for one. Pure.
 */

import type { CcCdrEvent, CdrEvent } from '../../../protocol/src/events/box-events.js';
import type { StoredEvent } from '../store/events.js';
import { agentPartition, callerPartition, cdrPartition, cdrSortKey, indexable, utcMonth, type CdrType } from './keys.js';

/** One record as the API returns it: the stored event's envelope and the box's record. */
export interface CdrRow {
  id: string;
  siteId: string;
  seq: number;
  type: CdrType;
  occurredAt: string;
  call?: string;
  data: CdrEvent | CcCdrEvent;
}

export function isCdrType(type: string): type is CdrType {
  return type === 'cdr' || type === 'cc_cdr';
}

/** The CDR item of a stored cdr/cc_cdr event; undefined for other events or an unusable time. */
export function cdrItem(e: StoredEvent): Record<string, unknown> | undefined {
  if (!isCdrType(e.type)) return undefined;
  const ms = Date.parse(e.occurredAt);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const sk = cdrSortKey(ms, e.seq);
  const data = e.data as unknown as Record<string, unknown>;
  const item: Record<string, unknown> = {
    PK: cdrPartition(e.siteId, e.type, ms),
    SK: sk,
    kind: 'cdr',
    id: e.id,
    siteId: e.siteId,
    tenantId: e.tenantId,
    seq: e.seq,
    type: e.type,
    occurredAt: e.occurredAt,
    ms,
    data: e.data,
  };
  if (e.call) item.call = e.call;
  const caller = e.type === 'cdr' ? data.source : data.caller;
  if (typeof caller === 'string' && indexable(caller)) {
    item.GSI1PK = callerPartition(e.siteId, e.type, caller, utcMonth(ms));
    item.GSI1SK = sk;
  }
  const agent = data.agentCode;
  if (e.type === 'cc_cdr' && typeof agent === 'string' && indexable(agent)) {
    item.GSI2PK = agentPartition(e.siteId, agent, utcMonth(ms));
    item.GSI2SK = sk;
  }
  return item;
}

export function rowOf(item: Record<string, unknown>): CdrRow {
  const row: CdrRow = {
    id: item.id as string,
    siteId: item.siteId as string,
    seq: Number(item.seq),
    type: item.type as CdrType,
    occurredAt: item.occurredAt as string,
    data: item.data as CdrEvent | CcCdrEvent,
  };
  if (item.call) row.call = item.call as string;
  return row;
}

export function positionOf(item: Record<string, unknown>): { ms: number; siteId: string; seq: number } {
  return { ms: Number(item.ms), siteId: item.siteId as string, seq: Number(item.seq) };
}

/**
 * How a CDR search reads DynamoDB: for each site, a time-ordered list of
 * partitions to Query with the same sort-key range and filter. Pure.
 *
 * - an exact `agent` (cc_cdr) reads the agent index (GSI2, one partition per
 *   site, agent and month);
 * - else an exact `caller` reads the caller index (GSI1, per site, type,
 *   caller and month);
 * - else the base table (one partition per site, type and UTC day).
 * Every filter is also applied as a FilterExpression (with the tenant's id,
 * as a second guard), so any path returns exactly the matching records.
 */

import {
  agentPartition,
  callerPartition,
  cdrDayPartition,
  daysBetween,
  indexable,
  monthsBetween,
  pad12,
  pad15,
  type CdrType,
} from './keys.js';

export const FILTERS = ['caller', 'called', 'queue', 'agent', 'disposition', 'missCause'] as const;
export type FilterName = (typeof FILTERS)[number];
export type CdrFilters = Partial<Record<FilterName, string>>;

/** The box field each filter matches, per record type (absent: not applicable). */
export const FILTER_FIELDS: Record<CdrType, Partial<Record<FilterName, string>>> = {
  cdr: { caller: 'source', called: 'destination', disposition: 'disposition' },
  cc_cdr: { caller: 'caller', called: 'called', queue: 'queueCode', agent: 'agentCode', disposition: 'cdrState', missCause: 'missCause' },
};

export interface CdrQuery {
  /** One site, or every site of the tenant when absent. */
  siteId?: string;
  type: CdrType;
  /** [fromMs, toMs): by the record's occurredAt. */
  fromMs: number;
  toMs: number;
  filters: CdrFilters;
}

/** A row's place in the result order: time, then site, then seq. */
export interface Position {
  ms: number;
  siteId: string;
  seq: number;
}

export function comparePositions(a: Position, b: Position): number {
  return a.ms - b.ms || (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0) || a.seq - b.seq;
}

export interface Partition {
  index?: 'GSI1' | 'GSI2';
  pkAttr: string;
  skAttr: string;
  pk: string;
}

/** A filter value ending in `*` matches by prefix; otherwise exactly. */
export function isPrefix(value: string): boolean {
  return value.endsWith('*');
}

function exact(value: string | undefined): value is string {
  return value !== undefined && !isPrefix(value) && indexable(value);
}

/** Which access path a query takes (the same for every site). */
export function accessPath(q: CdrQuery): 'agent' | 'caller' | 'day' {
  if (q.type === 'cc_cdr' && exact(q.filters.agent)) return 'agent';
  if (exact(q.filters.caller)) return 'caller';
  return 'day';
}

/** The partitions of one site holding records from `startMs` (≥ q.fromMs) to q.toMs, in time order. */
export function partitionsFor(siteId: string, q: CdrQuery, startMs: number): Partition[] {
  const from = Math.max(startMs, q.fromMs);
  if (from >= q.toMs) return [];
  switch (accessPath(q)) {
    case 'agent':
      return monthsBetween(from, q.toMs).map((m) => ({ index: 'GSI2', pkAttr: 'GSI2PK', skAttr: 'GSI2SK', pk: agentPartition(siteId, q.filters.agent!, m) }));
    case 'caller':
      return monthsBetween(from, q.toMs).map((m) => ({ index: 'GSI1', pkAttr: 'GSI1PK', skAttr: 'GSI1SK', pk: callerPartition(siteId, q.type, q.filters.caller!, m) }));
    case 'day':
      return daysBetween(from, q.toMs).map((d) => ({ pkAttr: 'PK', skAttr: 'SK', pk: cdrDayPartition(siteId, q.type, d) }));
  }
}

/**
 * The inclusive sort-key range of a site's records in [from, to) and after
 * `after` (a position of any site: this site's records come after it when
 * later in time, or at the same time with a greater site id, or the same site
 * with a greater seq).
 */
export function sortKeyRange(siteId: string, q: CdrQuery, after?: Position): { lo: string; hi: string; startMs: number } {
  let lo = `${pad15(q.fromMs)}#`;
  let startMs = q.fromMs;
  if (after && after.ms >= q.fromMs) {
    if (siteId < after.siteId) ((lo = `${pad15(after.ms + 1)}#`), (startMs = after.ms + 1));
    else if (siteId === after.siteId) ((lo = `${pad15(after.ms)}#${pad12(after.seq + 1)}`), (startMs = after.ms));
    else ((lo = `${pad15(after.ms)}#`), (startMs = after.ms));
  }
  // `<to>#` sorts after every `<to − 1>#<seq>` and before every `<to>#<seq>`.
  return { lo, hi: `${pad15(q.toMs)}#`, startMs };
}

export interface FilterSpec {
  FilterExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** The FilterExpression of a query: the tenant, then every filter on its box field. */
export function filterSpec(q: CdrQuery, tenantId: string): FilterSpec {
  const names: Record<string, string> = { '#tenant': 'tenantId' };
  const values: Record<string, unknown> = { ':tenant': tenantId };
  const terms = ['#tenant = :tenant'];
  FILTERS.forEach((name, i) => {
    const value = q.filters[name];
    if (value === undefined) return;
    const field = FILTER_FIELDS[q.type][name];
    if (!field) throw new Error(`filter ${name} does not apply to ${q.type}`);
    names['#data'] = 'data';
    names[`#f${i}`] = field;
    if (isPrefix(value)) {
      values[`:f${i}`] = value.slice(0, -1);
      terms.push(`begins_with(#data.#f${i}, :f${i})`);
    } else {
      values[`:f${i}`] = value;
      terms.push(`#data.#f${i} = :f${i}`);
    }
  });
  return { FilterExpression: terms.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * The validated query parameters of GET /cdrs and GET /stats (their schemas:
 * api/contract/analytics.ts) → the queries the store runs: what depends on
 * other parameters or on the current time. Pure (the current time is an
 * argument); a refusal is an `invalid-field` naming the parameter at fault.
 */

import type * as v from 'valibot';
import { CC_CDR_STATES, CDR_DISPOSITIONS, MISS_CAUSES } from '../../../protocol/src/events/box-events.js';
import { CdrParams, DEFAULT_LIMIT, getStats, MAX_RANGE_DAYS } from '../api/contract/analytics.js';
import { invalidField } from '../api/errors.js';
import { idShape, isId } from '../store/ids.js';
import type { GroupBy } from './aggregate.js';
import { decodeCursor } from './cursor.js';
import { ceilTo, DAY_MS, floorTo, HOUR_MS, type CdrType } from './keys.js';
import { FILTER_FIELDS, FILTERS, isPrefix, type CdrFilters, type CdrQuery, type FilterName, type Position } from './plan.js';
import { DEFAULT_SL_SECONDS } from './rollup.js';
import { wholeHourOffsets } from './time.js';

export const DEFAULT_RANGE_MS = DAY_MS;
const MAX_VALUE = 256;
const PRINTABLE = /^[^\x00-\x1f\x7f]*$/;

export type CdrParamsInput = v.InferOutput<typeof CdrParams>;
export type StatsParamsInput = v.InferOutput<NonNullable<(typeof getStats)['query']>>;

/** [from, to) from `from`/`to` (defaults: the 24 hours up to now; from alone: up to now; to alone: the 24 hours before it). */
function range(from: number | undefined, to: number | undefined, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = to ?? (from !== undefined ? Math.max(nowMs, from + 1) : nowMs);
  const fromMs = from ?? toMs - DEFAULT_RANGE_MS;
  const bad = rangeError(fromMs, toMs);
  if (bad) throw invalidField(bad[0], bad[1]);
  return { fromMs, toMs };
}

/** What is wrong with a range, or undefined: it must start after 1970, end after it starts, and span at most 366 days. */
function rangeError(fromMs: number, toMs: number): [string, string] | undefined {
  if (fromMs >= toMs) return ['from', 'must be before to'];
  if (fromMs < 0) return ['from', 'must not be before 1970'];
  if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) return ['to', `the range may span at most ${MAX_RANGE_DAYS} days`];
  return undefined;
}

/** The values an enumerated filter takes in each record type's data (matched in any case). */
const ENUMERATED: Partial<Record<FilterName, Partial<Record<CdrType, readonly string[]>>>> = {
  disposition: { cdr: CDR_DISPOSITIONS, cc_cdr: CC_CDR_STATES },
  missCause: { cc_cdr: MISS_CAUSES },
};

/**
 * A filter of an enumerated field as the records spell it (`answered` →
 * `ANSWERED`, `no*` → `NO*`); empty stays empty (a bridged call's missCause).
 */
function canonical(type: CdrType, name: FilterName, value: string): string | [string, string] {
  const values = ENUMERATED[name]?.[type];
  if (!values || value === '') return value;
  const prefix = isPrefix(value);
  const typed = (prefix ? value.slice(0, -1) : value).toLowerCase();
  const match = values.find((x) => (prefix ? x.toLowerCase().startsWith(typed) : x.toLowerCase() === typed));
  if (!match) return [name, `one of ${values.join(', ')} (in any case), or a prefix of one ending in *`];
  return prefix ? `${match.slice(0, typed.length)}*` : match;
}

/** The filters of a query of this type, as the records spell them: at most 256 printable characters, not a bare `*`, applicable to the type. */
function checkedFilters(type: CdrType, given: CdrFilters): CdrFilters {
  const out: CdrFilters = {};
  for (const name of FILTERS) {
    const value = given[name];
    if (value === undefined) continue;
    if (value.length > MAX_VALUE || !PRINTABLE.test(value)) throw invalidField(name, `at most ${MAX_VALUE} printable characters`);
    if (value === '*') throw invalidField(name, 'a prefix before * is required');
    if (!FILTER_FIELDS[type][name]) throw invalidField(name, 'filters cc_cdr records only (add type=cc_cdr)');
    const c = canonical(type, name, value);
    if (typeof c !== 'string') throw invalidField(c[0], c[1]);
    out[name] = c;
  }
  return out;
}

/**
 * A CDR query's bounds, whether it came from parameters or from a cursor
 * (which a client can forge): a site id of its shape, filters as above, and
 * a range of at most 366 days. The message names the parameter at fault.
 */
function checkedQuery(q: CdrQuery): CdrQuery {
  if (q.siteId !== undefined && !isId('site', q.siteId)) throw invalidField('siteId', `a site id (${idShape('site')})`);
  const filters = checkedFilters(q.type, q.filters);
  const bad = rangeError(q.fromMs, q.toMs);
  if (bad) throw invalidField(bad[0], bad[1]);
  return { ...q, filters };
}

export interface CdrRequest {
  query: CdrQuery;
  format: 'json' | 'csv';
  limit: number;
  /** Resume strictly after this row (from the cursor). */
  after?: Position;
}

const NOT_OURS = 'not a cursor of this API';

export function cdrRequest(p: CdrParamsInput, nowMs: number): CdrRequest {
  const format = p.format ?? 'json';
  if (format === 'csv' && (p.limit !== undefined || p.cursor !== undefined)) throw invalidField('format', 'limit and cursor page JSON results; format=csv exports the whole range');
  const limit = p.limit ?? DEFAULT_LIMIT;
  const given: CdrFilters = {};
  for (const name of FILTERS) if (p[name] !== undefined) given[name] = p[name];

  if (p.cursor !== undefined) {
    const c = decodeCursor(p.cursor);
    if (!c) throw invalidField('cursor', NOT_OURS);
    // A cursor is client input like any parameter: the same bounds, and a position inside its range.
    let q: CdrQuery;
    try {
      q = checkedQuery(c.query);
    } catch (err) {
      throw invalidField('cursor', (err as Error).message);
    }
    if (!isId('site', c.after.siteId) || c.after.ms < q.fromMs || c.after.ms >= q.toMs) throw invalidField('cursor', NOT_OURS);
    // The cursor carries its query; parameters given with it must agree.
    const filters = Object.keys(given).length > 0 ? checkedFilters(q.type, given) : {};
    const mismatch =
      (p.type !== undefined && p.type !== q.type) ||
      (p.siteId !== undefined && p.siteId !== q.siteId) ||
      (p.from !== undefined && p.from !== q.fromMs) ||
      (p.to !== undefined && p.to !== q.toMs) ||
      FILTERS.some((n) => given[n] !== undefined && filters[n] !== q.filters[n]);
    if (mismatch) throw invalidField('cursor', 'belongs to a different query (send the same parameters, or the cursor alone)');
    return { query: q, format: 'json', limit, after: c.after };
  }

  const type: CdrType = p.type ?? 'cdr';
  const filters = checkedFilters(type, given);
  const { fromMs, toMs } = range(p.from, p.to, nowMs);
  const query: CdrQuery = { type, fromMs, toMs, filters };
  if (p.siteId !== undefined) query.siteId = p.siteId;
  return { query, format, limit };
}

export interface StatsRequest {
  siteId?: string;
  groupBy: GroupBy;
  /** [fromMs, toMs), widened to whole hours (hour, day) or whole UTC days (queue, agent). */
  fromMs: number;
  toMs: number;
  slSeconds: number;
  timeZone: string;
}

export function statsRequest(p: StatsParamsInput, nowMs: number): StatsRequest {
  const groupBy = p.groupBy ?? 'day';
  const slSeconds = p.slSeconds ?? DEFAULT_SL_SECONDS;
  const given = range(p.from, p.to, nowMs);
  const unit = groupBy === 'queue' || groupBy === 'agent' ? DAY_MS : HOUR_MS;
  const fromMs = floorTo(given.fromMs, unit);
  const toMs = ceilTo(given.toMs, unit);
  if (toMs - fromMs > (MAX_RANGE_DAYS + 1) * DAY_MS) throw invalidField('to', `the range may span at most ${MAX_RANGE_DAYS} days`);

  const timeZone = p.timezone ?? 'UTC';
  if (timeZone !== 'UTC') {
    if (groupBy === 'queue' || groupBy === 'agent') throw invalidField('timezone', 'applies to groupBy=hour and groupBy=day only (queue and agent rollups are per UTC day)');
    if (!wholeHourOffsets(timeZone, fromMs, toMs)) throw invalidField('timezone', 'its UTC offset is not a whole number of hours in this range; hourly rollups cannot be regrouped into its hours and days');
  }

  const value: StatsRequest = { groupBy, fromMs, toMs, slSeconds, timeZone };
  if (p.siteId !== undefined) value.siteId = p.siteId;
  return value;
}

/**
 * Query parameters of GET /cdrs and GET /stats → validated queries, or the
 * message of a 400. Pure (the current time is an argument).
 */

import { idShape, isId } from '../store/ids.js';
import { GROUP_BYS, type GroupBy } from './aggregate.js';
import { decodeCursor } from './cursor.js';
import { ceilTo, DAY_MS, floorTo, HOUR_MS, type CdrType } from './keys.js';
import { FILTER_FIELDS, FILTERS, type CdrFilters, type CdrQuery, type Position } from './plan.js';
import { DEFAULT_SL_SECONDS, SL_BOUNDS } from './rollup.js';
import { parseInstant, validTimeZone, wholeHourOffsets } from './time.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
export const DEFAULT_RANGE_MS = DAY_MS;
export const MAX_RANGE_DAYS = 366;
const MAX_VALUE = 256;
const PRINTABLE = /^[^\x00-\x1f\x7f]*$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** Each parameter once, no unknown ones. */
function single(params: URLSearchParams, allowed: readonly string[]): Parsed<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [k, v] of params) {
    if (!allowed.includes(k)) return fail(`unknown parameter: ${k.slice(0, 64)} (allowed: ${allowed.join(', ')})`);
    if (out.has(k)) return fail(`${k}: given more than once`);
    out.set(k, v);
  }
  return { ok: true, value: out };
}

function siteIdParam(p: Map<string, string>): Parsed<string | undefined> {
  const s = p.get('siteId');
  if (s === undefined) return { ok: true, value: undefined };
  if (!isId('site', s)) return fail(`siteId: a site id (${idShape('site')})`);
  return { ok: true, value: s };
}

/** [from, to) from `from`/`to` (defaults: the 24 hours up to now). */
function rangeParams(p: Map<string, string>, nowMs: number): Parsed<{ fromMs: number; toMs: number }> {
  const read = (name: string): Parsed<number | undefined> => {
    const raw = p.get(name);
    if (raw === undefined) return { ok: true, value: undefined };
    const v = parseInstant(raw);
    return typeof v === 'string' ? fail(`${name}: ${v}`) : { ok: true, value: v };
  };
  const f = read('from');
  if (!f.ok) return f;
  const t = read('to');
  if (!t.ok) return t;
  const toMs = t.value ?? (f.value !== undefined ? Math.max(nowMs, f.value + 1) : nowMs);
  const fromMs = f.value ?? toMs - DEFAULT_RANGE_MS;
  const bad = rangeError(fromMs, toMs);
  return bad ? fail(bad) : { ok: true, value: { fromMs, toMs } };
}

/** What is wrong with a range, or undefined: it must start after 1970, end after it starts, and span at most 366 days. */
function rangeError(fromMs: number, toMs: number): string | undefined {
  if (fromMs >= toMs) return 'from: must be before to';
  if (fromMs < 0) return 'from: must not be before 1970';
  if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) return `to: the range may span at most ${MAX_RANGE_DAYS} days`;
  return undefined;
}

/** What is wrong with the filters of a query of this type: at most 256 printable characters, not a bare `*`, applicable to the type. */
function filtersError(type: CdrType, filters: CdrFilters): string | undefined {
  for (const name of FILTERS) {
    const v = filters[name];
    if (v === undefined) continue;
    if (v.length > MAX_VALUE || !PRINTABLE.test(v)) return `${name}: at most ${MAX_VALUE} printable characters`;
    if (v === '*') return `${name}: a prefix before * is required`;
    if (!FILTER_FIELDS[type][name]) return `${name}: filters cc_cdr records only (add type=cc_cdr)`;
  }
  return undefined;
}

/**
 * A CDR query's bounds, whether it came from parameters or from a cursor
 * (which a client can forge): a site id of its shape, filters as above, and
 * a range of at most 366 days. The message names the parameter at fault.
 */
function queryError(q: CdrQuery): string | undefined {
  if (q.siteId !== undefined && !isId('site', q.siteId)) return `siteId: a site id (${idShape('site')})`;
  return filtersError(q.type, q.filters) ?? rangeError(q.fromMs, q.toMs);
}

export interface CdrRequest {
  query: CdrQuery;
  format: 'json' | 'csv';
  limit: number;
  /** Resume strictly after this row (from the cursor). */
  after?: Position;
}

const CDR_PARAMS = ['siteId', 'from', 'to', 'type', ...FILTERS, 'limit', 'cursor', 'format'] as const;

export function parseCdrParams(params: URLSearchParams, nowMs: number): Parsed<CdrRequest> {
  const s = single(params, CDR_PARAMS);
  if (!s.ok) return s;
  const p = s.value;

  const format = p.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return fail('format: json or csv');
  if (format === 'csv' && (p.has('limit') || p.has('cursor'))) return fail('limit and cursor page JSON results; format=csv exports the whole range');

  const typeRaw = p.get('type');
  if (typeRaw !== undefined && typeRaw !== 'cdr' && typeRaw !== 'cc_cdr') return fail('type: cdr or cc_cdr');

  let limit = DEFAULT_LIMIT;
  const limitRaw = p.get('limit');
  if (limitRaw !== undefined) {
    if (!/^\d{1,7}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > MAX_LIMIT) return fail(`limit: an integer from 1 to ${MAX_LIMIT}`);
    limit = Number(limitRaw);
  }

  const site = siteIdParam(p);
  if (!site.ok) return site;

  const filters: CdrFilters = {};
  for (const name of FILTERS) {
    const v = p.get(name);
    if (v !== undefined) filters[name] = v;
  }

  const cursorRaw = p.get('cursor');
  if (cursorRaw !== undefined) {
    const c = decodeCursor(cursorRaw);
    if (!c) return fail('cursor: not a cursor of this API');
    // A cursor is client input like any parameter: the same bounds, and a position inside its range.
    const q = c.query;
    const bad = queryError(q);
    if (bad) return fail(`cursor: ${bad}`);
    if (!isId('site', c.after.siteId) || c.after.ms < q.fromMs || c.after.ms >= q.toMs) return fail('cursor: not a cursor of this API');
    // The cursor carries its query; parameters given with it must agree.
    const differs = (name: 'from' | 'to', ms: number): boolean | string => {
      const raw = p.get(name);
      if (raw === undefined) return false;
      const v = parseInstant(raw);
      return typeof v === 'string' ? `${name}: ${v}` : v !== ms;
    };
    const from = differs('from', q.fromMs);
    const to = differs('to', q.toMs);
    if (typeof from === 'string') return fail(from);
    if (typeof to === 'string') return fail(to);
    const mismatch =
      (typeRaw !== undefined && typeRaw !== q.type) ||
      (site.value !== undefined && site.value !== q.siteId) ||
      from ||
      to ||
      FILTERS.some((n) => p.has(n) && filters[n] !== q.filters[n]);
    if (mismatch) return fail('cursor: belongs to a different query (send the same parameters, or the cursor alone)');
    return { ok: true, value: { query: q, format: 'json', limit, after: c.after } };
  }

  const type: CdrType = (typeRaw as CdrType | undefined) ?? 'cdr';
  const bad = filtersError(type, filters);
  if (bad) return fail(bad);
  const range = rangeParams(p, nowMs);
  if (!range.ok) return range;
  const query: CdrQuery = { type, fromMs: range.value.fromMs, toMs: range.value.toMs, filters };
  if (site.value !== undefined) query.siteId = site.value;
  return { ok: true, value: { query, format, limit } };
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

const STATS_PARAMS = ['siteId', 'from', 'to', 'groupBy', 'slSeconds', 'timezone'] as const;

export function parseStatsParams(params: URLSearchParams, nowMs: number): Parsed<StatsRequest> {
  const s = single(params, STATS_PARAMS);
  if (!s.ok) return s;
  const p = s.value;
  const site = siteIdParam(p);
  if (!site.ok) return site;

  const groupBy = (p.get('groupBy') ?? 'day') as GroupBy;
  if (!GROUP_BYS.includes(groupBy)) return fail(`groupBy: one of ${GROUP_BYS.join(', ')}`);

  let slSeconds = DEFAULT_SL_SECONDS;
  const slRaw = p.get('slSeconds');
  if (slRaw !== undefined) {
    if (!/^\d{1,4}$/.test(slRaw) || !(SL_BOUNDS as readonly number[]).includes(Number(slRaw))) return fail(`slSeconds: one of ${SL_BOUNDS.join(', ')}`);
    slSeconds = Number(slRaw);
  }

  const range = rangeParams(p, nowMs);
  if (!range.ok) return range;
  const unit = groupBy === 'queue' || groupBy === 'agent' ? DAY_MS : HOUR_MS;
  const fromMs = floorTo(range.value.fromMs, unit);
  const toMs = ceilTo(range.value.toMs, unit);
  if (toMs - fromMs > (MAX_RANGE_DAYS + 1) * DAY_MS) return fail(`to: the range may span at most ${MAX_RANGE_DAYS} days`);

  const timeZone = p.get('timezone') ?? 'UTC';
  if (timeZone !== 'UTC') {
    if (groupBy === 'queue' || groupBy === 'agent') return fail('timezone: applies to groupBy=hour and groupBy=day only (queue and agent rollups are per UTC day)');
    if (timeZone.length > 64 || !validTimeZone(timeZone)) return fail('timezone: an IANA time zone such as Europe/Berlin');
    if (!wholeHourOffsets(timeZone, fromMs, toMs)) return fail('timezone: its UTC offset is not a whole number of hours in this range; hourly rollups cannot be regrouped into its hours and days');
  }

  const value: StatsRequest = { groupBy, fromMs, toMs, slSeconds, timeZone };
  if (site.value !== undefined) value.siteId = site.value;
  return { ok: true, value };
}

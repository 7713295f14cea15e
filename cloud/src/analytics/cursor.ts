/**
 * The CDR search's paging cursor: base64url JSON carrying the whole query
 * (so the next page reads the same window, even when `from`/`to` were
 * defaulted from "now") and the position of the last row returned. Rows are
 * ordered by (time, site, seq), a total order, so resuming strictly after
 * that position never skips nor repeats a row. Opaque to clients. Pure.
 */

import { CDR_TYPES, type CdrType } from './keys.js';
import { FILTERS, type CdrFilters, type CdrQuery, type Position } from './plan.js';

interface Wire {
  v: 1;
  s?: string;
  t: CdrType;
  f: number;
  u: number;
  q: CdrFilters;
  a: [number, string, number];
}

export function encodeCursor(query: CdrQuery, after: Position): string {
  const wire: Wire = { v: 1, t: query.type, f: query.fromMs, u: query.toMs, q: query.filters, a: [after.ms, after.siteId, after.seq] };
  if (query.siteId !== undefined) wire.s = query.siteId;
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length <= 1024;

/** The query and position of a cursor, or undefined if it is not one of ours. */
export function decodeCursor(cursor: string): { query: CdrQuery; after: Position } | undefined {
  if (!/^[A-Za-z0-9_-]{1,8192}$/.test(cursor)) return undefined;
  let w: Partial<Wire>;
  try {
    w = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Wire>;
  } catch {
    return undefined;
  }
  if (!w || typeof w !== 'object' || w.v !== 1) return undefined;
  if (!CDR_TYPES.includes(w.t as CdrType) || !isInt(w.f) || !isInt(w.u) || w.f >= w.u) return undefined;
  if (w.s !== undefined && !isStr(w.s)) return undefined;
  if (!w.q || typeof w.q !== 'object' || Array.isArray(w.q)) return undefined;
  const filters: CdrFilters = {};
  for (const [k, v] of Object.entries(w.q)) {
    if (!(FILTERS as readonly string[]).includes(k) || !isStr(v)) return undefined;
    filters[k as keyof CdrFilters] = v;
  }
  const a = w.a;
  if (!Array.isArray(a) || a.length !== 3 || !isInt(a[0]) || !isStr(a[1]) || !isInt(a[2])) return undefined;
  const query: CdrQuery = { type: w.t as CdrType, fromMs: w.f, toMs: w.u, filters };
  if (w.s !== undefined) query.siteId = w.s;
  return { query, after: { ms: a[0], siteId: a[1], seq: a[2] } };
}

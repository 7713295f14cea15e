/**
 * The call search: what the form holds, how it is kept in the page's URL (so
 * a reload, the back button or a shared link shows the same search), and the
 * /cdrs query it becomes. Pure.
 */

import { parseInputValue } from '../time-range.js';
import type { Query } from '../url.js';
import type { CdrType } from './types.js';

/** The filters of /cdrs, and which record type each applies to (README "CDR search"). */
export const CDR_FILTERS = ['caller', 'called', 'disposition', 'queue', 'agent', 'missCause'] as const;
export type CdrFilter = (typeof CDR_FILTERS)[number];
export const CC_ONLY: ReadonlySet<CdrFilter> = new Set(['queue', 'agent', 'missCause']);

export const PAGE_SIZES = [10, 25, 50, 100] as const;

export interface CdrSearch extends Record<CdrFilter, string> {
  /** One site, or '' for every site of the tenant. */
  siteId: string;
  type: CdrType;
  /** Wall-clock text of the inputs (`YYYY-MM-DDTHH:MM`) in the search's zone; '' = the API's default (the last 24 hours). */
  from: string;
  to: string;
  limit: number;
}

export const NEW_SEARCH: CdrSearch = { siteId: '', type: 'cdr', from: '', to: '', caller: '', called: '', disposition: '', queue: '', agent: '', missCause: '', limit: 50 };

/** The search a console URL's query describes (unknown or malformed values fall back to the defaults). */
export function searchFromQuery(q: URLSearchParams): CdrSearch {
  const s: CdrSearch = { ...NEW_SEARCH };
  s.siteId = q.get('siteId') ?? '';
  if (q.get('type') === 'cc_cdr') s.type = 'cc_cdr';
  s.from = q.get('from') ?? '';
  s.to = q.get('to') ?? '';
  for (const f of CDR_FILTERS) s[f] = q.get(f) ?? '';
  const limit = Number(q.get('limit'));
  if ((PAGE_SIZES as readonly number[]).includes(limit)) s.limit = limit;
  return s;
}

/** The console URL's query for a search (defaults left out). */
export function searchToQuery(s: CdrSearch): Query {
  const q: Query = { siteId: s.siteId, type: s.type === 'cdr' ? undefined : s.type, from: s.from, to: s.to, limit: s.limit === NEW_SEARCH.limit ? undefined : s.limit };
  for (const f of CDR_FILTERS) if (s.type === 'cc_cdr' || !CC_ONLY.has(f)) q[f] = s[f].trim();
  return q;
}

export type ApiQuery = { ok: true; query: Query } | { ok: false; field: 'from' | 'to' };

/** The /cdrs query of a search whose times are in `zone`; the field that is not a time otherwise. */
export function cdrApiQuery(s: CdrSearch, zone: string): ApiQuery {
  const instant = (field: 'from' | 'to'): { ok: true; iso?: string } | { ok: false } => {
    if (!s[field]) return { ok: true };
    const ms = parseInputValue(s[field], zone);
    return ms === undefined ? { ok: false } : { ok: true, iso: new Date(ms).toISOString() };
  };
  const from = instant('from');
  if (!from.ok) return { ok: false, field: 'from' };
  const to = instant('to');
  if (!to.ok) return { ok: false, field: 'to' };
  const query: Query = { ...searchToQuery(s), from: from.iso, to: to.iso, type: s.type, limit: s.limit };
  return { ok: true, query };
}

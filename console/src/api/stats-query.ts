/**
 * The statistics page's choices (site, period, grouping, service-level
 * threshold), how they are kept in the page's URL, and the /stats query they
 * become: periods are whole days in the site's zone, and hours and days are
 * grouped in that zone. Queues and agents are counted per UTC day by the
 * cloud (README "CDR search and call-center statistics"), so their query
 * names no zone. Pure: the current time is an argument.
 */

import { daysRange, periodRange, PERIODS, type Period, type Range } from '../time-range.js';
import type { Query } from '../url.js';
import { DEFAULT_SL_SECONDS, GROUP_BYS, SL_SECONDS, type GroupBy } from './types.js';

export interface StatsChoice {
  siteId: string;
  period: Period;
  /** `YYYY-MM-DD` of a custom period (both days included). */
  from: string;
  to: string;
  groupBy: GroupBy;
  slSeconds: number;
}

export const NEW_CHOICE: StatsChoice = { siteId: '', period: 'today', from: '', to: '', groupBy: 'hour', slSeconds: DEFAULT_SL_SECONDS };

export function choiceFromQuery(q: URLSearchParams): StatsChoice {
  const c: StatsChoice = { ...NEW_CHOICE, siteId: q.get('siteId') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '' };
  const period = q.get('period');
  if ((PERIODS as readonly string[]).includes(period ?? '')) c.period = period as Period;
  const groupBy = q.get('groupBy');
  if ((GROUP_BYS as readonly string[]).includes(groupBy ?? '')) c.groupBy = groupBy as GroupBy;
  const sl = Number(q.get('sl'));
  if ((SL_SECONDS as readonly number[]).includes(sl)) c.slSeconds = sl;
  return c;
}

export function choiceToQuery(c: StatsChoice): Query {
  const custom = c.period === 'custom';
  return {
    siteId: c.siteId,
    period: c.period === NEW_CHOICE.period ? undefined : c.period,
    from: custom ? c.from : undefined,
    to: custom ? c.to : undefined,
    groupBy: c.groupBy === NEW_CHOICE.groupBy ? undefined : c.groupBy,
    sl: c.slSeconds === NEW_CHOICE.slSeconds ? undefined : c.slSeconds,
  };
}

export function choiceRange(c: StatsChoice, nowMs: number, zone: string): Range | undefined {
  return c.period === 'custom' ? daysRange(c.from, c.to, zone) : periodRange(c.period, nowMs, zone);
}

export type StatsQuery = { ok: true; query: Query; range: Range } | { ok: false };

export function statsApiQuery(c: StatsChoice, nowMs: number, zone: string): StatsQuery {
  const range = choiceRange(c, nowMs, zone);
  if (!range || range.fromMs >= range.toMs) return { ok: false };
  const byTime = c.groupBy === 'hour' || c.groupBy === 'day';
  return {
    ok: true,
    range,
    query: {
      siteId: c.siteId,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      groupBy: c.groupBy,
      slSeconds: c.slSeconds,
      timezone: byTime && zone !== 'UTC' ? zone : undefined,
    },
  };
}

/**
 * Rollup items → the statistics response's groups and total. Pure.
 */

import { addCounters, countersOf, metricsOf, type Counters, type Metrics } from './rollup.js';
import { localDayKey, localHourKey } from './time.js';

export type GroupBy = 'hour' | 'day' | 'queue' | 'agent';
export const GROUP_BYS: readonly GroupBy[] = ['hour', 'day', 'queue', 'agent'];

/** A rollup item as read: its sort key and attributes. */
export type RollupRecord = Record<string, unknown> & { SK: string };

export interface Group extends Metrics {
  key: string;
}

/** Start (epoch ms) of an hourly item's hour, from its `YYYY-MM-DDTHH` sort key. */
export function hourOfItem(sk: string): number {
  return Date.parse(`${sk}:00:00Z`);
}

/** The queue or agent code of a daily or monthly item, from its `YYYY-MM-DD#<code>` or `YYYY-MM#<code>` sort key. */
export function codeOfItem(sk: string): string {
  return sk.slice(sk.indexOf('#') + 1);
}

function groupKey(item: RollupRecord, groupBy: GroupBy, timeZone: string): string {
  switch (groupBy) {
    case 'hour':
      return localHourKey(hourOfItem(item.SK), timeZone);
    case 'day':
      return localDayKey(hourOfItem(item.SK), timeZone);
    case 'queue':
    case 'agent':
      return codeOfItem(item.SK);
  }
}

/** Sum items' counters (maxWait as a maximum). */
export function sumItems(items: Iterable<RollupRecord>): Counters {
  const total: Counters = {};
  for (const item of items) addCounters(total, countersOf(item));
  return total;
}

const byCode = new Intl.Collator('en', { numeric: true });

/**
 * Groups from the items of one kind (hourly items for hour/day, daily queue or
 * agent items for queue/agent), possibly of several sites: items with the
 * same key are summed. Groups without offered calls are left out. Time keys
 * sort by time, codes naturally (`9` before `10`).
 */
export function groupItems(items: Iterable<RollupRecord>, groupBy: GroupBy, slSeconds: number, timeZone = 'UTC'): Group[] {
  const byTime = groupBy === 'hour' || groupBy === 'day';
  const sums = new Map<string, { counters: Counters; order: number }>();
  for (const item of items) {
    const key = groupKey(item, groupBy, timeZone);
    const order = byTime ? hourOfItem(item.SK) : 0;
    let entry = sums.get(key);
    if (!entry) sums.set(key, (entry = { counters: {}, order }));
    entry.order = Math.min(entry.order, order);
    addCounters(entry.counters, countersOf(item));
  }
  return [...sums.entries()]
    .filter(([, v]) => (v.counters.offered ?? 0) > 0)
    .sort(([ka, a], [kb, b]) => a.order - b.order || byCode.compare(ka, kb))
    .map(([key, v]) => ({ key, ...metricsOf(v.counters, slSeconds) }));
}

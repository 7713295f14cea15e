/**
 * A /stats answer as the statistics page draws it: one x value per group
 * (the group's start for hours and days, its position for queues and
 * agents) and the series of each chart, in the units the charts use (calls,
 * percent, seconds). Pure, so the figures the page shows are checked without
 * a browser; the chart captions are sums of exactly these series.
 */

import type { GroupBy, Metrics, Stats } from '../api/types.js';
import type { MessageId } from '../i18n/index.js';
import { groupStart } from '../time-range.js';

export type Unit = 'calls' | 'percent' | 'seconds';

export interface Series {
  label: MessageId;
  unit: Unit;
  values: Array<number | null>;
  /** How the chart draws it: bars (wide or narrow, drawn over each other) or points joined by a line. */
  style: 'bars-wide' | 'bars-narrow' | 'line';
  color: string;
}

export interface ChartData {
  /** Seconds since the epoch for hours and days (a time axis in the stats' zone), else 0…n-1. */
  x: number[];
  /** Group keys, for a category axis (queues, agents). */
  categories?: string[];
  series: Series[];
}

export interface StatsCharts {
  calls: ChartData;
  rates: ChartData;
  times: ChartData;
}

export const isTimeGroup = (g: GroupBy): g is 'hour' | 'day' => g === 'hour' || g === 'day';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** The three charts of a statistics answer. Groups whose time key cannot be read are left out (and said so by `skipped`). */
export function statsCharts(stats: Stats): StatsCharts & { skipped: number } {
  const time = isTimeGroup(stats.groupBy);
  const groups: Array<Metrics & { key: string; x: number }> = [];
  let skipped = 0;
  stats.groups.forEach((g, i) => {
    const start = time ? groupStart(g.key, stats.timezone) : i;
    if (start === undefined) skipped++;
    else groups.push({ ...g, x: time ? start / 1000 : i });
  });
  const x = groups.map((g) => g.x);
  const categories = time ? undefined : groups.map((g) => g.key);
  const of = (pick: (g: Metrics) => number | null) => groups.map(pick);
  return {
    skipped,
    calls: {
      x,
      categories,
      series: [
        { label: 'stats.offered', unit: 'calls', values: of((g) => g.offered), style: 'bars-wide', color: '#9bb7e0' },
        { label: 'stats.answered', unit: 'calls', values: of((g) => g.answered), style: 'bars-narrow', color: '#1f5fbf' },
        { label: 'stats.abandoned', unit: 'calls', values: of((g) => g.abandoned), style: 'line', color: '#c0392b' },
      ],
    },
    rates: {
      x,
      categories,
      series: [
        { label: 'stats.answerRate', unit: 'percent', values: of((g) => pct(g.answerRate)), style: 'line', color: '#1f5fbf' },
        { label: 'stats.serviceLevel', unit: 'percent', values: of((g) => pct(g.serviceLevel)), style: 'line', color: '#2e7d4f' },
      ],
    },
    times: {
      x,
      categories,
      series: [
        { label: 'stats.asa', unit: 'seconds', values: of((g) => g.averageSpeedOfAnswer), style: 'line', color: '#7b3fa0' },
        { label: 'stats.averageTalk', unit: 'seconds', values: of((g) => g.averageTalk), style: 'line', color: '#b35400' },
      ],
    },
  };
}

/** The sum of a series (for counts: what the chart shows in all). */
export function seriesTotal(s: Series): number {
  return s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
}

/**
 * Draws a statistics chart with uPlot (loaded on demand: the only large
 * dependency, so only the statistics page pays for it). Every text uPlot
 * shows — axis ticks, the legend's values — is formatted here with Intl in the
 * reader's language and the stats' zone, never with uPlot's English defaults.
 */

import uPlot from 'uplot';
import type { Locale } from '../i18n/index.js';
import { formatNumber, formatSeconds, NONE } from '../format.js';
import type { ChartData, Unit } from '../pages/stats-data.js';

export interface DrawOptions {
  width: number;
  height: number;
  locale: Locale;
  /** The zone of a time axis. */
  zone: string;
  /** `hour` or `day` ticks for a time axis; absent: categories. */
  timeUnit?: 'hour' | 'day';
  /** The x axis' and the series' labels, already translated. */
  xLabel: string;
  labels: string[];
}

export interface DrawnChart {
  setWidth(width: number): void;
  destroy(): void;
}

/** Ticks at whole groups only: hours (or multiples), days (or multiples). */
const HOUR_TICKS = [1, 2, 3, 6, 12, 24, 48, 168].map((h) => h * 3600);
const DAY_TICKS = [1, 2, 7, 14, 28, 91, 182, 364].map((d) => d * 86_400);

function valueText(unit: Unit, v: number | null | undefined, locale: Locale): string {
  if (v === null || v === undefined) return NONE;
  if (unit === 'percent') return `${formatNumber(v, locale)} %`;
  if (unit === 'seconds') return formatSeconds(v, locale);
  return formatNumber(v, locale);
}

export function drawChart(el: HTMLElement, data: ChartData, o: DrawOptions): DrawnChart {
  const time = o.timeUnit !== undefined;
  const fmt = new Intl.DateTimeFormat(o.locale, {
    timeZone: o.zone,
    ...(o.timeUnit === 'hour' ? { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' } : { year: 'numeric', month: 'numeric', day: 'numeric' }),
  });
  const xText = (v: number) => (time ? fmt.format(new Date(v * 1000)) : (data.categories?.[Math.round(v)] ?? ''));
  const unit = data.series[0]?.unit ?? 'calls';
  const slot = o.timeUnit === 'hour' ? 3600 : o.timeUnit === 'day' ? 86_400 : 1;
  const bars = (size: number) => uPlot.paths.bars!({ size: [size, 64], align: 0 });

  const opts: uPlot.Options = {
    width: o.width,
    height: o.height,
    // Categories sit at whole positions with half a slot of room on each side.
    // Half a slot of room on each side of the first and last group (an hour, a day, or one queue or agent).
    scales: {
      // From the data itself: uPlot widens a single time point to a thousand days on its own.
      x: { time, range: () => (data.x.length ? [data.x[0] - slot / 2, data.x[data.x.length - 1] + slot / 2] : [0, slot]) },
      y: { range: (_u, _min, max) => [0, unit === 'percent' ? 100 : Math.max(1, max * 1.1)] },
    },
    axes: [
      time
        ? { space: 120, incrs: o.timeUnit === 'hour' ? HOUR_TICKS : DAY_TICKS, values: (_u, splits) => splits.map(xText) }
        : { space: 40, incrs: [1], values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? xText(v) : '')) },
      { values: (_u, splits) => splits.map((v) => valueText(unit, v, o.locale)), size: 64 },
    ],
    series: [
      { label: o.xLabel, value: (_u, v) => (v === null ? NONE : xText(v)) },
      ...data.series.map((s, i) => ({
        label: o.labels[i],
        stroke: s.color,
        width: s.style === 'line' ? 2 : 0,
        fill: s.style === 'line' ? undefined : s.color,
        // Categories are separate things: points, not a line between queues.
        paths: s.style === 'bars-wide' ? bars(0.7) : s.style === 'bars-narrow' ? bars(0.4) : time ? undefined : () => null,
        points: { show: s.style === 'line', size: 7, stroke: s.color, fill: s.color },
        value: (_u: uPlot, v: number | null) => valueText(s.unit, v, o.locale),
      })),
    ],
    legend: { live: true },
    cursor: { points: { show: false } },
  };
  if (time) opts.tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), o.zone);
  const plot = new uPlot(opts, [data.x, ...data.series.map((s) => s.values)] as uPlot.AlignedData, el);
  return {
    setWidth: (width) => plot.setSize({ width, height: o.height }),
    destroy: () => plot.destroy(),
  };
}

/**
 * A chart as a figure: the drawing (uPlot, loaded on first use) follows the
 * width of its box; the caption says in words what it shows, and the table
 * beside it has every figure, so the canvas itself is hidden from screen
 * readers.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../context.js';
import type { ChartData } from '../pages/stats-data.js';
import type { DrawnChart } from './uplot-chart.js';
import { ErrorNote } from './ui.js';

const HEIGHT = 240;

export interface ChartProps {
  id: string;
  title: string;
  caption: string;
  data: ChartData;
  zone: string;
  timeUnit?: 'hour' | 'day';
  /** What the x axis shows (hour, day, queue, agent), translated. */
  xLabel: string;
}

export function Chart({ id, title, caption, data, zone, timeUnit, xLabel }: ChartProps) {
  const { t, locale } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let chart: DrawnChart | undefined;
    let gone = false;
    const width = () => Math.max(280, el.clientWidth);
    const resize = new ResizeObserver(() => chart?.setWidth(width()));
    import('./uplot-chart.js').then(
      ({ drawChart }) => {
        if (gone) return;
        el.replaceChildren();
        chart = drawChart(el, data, { width: width(), height: HEIGHT, locale, zone, timeUnit, xLabel, labels: data.series.map((s) => t(s.label)) });
        resize.observe(el);
      },
      (err: unknown) => setError(err),
    );
    return () => {
      gone = true;
      resize.disconnect();
      chart?.destroy();
    };
  }, [data, locale, zone, timeUnit, xLabel]);

  return (
    <figure class="chart card" id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <div ref={box} class="chart-box" aria-hidden="true" data-points={data.x.length} />
      <figcaption>{caption}</figcaption>
      <ErrorNote error={error} />
      {data.x.length === 0 ? <p class="hint">{t('stats.noData')}</p> : null}
    </figure>
  );
}

/**
 * One /stats answer: the totals as tiles, three charts (calls, rates, times),
 * abandoned calls by reason, and every group's figures as a table with the
 * totals in its last row.
 */

import { useMemo } from 'preact/hooks';
import { MISS_CAUSES, type Metrics, type Stats } from '../api/types.js';
import { Chart } from '../components/chart.js';
import { Data, TableRegion } from '../components/ui.js';
import { useI18n } from '../context.js';
import { formatNumber, formatPercent, formatPeriod, formatSeconds } from '../format.js';
import type { MessageId } from '../i18n/index.js';
import { MISS_CAUSE_LABEL } from '../labels.js';
import { groupStart } from '../time-range.js';
import { isTimeGroup, seriesTotal, statsCharts } from './stats-data.js';

type Column = { label: MessageId; value: (m: Metrics) => string };

export function StatsView({ stats }: { stats: Stats }) {
  const { t, locale } = useI18n();
  const charts = useMemo(() => statsCharts(stats), [stats]);
  const timeUnit = isTimeGroup(stats.groupBy) ? stats.groupBy : undefined;
  const total = stats.total;
  const columns: Column[] = [
    { label: 'stats.offered', value: (m) => formatNumber(m.offered, locale) },
    { label: 'stats.answered', value: (m) => formatNumber(m.answered, locale) },
    { label: 'stats.abandoned', value: (m) => formatNumber(m.abandoned, locale) },
    { label: 'stats.answerRate', value: (m) => formatPercent(m.answerRate, locale) },
    { label: 'stats.asa', value: (m) => formatSeconds(m.averageSpeedOfAnswer, locale) },
    { label: 'stats.serviceLevel', value: (m) => formatPercent(m.serviceLevel, locale) },
    { label: 'stats.averageTalk', value: (m) => formatSeconds(m.averageTalk, locale) },
    { label: 'stats.averageHold', value: (m) => formatSeconds(m.averageHold, locale) },
    { label: 'stats.maxWait', value: (m) => formatSeconds(m.maxWait, locale) },
  ];
  const groupName = (key: string): string => {
    if (!timeUnit) return key;
    const start = groupStart(key, stats.timezone);
    return start === undefined ? key : formatPeriod(start, timeUnit, stats.timezone, locale);
  };
  const [offered, answered, abandoned] = charts.calls.series.map(seriesTotal);
  const figures = [
    {
      id: 'chart-calls',
      title: t('stats.chartCalls'),
      caption: t('stats.captionCalls', { offered: formatNumber(offered, locale), answered: formatNumber(answered, locale), abandoned: formatNumber(abandoned, locale) }),
      data: charts.calls,
    },
    {
      id: 'chart-rates',
      title: t('stats.chartRates'),
      caption: t('stats.captionRates', { rate: formatPercent(total.answerRate, locale), sl: formatPercent(total.serviceLevel, locale), seconds: stats.serviceLevelSeconds }),
      data: charts.rates,
    },
    {
      id: 'chart-times',
      title: t('stats.chartTimes'),
      caption: t('stats.captionTimes', { asa: formatSeconds(total.averageSpeedOfAnswer, locale), talk: formatSeconds(total.averageTalk, locale) }),
      data: charts.times,
    },
  ];
  const groupLabel = t(timeUnit === 'hour' ? 'stats.hour' : timeUnit === 'day' ? 'stats.day' : stats.groupBy === 'queue' ? 'calls.queue' : 'calls.agent');

  return (
    <div class="stats" data-group-by={stats.groupBy}>
      <p class="hint">{t('stats.range', { from: formatPeriod(Date.parse(stats.from), 'day', stats.timezone, locale), to: formatPeriod(Date.parse(stats.to) - 1, 'day', stats.timezone, locale), sl: stats.serviceLevelSeconds })}</p>
      <ul class="tiles" aria-label={t('stats.totals')}>
        {columns.map((c) => (
          <li key={c.label} class="tile" data-metric={c.label}>
            <span class="tile-label">{t(c.label)}</span>
            <span class="tile-value">{c.value(total)}</span>
          </li>
        ))}
      </ul>
      <div class="charts">
        {figures.map((f) => (
          <Chart key={f.id} id={f.id} title={f.title} caption={f.caption} data={f.data} zone={stats.timezone} timeUnit={timeUnit} xLabel={groupLabel} />
        ))}
      </div>
      <h2>{t('stats.abandonedBy')}</h2>
      <TableRegion label={t('stats.abandonedBy')}>
        <table class="data compact" id="abandoned-by">
          <thead>
            <tr>
              <th scope="col">{t('calls.missCause')}</th>
              <th scope="col">{t('stats.abandoned')}</th>
            </tr>
          </thead>
          <tbody>
            {MISS_CAUSES.map((cause) => (
              <tr key={cause} data-cause={cause}>
                <th scope="row">{t(MISS_CAUSE_LABEL[cause])}</th>
                <td>{formatNumber(total.abandonedBy?.[cause] ?? 0, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <h2>{t('stats.table')}</h2>
      <TableRegion label={t('stats.table')}>
        <table class="data" id="stats-table">
          <thead>
            <tr>
              <th scope="col">{groupLabel}</th>
              {columns.map((c) => (
                <th key={c.label} scope="col">
                  {t(c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">{timeUnit ? groupName(g.key) : <Data>{g.key}</Data>}</th>
                {columns.map((c) => (
                  <td key={c.label}>{c.value(g)}</td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr class="total">
              <th scope="row">{t('stats.total')}</th>
              {columns.map((c) => (
                <td key={c.label} data-metric={c.label}>
                  {c.value(total)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </TableRegion>
    </div>
  );
}

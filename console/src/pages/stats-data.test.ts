/** A /stats answer as the charts draw it. */
import { describe, expect, it } from 'vitest';
import type { Metrics, Stats } from '../api/types.js';
import { seriesTotal, statsCharts } from './stats-data.js';

const metrics = (offered: number, answered: number, extra: Partial<Metrics> = {}): Metrics => ({
  offered,
  answered,
  abandoned: offered - answered,
  abandonedBy: { MEMBER_CANCEL: offered - answered, NO_AGENT_LOGIN: 0, NO_ASSIGN: 0, NO_AGENT_ANSWER: 0, OTHER: 0 },
  answerRate: offered ? answered / offered : null,
  averageSpeedOfAnswer: answered ? 4.5 : null,
  averageTalk: answered ? 61 : null,
  averageHold: null,
  serviceLevel: offered ? answered / offered : null,
  maxWait: 9,
  ...extra,
});

const stats = (groupBy: Stats['groupBy'], groups: Stats['groups'], timezone = 'UTC'): Stats => ({
  siteId: null,
  from: '2026-11-24T00:00:00Z',
  to: '2026-11-25T00:00:00Z',
  groupBy,
  timezone,
  serviceLevelSeconds: 20,
  groups,
  total: metrics(0, 0),
});

describe('statistics charts', () => {
  it('put hours on a time axis in the zone, and sum to the groups’ figures', () => {
    const c = statsCharts(stats('hour', [{ key: '2026-11-24T09:00:00+01:00', ...metrics(4, 3) }, { key: '2026-11-24T11:00:00+01:00', ...metrics(2, 2) }], 'Europe/Berlin'));
    expect(c.calls.x).toEqual([Date.parse('2026-11-24T08:00:00Z') / 1000, Date.parse('2026-11-24T10:00:00Z') / 1000]);
    expect(c.calls.categories).toBeUndefined();
    expect(c.calls.series.map(seriesTotal)).toEqual([6, 5, 1]);
    expect(c.rates.series[0].values).toEqual([75, 100]);
    expect(c.times.series.map((s) => s.values)).toEqual([
      [4.5, 4.5],
      [61, 61],
    ]);
  });

  it('put days on a time axis at their local midnight', () => {
    const c = statsCharts(stats('day', [{ key: '2026-11-24', ...metrics(1, 1) }], 'Asia/Shanghai'));
    expect(c.calls.x).toEqual([Date.parse('2026-11-23T16:00:00Z') / 1000]);
  });

  it('put queues and agents side by side, by name', () => {
    const c = statsCharts(stats('queue', [{ key: '630', ...metrics(3, 1) }, { key: '631', ...metrics(1, 0) }]));
    expect(c.calls.x).toEqual([0, 1]);
    expect(c.calls.categories).toEqual(['630', '631']);
    expect(c.rates.series[1].values).toEqual([33.3, 0]);
    expect(c.times.series[0].values).toEqual([4.5, null]);
  });

  it('leave out a time group it cannot read, and say so', () => {
    const c = statsCharts(stats('hour', [{ key: 'garbage', ...metrics(1, 1) }, { key: '2026-11-24T09:00:00Z', ...metrics(2, 1) }]));
    expect(c.skipped).toBe(1);
    expect(c.calls.series.map(seriesTotal)).toEqual([2, 1, 1]);
  });
});

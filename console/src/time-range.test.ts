/** Periods and input values in a site's zone, across a daylight-saving change. */
import { describe, expect, it } from 'vitest';
import { dateTimeInputValue, daysRange, groupStart, parseInputValue, periodRange } from './time-range.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('periods in a zone', () => {
  // 2026-03-29 is the day Berlin moves from +01:00 to +02:00 (a 23-hour day).
  const now = Date.parse('2026-03-29T15:00:00Z');

  it('are whole local days', () => {
    const today = periodRange('today', now, 'Europe/Berlin');
    expect([iso(today.fromMs), iso(today.toMs)]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const yesterday = periodRange('yesterday', now, 'Europe/Berlin');
    expect([iso(yesterday.fromMs), iso(yesterday.toMs)]).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z']);
    const week = periodRange('last7', now, 'Europe/Berlin');
    expect(iso(week.fromMs)).toBe('2026-03-22T23:00:00.000Z');
    const month = periodRange('thisMonth', now, 'Europe/Berlin');
    expect([iso(month.fromMs), iso(month.toMs)]).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    expect(periodRange('last30', now, 'UTC').fromMs).toBe(Date.parse('2026-02-28T00:00:00Z'));
  });

  it('roll over the year', () => {
    const r = periodRange('thisMonth', Date.parse('2026-12-31T23:30:00Z'), 'Asia/Shanghai');
    expect([iso(r.fromMs), iso(r.toMs)]).toEqual(['2026-12-31T16:00:00.000Z', '2027-01-31T16:00:00.000Z']);
  });

  it('of chosen days include both days', () => {
    const r = daysRange('2026-11-23', '2026-11-24', 'Asia/Shanghai')!;
    expect([iso(r.fromMs), iso(r.toMs)]).toEqual(['2026-11-22T16:00:00.000Z', '2026-11-24T16:00:00.000Z']);
    expect(daysRange('2026-11-31', '2026-12-01', 'UTC')).toBeUndefined();
    expect(daysRange('', '2026-12-01', 'UTC')).toBeUndefined();
  });
});

describe('input values in a zone', () => {
  it('go both ways', () => {
    const ms = Date.parse('2026-11-24T08:15:00Z');
    expect(dateTimeInputValue(ms, 'Asia/Shanghai')).toBe('2026-11-24T16:15');
    expect(parseInputValue('2026-11-24T16:15', 'Asia/Shanghai')).toBe(ms);
    expect(parseInputValue('2026-11-24T16:15:30', 'Asia/Shanghai')).toBe(ms + 30_000);
    expect(parseInputValue('2026-11-24', 'UTC')).toBe(Date.parse('2026-11-24T00:00:00Z'));
  });

  it('refuse what is not a date', () => {
    for (const bad of ['', '2026-02-30', '2026-13-01T00:00', '24.11.2026', '2026-11-24T25:00']) expect(parseInputValue(bad, 'UTC'), bad).toBeUndefined();
  });

  it('read statistics group keys', () => {
    expect(groupStart('2026-11-24T09:00:00+01:00', 'Europe/Berlin')).toBe(Date.parse('2026-11-24T08:00:00Z'));
    expect(groupStart('2026-11-24T09:00:00Z', 'UTC')).toBe(Date.parse('2026-11-24T09:00:00Z'));
    expect(groupStart('2026-11-24', 'Europe/Berlin')).toBe(Date.parse('2026-11-23T23:00:00Z'));
    expect(groupStart('630', 'UTC')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { cdrSortKey, daysBetween, monthsBetween, rollupReads } from './keys.js';

const t = (s: string) => Date.parse(s);

describe('keys', () => {
  it('pads sort keys so that string order is time order', () => {
    expect(cdrSortKey(1795510800000, 42)).toBe('001795510800000#000000000042');
    expect(cdrSortKey(999, 1) < cdrSortKey(1000, 0)).toBe(true);
  });

  it('lists the UTC months and days a range touches', () => {
    expect(monthsBetween(t('2026-11-30T23:00:00Z'), t('2027-01-01T00:00:01Z'))).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(daysBetween(t('2026-11-30T23:00:00Z'), t('2026-12-02T00:00:00Z'))).toEqual(['2026-11-30', '2026-12-01']);
  });
});

describe('rollupReads', () => {
  it('reads hourly items per month, from the first to the last hour', () => {
    expect(rollupReads('s', 'H', t('2026-11-30T20:00:00Z'), t('2026-12-01T02:00:00Z'))).toEqual([
      { PK: 'RU#s#H#2026-11', lo: '2026-11-30T20', hi: '2026-11-30T23' },
      { PK: 'RU#s#H#2026-12', lo: '2026-12-01T00', hi: '2026-12-01T01' },
    ]);
  });

  it('reads whole months from monthly items and the days around them from daily items', () => {
    expect(rollupReads('s', 'A', t('2026-10-30'), t('2027-02-03'))).toEqual([
      { PK: 'RU#s#A#2026-10', lo: '2026-10-30#', hi: '2026-11-01#' },
      { PK: 'RU#s#AM#2026', lo: '2026-11#', hi: '2027-01#' },
      { PK: 'RU#s#AM#2027', lo: '2027-01#', hi: '2027-02#' },
      { PK: 'RU#s#A#2027-02', lo: '2027-02-01#', hi: '2027-02-03#' },
    ]);
    expect(rollupReads('s', 'Q', t('2026-11-01'), t('2026-12-01'))).toEqual([{ PK: 'RU#s#QM#2026', lo: '2026-11#', hi: '2026-12#' }]);
  });

  it('reads a range without a whole month from daily items, in slices of days, per month', () => {
    expect(rollupReads('s', 'Q', t('2026-11-20'), t('2026-12-03'))).toEqual([
      { PK: 'RU#s#Q#2026-11', lo: '2026-11-20#', hi: '2026-11-24#' },
      { PK: 'RU#s#Q#2026-11', lo: '2026-11-24#', hi: '2026-11-28#' },
      { PK: 'RU#s#Q#2026-11', lo: '2026-11-28#', hi: '2026-12-01#' },
      { PK: 'RU#s#Q#2026-12', lo: '2026-12-01#', hi: '2026-12-03#' },
    ]);
    // `<day after>#` excludes that day: it sorts before `<day after>#<code>`.
    expect('2026-11-23#zzz' < '2026-11-24#').toBe(true);
    expect('2026-11-24#0' > '2026-11-24#').toBe(true);
  });
});

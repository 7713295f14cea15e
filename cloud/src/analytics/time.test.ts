import { describe, expect, it } from 'vitest';
import { localDayKey, localHourKey, localParts, parseInstant, validTimeZone, wholeHourOffsets } from './time.js';

describe('parseInstant', () => {
  it('accepts epoch ms, dates and date-times with an offset', () => {
    expect(parseInstant('1795510800000')).toBe(1795510800000);
    expect(parseInstant('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
    expect(parseInstant('2026-11-24T10:00:00Z')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseInstant('2026-11-24T10:00+01:00')).toBe(Date.UTC(2026, 10, 24, 9));
    expect(parseInstant('2026-11-24T10:00:00.250-02:30')).toBe(Date.UTC(2026, 10, 24, 12, 30, 0, 250));
  });

  it('refuses the rest with a reason', () => {
    for (const bad of ['', 'yesterday', '2026-11-24T10:00:00', '2026-02-30', '2026-13-01', '2026-11-24T24:00Z', '-5', '1e12', '2026-11-24 10:00:00Z']) {
      expect(typeof parseInstant(bad), bad).toBe('string');
    }
  });
});

describe('time zones', () => {
  it('formats local hours and days with the offset of the moment', () => {
    const winter = Date.UTC(2026, 10, 24, 9);
    expect(localHourKey(winter, 'UTC')).toBe('2026-11-24T09:00:00Z');
    expect(localHourKey(winter, 'Europe/Berlin')).toBe('2026-11-24T10:00:00+01:00');
    expect(localHourKey(Date.UTC(2026, 6, 1, 9), 'Europe/Berlin')).toBe('2026-07-01T11:00:00+02:00');
    expect(localHourKey(winter, 'America/New_York')).toBe('2026-11-24T04:00:00-05:00');
    expect(localDayKey(Date.UTC(2026, 10, 24, 23), 'Europe/Berlin')).toBe('2026-11-25');
    expect(localDayKey(Date.UTC(2026, 10, 24, 3), 'America/New_York')).toBe('2026-11-23');
    expect(localParts(Date.UTC(2026, 10, 24, 9), 'Asia/Kolkata').offsetMinutes).toBe(330);
  });

  it('tells zones whose hours line up with UTC hours', () => {
    const from = Date.UTC(2026, 0, 1);
    const to = Date.UTC(2026, 11, 31);
    expect(wholeHourOffsets('Europe/Berlin', from, to)).toBe(true);
    expect(wholeHourOffsets('Asia/Kolkata', from, from + 3_600_000)).toBe(false);
    expect(validTimeZone('Europe/Berlin')).toBe(true);
    expect(validTimeZone('Mars/Olympus')).toBe(false);
  });
});

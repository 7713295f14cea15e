import { describe, expect, it } from 'vitest';
import { dateTimeText, parseDateTimeText, zonedEpochMs, zonedFields } from './zoned-time.js';

describe('zonedEpochMs: wall-clock text back to the instant', () => {
  it('is the inverse of zonedFields across zones and a year of hours', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000 * 7 + 13_000) {
        const f = zonedFields(t, tz);
        const back = zonedEpochMs(f, tz);
        // Same wall clock either way; equal instants except in the repeated hour (then the earlier one).
        expect(dateTimeText(zonedFields(back, tz))).toBe(dateTimeText(f));
        expect(back).toBeLessThanOrEqual(Math.floor(t / 1000) * 1000);
      }
    }
  });

  it('takes the earlier instant of a wall time repeated when clocks go back (Berlin, 25 Oct 2026)', () => {
    const f = parseDateTimeText('2026-10-25 02:30:00')!;
    expect(new Date(zonedEpochMs(f, 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads the lab PBX (UTC) CDR times as the AMI Timestamp seconds', () => {
    // restart-midcall-ivr-trunk: EndTime 2026-12-06 21:41:56, Cdr Timestamp 1796593316.703137.
    expect(zonedEpochMs(parseDateTimeText('2026-12-06 21:41:56')!, 'UTC') / 1000).toBe(1796593316);
  });
});

describe('parseDateTimeText', () => {
  it('refuses what is not a real date and time', () => {
    for (const bad of ['2026-02-30 10:00:00', '2026-12-06 24:00:00', '2026-12-06T21:41:56', '2026-12-06 21:41', '', '2026-13-01 00:00:00']) {
      expect(parseDateTimeText(bad)).toBeUndefined();
    }
    expect(parseDateTimeText('2024-02-29 23:59:59')).toEqual({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59 });
  });
});

/**
 * Time ranges in a site's zone: the statistics page's periods (today,
 * yesterday, the last 7 or 30 days, this month) and the wall-clock text of
 * date and time inputs, converted with the same zone arithmetic the cloud and
 * relay use (protocol/src/zoned-time.ts). Pure: the current time is an argument.
 */

import { zonedEpochMs, zonedFields, type ZonedFields } from '../../protocol/src/zoned-time.js';

export const PERIODS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

export interface Range {
  fromMs: number;
  toMs: number;
}

/** The instant a local calendar day begins in `zone` (days may be negative or run past the month). */
function dayStart(year: number, month: number, day: number, zone: string): number {
  const d = new Date(Date.UTC(year, month - 1, day));
  return zonedEpochMs({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0, second: 0 }, zone);
}

/** [from, to) of a period around `nowMs`, in whole local days of `zone`. */
export function periodRange(period: Exclude<Period, 'custom'>, nowMs: number, zone: string): Range {
  const f = zonedFields(nowMs, zone);
  const day = (offset: number) => dayStart(f.year, f.month, f.day + offset, zone);
  switch (period) {
    case 'today':
      return { fromMs: day(0), toMs: day(1) };
    case 'yesterday':
      return { fromMs: day(-1), toMs: day(0) };
    case 'last7':
      return { fromMs: day(-6), toMs: day(1) };
    case 'last30':
      return { fromMs: day(-29), toMs: day(1) };
    case 'thisMonth':
      return { fromMs: dayStart(f.year, f.month, 1, zone), toMs: dayStart(f.year, f.month + 1, 1, zone) };
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** [start of `from`, end of `to`) for two `YYYY-MM-DD` dates in `zone`, both days included; undefined when either is not a date. */
export function daysRange(from: string, to: string, zone: string): Range | undefined {
  const a = DATE.exec(from.trim());
  const b = DATE.exec(to.trim());
  if (!a || !b || parseInputValue(from, zone) === undefined || parseInputValue(to, zone) === undefined) return undefined;
  return { fromMs: dayStart(+a[1], +a[2], +a[3], zone), toMs: dayStart(+b[1], +b[2], +b[3] + 1, zone) };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DDTHH:MM`, the value of an <input type="datetime-local">, for an instant in `zone`. */
export function dateTimeInputValue(ms: number, zone: string): string {
  const f = zonedFields(ms, zone);
  return `${f.year}-${two(f.month)}-${two(f.day)}T${two(f.hour)}:${two(f.minute)}`;
}

/** `YYYY-MM-DD`, the value of an <input type="date">, for an instant in `zone`. */
export function dateInputValue(ms: number, zone: string): string {
  return dateTimeInputValue(ms, zone).slice(0, 10);
}

const INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The instant an input's wall-clock text (`YYYY-MM-DD[THH:MM[:SS]]`) names in `zone`; undefined when it is not one. */
export function parseInputValue(value: string, zone: string): number | undefined {
  const m = INPUT.exec(value.trim());
  if (!m) return undefined;
  const f: ZonedFields = { year: +m[1], month: +m[2], day: +m[3], hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) };
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  const ms = zonedEpochMs(f, zone);
  // 31 February and the like roll over into another date: not what was typed.
  const back = zonedFields(ms, zone);
  return back.day === f.day && back.month === f.month ? ms : undefined;
}

/** Start (epoch ms) of a statistics group's time key: `2026-11-24T09:00:00+01:00` (hour) or `2026-11-24` (a day in `zone`). */
export function groupStart(key: string, zone: string): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(key)) return parseInputValue(key, zone);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/.test(key)) return undefined;
  const ms = Date.parse(key);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Instants in query parameters, and IANA time zones for regrouping hourly
 * rollups into local hours and days. Pure.
 */

import { DAY_MS, HOUR_MS } from './keys.js';
import { zonedFields } from '../../../protocol/src/zoned-time.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const EPOCH_MS = /^\d{1,15}$/;

/**
 * An instant: epoch milliseconds (digits only) or ISO 8601 — a date
 * (`2026-11-24`, midnight UTC) or a date-time with its offset
 * (`2026-11-24T09:00:00Z`, `…+01:00`). A date-time without an offset is
 * refused rather than guessed. Returns an error message when invalid.
 */
export function parseInstant(value: string): number | string {
  if (EPOCH_MS.test(value)) return Number(value);
  const m = ISO.exec(value);
  if (!m) return 'expected ISO 8601 (2026-11-24, 2026-11-24T09:00:00Z, 2026-11-24T10:00:00+01:00) or epoch milliseconds';
  const [, y, mo, d, h, mi, , , zone] = m;
  if (h !== undefined && zone === undefined) return 'a date-time needs its offset (Z or ±hh:mm)';
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return 'not a calendar date';
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return 'not a time of day';
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : 'not a valid instant';
}

export { isTimeZone as validTimeZone } from '../../../protocol/src/zoned-time.js';

/** Local wall-clock fields of an instant in a zone, and the zone's offset then (minutes east of UTC). */
export function localParts(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; offsetMinutes: number } {
  const parts = zonedFields(ms, timeZone);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offsetMinutes = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, offsetMinutes };
}

const two = (n: number) => String(n).padStart(2, '0');

function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}

/** The hour starting at `ms`, as ISO 8601 in the zone: `2026-11-24T10:00:00+01:00` (`Z` in UTC). */
export function localHourKey(ms: number, timeZone: string): string {
  if (timeZone === 'UTC') return new Date(ms).toISOString().slice(0, 13) + ':00:00Z';
  const p = localParts(ms, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:00:00${offsetText(p.offsetMinutes)}`;
}

/** The local date of an instant in the zone: `2026-11-24`. */
export function localDayKey(ms: number, timeZone: string): string {
  if (timeZone === 'UTC') return new Date(ms).toISOString().slice(0, 10);
  const p = localParts(ms, timeZone);
  return `${p.year}-${two(p.month)}-${two(p.day)}`;
}

/**
 * Whether every UTC hour in [fromMs, toMs) lies within one local hour of the
 * zone, i.e. the zone's offset is a whole number of hours throughout: only
 * then can hourly rollups be regrouped into its hours and days exactly.
 */
export function wholeHourOffsets(timeZone: string, fromMs: number, toMs: number): boolean {
  if (timeZone === 'UTC') return true;
  const offset = (t: number) => localParts(t, timeZone).offsetMinutes;
  // Offsets change at most once a day: sample daily, and look at every hour of a day where it changed.
  let prev = offset(fromMs);
  if (prev % 60 !== 0) return false;
  for (let day = fromMs; day < toMs; day += DAY_MS) {
    const end = Math.min(toMs, day + DAY_MS);
    const next = offset(end - 1);
    if (next !== prev) for (let t = day; t < end; t += HOUR_MS) if (offset(t) % 60 !== 0) return false;
    if (next % 60 !== 0) return false;
    prev = next;
  }
  return true;
}

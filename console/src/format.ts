/**
 * Numbers, durations and times as the reader's language writes them (Intl),
 * times in the zone they belong to (the site's). A missing value is a dash.
 */

import type { Locale } from './i18n/index.js';

export const NONE = '–';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

export function formatNumber(n: number | null | undefined, locale: Locale): string {
  if (n === null || n === undefined) return NONE;
  return cached(`n|${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}

/** A 0–1 ratio as a percentage (one decimal at most). */
export function formatPercent(ratio: number | null | undefined, locale: Locale): string {
  if (ratio === null || ratio === undefined) return NONE;
  return cached(`p|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })).format(ratio);
}

/** Seconds, with the language's unit (`12.5 sec`, `12.5秒`). */
export function formatSeconds(seconds: number | null | undefined, locale: Locale): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  return cached(`s|${locale}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 })).format(seconds);
}

/** Milliseconds, with the language's unit. */
export function formatMs(ms: number | null | undefined, locale: Locale): string {
  if (ms === null || ms === undefined) return NONE;
  return cached(`ms|${locale}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 })).format(ms);
}

/** The reader's own zone (for what belongs to no site: webhook deliveries). */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** An instant (ISO text or epoch ms) as date and time in `timeZone`. */
export function formatInstant(at: string | number | null | undefined, timeZone: string, locale: Locale): string {
  if (at === null || at === undefined || at === '') return NONE;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return cached(`dt|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'medium' })).format(d);
}

/** A statistics group's time key (`2026-11-24T09:00:00+01:00`, `2026-11-24`) as the language writes it. */
export function formatPeriod(epochMs: number, unit: 'hour' | 'day', timeZone: string, locale: Locale): string {
  const options: Intl.DateTimeFormatOptions =
    unit === 'hour' ? { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } : { timeZone, year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' };
  return cached(`pd|${locale}|${timeZone}|${unit}`, () => new Intl.DateTimeFormat(locale, options)).format(new Date(epochMs));
}

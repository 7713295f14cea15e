/**
 * Wall-clock fields of an instant in an IANA time zone, for everything that
 * writes or groups local times: the relay's box timestamps, the box's
 * md5(WEBKEY + date) check, the statistics' hours and days. One cached
 * formatter per zone: building an Intl.DateTimeFormat costs far more than
 * using one, and the relay formats a time for nearly every event.
 */

export interface ZonedFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(key, f);
  }
  return f;
}

/** The fields of `epochMs` in `timeZone` (undefined: the host's zone). */
export function zonedFields(epochMs: number, timeZone?: string): ZonedFields {
  const out: ZonedFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type in out) out[p.type as keyof ZonedFields] = Number(p.value);
  }
  return out;
}

/** Whether `tz` names a time zone this runtime knows (e.g. Europe/Berlin). */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of the fields. */
export function dateText(f: ZonedFields): string {
  return `${f.year}-${two(f.month)}-${two(f.day)}`;
}

/** `YYYY-MM-DD HH:MM:SS` of the fields. */
export function dateTimeText(f: ZonedFields): string {
  return `${dateText(f)} ${two(f.hour)}:${two(f.minute)}:${two(f.second)}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The fields of a `YYYY-MM-DD HH:MM:SS` text; undefined when it is not one (or not a real date). */
export function parseDateTimeText(text: string): ZonedFields | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const f: ZonedFields = { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: +m[6] };
  const leap = f.month === 2 && f.year % 4 === 0 && (f.year % 100 !== 0 || f.year % 400 === 0);
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > DAYS_IN_MONTH[f.month - 1] + (leap ? 1 : 0)) return undefined;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  return f;
}

/**
 * The instant whose wall clock in `timeZone` reads `f` (the inverse of
 * zonedFields). Asterisk writes CDR times as local wall-clock text, so the
 * instant is found by correcting a UTC guess with the zone's offset there;
 * a wall time repeated when clocks go back gives the earlier instant (one
 * skipped when they go forward cannot come from Asterisk; it gets the offset
 * in force at the UTC guess).
 */
export function zonedEpochMs(f: ZonedFields, timeZone?: string): number {
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const offsetAt = (t: number) => {
    const z = zonedFields(t, timeZone);
    return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute, z.second) - t;
  };
  // The offsets a day before and after cover both sides of a change; the earlier instant that maps back wins.
  const candidates = [wall - offsetAt(wall - 86_400_000), wall - offsetAt(wall), wall - offsetAt(wall + 86_400_000)];
  const exact = candidates.filter((t) => offsetAt(t) === wall - t).sort((a, b) => a - b);
  return exact.length > 0 ? exact[0] : wall - offsetAt(wall);
}

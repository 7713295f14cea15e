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

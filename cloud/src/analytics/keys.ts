/**
 * Keys of the analytics items in the events table (see README "CDR search
 * and call-center statistics"). Everything here is pure.
 *
 *   CDR      PK CDR#<siteId>#<type>#<YYYY-MM-DD>      SK <ms, 15 digits>#<seq, 12 digits>
 *            GSI1PK CDRC#<siteId>#<type>#<caller>#<YYYY-MM>  GSI1SK = SK   (caller known)
 *            GSI2PK CDRA#<siteId>#<agentCode>#<YYYY-MM>      GSI2SK = SK   (cc_cdr answered)
 *   rollups  PK RU#<siteId>#H#<YYYY-MM>   SK <YYYY-MM-DDTHH>          one per site and UTC hour
 *            PK RU#<siteId>#Q#<YYYY-MM>   SK <YYYY-MM-DD>#<queueCode>  one per site, UTC day, queue
 *            PK RU#<siteId>#QM#<YYYY>     SK <YYYY-MM>#<queueCode>     one per site, UTC month, queue
 *            PK RU#<siteId>#A#<YYYY-MM>   SK <YYYY-MM-DD>#<agentCode>  one per site, UTC day, agent
 *            PK RU#<siteId>#AM#<YYYY>     SK <YYYY-MM>#<agentCode>     one per site, UTC month, agent
 *
 * The time of a record is its event's `occurredAt` (the box's `timestamp`, in
 * UTC): the moment the record was produced, i.e. when the call (and, for
 * cc_cdr, its after-call work) ended.
 */

export type CdrType = 'cdr' | 'cc_cdr';
export const CDR_TYPES: readonly CdrType[] = ['cdr', 'cc_cdr'];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function pad15(ms: number): string {
  return String(ms).padStart(15, '0');
}

export function pad12(seq: number): string {
  return String(seq).padStart(12, '0');
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM` of an instant, in UTC. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** `YYYY-MM-DDTHH` of an instant, in UTC. */
export function utcHour(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

export function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}

export function ceilTo(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}

/** First instant of the UTC month after the one holding `ms`. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** UTC months (`YYYY-MM`) touched by [fromMs, toMs). */
export function monthsBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let m = fromMs; m < toMs; m = nextMonthStart(m)) out.push(utcMonth(m));
  return out;
}

/** UTC days (`YYYY-MM-DD`) touched by [fromMs, toMs). */
export function daysBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let d = floorTo(fromMs, DAY_MS); d < toMs; d += DAY_MS) out.push(utcDay(d));
  return out;
}

/** Sort key of a record: time, then the site's sequence number (unique per site). */
export function cdrSortKey(ms: number, seq: number): string {
  return `${pad15(ms)}#${pad12(seq)}`;
}

export function cdrPartition(siteId: string, type: CdrType, ms: number): string {
  return `CDR#${siteId}#${type}#${utcDay(ms)}`;
}

export function cdrDayPartition(siteId: string, type: CdrType, day: string): string {
  return `CDR#${siteId}#${type}#${day}`;
}

/** Index values longer than this are not indexed (GSI key size limits); queries fall back to the base table. */
export const MAX_INDEXED_VALUE = 256;

/** Whether a caller/agent value gets an index entry (and so may be looked up through the index). */
export function indexable(value: string): boolean {
  return value.length > 0 && value.length <= MAX_INDEXED_VALUE;
}

export function callerPartition(siteId: string, type: CdrType, caller: string, month: string): string {
  return `CDRC#${siteId}#${type}#${caller}#${month}`;
}

export function agentPartition(siteId: string, agent: string, month: string): string {
  return `CDRA#${siteId}#${agent}#${month}`;
}

export type RollupKind = 'H' | 'Q' | 'A' | 'QM' | 'AM';

/** `RU#<siteId>#<kind>#<period>`: period is the month (H, Q, A) or the year (QM, AM). */
export function rollupPartition(siteId: string, kind: RollupKind, period: string): string {
  return `RU#${siteId}#${kind}#${period}`;
}

/** Key of the hourly rollup item holding an `YYYY-MM-DDTHH` hour. */
export function hourItemKey(siteId: string, hour: string): { PK: string; SK: string } {
  return { PK: rollupPartition(siteId, 'H', hour.slice(0, 7)), SK: hour };
}

/** Key of the daily rollup item of a queue or an agent. */
export function dayItemKey(siteId: string, kind: 'Q' | 'A', day: string, code: string): { PK: string; SK: string } {
  return { PK: rollupPartition(siteId, kind, day.slice(0, 7)), SK: `${day}#${code}` };
}

/** Key of the monthly rollup item of a queue or an agent. */
export function monthItemKey(siteId: string, kind: 'QM' | 'AM', month: string, code: string): { PK: string; SK: string } {
  return { PK: rollupPartition(siteId, kind, month.slice(0, 4)), SK: `${month}#${code}` };
}

/** One Query of rollup items: a partition and an inclusive sort-key range. */
export interface RollupRead {
  PK: string;
  lo: string;
  hi: string;
}

/** Daily items are read in slices of this many days at once (a busy site's month of agents is a few MB). */
export const SLICE_DAYS = 4;

function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextYearStart(ms: number): number {
  return Date.UTC(new Date(ms).getUTCFullYear() + 1, 0, 1);
}

/**
 * The Queries that read a site's rollups of one grouping over [fromMs, toMs):
 * - hourly (H): one per month, SK between the first and the last hour;
 * - queue/agent (Q, A): whole months inside the range from the monthly items
 *   (one Query per year), the days before and after them from the daily items
 *   (per month, in slices of SLICE_DAYS days read in parallel).
 * `fromMs`/`toMs` are whole hours (H) or whole UTC days (Q, A). A bound `<x>#`
 * sorts after every `<x − 1>#<code>` and before every `<x>#<code>`.
 */
export function rollupReads(siteId: string, kind: 'H' | 'Q' | 'A', fromMs: number, toMs: number): RollupRead[] {
  const reads: RollupRead[] = [];
  if (kind === 'H') {
    for (let s = fromMs; s < toMs; s = nextMonthStart(s)) {
      const e = Math.min(toMs, nextMonthStart(s));
      reads.push({ PK: rollupPartition(siteId, 'H', utcMonth(s)), lo: utcHour(s), hi: utcHour(e - HOUR_MS) });
    }
    return reads;
  }
  const days = (from: number, to: number) => {
    for (let m = from; m < to; m = nextMonthStart(m)) {
      const end = Math.min(to, nextMonthStart(m));
      for (let s = m; s < end; s += SLICE_DAYS * DAY_MS) {
        const e = Math.min(end, s + SLICE_DAYS * DAY_MS);
        reads.push({ PK: rollupPartition(siteId, kind, utcMonth(s)), lo: `${utcDay(s)}#`, hi: `${utcDay(e)}#` });
      }
    }
  };
  const firstWhole = fromMs === monthStart(fromMs) ? fromMs : nextMonthStart(fromMs);
  const lastWhole = monthStart(toMs);
  if (firstWhole >= lastWhole) {
    days(fromMs, toMs);
    return reads;
  }
  days(fromMs, firstWhole);
  for (let y = firstWhole; y < lastWhole; y = nextYearStart(y)) {
    const e = Math.min(lastWhole, nextYearStart(y));
    reads.push({ PK: rollupPartition(siteId, kind === 'Q' ? 'QM' : 'AM', String(new Date(y).getUTCFullYear())), lo: `${utcMonth(y)}#`, hi: `${utcMonth(e)}#` });
  }
  days(lastWhole, toMs);
  return reads;
}

/**
 * The test's own, straightforward computations from the generated records:
 * what /stats and /cdrs must answer. Deliberately independent of the code
 * under test (no rollups, no shared helpers).
 */

import type { StoredEvent } from '../../cloud/src/store/events.js';

type Data = Record<string, unknown>;
const d = (e: StoredEvent) => e.data as unknown as Data;
export const msOf = (e: StoredEvent) => Date.parse(e.occurredAt);
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v) || 0);
const r4 = (x: number) => Math.round(x * 10000) / 10000;
const r2 = (x: number) => Math.round(x * 100) / 100;

export function metrics(calls: StoredEvent[], sl: number) {
  const answered = calls.filter((e) => d(e).agentCode !== '');
  const by = (cause: string) => calls.filter((e) => d(e).agentCode === '' && (cause === 'OTHER' ? !['MEMBER_CANCEL', 'NO_AGENT_LOGIN', 'NO_ASSIGN', 'NO_AGENT_ANSWER'].includes(d(e).missCause as string) : d(e).missCause === cause)).length;
  const sum = (list: StoredEvent[], f: string) => list.reduce((s, e) => s + num(d(e)[f]), 0);
  const offered = calls.length;
  return {
    offered,
    answered: answered.length,
    abandoned: offered - answered.length,
    abandonedBy: { MEMBER_CANCEL: by('MEMBER_CANCEL'), NO_AGENT_LOGIN: by('NO_AGENT_LOGIN'), NO_ASSIGN: by('NO_ASSIGN'), NO_AGENT_ANSWER: by('NO_AGENT_ANSWER'), OTHER: by('OTHER') },
    answerRate: offered ? r4(answered.length / offered) : null,
    averageSpeedOfAnswer: answered.length ? r2(sum(answered, 'queueTime') / answered.length) : null,
    averageTalk: answered.length ? r2(sum(answered, 'talkingTime') / answered.length) : null,
    averageHold: answered.length ? r2(sum(answered, 'holdTime') / answered.length) : null,
    serviceLevel: offered ? r4(answered.filter((e) => num(d(e).queueTime) <= sl).length / offered) : null,
    maxWait: offered ? Math.max(...calls.map((e) => num(d(e).queueTime))) : null,
  };
}

export interface StatsCase {
  sites: string[];
  fromMs: number;
  toMs: number;
  groupBy: 'hour' | 'day' | 'queue' | 'agent';
  sl: number;
  timeZone?: string;
}

export function expectedStats(events: StoredEvent[], c: StatsCase) {
  const calls = events.filter((e) => e.type === 'cc_cdr' && c.sites.includes(e.siteId) && msOf(e) >= c.fromMs && msOf(e) < c.toMs && d(e).queueCode !== '');
  const keyOf = (e: StoredEvent): string | undefined => {
    const ms = msOf(e);
    switch (c.groupBy) {
      case 'hour':
        return new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString().slice(0, 19) + 'Z';
      case 'day':
        return c.timeZone ? new Date(ms).toLocaleDateString('sv-SE', { timeZone: c.timeZone }) : e.occurredAt.slice(0, 10);
      case 'queue':
        return d(e).queueCode as string;
      case 'agent':
        return (d(e).agentCode as string) || undefined;
    }
  };
  const groups = new Map<string, StoredEvent[]>();
  for (const e of calls) {
    const k = keyOf(e);
    if (k === undefined) continue;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const keys = [...groups.keys()].sort(c.groupBy === 'queue' || c.groupBy === 'agent' ? (a, b) => Number(a) - Number(b) : undefined);
  return { groups: keys.map((key) => ({ key, ...metrics(groups.get(key)!, c.sl) })), total: metrics(calls, c.sl) };
}

export interface SearchCase {
  sites: string[];
  type: 'cdr' | 'cc_cdr';
  fromMs: number;
  toMs: number;
  /** box field → exact value, or prefix when ending in `*`. */
  where?: Record<string, string>;
}

export function expectedRows(events: StoredEvent[], c: SearchCase) {
  return events
    .filter((e) => e.type === c.type && c.sites.includes(e.siteId) && msOf(e) >= c.fromMs && msOf(e) < c.toMs)
    .filter((e) =>
      Object.entries(c.where ?? {}).every(([field, v]) => {
        const actual = String(d(e)[field]);
        return v.endsWith('*') ? actual.startsWith(v.slice(0, -1)) : actual === v;
      }),
    )
    .sort((a, b) => msOf(a) - msOf(b) || (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0) || a.seq - b.seq)
    .map((e) => ({ id: e.id, siteId: e.siteId, seq: e.seq, type: e.type, occurredAt: e.occurredAt, data: e.data }));
}

/** A plain RFC 4180 parser: rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

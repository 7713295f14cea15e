/**
 * What one cc_cdr adds to the call-center rollups, and how counters become
 * the statistics. Pure: the store turns a delta into DynamoDB `ADD`s, the
 * benchmark folds deltas in memory, and both read them back through
 * `metricsOf`.
 *
 * Definitions (per cc_cdr record):
 *   offered    the record has a queue (`queueCode` not empty); records without
 *              one (IVR only) are not counted at all
 *   answered   offered and `agentCode` not empty (an agent took it: cdrState bridged)
 *   abandoned  offered − answered, split by `missCause` (an empty or unknown
 *              cause counts as OTHER)
 *   wait       `queueTime` in seconds
 *   ASA        mean wait of the answered; average talk = mean `talkingTime` of
 *              the answered; average hold = mean `holdTime` of the answered
 *   service level  answered with wait ≤ T seconds ÷ offered, for T one of
 *              SL_BOUNDS (a cumulative counter per bound)
 *   max wait   the longest wait of any offered call (kept by a conditional
 *              update, not a counter)
 */

import { MISS_CAUSES, type CcCdrEvent } from '../../../protocol/src/events/box-events.js';
import { dayItemKey, hourItemKey, monthItemKey, utcDay, utcHour } from './keys.js';

export { MISS_CAUSES };
export type MissCause = (typeof MISS_CAUSES)[number] | 'OTHER';
export const ABANDON_KEYS: readonly MissCause[] = [...MISS_CAUSES, 'OTHER'];

/** Service-level thresholds (seconds) the rollups can answer for. */
export const SL_BOUNDS = [5, 10, 15, 20, 25, 30, 45, 60, 90, 120] as const;
export const DEFAULT_SL_SECONDS = 20;

/** Counter attribute names, flat so that each is a plain `ADD`. */
export const COUNTER = {
  offered: 'offered',
  answered: 'answered',
  waitSum: 'waitSum',
  talkSum: 'talkSum',
  holdSum: 'holdSum',
  abandoned: (cause: MissCause) => `ab_${cause}`,
  within: (bound: number) => `sl_${bound}`,
} as const;
export const MAX_WAIT = 'maxWait';
const MAX_CODE = 200;

/** Attribute name → value; a missing counter is 0, a missing maxWait is "no offered call". */
export type Counters = Record<string, number>;

export interface RollupDelta {
  /** `YYYY-MM-DDTHH` (UTC) of the record's time. */
  hour: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  queue: string;
  /** The answering agent, when answered. */
  agent?: string;
  /** Counter increments (only non-zero ones). */
  add: Counters;
  /** The record's wait, for maxWait. */
  wait: number;
}

/** A non-negative whole number of seconds from a box field ("7", 7, "", junk → 0). */
export function seconds(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function missCauseOf(value: unknown): MissCause {
  return (MISS_CAUSES as readonly string[]).includes(value as string) ? (value as MissCause) : 'OTHER';
}

/** What one cc_cdr (at `occurredAt`, ISO) adds; undefined when it is not counted (no queue). */
export function rollupDelta(cc: Partial<CcCdrEvent>, occurredAt: string): RollupDelta | undefined {
  // Codes become part of a sort key: absurdly long ones are cut (1,024-byte key limit).
  const queue = typeof cc.queueCode === 'string' ? cc.queueCode.slice(0, MAX_CODE) : '';
  if (queue === '') return undefined;
  const ms = Date.parse(occurredAt);
  if (!Number.isFinite(ms)) return undefined;
  const agent = typeof cc.agentCode === 'string' ? cc.agentCode.slice(0, MAX_CODE) : '';
  const wait = seconds(cc.queueTime);
  const add: Counters = { [COUNTER.offered]: 1 };
  if (agent !== '') {
    add[COUNTER.answered] = 1;
    const talk = seconds(cc.talkingTime);
    const hold = seconds(cc.holdTime);
    if (wait > 0) add[COUNTER.waitSum] = wait;
    if (talk > 0) add[COUNTER.talkSum] = talk;
    if (hold > 0) add[COUNTER.holdSum] = hold;
    for (const b of SL_BOUNDS) if (wait <= b) add[COUNTER.within(b)] = 1;
  } else {
    add[COUNTER.abandoned(missCauseOf(cc.missCause))] = 1;
  }
  return { hour: utcHour(ms), day: utcDay(ms), queue, ...(agent !== '' ? { agent } : {}), add, wait };
}

/** Fold one delta (or another item's counters) into `into`, maxWait included. */
export function addCounters(into: Counters, add: Counters, wait?: number): Counters {
  for (const [k, v] of Object.entries(add)) {
    if (k === MAX_WAIT) into[k] = Math.max(into[k] ?? 0, v);
    else into[k] = (into[k] ?? 0) + v;
  }
  if (wait !== undefined) into[MAX_WAIT] = Math.max(into[MAX_WAIT] ?? 0, wait);
  return into;
}

/** The counters of a stored rollup item (ignores its keys and other attributes). */
export function countersOf(item: Record<string, unknown>): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(item)) {
    if (typeof v !== 'number') continue;
    if (k === COUNTER.offered || k === COUNTER.answered || k === COUNTER.waitSum || k === COUNTER.talkSum || k === COUNTER.holdSum || k === MAX_WAIT || k.startsWith('ab_') || k.startsWith('sl_')) out[k] = v;
  }
  return out;
}

export interface Metrics {
  offered: number;
  answered: number;
  abandoned: number;
  abandonedBy: Record<MissCause, number>;
  /** answered ÷ offered, 0..1 (4 decimals); null with nothing offered. */
  answerRate: number | null;
  /** Seconds (2 decimals); null with nothing answered. */
  averageSpeedOfAnswer: number | null;
  averageTalk: number | null;
  averageHold: number | null;
  /** answered within the threshold ÷ offered, 0..1 (4 decimals); null with nothing offered. */
  serviceLevel: number | null;
  /** Seconds; null with nothing offered. */
  maxWait: number | null;
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function metricsOf(c: Counters, slSeconds: number): Metrics {
  const get = (k: string) => c[k] ?? 0;
  const offered = get(COUNTER.offered);
  const answered = get(COUNTER.answered);
  const abandonedBy = Object.fromEntries(ABANDON_KEYS.map((k) => [k, get(COUNTER.abandoned(k))])) as Record<MissCause, number>;
  return {
    offered,
    answered,
    abandoned: offered - answered,
    abandonedBy,
    answerRate: offered > 0 ? round(answered / offered, 4) : null,
    averageSpeedOfAnswer: answered > 0 ? round(get(COUNTER.waitSum) / answered, 2) : null,
    averageTalk: answered > 0 ? round(get(COUNTER.talkSum) / answered, 2) : null,
    averageHold: answered > 0 ? round(get(COUNTER.holdSum) / answered, 2) : null,
    serviceLevel: offered > 0 ? round(get(COUNTER.within(slSeconds)) / offered, 4) : null,
    maxWait: offered > 0 ? get(MAX_WAIT) : null,
  };
}

/**
 * The UpdateItem parts that add a delta's counters to a rollup item (and set
 * its descriptive attributes). Names and values are placeholders, so any
 * counter name is safe.
 */
export function counterUpdate(add: Counters, describe: Record<string, string>): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const adds: string[] = [];
  Object.entries(describe).forEach(([k, v], i) => {
    names[`#d${i}`] = k;
    values[`:d${i}`] = v;
    sets.push(`#d${i} = :d${i}`);
  });
  Object.entries(add).forEach(([k, v], i) => {
    names[`#c${i}`] = k;
    values[`:c${i}`] = v;
    adds.push(`#c${i} :c${i}`);
  });
  const parts: string[] = [];
  if (sets.length) parts.push(`SET ${sets.join(', ')}`);
  if (adds.length) parts.push(`ADD ${adds.join(', ')}`);
  return { UpdateExpression: parts.join(' '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** The rollup items a delta updates: the site's hour, its queue's day and month, and (answered) its agent's day and month. */
export function rollupTargets(siteId: string, delta: RollupDelta): Array<{ key: { PK: string; SK: string }; describe: Record<string, string> }> {
  const month = delta.day.slice(0, 7);
  const out: Array<{ key: { PK: string; SK: string }; describe: Record<string, string> }> = [
    { key: hourItemKey(siteId, delta.hour), describe: { kind: 'rollup-hour', siteId, hour: delta.hour } },
    { key: dayItemKey(siteId, 'Q', delta.day, delta.queue), describe: { kind: 'rollup-queue-day', siteId, day: delta.day, queue: delta.queue } },
    { key: monthItemKey(siteId, 'QM', month, delta.queue), describe: { kind: 'rollup-queue-month', siteId, month, queue: delta.queue } },
  ];
  if (delta.agent !== undefined) {
    out.push({ key: dayItemKey(siteId, 'A', delta.day, delta.agent), describe: { kind: 'rollup-agent-day', siteId, day: delta.day, agent: delta.agent } });
    out.push({ key: monthItemKey(siteId, 'AM', month, delta.agent), describe: { kind: 'rollup-agent-month', siteId, month, agent: delta.agent } });
  }
  return out;
}

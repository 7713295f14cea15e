/**
 * Reads the per-hop marks the relay and cloud processes write when
 * COOCENTER_HOP_MARKS names a directory (protocol/src/hop-marks.ts) and
 * splits each sample's latency into the time between consecutive hops.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summary } from './support.js';

/** The hops in path order, as the processes name them (the bench adds the first and the last). */
export const HOPS = [
  'ami.written',
  'relay.mapped',
  'relay.journaled',
  'relay.durable',
  'relay.sent',
  'cloud.received',
  'cloud.storing',
  'cloud.written',
  'cloud.stored',
  'stream.sent',
  'client.received',
] as const;

export interface HopFiles {
  /** hop → seq → first time it passed (ms). */
  at: Map<string, Map<number, number>>;
  /** pid → the event loop's delay per half second: p99 and max (ms). */
  loopDelay: Map<number, Array<{ p99: number; max: number }>>;
}

export function readHopFiles(dir: string): HopFiles {
  const at = new Map<string, Map<number, number>>();
  const loopDelay = new Map<number, Array<{ p99: number; max: number }>>();
  for (const name of readdirSync(dir)) {
    const pid = Number(name.split('.')[0]);
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const [hop, a, b, c] = line.split(' ');
      if (hop === 'eld') {
        if (!loopDelay.has(pid)) loopDelay.set(pid, []);
        loopDelay.get(pid)!.push({ p99: Number(b), max: Number(c) });
      } else if (hop && a) {
        if (!at.has(hop)) at.set(hop, new Map());
        const bySeq = at.get(hop)!;
        const seq = Number(a);
        const t = Number(b);
        if (!bySeq.has(seq) || bySeq.get(seq)! > t) bySeq.set(seq, t);
      }
    }
  }
  return { at, loopDelay };
}

/** For each pair of consecutive hops, the p50/p99 of the time between them over the samples (seqs). */
export function hopBreakdown(files: HopFiles, seqs: number[]): Record<string, { p50: number; p99: number; mean: number; n: number }> {
  const out: Record<string, ReturnType<typeof summary>> = {};
  for (let i = 1; i < HOPS.length; i++) {
    const from = files.at.get(HOPS[i - 1]);
    const to = files.at.get(HOPS[i]);
    const d: number[] = [];
    for (const seq of seqs) {
      const a = from?.get(seq);
      const b = to?.get(seq);
      if (a !== undefined && b !== undefined) d.push(b - a);
    }
    out[`${HOPS[i - 1]} → ${HOPS[i]}`] = summary(d);
  }
  return Object.fromEntries(Object.entries(out).map(([k, { p50, p99, mean, n }]) => [k, { p50, p99, mean, n }]));
}

/** A process's event-loop delay over the run: the worst half-second's p99 and max, and the median half-second's p99 (ms). */
export function loopDelayOf(files: HopFiles, pid: number | undefined): { medianP99: number; worstP99: number; max: number } | undefined {
  const periods = pid === undefined ? undefined : files.loopDelay.get(pid);
  if (!periods || periods.length === 0) return undefined;
  const p99s = periods.map((p) => p.p99).sort((a, b) => a - b);
  return { medianP99: p99s[Math.floor(p99s.length / 2)], worstP99: p99s[p99s.length - 1], max: Math.max(...periods.map((p) => p.max)) };
}

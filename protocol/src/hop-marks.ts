/**
 * Per-hop timestamps of events on their way through relay and cloud, for the
 * screen-pop bench (bench/screen-pop.ts) only. Off unless the environment
 * variable COOCENTER_HOP_MARKS names a directory; off, `hopMarks` is
 * undefined and a call site `hopMarks?.mark(hop, seqs())` evaluates nothing
 * (optional chaining skips the arguments), so the event path pays one
 * property read.
 *
 * On, each process keeps `hop seq ms` triples in memory (ms: wall-clock epoch
 * milliseconds with sub-millisecond precision, comparable across processes on
 * one machine) and appends them to `<dir>/<pid>.marks` every half second and
 * at exit, one line each, with a line `eld p50 p99 max` (the event loop's delay
 * over the last period, ms) per period. The bench joins the lines by seq.
 */

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface HopMarks {
  /** These seqs passed `hop` now. */
  mark(hop: string, seqs: Iterable<number>): void;
}

const FLUSH_MS = 500;

function fileMarks(dir: string): HopMarks {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.marks`);
  let lines: string[] = [];
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const flush = () => {
    const ms = (n: number) => (n / 1e6).toFixed(1);
    if (eld.count > 0) lines.push(`eld ${ms(eld.percentile(50))} ${ms(eld.percentile(99))} ${ms(eld.max)}`);
    eld.reset();
    if (lines.length === 0) return;
    appendFileSync(file, lines.join('\n') + '\n');
    lines = [];
  };
  setInterval(flush, FLUSH_MS).unref();
  process.on('exit', flush);
  return {
    mark(hop, seqs) {
      const at = (performance.timeOrigin + performance.now()).toFixed(3);
      for (const seq of seqs) lines.push(`${hop} ${seq} ${at}`);
    },
  };
}

const dir = typeof process !== 'undefined' ? process.env.COOCENTER_HOP_MARKS : undefined;

export const hopMarks: HopMarks | undefined = dir ? fileMarks(dir) : undefined;

/** The seqs of records, for a mark (called only when marks are on). */
export const seqsOf = (records: ReadonlyArray<{ seq: number }>): number[] => records.map((r) => r.seq);

/**
 * Idempotency-Keys of write commands, remembered for 24 hours on disk, so a
 * retried click-to-call never rings twice: a key seen before gets the first
 * run's answer, and a key whose first run was cut short by a relay restart is
 * refused (its outcome is unknown, and running it again could ring twice).
 * A key is the caller's for one request: reused with another command or other
 * fields it is refused (`reused`), never answered with the first one's result.
 *
 * The file is an append-only journal (`started`, then `done` with the answer),
 * compacted when most of it has expired.
 */

import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Clock } from '../../../protocol/src/clock.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type StoredOutcome = { ok: true; result: unknown } | { ok: false; error: { status: number; message: string } };

interface Entry {
  key: string;
  at: number;
  /** What the key was first used for: a hash of the command and its fields. */
  fp?: string;
  outcome?: StoredOutcome;
}

export type Claim =
  | { kind: 'new' }
  | { kind: 'done'; outcome: StoredOutcome }
  | { kind: 'running'; wait: Promise<StoredOutcome> }
  | { kind: 'unknown' }
  | { kind: 'reused' };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  /** Runs in this process, for a duplicate that arrives while the first is still running. */
  private readonly running = new Map<string, { promise: Promise<StoredOutcome>; resolve: (o: StoredOutcome) => void }>();
  private lines = 0;

  constructor(
    private readonly file: string,
    private readonly clock: Clock,
  ) {
    this.load();
  }

  /** Claim a key before running the command (`fp`: what it is used for; another use of the key is `reused`). */
  claim(key: string, fp?: string): Claim {
    this.expire();
    const e = this.entries.get(key);
    if (e && fp && e.fp && e.fp !== fp) return { kind: 'reused' };
    if (e?.outcome) return { kind: 'done', outcome: e.outcome };
    const r = this.running.get(key);
    if (r) return { kind: 'running', wait: r.promise };
    // Started by an earlier process that did not live to record the answer.
    if (e) return { kind: 'unknown' };
    const entry: Entry = fp ? { key, at: this.clock.now(), fp } : { key, at: this.clock.now() };
    this.entries.set(key, entry);
    this.append(entry);
    let resolve!: (o: StoredOutcome) => void;
    const promise = new Promise<StoredOutcome>((r2) => (resolve = r2));
    this.running.set(key, { promise, resolve });
    return { kind: 'new' };
  }

  /** The answer remembered for a key, if any (no claim). */
  outcomeOf(key: string): StoredOutcome | undefined {
    this.expire();
    return this.entries.get(key)?.outcome;
  }

  /** Record the answer of a claimed key. */
  finish(key: string, outcome: StoredOutcome): void {
    const entry = this.entries.get(key) ?? { key, at: this.clock.now() };
    entry.outcome = outcome;
    this.entries.set(key, entry);
    this.append(entry);
    this.running.get(key)?.resolve(outcome);
    this.running.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private append(e: Entry): void {
    appendFileSync(this.file, JSON.stringify(e) + '\n');
    this.lines++;
    if (this.lines > 1000 && this.lines > this.entries.size * 4) this.compact();
  }

  private expire(): void {
    const cutoff = this.clock.now() - IDEMPOTENCY_TTL_MS;
    for (const [k, e] of this.entries) if (e.at < cutoff && !this.running.has(k)) this.entries.delete(k);
  }

  private compact(): void {
    this.expire();
    const text = [...this.entries.values()].map((e) => JSON.stringify(e) + '\n').join('');
    writeFileSync(this.file + '.tmp', text);
    renameSync(this.file + '.tmp', this.file);
    this.lines = this.entries.size;
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as Entry;
        const prev = this.entries.get(e.key);
        this.entries.set(e.key, { key: e.key, at: prev?.at ?? e.at, fp: prev?.fp ?? e.fp, outcome: e.outcome ?? prev?.outcome });
        this.lines++;
      } catch {
        // A torn last line from a crash: that claim never completed its write.
      }
    }
    this.expire();
  }
}

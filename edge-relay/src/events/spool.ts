/**
 * The durable event spool: every box event gets its per-site sequence number
 * here and is written to disk before anyone may deliver it.
 *
 * - Files: `<dir>/seg-<firstSeq>.jsonl`, one `{"seq":N,"event":{…}}` per line.
 * - Group commit: append() is synchronous and cheap (seq assigned, kept in
 *   memory); a flush writes everything pending in one write + fdatasync, then
 *   moves `durableSeq`. Readers never see past durableSeq, so nothing is sent
 *   that a crash could take back. The AMI reader never waits for the disk.
 * - Consumers (the LAN push, the cloud tunnel) each have a cursor, persisted
 *   with write-then-rename; a segment is deleted once every consumer is past
 *   it. The newest segment is never deleted: it carries the last seq.
 * - Restart: the last segment is scanned for the last seq; a torn last line
 *   (a crash mid-write) is cut off, since it was never durable.
 */

import { EventEmitter } from 'node:events';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import type { Logger } from '../../../protocol/src/log.js';
import { silentLogger } from '../../../protocol/src/log.js';

export interface SpoolRecord {
  seq: number;
  event: BoxEvent;
  /** The call (Asterisk Linkedid) the event belongs to, when it belongs to one. */
  call?: string;
}

export interface SpoolOptions {
  dir: string;
  /** Names of the consumers that must ack an event before it may be deleted. */
  consumers: string[];
  /** Records per segment file. */
  segmentRecords?: number;
  /** Undelivered records kept in memory for fast reads (older ones are read from disk). */
  memoryRecords?: number;
  logger?: Logger;
}

interface Segment {
  first: number;
  last: number;
  file: string;
}

export class Spool extends EventEmitter<{ durable: [number]; appended: [SpoolRecord[]] }> {
  private readonly dir: string;
  private readonly consumers: string[];
  private readonly segmentRecords: number;
  private readonly memoryRecords: number;
  private readonly log: Logger;
  private segments: Segment[] = [];
  private handle?: FileHandle;
  private lastSeq = 0;
  private _durableSeq = 0;
  /**
   * Records not yet acked by every consumer, seq ascending, for reads without
   * touching the disk. Delivered records leave it at once, so a relay whose
   * consumers keep up holds almost nothing; a backlog beyond the cap is read
   * from the files.
   */
  private memory: SpoolRecord[] = [];
  private pending: SpoolRecord[] = [];
  private flushing?: Promise<void>;
  private readonly cursors = new Map<string, number>();
  private closed = false;

  constructor(options: SpoolOptions) {
    super();
    this.dir = options.dir;
    this.consumers = options.consumers;
    this.segmentRecords = options.segmentRecords ?? 10_000;
    this.memoryRecords = options.memoryRecords ?? 5_000;
    this.log = (options.logger ?? silentLogger).child({ component: 'spool' });
    mkdirSync(this.dir, { recursive: true });
    this.recover();
  }

  /** Highest seq assigned (durable or not). */
  get seq(): number {
    return this.lastSeq;
  }

  /** Highest seq safely on disk. */
  get durableSeq(): number {
    return this._durableSeq;
  }

  cursor(consumer: string): number {
    return this.cursors.get(consumer) ?? 0;
  }

  /** Assign seqs and queue for the disk; returns the records. */
  append(events: readonly BoxEvent[], calls: ReadonlyArray<string | undefined> = []): SpoolRecord[] {
    if (this.closed) throw new Error('spool closed');
    const records: SpoolRecord[] = events.map((event, i) => (calls[i] ? { seq: ++this.lastSeq, event, call: calls[i] } : { seq: ++this.lastSeq, event }));
    if (records.length === 0) return records;
    this.pending.push(...records);
    this.scheduleFlush();
    this.emit('appended', records);
    return records;
  }

  /** Resolves once everything appended so far is durable. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.flushing) {
      if (!this.flushing) this.scheduleFlush();
      await this.flushing;
    }
  }

  /** Up to `max` durable records with seq > after. */
  read(after: number, max: number): SpoolRecord[] {
    const upTo = this._durableSeq;
    if (after >= upTo) return [];
    const memFirst = this.memory.length > 0 ? this.memory[0].seq : Infinity;
    if (after + 1 >= memFirst) {
      const start = after + 1 - memFirst;
      return this.memory.slice(start, start + max).filter((r) => r.seq <= upTo);
    }
    return this.readDisk(after, Math.min(max, upTo - after));
  }

  /** A consumer has delivered everything up to `seq`. */
  ack(consumer: string, seq: number): void {
    if (seq <= this.cursor(consumer)) return;
    this.cursors.set(consumer, seq);
    const file = join(this.dir, `cursor-${consumer}.json`);
    writeFileSync(file + '.tmp', JSON.stringify({ acked: seq }));
    renameSync(file + '.tmp', file);
    this.trimMemory();
    this.trim();
  }

  /** Lowest seq every consumer has acked (everything, when there is no consumer). */
  private floor(): number {
    return this.consumers.length === 0 ? this._durableSeq : Math.min(...this.consumers.map((c) => this.cursor(c)));
  }

  private trimMemory(): void {
    const floor = this.floor();
    let drop = 0;
    while (drop < this.memory.length && this.memory[drop].seq <= floor) drop++;
    if (this.memory.length - drop > this.memoryRecords) drop = this.memory.length - this.memoryRecords;
    if (drop > 0) this.memory.splice(0, drop);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle?.close();
    this.handle = undefined;
  }

  // ── internals ──────────────────────────────────────────────────────────

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.writePending())
      .catch((err) => this.log.error('spool write failed; will retry', { error: err }))
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.length > 0 && !this.closed) setTimeout(() => this.scheduleFlush(), 100).unref();
      });
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      let seg = this.segments[this.segments.length - 1];
      // After a restart the newest file is closed: start a fresh one rather than reopen it.
      if (!seg || !this.handle || count(seg) >= this.segmentRecords) {
        await this.startSegment(this.pending[0].seq);
        seg = this.segments[this.segments.length - 1];
      }
      const take = this.pending.slice(0, this.segmentRecords - count(seg));
      await this.handle!.write(take.map((r) => JSON.stringify(r) + '\n').join(''));
      await this.handle!.datasync();
      this.pending.splice(0, take.length);
      seg.last = take[take.length - 1].seq;
      this.memory.push(...take);
      this.trimMemory();
      this._durableSeq = seg.last;
      this.emit('durable', this._durableSeq);
    }
  }

  private async startSegment(first: number): Promise<void> {
    await this.handle?.close();
    const file = join(this.dir, `seg-${String(first).padStart(12, '0')}.jsonl`);
    this.handle = await open(file, 'a');
    this.segments.push({ first, last: first - 1, file });
    this.trim();
  }

  private readDisk(after: number, max: number): SpoolRecord[] {
    const out: SpoolRecord[] = [];
    for (const seg of this.segments) {
      if (seg.last <= after) continue;
      for (const line of readFileSync(seg.file, 'utf8').split('\n')) {
        if (!line) continue;
        const r = JSON.parse(line) as SpoolRecord;
        if (r.seq > after && r.seq <= this._durableSeq) out.push(r);
        if (out.length >= max) return out;
      }
    }
    return out;
  }

  private trim(): void {
    if (this.segments.length <= 1) return;
    const floor = this.floor();
    while (this.segments.length > 1 && this.segments[0].last <= floor) {
      const seg = this.segments.shift()!;
      rmSync(seg.file, { force: true });
      this.log.debug('spool segment deleted', { file: seg.file });
    }
  }

  private recover(): void {
    for (const c of this.consumers) {
      const file = join(this.dir, `cursor-${c}.json`);
      if (existsSync(file)) this.cursors.set(c, (JSON.parse(readFileSync(file, 'utf8')) as { acked: number }).acked);
    }
    const files = readdirSync(this.dir)
      .filter((f) => /^seg-\d+\.jsonl$/.test(f))
      .sort();
    for (const f of files) {
      const file = join(this.dir, f);
      const first = Number(f.slice(4, -6));
      const text = readFileSync(file, 'utf8');
      const good = text.lastIndexOf('\n') + 1;
      let last = first - 1;
      const lines = text.slice(0, good).split('\n').filter(Boolean);
      if (lines.length > 0) last = (JSON.parse(lines[lines.length - 1]) as SpoolRecord).seq;
      if (good < text.length) {
        // A torn line: written by a process that died before fdatasync returned.
        const fd = openSync(file, 'r+');
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, good)));
        closeSync(fd);
        this.log.warn('spool: cut a torn last line', { file });
      }
      this.segments.push({ first, last, file });
    }
    const newest = this.segments[this.segments.length - 1];
    this.lastSeq = newest ? Math.max(newest.last, newest.first - 1) : 0;
    this._durableSeq = this.lastSeq;
    // Cursors can't be ahead of the data (a wiped spool directory, a restored backup).
    for (const [c, v] of this.cursors) if (v > this.lastSeq) this.cursors.set(c, this.lastSeq);
    if (newest) {
      this.memory = this.readDisk(this.floor(), this.memoryRecords);
    }
  }
}

function count(seg: Segment): number {
  return seg.last - seg.first + 1;
}

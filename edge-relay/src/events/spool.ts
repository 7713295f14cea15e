/**
 * The durable event spool: every box event gets its per-site sequence number
 * here and is written to disk before anyone may deliver it.
 *
 * - Files: `<dir>/seg-<firstSeq>.jsonl`, one record per line (spool-files.ts).
 * - Group commit: append() is synchronous and cheap (seq assigned, kept in
 *   memory); a flush writes everything pending in one write + fdatasync, then
 *   moves `durableSeq`. Readers never see past durableSeq, so nothing is sent
 *   that a crash could take back. The AMI reader never waits for the disk.
 *   With a journal (the relay's call state, recovery/journal.ts) each batch
 *   is first committed there together with the state that produced it, so
 *   after a crash the state and the spool agree exactly.
 * - Consumers (the LAN push, the cloud tunnel) each have a cursor, persisted
 *   with write-then-rename, coalesced (at-least-once: a lost cursor write
 *   only re-sends); a segment is deleted once every consumer is past it. A
 *   consumer the spool has never seen starts at the current head (or at the
 *   oldest record kept, when asked to), and its cursor is written at once.
 * - Each consumer reading a backlog from disk has its own read position.
 * - Seq offset: the numbers consumers see are the stored ones plus an offset
 *   (`offset.json`), raised when the cloud says it already holds higher seqs
 *   for this site (a wiped or restored data directory): nothing not yet
 *   delivered is then numbered at or below what the cloud has.
 * - Restart: the last segment is scanned for the last seq; a torn last line
 *   (a crash mid-write) is cut off, since it was never durable.
 */

import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import { systemClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import type { Logger } from '../../../protocol/src/log.js';
import { silentLogger } from '../../../protocol/src/log.js';
import { writeFileAtomicSync } from '../atomic-file.js';
import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import { recoverSegments, SegmentReader, segmentName, type EventMarks, type Segment, type SpoolRecord } from './spool-files.js';

export type { EventMarks, SpoolRecord } from './spool-files.js';

/** Where the spool commits each batch first, with what produced it (recovery/journal.ts). */
export interface SpoolJournal {
  /** Something besides events waits to be committed. */
  readonly pending: boolean;
  /** Cut a batch now (synchronously): what it commits is what is true at this moment. */
  cut(records: readonly SpoolRecord[], lastSeq: number): unknown;
  /** Make a cut batch durable; the spool writes the batch only after this resolves. */
  write(batch: unknown): Promise<void>;
  /** The batch is durable in the spool as well. */
  written(batch: unknown): void;
  /** Records the journal committed that the spool may have lost (written after the last durable seq). */
  tail(afterSeq: number): SpoolRecord[];
}

export interface SpoolOptions {
  dir: string;
  /** Names of the consumers that must ack an event before it may be deleted. */
  consumers: string[];
  /** Where a consumer the spool has never seen starts: the head (default) or the oldest record kept. */
  startAt?: Record<string, 'head' | 'oldest'>;
  /** Records per segment file. */
  segmentRecords?: number;
  /** Undelivered records kept in memory for fast reads (older ones are read from disk). */
  memoryRecords?: number;
  journal?: SpoolJournal;
  clock?: Clock;
  logger?: Logger;
}

/** Cursor writes are coalesced: at most one per consumer this often. */
const CURSOR_WRITE_MS = 100;

export class Spool extends EventEmitter<{ durable: [number]; appended: [SpoolRecord[]] }> {
  private readonly dir: string;
  private readonly consumers: string[];
  private readonly segmentRecords: number;
  private readonly memoryRecords: number;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly journal?: SpoolJournal;
  private segments: Segment[] = [];
  private handle?: FileHandle;
  /** Stored (internal) numbers; consumers see them plus `offset`. */
  private lastSeq = 0;
  private _durableSeq = 0;
  private offset = 0;
  /** The newest durable records (up to memoryRecords), contiguous up to durableSeq. */
  private memory: SpoolRecord[] = [];
  private pending: SpoolRecord[] = [];
  private flushing?: Promise<void>;
  /** Batches cut, and batches written (journal and files), so far. */
  private cuts = 0;
  private written = 0;
  private readonly cursors = new Map<string, number>();
  private readonly readers = new Map<string, SegmentReader>();
  private readonly dirtyCursors = new Set<string>();
  private cursorTimer?: TimerHandle;
  private closed = false;

  constructor(options: SpoolOptions) {
    super();
    this.dir = options.dir;
    this.consumers = options.consumers;
    this.segmentRecords = options.segmentRecords ?? 10_000;
    this.memoryRecords = options.memoryRecords ?? 5_000;
    this.clock = options.clock ?? systemClock;
    this.journal = options.journal;
    this.log = (options.logger ?? silentLogger).child({ component: 'spool' });
    mkdirSync(this.dir, { recursive: true });
    this.recover(options.startAt ?? {});
  }

  /** Highest seq assigned (durable or not). */
  get seq(): number {
    return this.lastSeq + this.offset;
  }

  /** Highest seq safely on disk. */
  get durableSeq(): number {
    return this._durableSeq + this.offset;
  }

  cursor(consumer: string): number {
    return (this.cursors.get(consumer) ?? 0) + this.offset;
  }

  /** Assign seqs and queue for the disk; returns the records. */
  append(events: readonly BoxEvent[], calls: ReadonlyArray<string | undefined> = [], marks: ReadonlyArray<EventMarks | undefined> = []): SpoolRecord[] {
    if (this.closed) throw new Error('spool closed');
    const records = events.map((event, i) => {
      const r: SpoolRecord = { seq: ++this.lastSeq, event };
      if (calls[i]) r.call = calls[i];
      if (marks[i]?.recovered) r.recovered = true;
      if (marks[i]?.partial) r.partial = true;
      return r;
    });
    if (records.length > 0) this.pending.push(...records);
    if (records.length > 0 || this.journal?.pending) this.scheduleFlush();
    if (records.length > 0) this.emit('appended', records);
    hopMarks?.mark('relay.mapped', seqsOf(this.external(records)));
    return this.external(records);
  }

  /** Commit what the journal holds even without events (a state change). */
  commit(): void {
    if (!this.closed && this.journal?.pending) this.scheduleFlush();
  }

  /**
   * Resolves once everything appended so far is durable, and what the journal
   * had to commit at the time of the call is committed (however busy the
   * PBX keeps it afterwards).
   */
  async flush(): Promise<void> {
    const seq = this.lastSeq;
    const cut = this.journal?.pending ? this.cuts + 1 : this.cuts;
    while (this._durableSeq < seq || this.written < cut) {
      if (!this.flushing) this.scheduleFlush();
      await this.flushing;
    }
  }

  /** Up to `max` durable records with seq > after; `consumer` keeps its own position in the files. */
  read(after: number, max: number, consumer = ''): SpoolRecord[] {
    const from = after - this.offset;
    const upTo = this._durableSeq;
    if (from >= upTo || max <= 0) return [];
    const memFirst = this.memory.length > 0 ? this.memory[0].seq : Infinity;
    if (from + 1 >= memFirst) {
      const start = from + 1 - memFirst;
      return this.external(this.memory.slice(start, start + max));
    }
    let reader = this.readers.get(consumer);
    if (!reader) this.readers.set(consumer, (reader = new SegmentReader()));
    return this.external(reader.read(this.segments, Math.max(from, 0), max, upTo));
  }

  /** A consumer has delivered everything up to `seq`. */
  ack(consumer: string, seq: number): void {
    const internal = Math.min(seq - this.offset, this.lastSeq);
    if (internal <= (this.cursors.get(consumer) ?? 0)) return;
    this.cursors.set(consumer, internal);
    this.dirtyCursors.add(consumer);
    this.cursorTimer ??= this.clock.setTimeout(() => this.writeCursors(), CURSOR_WRITE_MS);
    this.trimMemory();
    this.trim();
  }

  /**
   * The cloud holds seqs up to `mark` for this site already, above anything
   * `consumer` delivered (a wiped or restored data directory): number every
   * record after that consumer's cursor above the mark, so none of them is
   * taken for one the cloud has. Returns the shift (0 when none is needed).
   */
  renumberAbove(consumer: string, mark: number): number {
    const shift = mark - this.cursor(consumer);
    if (shift <= 0 || this.seq >= mark) return 0;
    this.offset += shift;
    writeFileAtomicSync(join(this.dir, 'offset.json'), JSON.stringify({ offset: this.offset }));
    for (const r of this.readers.values()) r.close();
    return shift;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.writeCursors();
    for (const r of this.readers.values()) r.close();
    await this.handle?.close();
    this.handle = undefined;
  }

  // ── internals ──────────────────────────────────────────────────────────

  private external(records: SpoolRecord[]): SpoolRecord[] {
    return this.offset === 0 ? records : records.map((r) => ({ ...r, seq: r.seq + this.offset }));
  }

  /** Lowest seq every consumer has acked (everything, when there is no consumer). */
  private floor(): number {
    if (this.consumers.length === 0) return this._durableSeq;
    let min = Infinity;
    for (const c of this.consumers) min = Math.min(min, this.cursors.get(c) ?? 0);
    return min;
  }

  private trimMemory(): void {
    const floor = this.floor();
    let drop = 0;
    while (drop < this.memory.length && this.memory[drop].seq <= floor) drop++;
    if (this.memory.length - drop > this.memoryRecords) drop = this.memory.length - this.memoryRecords;
    if (drop > 0) this.memory.splice(0, drop);
  }

  private writeCursors(): void {
    this.clock.clearTimeout(this.cursorTimer);
    this.cursorTimer = undefined;
    for (const c of this.dirtyCursors) this.writeCursor(c);
    this.dirtyCursors.clear();
  }

  private writeCursor(consumer: string): void {
    writeFileAtomicSync(join(this.dir, `cursor-${consumer}.json`), JSON.stringify({ acked: this.cursors.get(consumer) ?? 0 }));
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.writePending())
      .catch((err) => this.log.error('spool write failed; will retry', { error: err }))
      .finally(() => {
        this.flushing = undefined;
        if ((this.pending.length > 0 || this.journal?.pending) && !this.closed) this.clock.setTimeout(() => this.scheduleFlush(), 100);
      });
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0 || this.journal?.pending) {
      const take = this.pending.slice();
      const batch = this.journal?.cut(take, this.lastSeq);
      this.cuts++;
      if (this.journal) await this.journal.write(batch);
      hopMarks?.mark('relay.journaled', seqsOf(this.external(take)));
      if (take.length > 0) await this.writeRecords(take);
      if (this.journal) this.journal.written(batch);
      this.written++;
    }
  }

  private async writeRecords(records: SpoolRecord[]): Promise<void> {
    let rest = records;
    while (rest.length > 0) {
      let seg = this.segments[this.segments.length - 1];
      // After a restart the newest file is closed: start a fresh one rather than reopen it.
      if (!seg || !this.handle || seg.last - seg.first + 1 >= this.segmentRecords) {
        await this.startSegment(rest[0].seq);
        seg = this.segments[this.segments.length - 1];
      }
      const take = rest.slice(0, this.segmentRecords - (seg.last - seg.first + 1));
      rest = rest.slice(take.length);
      await this.handle!.write(take.map((r) => JSON.stringify(r) + '\n').join(''));
      await this.handle!.datasync();
      this.pending.splice(0, take.length);
      seg.last = take[take.length - 1].seq;
      this.memory.push(...take);
      this.trimMemory();
      this._durableSeq = seg.last;
      hopMarks?.mark('relay.durable', seqsOf(this.external(take)));
      this.emit('durable', this.durableSeq);
    }
  }

  private async startSegment(first: number): Promise<void> {
    await this.handle?.close();
    const file = join(this.dir, segmentName(first));
    this.handle = await open(file, 'a');
    this.segments.push({ first, last: first - 1, file });
    this.trim();
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

  private recover(startAt: Record<string, 'head' | 'oldest'>): void {
    const offsetFile = join(this.dir, 'offset.json');
    if (existsSync(offsetFile)) this.offset = (JSON.parse(readFileSync(offsetFile, 'utf8')) as { offset: number }).offset;
    this.segments = recoverSegments(this.dir, this.log);
    const newest = this.segments[this.segments.length - 1];
    this.lastSeq = newest ? Math.max(newest.last, newest.first - 1) : 0;
    this.recoverJournalTail();
    this._durableSeq = this.lastSeq;
    const oldest = this.segments.length > 0 ? this.segments[0].first - 1 : this.lastSeq;
    for (const c of this.consumers) {
      const file = join(this.dir, `cursor-${c}.json`);
      if (existsSync(file)) {
        // Cursors can't be ahead of the data (a wiped spool directory, a restored backup).
        this.cursors.set(c, Math.min((JSON.parse(readFileSync(file, 'utf8')) as { acked: number }).acked, this.lastSeq));
      } else {
        const at = startAt[c] === 'oldest' ? oldest : this.lastSeq;
        this.cursors.set(c, at);
        this.writeCursor(c);
        if (this.lastSeq > 0) this.log.info('new consumer of the spool', { consumer: c, startsAfter: at + this.offset, lastSeq: this.seq });
      }
    }
    // The newest records, up to memoryRecords (older ones are read from the files when needed).
    const from = Math.max(this.floor(), this.lastSeq - this.memoryRecords);
    if (newest) this.memory = new SegmentReader().read(this.segments, from, this.memoryRecords, this.lastSeq);
  }

  /** Records the journal committed but the spool did not get to write (a crash between the two). */
  private recoverJournalTail(): void {
    const missing = this.journal?.tail(this.lastSeq) ?? [];
    if (missing.length === 0) return;
    const file = join(this.dir, segmentName(missing[0].seq));
    writeFileAtomicSync(file, missing.map((r) => JSON.stringify(r) + '\n').join(''));
    this.segments.push({ first: missing[0].seq, last: missing[missing.length - 1].seq, file });
    this.lastSeq = missing[missing.length - 1].seq;
    this.log.warn('spool: rewrote the events of the last commit from the journal', { from: missing[0].seq, to: this.lastSeq });
  }
}

/**
 * Cuts a byte stream into complete records, incrementally: each pushed chunk
 * is scanned once (no re-scan of bytes held from earlier chunks), and a
 * record is only given out once its terminating newline has arrived, so a
 * line Asterisk is still writing (a torn last line) stays pending and is
 * never half-consumed. Offsets are byte positions in the file, so a reader
 * can persist "everything before here is done".
 *
 * Two framings: `line` (queue_log: one record per LF) and `csv` (Master.csv:
 * cdr_csv writes field values verbatim inside double quotes, so an LF inside
 * a quoted value — a user field with a newline — does not end the record).
 * Records longer than the bound are skipped up to the next LF and reported,
 * so one broken or foreign line cannot hold unbounded memory or stall the rest.
 */

import { preview, recordsError, type RecordsError } from './errors.js';

export type FramingMode = 'line' | 'csv';

export type Framed =
  | { ok: true; text: string; start: number; end: number }
  | { ok: false; error: RecordsError; start: number; end: number };

export interface FramerOptions {
  mode: FramingMode;
  /** Longest record accepted, newline included; default 16 KiB. */
  maxRecordBytes?: number;
  /** File offset of the first byte pushed; default 0. */
  startOffset?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024;

export class RecordFramer {
  readonly mode: FramingMode;
  private readonly max: number;
  private pieces: Buffer[] = [];
  private pendingLen = 0;
  private inQuotes = false;
  /** Skipping an over-long record up to its LF (its first bytes kept for the error). */
  private discarding = false;
  private head = '';
  private recordStart: number;

  constructor(options: FramerOptions) {
    this.mode = options.mode;
    this.max = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.recordStart = options.startOffset ?? 0;
  }

  /** Offset just past the last complete record: where reading resumes after a restart. */
  get offset(): number {
    return this.recordStart;
  }

  /** Bytes held of a record whose newline has not arrived yet. */
  get pendingBytes(): number {
    return this.pendingLen;
  }

  /** Forget what is pending and continue at `offset` (a file truncated or replaced). */
  reset(offset = 0): void {
    this.pieces = [];
    this.pendingLen = 0;
    this.inQuotes = false;
    this.discarding = false;
    this.recordStart = offset;
  }

  push(chunk: Uint8Array): Framed[] {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Framed[] = [];
    this.frame(buf, out);
    return out;
  }

  private frame(buf: Buffer, out: Framed[]): void {
    let from = 0;
    while (from < buf.length) {
      const lf = this.findEnd(buf, from);
      if (lf >= 0) {
        this.finish(buf.subarray(from, lf + 1), out);
        from = lf + 1;
        continue;
      }
      const rest = buf.subarray(from);
      if (this.discarding || this.pendingLen + rest.length <= this.max) return this.hold(rest);
      // Too long to be Asterisk's. In csv mode an unbalanced quote may have hidden
      // LFs: the record is cut at the first one and the bytes after it framed again.
      const held = Buffer.concat([...this.pieces, rest]);
      const cut = this.mode === 'csv' ? held.indexOf(LF) : -1;
      this.pieces = [];
      this.pendingLen = 0;
      this.inQuotes = false;
      if (cut < 0) {
        this.discarding = true;
        this.pendingLen = held.length;
        this.head = held.subarray(0, 80).toString('utf8');
        return;
      }
      this.finish(held.subarray(0, cut + 1), out);
      return this.frame(held.subarray(cut + 1), out);
    }
  }

  /** Index of the LF that ends the current record, or -1; keeps the quote state for the next chunk. */
  private findEnd(buf: Buffer, from: number): number {
    if (this.mode === 'line' || this.discarding) return buf.indexOf(LF, from);
    let inQuotes = this.inQuotes;
    for (let i = from; i < buf.length; i++) {
      const b = buf[i];
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF && !inQuotes) {
        this.inQuotes = false;
        return i;
      }
    }
    this.inQuotes = inQuotes;
    return -1;
  }

  private hold(bytes: Buffer): void {
    if (!this.discarding) this.pieces.push(Buffer.from(bytes)); // a copy: the reader reuses its buffer
    this.pendingLen += bytes.length;
  }

  private finish(tail: Buffer, out: Framed[]): void {
    const start = this.recordStart;
    const end = start + this.pendingLen + tail.length;
    if (this.discarding || end - start > this.max) {
      const head = this.discarding ? this.head : Buffer.concat([...this.pieces, tail.subarray(0, 80)]).toString('utf8');
      out.push({
        ok: false,
        start,
        end,
        error: recordsError('RECORDS_TOO_LONG', `record of ${end - start} bytes at offset ${start} is longer than ${this.max} bytes; skipped`, { offset: start, preview: preview(head) }),
      });
    } else {
      const whole = this.pieces.length === 0 ? tail : Buffer.concat([...this.pieces, tail]);
      let stop = whole.length - 1; // drop the LF
      if (stop > 0 && whole[stop - 1] === CR) stop--;
      out.push({ ok: true, text: whole.toString('utf8', 0, stop), start, end });
    }
    this.pieces = [];
    this.pendingLen = 0;
    this.discarding = false;
    this.head = '';
    this.inQuotes = false;
    this.recordStart = end;
  }
}

export type Decoded<T> = { ok: true; record: T; start: number; end: number } | { ok: false; error: RecordsError; start: number; end: number };
export type RecordParse<T> = { ok: true; record: T } | { ok: false; error: RecordsError };

/** A framer and a parser of one record: bytes in, parsed complete records out (blank lines skipped). */
export class RecordDecoder<T> {
  private readonly framer: RecordFramer;

  constructor(
    mode: FramingMode,
    private readonly parse: (text: string, offset: number) => RecordParse<T>,
    options: { startOffset?: number; maxRecordBytes?: number } = {},
  ) {
    this.framer = new RecordFramer({ mode, ...options });
  }

  /** Offset just past the last complete record. */
  get offset(): number {
    return this.framer.offset;
  }

  get pendingBytes(): number {
    return this.framer.pendingBytes;
  }

  reset(offset = 0): void {
    this.framer.reset(offset);
  }

  push(chunk: Uint8Array): Array<Decoded<T>> {
    const out: Array<Decoded<T>> = [];
    for (const f of this.framer.push(chunk)) {
      if (!f.ok) out.push(f);
      else if (f.text !== '') {
        const p = this.parse(f.text, f.start);
        out.push(p.ok ? { ok: true, record: p.record, start: f.start, end: f.end } : { ok: false, error: p.error, start: f.start, end: f.end });
      }
    }
    return out;
  }
}

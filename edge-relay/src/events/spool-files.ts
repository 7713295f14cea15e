/**
 * The spool's files, apart from its bookkeeping: segment files of one record
 * per line (`{"seq":N,"event":{…}}`), found again and repaired at start, and
 * read sequentially from a remembered position, so a consumer working through
 * a backlog parses each record once instead of its whole segment per read.
 */

import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, type PathLike } from 'node:fs';
import { join } from 'node:path';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import type { Logger } from '../../../protocol/src/log.js';

/** How an event came about, besides its body (the envelope's `recovered` / `partial`, the LAN push's headers). */
export interface EventMarks {
  /** Made for something that happened while the relay was not listening. */
  recovered?: boolean;
  /** Some fields could not be known and are left as the box leaves unknown fields. */
  partial?: boolean;
}

export interface SpoolRecord {
  seq: number;
  event: BoxEvent;
  /** The call (Asterisk Linkedid) the event belongs to, when it belongs to one. */
  call?: string;
  /** Made for something that happened while the relay was not listening (Asterisk's records, or a call closed after an outage). */
  recovered?: true;
  /** Some fields could not be known and are left as the box leaves unknown fields. */
  partial?: true;
}

export interface Segment {
  first: number;
  last: number;
  file: string;
}

export const segmentName = (first: number): string => `seg-${String(first).padStart(12, '0')}.jsonl`;

/**
 * The segments in `dir`, oldest first, with their last seq. A torn last line
 * (written by a process that died before its fdatasync returned, so never
 * durable nor delivered) is cut off.
 */
export function recoverSegments(dir: string, log: Logger): Segment[] {
  const segments: Segment[] = [];
  const files = readdirSync(dir)
    .filter((f) => /^seg-\d+\.jsonl$/.test(f))
    .sort();
  for (const f of files) {
    const file = join(dir, f);
    const first = Number(f.slice(4, -6));
    const buf = readFileSync(file);
    const good = buf.lastIndexOf(0x0a) + 1;
    let last = first - 1;
    if (good > 0) {
      const prev = buf.lastIndexOf(0x0a, good - 2) + 1;
      last = seqOfLine(buf.subarray(prev, good - 1).toString('utf8')) ?? last;
    }
    if (good < buf.length) {
      truncate(file, good);
      log.warn('spool: cut a torn last line', { file });
    }
    segments.push({ first, last, file });
  }
  return segments;
}

function truncate(file: PathLike, length: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, length);
  } finally {
    closeSync(fd);
  }
}

/** The seq of a record line without parsing the whole line. */
export function seqOfLine(line: string): number | undefined {
  const m = /^\{"seq":(\d+)/.exec(line);
  return m ? Number(m[1]) : undefined;
}

const CHUNK = 64 * 1024;

/**
 * One consumer's position in the files: the segment, the byte offset and the
 * seq of the next line. Reading on from there costs one parse per record; a
 * read from anywhere else (a rewind after a reconnect) first finds its line
 * by the seq prefixes, without parsing records.
 */
export class SegmentReader {
  private file?: string;
  private fd?: number;
  private pos = 0;
  private nextSeq = -1;
  private readonly chunk = Buffer.alloc(CHUNK);

  /** Up to `max` records with after < seq <= upTo. */
  read(segments: readonly Segment[], after: number, max: number, upTo: number): SpoolRecord[] {
    const out: SpoolRecord[] = [];
    let want = after + 1;
    while (out.length < max && want <= upTo) {
      const seg = segments.find((s) => s.first <= want && want <= s.last);
      if (!seg) break;
      if (seg.file !== this.file || this.nextSeq !== want) this.seek(seg, want);
      const got = this.readLines(max - out.length, upTo);
      if (got.length === 0) break;
      out.push(...got);
      want = got[got.length - 1].seq + 1;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.file = undefined;
    this.nextSeq = -1;
  }

  private seek(seg: Segment, seq: number): void {
    this.close();
    this.fd = openSync(seg.file, 'r');
    this.file = seg.file;
    this.pos = 0;
    this.nextSeq = seq;
    // Skip the lines before `seq` by their prefix only.
    this.scan((buf, start, lf) => {
      const s = seqOfLine(buf.toString('utf8', start, Math.min(lf, start + 32)));
      return s !== undefined && s >= seq ? 'stop' : 'next';
    });
  }

  private readLines(max: number, upTo: number): SpoolRecord[] {
    const out: SpoolRecord[] = [];
    this.scan((buf, start, lf) => {
      const r = JSON.parse(buf.toString('utf8', start, lf)) as SpoolRecord;
      if (r.seq > upTo) return 'stop';
      out.push(r);
      this.nextSeq = r.seq + 1;
      return out.length >= max ? 'last' : 'next';
    });
    return out;
  }

  /**
   * Walk the complete lines from the position; `visit` says whether the line
   * is consumed ('next', 'last': consumed and stop) or not ('stop'). The
   * position ends after the last consumed line.
   */
  private scan(visit: (buf: Buffer, start: number, lf: number) => 'next' | 'last' | 'stop'): void {
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(this.fd!, this.chunk, 0, CHUNK, this.pos + carry.length);
      if (n === 0) return;
      const buf = carry.length > 0 ? Buffer.concat([carry, this.chunk.subarray(0, n)]) : this.chunk.subarray(0, n);
      let start = 0;
      for (;;) {
        const lf = buf.indexOf(0x0a, start);
        if (lf < 0) break;
        const verdict = visit(buf, start, lf);
        if (verdict === 'stop') {
          this.pos += start;
          return;
        }
        start = lf + 1;
        if (verdict === 'last') {
          this.pos += start;
          return;
        }
      }
      this.pos += start;
      carry = Buffer.from(buf.subarray(start));
    }
  }
}

/**
 * Follows a file Asterisk appends to (Master.csv, queue_log) from a
 * remembered position, yielding complete records only.
 *
 * - Reads are asynchronous and bounded: `chunkBytes` (16 KiB, about a
 *   millisecond of decoding) per read, `maxReadBytes` (1 MiB) per call, so a
 *   large backlog never holds the event loop for long; the caller loops while
 *   `more` is true.
 * - A torn last record (Asterisk still writing it) is left for the next call;
 *   the position handed out is always the end of a complete record.
 * - The position is saved only by `commit`, once the caller has durably done
 *   what it does with the records (at least once: a crash in between reads
 *   them again, and the caller absorbs duplicates by id).
 * - Rotation (`logger rotate` renames queue_log; logrotate moves Master.csv)
 *   shows as another inode at the path: the old file is finished first —
 *   through the descriptor still open, or found again by its inode among
 *   `<name>.*` / `<name>-*` in the same folder after a restart — then the new
 *   file is read from 0.
 * - Truncation (copytruncate) shows as a file shorter than the position, or
 *   one whose first bytes changed: it is read again from 0.
 */

import type { BigIntStats } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../../../protocol/src/log.js';
import { isRecordsError, recordsError } from './errors.js';
import type { Decoded, RecordDecoder } from './framer.js';
import { loadPosition, savePosition, type TailPosition } from './position-store.js';

export type TailNotice =
  | { kind: 'started'; at: 'start' | 'end' | 'saved'; offset: number }
  | { kind: 'rotated'; finished: 'open-file' | 'found-by-inode' | 'gone'; offset: number }
  | { kind: 'truncated'; offset: number; size: number }
  | { kind: 'torn-record-dropped'; bytes: number }
  | { kind: 'position-unreadable'; message: string };

export interface TailBatch<T> {
  items: Array<Decoded<T>>;
  /** Where everything in `items` ends; commit it once they are handled. */
  position: TailPosition | undefined;
  /** The read stopped at maxReadBytes: call again for the rest. */
  more: boolean;
  notices: TailNotice[];
}

export interface FileTailOptions<T> {
  path: string;
  /** The position file (JSON, replaced atomically). */
  statePath: string;
  decoder: (startOffset: number) => RecordDecoder<T>;
  /** With no saved position: read the file from its start, or only what is appended from now on. Default 'end'. */
  startAt?: 'start' | 'end';
  chunkBytes?: number;
  maxReadBytes?: number;
  logger?: Logger;
}

const HEAD_BYTES = 64;

interface Current<T> {
  fh: FileHandle;
  dev: string;
  ino: string;
  head: Buffer;
  decoder: RecordDecoder<T>;
  /** Where the next read starts (after the decoder's pending bytes). */
  readAt: number;
}

export class FileTail<T> {
  private cur: Current<T> | undefined;
  private started = false;
  private readonly chunk: Buffer;
  private readonly maxRead: number;

  constructor(private readonly opts: FileTailOptions<T>) {
    this.chunk = Buffer.alloc(opts.chunkBytes ?? 16 * 1024);
    this.maxRead = opts.maxReadBytes ?? 1024 * 1024;
  }

  /** Read what was appended since the last call (at most maxReadBytes). */
  async read(): Promise<TailBatch<T>> {
    const notices: TailNotice[] = [];
    try {
      return await this.readSome(notices);
    } catch (err) {
      if (isRecordsError(err)) throw err;
      throw recordsError('RECORDS_IO', `cannot read ${this.opts.path}: ${(err as Error).message}`, { file: this.opts.path }, { cause: err });
    } finally {
      for (const n of notices) this.opts.logger?.info('asterisk file reader', { file: this.opts.path, ...n });
    }
  }

  private async readSome(notices: TailNotice[]): Promise<TailBatch<T>> {
    if (!this.started) await this.start(notices);
    else if (!this.cur) await this.openPath(0);
    if (!this.cur) return { items: [], position: undefined, more: false, notices };
    await this.checkTruncated(this.cur, notices);
    const batch = await this.drain(this.cur, notices);
    if (batch.more || batch.items.length > 0) return batch;
    // At the end of this file: has the path moved on to a new one?
    const now = await statOrUndefined(this.opts.path);
    if (!now || (String(now.dev) === this.cur.dev && String(now.ino) === this.cur.ino)) return batch;
    // A record the old file will never finish (Asterisk reopened the path mid-write).
    if (this.cur.decoder.pendingBytes > 0) notices.push({ kind: 'torn-record-dropped', bytes: this.cur.decoder.pendingBytes });
    notices.push({ kind: 'rotated', finished: 'open-file', offset: this.cur.decoder.offset });
    await this.closeCurrent();
    await this.openPath(0);
    return this.cur ? this.drain(this.cur, notices) : { items: [], position: undefined, more: false, notices };
  }

  /** Save `position` (from a batch whose records are handled). */
  async commit(position: TailPosition | undefined): Promise<void> {
    if (position) await savePosition(this.opts.statePath, position);
  }

  /** The position after the last record given out. */
  get position(): TailPosition | undefined {
    return this.cur ? positionOf(this.cur) : undefined;
  }

  async close(): Promise<void> {
    await this.closeCurrent();
  }

  private async start(notices: TailNotice[]): Promise<void> {
    let saved: TailPosition | undefined;
    try {
      saved = await loadPosition(this.opts.statePath);
    } catch (err) {
      notices.push({ kind: 'position-unreadable', message: (err as Error).message });
    }
    const now = await statOrUndefined(this.opts.path);
    this.started = true;
    if (!saved) {
      const at = this.opts.startAt ?? 'end';
      if (now) await this.openPath(at === 'end' ? await this.lastRecordEnd(Number(now.size)) : 0);
      notices.push({ kind: 'started', at, offset: this.cur?.decoder.offset ?? 0 });
      return;
    }
    if (now && String(now.dev) === saved.dev && String(now.ino) === saved.ino) {
      await this.openPath(saved.offset);
      const head = Buffer.from(saved.head, 'base64');
      if (this.cur && !this.cur.head.subarray(0, head.length).equals(head)) {
        notices.push({ kind: 'truncated', offset: saved.offset, size: Number(now.size) });
        this.restart(this.cur, 0);
      } else notices.push({ kind: 'started', at: 'saved', offset: saved.offset });
      return;
    }
    // The path is another file now (or none): finish the one we were reading, if it is still around.
    const old = await this.findByInode(saved);
    if (old) {
      // Drained first; read() then sees the path's other inode and moves on to it.
      await this.openFile(old, saved.offset);
      notices.push({ kind: 'rotated', finished: 'found-by-inode', offset: saved.offset });
    } else {
      notices.push({ kind: 'rotated', finished: 'gone', offset: saved.offset });
      await this.openPath(0);
    }
  }

  /** Open the file at the path at `offset`; nothing when there is no file yet. */
  private async openPath(offset: number): Promise<void> {
    try {
      await this.openFile(this.opts.path, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  private async openFile(path: string, offset: number): Promise<void> {
    const fh = await open(path, 'r');
    const st = await fh.stat({ bigint: true });
    const head = await readHead(fh);
    this.cur = { fh, dev: String(st.dev), ino: String(st.ino), head, decoder: this.opts.decoder(offset), readAt: offset };
  }

  /** Just after the last LF before `size`: starting "at the end" must not start inside a record being written. */
  private async lastRecordEnd(size: number): Promise<number> {
    const fh = await open(this.opts.path, 'r');
    try {
      const len = Math.min(size, this.chunk.length);
      const { bytesRead } = await fh.read(this.chunk, 0, len, size - len);
      const lf = this.chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      return lf < 0 ? size : size - len + lf + 1;
    } finally {
      await fh.close();
    }
  }

  private async checkTruncated(cur: Current<T>, notices: TailNotice[]): Promise<void> {
    const st = await cur.fh.stat({ bigint: true });
    const size = Number(st.size);
    let truncated = size < cur.readAt;
    if (!truncated && cur.head.length > 0) {
      const head = await readHead(cur.fh);
      truncated = !head.subarray(0, cur.head.length).equals(cur.head);
    }
    if (truncated) {
      notices.push({ kind: 'truncated', offset: cur.decoder.offset, size });
      this.restart(cur, 0);
    }
    if (cur.head.length < HEAD_BYTES && size > cur.head.length) cur.head = await readHead(cur.fh);
  }

  private restart(cur: Current<T>, offset: number): void {
    cur.decoder.reset(offset);
    cur.readAt = offset;
    cur.head = Buffer.alloc(0);
  }

  private async drain(cur: Current<T>, notices: TailNotice[]): Promise<TailBatch<T>> {
    const items: Array<Decoded<T>> = [];
    let budget = this.maxRead;
    let more = false;
    while (budget > 0) {
      const want = Math.min(this.chunk.length, budget);
      const { bytesRead } = await cur.fh.read(this.chunk, 0, want, cur.readAt);
      if (bytesRead === 0) break;
      cur.readAt += bytesRead;
      budget -= bytesRead;
      for (const item of cur.decoder.push(this.chunk.subarray(0, bytesRead))) items.push(item);
      if (budget === 0) more = true;
    }
    if (cur.head.length < HEAD_BYTES) cur.head = await readHead(cur.fh);
    return { items, position: positionOf(cur), more, notices };
  }

  private async findByInode(saved: TailPosition): Promise<string | undefined> {
    const dir = dirname(this.opts.path);
    const base = basename(this.opts.path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return undefined;
    }
    for (const name of names) {
      if (name === base || !(name.startsWith(`${base}.`) || name.startsWith(`${base}-`))) continue;
      const st = await statOrUndefined(join(dir, name));
      if (st && String(st.dev) === saved.dev && String(st.ino) === saved.ino) return join(dir, name);
    }
    return undefined;
  }

  private async closeCurrent(): Promise<void> {
    const cur = this.cur;
    this.cur = undefined;
    await cur?.fh.close();
  }
}

function positionOf<T>(cur: Current<T>): TailPosition {
  return { dev: cur.dev, ino: cur.ino, offset: cur.decoder.offset, head: cur.head.toString('base64') };
}

async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
  return buf.subarray(0, bytesRead);
}

async function statOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await stat(path, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw recordsError('RECORDS_IO', `cannot stat ${path}: ${(err as Error).message}`, { file: path }, { cause: err });
  }
}

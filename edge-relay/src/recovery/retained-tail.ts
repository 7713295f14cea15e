/**
 * One of Asterisk's files (Master.csv, queue_log) read as it grows, keeping
 * in memory the records of the last minutes: a window the relay was blind
 * for is always within them (it starts at the last message the relay saved),
 * older ones are dropped. The position saved on disk is where the oldest
 * record still kept starts, so after a crash those are read again.
 */

import type { Logger } from '../../../protocol/src/log.js';
import type { RecordDecoder } from '../records/framer.js';
import type { TailPosition } from '../records/position-store.js';
import { FileTail } from '../records/tail.js';

const NO_FILE_YET: TailPosition = { dev: '0', ino: '0', offset: 0, head: '' };

interface Kept<T> {
  record: T;
  sec: number;
  /** Where the record starts, in the file the position names (undefined: read across a rotation). */
  start?: number;
}

export interface RetainedTailOptions<T> {
  path: string;
  statePath: string;
  decoder: (startOffset: number) => RecordDecoder<T>;
  /** The time a record is about (Unix seconds). */
  timeOf: (record: T) => number;
  logger: Logger;
}

export class RetainedTail<T> {
  private readonly tail: FileTail<T>;
  private kept: Array<Kept<T>> = [];
  private position?: TailPosition;
  private failing = false;
  private committed = false;

  constructor(private readonly opts: RetainedTailOptions<T>) {
    this.tail = new FileTail({ path: opts.path, statePath: opts.statePath, decoder: opts.decoder, startAt: 'end', logger: opts.logger });
  }

  /** Read to the end of the file; returns every record kept, oldest first. */
  async readAll(): Promise<T[]> {
    try {
      for (;;) {
        const batch = await this.tail.read();
        const mixed = batch.notices.some((n) => n.kind === 'rotated' || n.kind === 'truncated');
        // Records kept from the file before a rotation have no place in the new one.
        if (mixed) for (const k of this.kept) k.start = undefined;
        for (const item of batch.items) {
          if (!item.ok) {
            this.opts.logger.warn('a record of an Asterisk file was not understood; skipped', { file: this.opts.path, error: item.error });
            continue;
          }
          this.kept.push({ record: item.record, sec: this.opts.timeOf(item.record), start: mixed ? undefined : item.start });
        }
        if (batch.position) this.position = batch.position;
        if (!batch.more) break;
      }
      if (this.failing) this.opts.logger.info('reading an Asterisk file again', { file: this.opts.path });
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.opts.logger.warn('cannot read an Asterisk file; what it holds is not recovered meanwhile', { file: this.opts.path, error: err });
      this.failing = true;
    }
    return this.kept.map((k) => k.record);
  }

  /** Drop records about times before `sec`, and save where the oldest one kept starts. */
  async dropBefore(sec: number): Promise<void> {
    let i = 0;
    while (i < this.kept.length && this.kept[i].sec < sec) i++;
    this.kept.splice(0, i);
    if (!this.position) {
      // No file yet: whatever file appears later is all new, to be read from its start even after a
      // restart. A position naming no file says so (FileTail then reads the path from 0).
      if (!this.committed) await this.commit(NO_FILE_YET);
      return;
    }
    if (this.kept.length === 0) return this.commit(this.position);
    const start = this.kept[0].start;
    if (start !== undefined && this.kept.every((k) => k.start !== undefined)) await this.commit({ ...this.position, offset: start });
  }

  private async commit(position: TailPosition): Promise<void> {
    await this.tail.commit(position);
    this.committed = true;
  }

  async close(): Promise<void> {
    await this.tail.close();
  }
}

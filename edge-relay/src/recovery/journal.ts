/**
 * The relay's call state, saved with the events it produced, so that after a
 * crash (kill -9 included) the state and the spool agree exactly: no event
 * produced twice under two seqs, none missing.
 *
 * The spool cuts a batch (its new records, at a moment when the mapper has
 * produced exactly those) and commits it here first: one line holding the
 * batch's records and what changed in the state since the previous batch,
 * appended and fdatasync'd; only then does the spool write the records
 * itself. After a crash the state is the last checkpoint plus every
 * complete line after it, and any record a line holds that the spool lacks
 * (a crash between the two writes) is given back to the spool (tail()).
 *
 * Every few seconds a batch also carries a checkpoint: the whole state,
 * written atomically (temp, fsync, rename, fsync the folder) once the batch
 * is in the spool; the journal files it covers are then deleted. Files:
 * `checkpoint.json` and `journal-<first commit>.jsonl` in the state folder.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { writeFileAtomic } from '../atomic-file.js';
import type { SpoolJournal, SpoolRecord } from '../events/spool.js';

/** What the journal saves: changes since the last call, or everything. */
export interface StateSource {
  readonly dirty: boolean;
  takeDelta(): unknown;
  fullState(): unknown;
}

export interface JournalOptions {
  dir: string;
  source: StateSource;
  clock: Clock;
  logger: Logger;
  /** A checkpoint at most this often (default 5 s)… */
  checkpointEveryMs?: number;
  /** …or as soon as the journal holds this much (default 8 MB). */
  maxJournalBytes?: number;
}

/** What recover() found: the checkpoint's state and the deltas after it, in order. */
export interface Recovered {
  full?: unknown;
  deltas: unknown[];
}

interface Batch {
  commit: number;
  line: string;
  /** The whole state as of this commit, to write once the batch is in the spool. */
  checkpoint?: string;
}

const FORMAT = 1;

export class StateJournal implements SpoolJournal {
  private commit = 0;
  private fh?: FileHandle;
  private file?: string;
  private bytes = 0;
  private lastCheckpointAt: number;
  /** Journal files and the last commit each holds. */
  private files: Array<{ file: string; last: number }> = [];
  private recovered: SpoolRecord[] = [];
  private checkpointing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: JournalOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.lastCheckpointAt = opts.clock.now();
  }

  /** Read what the last run left (call once, before the spool starts). */
  recover(): Recovered {
    const dir = this.opts.dir;
    let full: unknown;
    let base = 0;
    const cp = join(dir, 'checkpoint.json');
    if (existsSync(cp)) {
      const saved = JSON.parse(readFileSync(cp, 'utf8')) as { v: number; commit: number; state: unknown };
      if (saved.v === FORMAT) ((full = saved.state), (base = saved.commit));
      else this.opts.logger.warn('saved call state is of another format; starting without it', { file: cp });
      this.commit = saved.commit;
    }
    const deltas: unknown[] = [];
    const records = new Map<number, SpoolRecord>();
    for (const name of readdirSync(dir).filter((f) => /^journal-\d+\.jsonl$/.test(f)).sort()) {
      const file = join(dir, name);
      let last = 0;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        let entry: { c: number; delta: unknown; records: SpoolRecord[] };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue; // empty, or torn by the crash: never durable, and the spool never got its records
        }
        last = entry.c;
        this.commit = Math.max(this.commit, entry.c);
        if (entry.c <= base) continue;
        deltas.push(entry.delta);
        for (const r of entry.records) records.set(r.seq, r);
      }
      this.files.push({ file, last });
    }
    this.recovered = [...records.values()].sort((a, b) => a.seq - b.seq);
    return { full, deltas };
  }

  /** Records committed here with seq > afterSeq (the spool lost them to a crash). */
  tail(afterSeq: number): SpoolRecord[] {
    const out = this.recovered.filter((r) => r.seq > afterSeq);
    this.recovered = [];
    return out;
  }

  get pending(): boolean {
    return this.opts.source.dirty;
  }

  cut(records: readonly SpoolRecord[], lastSeq: number): Batch {
    const commit = ++this.commit;
    const line = JSON.stringify({ c: commit, seq: lastSeq, delta: this.opts.source.takeDelta(), records }) + '\n';
    const now = this.opts.clock.now();
    const due = now - this.lastCheckpointAt >= (this.opts.checkpointEveryMs ?? 5000) || this.bytes >= (this.opts.maxJournalBytes ?? 8 * 1024 * 1024);
    if (!due) return { commit, line };
    this.lastCheckpointAt = now;
    return { commit, line, checkpoint: JSON.stringify({ v: FORMAT, commit, seq: lastSeq, state: this.opts.source.fullState() }) };
  }

  /** The spool calls this for one batch at a time, in order. */
  async write(batch: unknown): Promise<void> {
    const b = batch as Batch;
    if (this.fh === undefined) await this.open(b.commit);
    await this.fh!.write(b.line);
    await this.fh!.datasync();
    this.bytes += Buffer.byteLength(b.line);
    this.files[this.files.length - 1].last = b.commit;
    // Later commits go to a new file, so the ones a checkpoint covers can simply be deleted.
    if (b.checkpoint) await this.closeFile();
  }

  written(batch: unknown): void {
    const b = batch as Batch;
    if (!b.checkpoint) return;
    const text = b.checkpoint;
    this.checkpointing = this.checkpointing
      .then(async () => {
        await writeFileAtomic(join(this.opts.dir, 'checkpoint.json'), text);
        for (const f of this.files.filter((x) => x.last <= b.commit && x.file !== this.file)) rmSync(f.file, { force: true });
        this.files = this.files.filter((x) => x.last > b.commit || x.file === this.file);
      })
      .catch((err: unknown) => this.opts.logger.error('call state checkpoint failed; the journal keeps everything meanwhile', { error: err }));
  }

  /** Resolves once checkpoints in progress are on disk. */
  async close(): Promise<void> {
    await this.checkpointing;
    await this.closeFile();
  }

  private async open(commit: number): Promise<void> {
    this.file = join(this.opts.dir, `journal-${String(commit).padStart(12, '0')}.jsonl`);
    this.fh = await open(this.file, 'a');
    this.bytes = 0;
    this.files.push({ file: this.file, last: commit });
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.file = undefined;
    await fh?.close();
  }
}

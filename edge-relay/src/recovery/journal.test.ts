/**
 * The journal and the spool together, on disk: the state that comes back is
 * the one that produced exactly the events the spool holds, whatever the
 * moment of the crash (before the journal line, between it and the spool's
 * write, after both), and checkpoints replace the journal files they cover.
 */
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { quietLogger, tempDir } from '../../../test/helpers/relay-harness.js';
import { Spool } from '../events/spool.js';
import { StateJournal, type StateSource } from './journal.js';

const ev = (n: number): BoxEvent => ({ event: 'extensionstatus', timestamp: `${n}.000000`, exten: String(800 + n), status: '0', statustext: 'Idle', mac: '' });

/** A state that is a list of numbers; a delta is what was added. */
class Numbers implements StateSource {
  all: number[] = [];
  private added: number[] = [];
  get dirty(): boolean {
    return this.added.length > 0;
  }
  add(n: number): void {
    this.all.push(n);
    this.added.push(n);
  }
  takeDelta(): number[] {
    const d = this.added;
    this.added = [];
    return d;
  }
  fullState(): number[] {
    return [...this.all];
  }
  restore(full: unknown, deltas: unknown[]): void {
    this.all = [...((full as number[] | undefined) ?? []), ...(deltas as number[][]).flat()];
  }
}

function open(dir: string, clock = new ManualClock(0), checkpointEveryMs = 60_000) {
  const source = new Numbers();
  const journal = new StateJournal({ dir: join(dir, 'state'), source, clock, logger: quietLogger, checkpointEveryMs });
  const saved = journal.recover();
  source.restore(saved.full, saved.deltas);
  const spool = new Spool({ dir: join(dir, 'spool'), consumers: ['lan'], journal, clock });
  return { source, journal, spool, clock };
}

/** Map "message" n: the state takes it and, for even n, an event is produced. */
function message(r: ReturnType<typeof open>, n: number): void {
  r.source.add(n);
  if (n % 2 === 0) r.spool.append([ev(n)]);
  else r.spool.commit();
}

const spooled = (r: ReturnType<typeof open>) => r.spool.read(0, 1000).map((x) => Number(x.event.timestamp));

describe('the state journal with the spool', () => {
  it('brings back the state of exactly the events spooled, after a clean stop', async () => {
    const dir = tempDir('journal-');
    const a = open(dir);
    for (let n = 1; n <= 9; n++) message(a, n);
    await a.spool.close();
    await a.journal.close();
    const b = open(dir);
    expect(b.source.all).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(spooled(b)).toEqual([2, 4, 6, 8]);
    expect(b.spool.seq).toBe(4);
  });

  it('a crash between the journal line and the spool write: the spool gets the events back, under the same seqs', async () => {
    const dir = tempDir('journal-');
    const a = open(dir);
    for (let n = 1; n <= 4; n++) message(a, n);
    await a.spool.flush();
    // The next batch reached the journal only (what a kill -9 right after its fdatasync leaves).
    const journalFile = readdirSync(join(dir, 'state')).find((f) => f.startsWith('journal-'))!;
    appendFileSync(join(dir, 'state', journalFile), JSON.stringify({ c: 99, seq: 3, delta: [5, 6], records: [{ seq: 3, event: ev(6) }] }) + '\n');
    const b = open(dir);
    expect(b.source.all).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.spool.read(0, 10).map((x) => [x.seq, x.event.timestamp])).toEqual([
      [1, '2.000000'],
      [2, '4.000000'],
      [3, '6.000000'],
    ]);
    message(b, 8);
    await b.spool.flush();
    expect(b.spool.read(3, 10).map((x) => x.seq)).toEqual([4]);
  });

  it('a torn last journal line (a crash mid-write) counts for nothing, and neither its events nor its state come back', async () => {
    const dir = tempDir('journal-');
    const a = open(dir);
    for (let n = 1; n <= 4; n++) message(a, n);
    await a.spool.flush();
    const journalFile = readdirSync(join(dir, 'state')).find((f) => f.startsWith('journal-'))!;
    appendFileSync(join(dir, 'state', journalFile), '{"c":99,"seq":3,"delta":[5,6],"records":[{"seq":3,"ev');
    const b = open(dir);
    expect(b.source.all).toEqual([1, 2, 3, 4]);
    expect(spooled(b)).toEqual([2, 4]);
    expect(b.spool.append([ev(6)])[0].seq).toBe(3);
  });

  it('writes a checkpoint atomically and drops the journal files it covers', async () => {
    const dir = tempDir('journal-');
    const clock = new ManualClock(0);
    const a = open(dir, clock, 1000);
    for (let n = 1; n <= 4; n++) message(a, n);
    await a.spool.flush();
    clock.advance(1000);
    message(a, 5); // this batch carries the checkpoint
    await a.spool.flush();
    for (let n = 6; n <= 7; n++) message(a, n);
    await a.spool.flush();
    await a.journal.close();
    const cp = JSON.parse(readFileSync(join(dir, 'state', 'checkpoint.json'), 'utf8')) as { state: number[] };
    expect(cp.state).toEqual([1, 2, 3, 4, 5]);
    const journals = readdirSync(join(dir, 'state')).filter((f) => f.startsWith('journal-'));
    expect(journals).toHaveLength(1);
    expect(readdirSync(join(dir, 'state')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const b = open(dir);
    expect(b.source.all).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('a checkpoint of another format is not trusted: the relay starts without it', async () => {
    const dir = tempDir('journal-');
    const a = open(dir);
    message(a, 1);
    await a.spool.close();
    writeFileSync(join(dir, 'state', 'checkpoint.json'), JSON.stringify({ v: 0, commit: 0, state: [42] }));
    const b = open(dir);
    expect(b.source.all).toEqual([1]);
  });
});

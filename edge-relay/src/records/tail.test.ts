import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labFile } from '../../../test/helpers/asterisk-records.js';
import { CDR_CSV_RECOMMENDED, CdrCsvDecoder, type CdrCsvRow } from './cdr-csv.js';
import { QueueLogDecoder, type QueueLogLine } from './queue-log.js';
import { FileTail, type FileTailOptions, type TailBatch } from './tail.js';

/** Real queue_log lines of the lab, to write as Asterisk would. */
const LINES = labFile('queue_log').toString().split('\n').filter(Boolean).map((l) => `${l}\n`);
const ROWS = labFile('Master.csv').toString().split('\n').filter(Boolean).map((l) => `${l}\n`);

let dir: string;
let file: string;
let state: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tail-'));
  file = join(dir, 'queue_log');
  state = join(dir, 'queue_log.pos');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function queueTail(opts: Partial<FileTailOptions<QueueLogLine>> = {}): FileTail<QueueLogLine> {
  return new FileTail<QueueLogLine>({ path: file, statePath: state, decoder: (o) => new QueueLogDecoder({ startOffset: o }), startAt: 'start', ...opts });
}

const texts = (b: TailBatch<QueueLogLine>) => b.items.map((i) => (i.ok ? `${i.record.time}|${i.record.callid}|${i.record.queue}|${i.record.agent}|${i.record.event}|${i.record.data.join('|')}\n` : i.error.code));

/** Read until nothing is left, committing each batch as a consumer would. */
async function readAll(t: FileTail<QueueLogLine>): Promise<{ lines: string[]; notices: string[] }> {
  const lines: string[] = [];
  const notices: string[] = [];
  for (;;) {
    const b = await t.read();
    lines.push(...texts(b));
    notices.push(...b.notices.map((n) => n.kind + ('finished' in n ? `:${n.finished}` : '')));
    await t.commit(b.position);
    if (!b.more && b.items.length === 0) return { lines, notices };
  }
}

describe('FileTail on a real queue_log', () => {
  it('yields lines as they are appended; a torn line only once Asterisk finishes it', async () => {
    writeFileSync(file, LINES.slice(0, 3).join(''));
    const t = queueTail();
    expect((await readAll(t)).lines).toEqual(LINES.slice(0, 3));
    appendFileSync(file, LINES[3] + LINES[4].slice(0, 20));
    expect((await readAll(t)).lines).toEqual([LINES[3]]);
    appendFileSync(file, LINES[4].slice(20));
    expect((await readAll(t)).lines).toEqual([LINES[4]]);
    await t.close();
  });

  it('resumes from the saved position after a restart; what was read but not committed comes again', async () => {
    writeFileSync(file, LINES.slice(0, 5).join(''));
    const t1 = queueTail();
    await t1.commit((await t1.read()).position);
    appendFileSync(file, LINES.slice(5, 8).join(''));
    await t1.read(); // read, then the relay dies before committing
    await t1.close();
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved.offset).toBe(LINES.slice(0, 5).join('').length);
    const t2 = queueTail();
    const { lines, notices } = await readAll(t2);
    expect(lines).toEqual(LINES.slice(5, 8));
    expect(notices).toEqual(['started']);
    await t2.close();
  });

  it('rotation while reading (rename + new file): the old file is finished through its open descriptor, then the new one from 0', async () => {
    writeFileSync(file, LINES.slice(0, 2).join(''));
    const t = queueTail();
    await readAll(t);
    appendFileSync(file, LINES[2]);
    renameSync(file, `${file}.0`); // logger rotate (SEQUENTIAL)
    writeFileSync(file, LINES.slice(3, 5).join(''));
    const { lines, notices } = await readAll(t);
    expect(lines).toEqual(LINES.slice(2, 5));
    expect(notices).toEqual(['rotated:open-file']);
    await t.close();
  });

  it('rotation while the relay was down: the old file is found by its inode and finished first', async () => {
    writeFileSync(file, LINES.slice(0, 2).join(''));
    const t1 = queueTail();
    await readAll(t1);
    await t1.close();
    appendFileSync(file, LINES[2]);
    renameSync(file, `${file}.1796588000`); // rotatestrategy = timestamp
    writeFileSync(file, LINES[3]);
    const t2 = queueTail();
    const { lines, notices } = await readAll(t2);
    expect(lines).toEqual(LINES.slice(2, 4));
    expect(notices).toEqual(['rotated:found-by-inode', 'rotated:open-file']);
    appendFileSync(file, LINES[4]);
    expect((await readAll(t2)).lines).toEqual([LINES[4]]);
    await t2.close();
  });

  it('a rotated file deleted while the relay was down: says so and starts the new file at 0', async () => {
    writeFileSync(file, LINES.slice(0, 2).join(''));
    const t1 = queueTail();
    await readAll(t1);
    await t1.close();
    renameSync(file, `${file}.0`);
    writeFileSync(file, LINES[2]);
    unlinkSync(`${file}.0`); // compressed away, say (deleted first, its inode could be reused by the new file: then the changed first bytes tell)
    const t2 = queueTail();
    expect(await readAll(t2)).toEqual({ lines: [LINES[2]], notices: ['rotated:gone'] });
    await t2.close();
  });

  it('copytruncate: a file cut shorter than the position is read again from 0', async () => {
    writeFileSync(file, LINES.slice(0, 4).join(''));
    const t = queueTail();
    await readAll(t);
    truncateSync(file, 0);
    appendFileSync(file, LINES[4]);
    expect(await readAll(t)).toEqual({ lines: [LINES[4]], notices: ['truncated'] });
    await t.close();
  });

  it('copytruncate then more lines than before: the changed first line gives it away, also across a restart', async () => {
    writeFileSync(file, LINES.slice(0, 2).join(''));
    const t1 = queueTail();
    await readAll(t1);
    await t1.close();
    truncateSync(file, 0);
    appendFileSync(file, LINES.slice(10, 16).join('')); // longer than the saved offset
    const t2 = queueTail();
    expect(await readAll(t2)).toEqual({ lines: LINES.slice(10, 16), notices: ['truncated'] });
    truncateSync(file, 0);
    appendFileSync(file, LINES.slice(20, 30).join(''));
    expect(await readAll(t2)).toEqual({ lines: LINES.slice(20, 30), notices: ['truncated'] });
    await t2.close();
  });

  it("starting with no saved position at 'end' skips history, and never starts inside a torn line", async () => {
    writeFileSync(file, LINES.slice(0, 3).join('') + LINES[3].slice(0, 10));
    const t = queueTail({ startAt: 'end' });
    const first = await readAll(t);
    expect(first).toEqual({ lines: [], notices: ['started'] });
    appendFileSync(file, LINES[3].slice(10) + LINES[4]);
    expect((await readAll(t)).lines).toEqual([LINES[3], LINES[4]]);
    await t.close();
  });

  it('a file that does not exist yet is waited for', async () => {
    const t = queueTail();
    expect((await readAll(t)).lines).toEqual([]);
    writeFileSync(file, LINES[0]);
    expect((await readAll(t)).lines).toEqual([LINES[0]]);
    await t.close();
  });

  it('reads in bounded steps: a big backlog comes in several calls, nothing lost or doubled', async () => {
    writeFileSync(file, LINES.join(''));
    const t = queueTail({ chunkBytes: 256, maxReadBytes: 1024 });
    let calls = 0;
    const got: string[] = [];
    for (;;) {
      const b = await t.read();
      calls++;
      got.push(...texts(b));
      if (!b.more) break;
    }
    expect(got).toEqual(LINES);
    expect(calls).toBeGreaterThanOrEqual(Math.floor(Buffer.byteLength(LINES.join('')) / 1024));
    await t.close();
  });

  it('an unreadable position file is reported and reading starts as configured', async () => {
    writeFileSync(file, LINES.slice(0, 2).join(''));
    writeFileSync(state, '{"torn');
    const t = queueTail();
    expect(await readAll(t)).toEqual({ lines: LINES.slice(0, 2), notices: ['position-unreadable', 'started'] });
    expect(JSON.parse(readFileSync(state, 'utf8')).offset).toBe(LINES.slice(0, 2).join('').length);
    await t.close();
  });
});

describe('FileTail on a real Master.csv', () => {
  it('gives every row once across appends with a torn row, a restart and a move-away (Master.csv is only moved by hand)', async () => {
    const csv = join(dir, 'Master.csv');
    const csvState = join(dir, 'Master.csv.pos');
    const mk = () => new FileTail<CdrCsvRow>({ path: csv, statePath: csvState, decoder: (o) => new CdrCsvDecoder(CDR_CSV_RECOMMENDED, { startOffset: o }), startAt: 'start' });
    const ids: string[] = [];
    const drain = async (t: FileTail<CdrCsvRow>) => {
      for (;;) {
        const b = await t.read();
        for (const i of b.items) ids.push(i.ok ? i.record.uniqueId : i.error.code);
        await t.commit(b.position);
        if (!b.more && b.items.length === 0) return;
      }
    };
    writeFileSync(csv, ROWS.slice(0, 50).join('') + ROWS[50].slice(0, 30));
    const t1 = mk();
    await drain(t1);
    await t1.close();
    appendFileSync(csv, ROWS[50].slice(30) + ROWS.slice(51, 100).join(''));
    renameSync(csv, join(dir, 'Master.csv-20261206'));
    writeFileSync(csv, ROWS.slice(100).join(''));
    const t2 = mk();
    await drain(t2);
    await t2.close();
    const expected = ROWS.map((r) => /"([^"]*)","[^"]*"\n$/.exec(r)![1]);
    expect(ids).toEqual(expected);
  });
});

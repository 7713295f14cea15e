import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { tempDir } from '../../../test/helpers/relay-harness.js';
import { Spool } from './spool.js';

const ev = (n: number): BoxEvent => ({ event: 'extensionstatus', timestamp: `${n}.000000`, exten: String(800 + (n % 10)), status: '0', statustext: 'Idle', mac: '' });

describe('Spool', () => {
  it('numbers events, makes them durable, and reads them back in order', async () => {
    const dir = tempDir('spool-');
    const spool = new Spool({ dir, consumers: ['lan'] });
    const records = spool.append([ev(1), ev(2), ev(3)]);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(spool.read(0, 10)).toEqual([]); // not durable yet
    await spool.flush();
    expect(spool.durableSeq).toBe(3);
    expect(spool.read(0, 10).map((r) => r.event.timestamp)).toEqual(['1.000000', '2.000000', '3.000000']);
    expect(spool.read(1, 1).map((r) => r.seq)).toEqual([2]);
    await spool.close();
  });

  it('keeps seq and unacked events across a restart, and cursors with them', async () => {
    const dir = tempDir('spool-');
    const a = new Spool({ dir, consumers: ['lan'] });
    a.append([ev(1), ev(2), ev(3), ev(4)]);
    await a.flush();
    a.ack('lan', 2);
    await a.close();
    const b = new Spool({ dir, consumers: ['lan'] });
    expect(b.seq).toBe(4);
    expect(b.cursor('lan')).toBe(2);
    expect(b.read(b.cursor('lan'), 10).map((r) => r.seq)).toEqual([3, 4]);
    expect(b.append([ev(5)])[0].seq).toBe(5);
    await b.close();
  });

  it('cuts a torn last line left by a crash mid-write', async () => {
    const dir = tempDir('spool-');
    const a = new Spool({ dir, consumers: ['lan'] });
    a.append([ev(1), ev(2)]);
    await a.close();
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(join(dir, seg), '{"seq":3,"event":{"ev');
    const b = new Spool({ dir, consumers: ['lan'] });
    expect(b.seq).toBe(2);
    expect(readFileSync(join(dir, seg), 'utf8').endsWith('\n')).toBe(true);
    expect(b.append([ev(3)])[0].seq).toBe(3);
    await b.close();
  });

  it('deletes a segment only when every consumer is past it, and reads old ones from disk', async () => {
    const dir = tempDir('spool-');
    const spool = new Spool({ dir, consumers: ['lan', 'cloud'], segmentRecords: 2, memoryRecords: 2 });
    spool.append([1, 2, 3, 4, 5, 6, 7].map(ev));
    await spool.flush();
    const segs = () => readdirSync(dir).filter((f) => f.startsWith('seg-')).length;
    expect(segs()).toBe(4);
    // Older than what memory holds: served from the files.
    expect(spool.read(0, 3).map((r) => r.seq)).toEqual([1, 2, 3]);
    spool.ack('lan', 6);
    expect(segs()).toBe(4);
    spool.ack('cloud', 4);
    expect(segs()).toBe(2);
    spool.ack('cloud', 7);
    expect(segs()).toBe(1); // the newest stays: it carries the last seq
    await spool.close();
  });
});

describe('Spool consumers', () => {
  it('a consumer the spool has never seen starts at the head, or at the oldest record kept when asked', async () => {
    const dir = tempDir('spool-');
    const lanOnly = new Spool({ dir, consumers: ['lan'] });
    lanOnly.append([1, 2, 3, 4].map(ev));
    await lanOnly.flush();
    lanOnly.ack('lan', 1);
    await lanOnly.close();
    const withCloud = new Spool({ dir, consumers: ['lan', 'cloud'] });
    expect(withCloud.cursor('cloud')).toBe(4);
    expect(withCloud.read(withCloud.cursor('cloud'), 10, 'cloud')).toEqual([]);
    expect(withCloud.cursor('lan')).toBe(1);
    await withCloud.close();
    // Its cursor was written at once: a crash before its first ack does not make it new again.
    expect(JSON.parse(readFileSync(join(dir, 'cursor-cloud.json'), 'utf8'))).toEqual({ acked: 4 });

    const dir2 = tempDir('spool-');
    const first = new Spool({ dir: dir2, consumers: ['lan'] });
    first.append([1, 2, 3].map(ev));
    await first.close();
    const backfill = new Spool({ dir: dir2, consumers: ['lan', 'cloud'], startAt: { cloud: 'oldest' } });
    expect(backfill.read(backfill.cursor('cloud'), 10, 'cloud').map((r) => r.seq)).toEqual([1, 2, 3]);
    await backfill.close();
  });

  it('coalesces cursor writes: many acks in a row, one write', async () => {
    const dir = tempDir('spool-');
    const clock = new ManualClock(0);
    const spool = new Spool({ dir, consumers: ['lan'], clock });
    spool.append(Array.from({ length: 50 }, (_, i) => ev(i + 1)));
    await spool.flush();
    const file = join(dir, 'cursor-lan.json');
    for (let s = 1; s <= 50; s++) spool.ack('lan', s);
    expect(readFileSync(file, 'utf8')).toBe('{"acked":0}');
    clock.advance(100);
    expect(readFileSync(file, 'utf8')).toBe('{"acked":50}');
    await spool.close();
  });

  it('reads a backlog from the files sequentially per consumer, also after a rewind', async () => {
    const dir = tempDir('spool-');
    const spool = new Spool({ dir, consumers: ['lan', 'cloud'], segmentRecords: 100, memoryRecords: 10 });
    spool.append(Array.from({ length: 450 }, (_, i) => ev(i + 1)));
    await spool.flush();
    const seen: number[] = [];
    for (let after = 0; after < 450; ) {
      const [r] = spool.read(after, 1, 'lan');
      seen.push(r.seq);
      after = r.seq;
    }
    expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    // Another consumer, in batches that cross segments, then rewound.
    expect(spool.read(95, 10, 'cloud').map((r) => r.seq)).toEqual([96, 97, 98, 99, 100, 101, 102, 103, 104, 105]);
    expect(spool.read(105, 3, 'cloud').map((r) => r.event.timestamp)).toEqual(['106.000000', '107.000000', '108.000000']);
    expect(spool.read(7, 2, 'cloud').map((r) => r.seq)).toEqual([8, 9]);
    await spool.close();
  });

  it('renumbers above a mark: the consumer then sees every undelivered record above it, across restarts', async () => {
    const dir = tempDir('spool-');
    const a = new Spool({ dir, consumers: ['lan', 'cloud'] });
    a.append([1, 2, 3].map(ev));
    await a.flush();
    a.ack('cloud', 1);
    expect(a.renumberAbove('cloud', 1000)).toBe(999);
    expect(a.cursor('cloud')).toBe(1000);
    expect(a.seq).toBe(1002);
    expect(a.read(a.cursor('cloud'), 10, 'cloud').map((r) => [r.seq, r.event.timestamp])).toEqual([
      [1001, '2.000000'],
      [1002, '3.000000'],
    ]);
    expect(a.renumberAbove('cloud', 1000)).toBe(0);
    expect(a.append([ev(4)])[0].seq).toBe(1003);
    await a.close();
    const b = new Spool({ dir, consumers: ['lan', 'cloud'] });
    expect(b.seq).toBe(1003);
    expect(b.cursor('lan')).toBe(999);
    expect(b.read(b.cursor('lan'), 10, 'lan').map((r) => r.seq)).toEqual([1000, 1001, 1002, 1003]);
    b.ack('cloud', 1003);
    b.ack('lan', 1003);
    expect(b.cursor('cloud')).toBe(1003);
    await b.close();
  });
});

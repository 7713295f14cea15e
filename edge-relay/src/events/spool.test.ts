import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

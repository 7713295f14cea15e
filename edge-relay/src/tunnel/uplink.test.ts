/**
 * Events up, without a socket: a real spool on disk, the connection the
 * uplink sends on as the small interface it needs (ready, buffered bytes,
 * send), timers on a manual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { encodeFrame } from '../../../protocol/src/wire/codec.js';
import { MAX_FRAME_BYTES, type EventsFrame } from '../../../protocol/src/wire/frames.js';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { quietLogger, tempDir } from '../../../test/helpers/relay-harness.js';
import { Spool, type SpoolRecord } from '../events/spool.js';
import { CLOUD_CONSUMER, packBatch, Uplink, type UplinkConnection, type UplinkOptions } from './uplink.js';

const ev = (n: number, extra = ''): BoxEvent => ({ event: 'extensionstatus', timestamp: `${1795513000 + n}.000000`, exten: String(1000 + n), status: '0', statustext: 'Idle' + extra, mac: '' });

/** A connection as the uplink sees it; the frames it was given are kept. */
class Link implements UplinkConnection {
  ready = true;
  bufferedAmount = 0;
  frames: EventsFrame[] = [];
  send(frame: EventsFrame): boolean {
    if (!this.ready) return false;
    this.frames.push(frame);
    return true;
  }
  seqs(): number[] {
    return this.frames.flatMap((f) => f.events.map((e) => e.seq));
  }
}

let spool: Spool | undefined;
let uplink: Uplink | undefined;

afterEach(async () => {
  uplink?.stop();
  await spool?.close();
  spool = uplink = undefined;
});

async function setUp(events: number, opts: Partial<UplinkOptions> & { pad?: number } = {}) {
  const clock = new ManualClock(0);
  spool = new Spool({ dir: tempDir('uplink-'), consumers: [CLOUD_CONSUMER] });
  spool.append(Array.from({ length: events }, (_, i) => ev(i + 1, 'x'.repeat(opts.pad ?? 0))));
  await spool.flush();
  uplink = new Uplink({ spool, clock, logger: quietLogger, ...opts });
  return { clock, spool, uplink, link: new Link() };
}

describe('uplink', () => {
  it('sends the spool in order from the cloud\'s mark, and trims only what the cloud acks', async () => {
    const { spool, uplink, link } = await setUp(10);
    uplink.attach(link, 3); // the cloud had stored 1..3 already
    expect(link.seqs()).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(spool.cursor(CLOUD_CONSUMER)).toBe(3);
    expect(uplink.backlog).toBe(7);
    uplink.ack(8);
    expect(spool.cursor(CLOUD_CONSUMER)).toBe(8);
    spool.append([ev(11), ev(12)]);
    await spool.flush();
    expect(link.seqs()).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    uplink.ack(12);
    expect(uplink.backlog).toBe(0);
  });

  it('sends what is unacked again on the next connection', async () => {
    const { uplink, link } = await setUp(5);
    uplink.attach(link, 0);
    uplink.ack(2);
    link.ready = false;
    uplink.detach(link);
    const next = new Link();
    uplink.attach(next, 2);
    expect(next.seqs()).toEqual([3, 4, 5]);
  });

  it('pauses while the socket\'s buffer is over the high-water mark and resumes on the clock', async () => {
    const { clock, spool, uplink, link } = await setUp(0, { highWaterBytes: 1000 });
    uplink.attach(link, 0);
    link.bufferedAmount = 5000;
    spool.append([ev(1), ev(2)]);
    await spool.flush();
    expect(link.frames).toEqual([]);
    link.bufferedAmount = 0;
    clock.advance(20);
    expect(link.seqs()).toEqual([1, 2]);
  });

  it('sends no further frame while maxInFlight events are unacked', async () => {
    // 4 KB events: a handful per frame, so the limit falls between frames.
    const { uplink, link } = await setUp(60, { maxInFlight: 10, pad: 4096 });
    uplink.attach(link, 0);
    const perFrame = link.frames[0].events.length;
    expect(perFrame).toBeLessThan(10);
    const frames = Math.ceil(10 / perFrame);
    expect(link.frames).toHaveLength(frames);
    expect(link.seqs()).toEqual(Array.from({ length: frames * perFrame }, (_, i) => i + 1));
    uplink.ack(perFrame);
    expect(link.frames).toHaveLength(frames + 1);
  });

  it('re-sends from the last ack when acks stall', async () => {
    const log = captureLog('warn');
    const { clock, uplink, link } = await setUp(4, { ackTimeoutMs: 30_000, logger: log.logger });
    uplink.attach(link, 0);
    uplink.ack(2);
    clock.advance(29_999);
    expect(link.seqs()).toEqual([1, 2, 3, 4]);
    clock.advance(1);
    expect(link.seqs()).toEqual([1, 2, 3, 4, 3, 4]);
    expect(log.lines).toMatchObject([{ level: 'warn', msg: 'acks stalled; re-sending from the last ack', acked: 2, sent: 4 }]);
  });

  it('when the cloud has more events than the relay ever numbered, numbers what it has not delivered above the cloud\'s mark and says so', async () => {
    const log = captureLog('error');
    const { spool, uplink, link } = await setUp(3, { logger: log.logger });
    uplink.attach(link, 50);
    // Nothing dropped: the three events go up as 51..53, in order, with their own bodies.
    expect(link.frames.flatMap((f) => f.events.map((e) => [e.seq, e.event.exten]))).toEqual([
      [51, '1001'],
      [52, '1002'],
      [53, '1003'],
    ]);
    expect(spool.cursor(CLOUD_CONSUMER)).toBe(50);
    expect(uplink.lastSeq).toBe(53);
    expect(log.lines).toMatchObject([{ level: 'error', mark: 50, shift: 50, lastSeq: 53 }]);
  });

  it('sends nothing on a detached connection, and lets go of the spool and the clock on stop', async () => {
    const { clock, spool, uplink, link } = await setUp(2);
    const listeners = spool.listenerCount('durable');
    uplink.attach(link, 0);
    uplink.detach(link);
    spool.append([ev(3)]);
    await spool.flush();
    expect(link.seqs()).toEqual([1, 2]);
    uplink.stop();
    expect(spool.listenerCount('durable')).toBe(listeners - 1);
    expect(clock.pending).toBe(0);
  });
});

describe('packBatch', () => {
  const records = (n: number, pad = 0): SpoolRecord[] => Array.from({ length: n }, (_, i) => ({ seq: i + 1, event: ev(i + 1, 'x'.repeat(pad)), call: `1795513000.${i}` }));

  it('puts small records in one frame', () => {
    expect(packBatch(records(50))).toHaveLength(50);
  });

  it('splits at API Gateway\'s 32 KB frame limit, every frame within it, nothing skipped', () => {
    const all = records(200, 400);
    const frames: SpoolRecord[][] = [];
    for (let rest = all; rest.length > 0; rest = rest.slice(frames[frames.length - 1].length)) frames.push(packBatch(rest));
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.flat().map((r) => r.seq)).toEqual(all.map((r) => r.seq));
    for (const f of frames) expect(Buffer.byteLength(encodeFrame({ t: 'events', events: f as unknown as EventsFrame['events'] }))).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });

  it('always takes at least one record, even one too big for a frame', () => {
    expect(packBatch(records(3, MAX_FRAME_BYTES))).toHaveLength(1);
  });
});

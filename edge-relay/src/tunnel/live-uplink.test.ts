import { describe, expect, it } from 'vitest';
import { AmiMessage } from '../../../ami-codec/src/message.js';
import { ManualClock } from '../../../protocol/src/clock.js';
import { applyLiveChanges } from '../../../protocol/src/live/reduce.js';
import { emptyLiveState } from '../../../protocol/src/live/state.js';
import { silentLogger } from '../../../protocol/src/log.js';
import { encodeFrame } from '../../../protocol/src/wire/codec.js';
import type { StateFrame } from '../../../protocol/src/wire/frames.js';
import { LiveTracker } from '../live/tracker.js';
import { LiveUplink } from './live-uplink.js';

function conn(buffered = 0) {
  const frames: StateFrame[] = [];
  return { id: 'c1', bufferedAmount: buffered, frames, send: (f: StateFrame) => (encodeFrame(f), frames.push(f), true) };
}

const status = (exten: string, s: string) => new AmiMessage(['Event', 'ExtensionStatus', 'Exten', exten, 'Status', s]);

function setup() {
  const clock = new ManualClock(1_000_000);
  const tracker = new LiveTracker();
  tracker.complete = true; // as after the first login's lists
  const uplink = new LiveUplink({ source: tracker, clock, logger: silentLogger, batchMs: 100 });
  const feed = (m: AmiMessage) => {
    tracker.apply(m, clock.now());
    uplink.changed();
  };
  return { clock, tracker, uplink, feed };
}

describe('LiveUplink', () => {
  it('starts each connection with a snapshot, then batches deltas numbered after it', () => {
    const { clock, uplink, feed } = setup();
    feed(status('800', '0'));
    const c = conn();
    uplink.attach(c);
    expect(c.frames).toEqual([{ t: 'state', ver: 1, at: 1_000_000, reset: true, changes: [{ op: 'extension', extension: { extension: '800', status: '0' } }] }]);
    feed(status('800', '1'));
    feed(status('800', '8'));
    feed(status('801', '0'));
    expect(c.frames).toHaveLength(1);
    clock.advance(100);
    expect(c.frames).toHaveLength(2);
    // Coalesced: 800 once, as it is now.
    expect(c.frames[1]).toMatchObject({ ver: 2, changes: [{ extension: { extension: '800', status: '8' } }, { extension: { extension: '801' } }] });
    expect(c.frames[1].reset).toBeUndefined();
  });

  it('splits a snapshot larger than a frame into partial frames that rebuild the same state', () => {
    const { tracker, uplink, feed } = setup();
    for (let i = 0; i < 3000; i++) feed(status(String(1000 + i), '0'));
    const c = conn();
    uplink.attach(c);
    expect(c.frames.length).toBeGreaterThan(1);
    expect(c.frames.map((f) => [f.ver, f.reset ?? false, f.partial ?? false])).toEqual(
      c.frames.map((_, i) => [i + 1, i === 0, i < c.frames.length - 1]),
    );
    let s = emptyLiveState();
    for (const f of c.frames) s = applyLiveChanges(s, f.changes, f.reset);
    expect(s).toEqual(tracker.state());
  });

  it('drops changes while no cloud listens, and holds state back while events fill the socket', () => {
    const { clock, uplink, tracker, feed } = setup();
    feed(status('800', '0'));
    expect(tracker.pendingChanges).toBe(0);
    const busy = conn(5 << 20);
    uplink.attach(busy);
    expect(busy.frames).toEqual([]);
    busy.bufferedAmount = 0;
    clock.advance(100);
    expect(busy.frames[0]).toMatchObject({ ver: 1, reset: true });
  });

  it('marks every frame partial until the state was rebuilt from Asterisk\'s lists (the cloud shows it syncing)', () => {
    const { clock, uplink, tracker, feed } = setup();
    tracker.complete = false;
    const c = conn();
    uplink.attach(c);
    feed(status('800', '0'));
    clock.advance(100);
    expect(c.frames.map((f) => [f.reset ?? false, f.partial ?? false])).toEqual([[true, true], [false, true]]);
    tracker.rebuild({ hints: [], queues: [], channels: [] }, tracker.mark(), clock.now());
    uplink.full('AMI login snapshot');
    expect(c.frames[2]).toMatchObject({ ver: 3, reset: true });
    expect(c.frames[2].partial).toBeUndefined();
  });

  it('sends nothing after detach', () => {
    const { clock, uplink, feed } = setup();
    const c = conn();
    uplink.attach(c);
    uplink.detach(c);
    feed(status('800', '0'));
    clock.advance(1000);
    expect(c.frames).toHaveLength(1);
  });
});

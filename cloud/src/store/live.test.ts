import { describe, expect, it } from 'vitest';
import { emptyLiveState } from '../../../protocol/src/live/state.js';
import { decodeRelayFrame } from '../../../protocol/src/wire/codec.js';
import type { StateFrame } from '../../../protocol/src/wire/frames.js';
import { judge, type LiveItem } from './live.js';

const item = (conn: string, ver: number, online = true): LiveItem => ({ siteId: 's', conn, ver, at: new Date(1000).toISOString(), syncing: false, online, since: '', state: emptyLiveState() });
const frame = (ver: number, reset?: true, at = 2000): StateFrame => ({ t: 'state', ver, at, changes: [], ...(reset ? { reset } : {}) });

describe('judge: whether a state frame applies onto the stored state', () => {
  it('a delta applies only right after the frame before it, of the same connection', () => {
    expect(judge(item('c1', 4), 'c1', frame(5))).toBe('apply');
    expect(judge(item('c1', 4), 'c1', frame(4))).toBe('old');
    expect(judge(item('c1', 4), 'c1', frame(6))).toBe('gap');
    expect(judge(item('c0', 9), 'c1', frame(2))).toBe('gap');
    expect(judge(undefined, 'c1', frame(2))).toBe('gap');
  });

  it('a snapshot applies onto an older version, or another connection\'s state unless it is older than it; never twice', () => {
    expect(judge(undefined, 'c1', frame(1, true))).toBe('apply');
    expect(judge(item('c0', 90), 'c1', frame(1, true))).toBe('apply');
    expect(judge(item('c0', 90), 'c1', frame(1, true, 500))).toBe('old'); // a late snapshot of a replaced connection
    expect(judge(item('c0', 90, false), 'c1', frame(1, true, 500))).toBe('apply'); // …but the one before it is gone
    expect(judge(item('c1', 4), 'c1', frame(9, true))).toBe('apply');
    expect(judge(item('c1', 4), 'c1', frame(3, true))).toBe('old');
  });
});

describe('state frames on the wire', () => {
  it('are refused beyond their bounds, and hello/welcome carry caps an older end ignores', () => {
    expect(() => decodeRelayFrame(JSON.stringify({ t: 'state', ver: 0, at: 1, changes: [] }))).toThrow(/ver/);
    expect(() => decodeRelayFrame(JSON.stringify({ t: 'state', ver: 1, at: 1, changes: [{ op: 'nope' }] }))).toThrow();
    const hello = decodeRelayFrame(JSON.stringify({ t: 'hello', v: 1, relay: 'r', amiConnected: true, lastSeq: 0, caps: ['live-state', 'from-the-future'] }));
    expect(hello).toMatchObject({ caps: ['live-state', 'from-the-future'] });
  });
});

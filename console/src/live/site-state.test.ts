/** A site's live state in the console: the /live answer, then the stream's state messages, stale whenever not current. */
import { describe, expect, it } from 'vitest';
import type { LiveCall } from '../../../protocol/src/live/state.js';
import { applyStateMessage, fromView, mergeView, unknownSite, type LiveView } from './site-state.js';

const call = (id: string, caller: string): LiveCall => ({ id, channels: [], caller: { number: caller }, state: 'up', startedAt: '2026-12-07T09:00:00.000Z', onHold: false });
const member = { interface: 'sip/803', paused: false, inCall: false };
const view = (o: Partial<LiveView> = {}): LiveView => ({
  siteId: 's1',
  at: '2026-12-07T09:00:00.000Z',
  online: true,
  stale: false,
  since: null,
  amiConnected: true,
  extensions: { '801': { extension: '801', status: '0' } },
  calls: {},
  queues: { '630': { name: '630', members: { 'sip/803': member }, callers: {} } },
  ...o,
});

describe('site live state', () => {
  it('starts from /live, then applies changes from the stream', () => {
    let s = fromView(view());
    expect(s).toMatchObject({ online: true, stale: false, since: null });
    expect(s.reason).toBeUndefined();
    s = applyStateMessage(s, { type: 'state', siteId: 's1', at: '2026-12-07T09:00:01.000Z', changes: [{ op: 'call', call: call('c1', '801') }, { op: 'member', queue: '630', member: { ...member, paused: true, pausedReason: 'lunch' } }] });
    expect(Object.keys(s.state.calls)).toEqual(['c1']);
    expect(s.state.queues['630'].members['sip/803']).toMatchObject({ paused: true, pausedReason: 'lunch' });
    expect(s.at).toBe('2026-12-07T09:00:01.000Z');
    s = applyStateMessage(s, { type: 'state', siteId: 's1', at: '2026-12-07T09:00:02.000Z', changes: [{ op: 'call-removed', id: 'c1' }] });
    expect(s.state.calls).toEqual({});
    // Another site's message changes nothing.
    expect(applyStateMessage(s, { type: 'state', siteId: 's2', at: 'x', online: false })).toBe(s);
  });

  it('is stale from the relay going until its next full state; the last state stays to be shown as such', () => {
    let s = fromView(view({ calls: { c1: call('c1', '801') } }));
    s = applyStateMessage(s, { type: 'state', siteId: 's1', at: '2026-12-07T09:05:00.000Z', online: false });
    expect(s).toMatchObject({ online: false, stale: true, reason: 'relay-offline', since: '2026-12-07T09:05:00.000Z' });
    expect(Object.keys(s.state.calls)).toEqual(['c1']);
    s = applyStateMessage(s, { type: 'state', siteId: 's1', at: '2026-12-07T09:06:00.000Z', online: true });
    expect(s).toMatchObject({ stale: true, reason: 'syncing' });
    s = applyStateMessage(s, { type: 'state', siteId: 's1', at: '2026-12-07T09:06:01.000Z', online: true, full: { extensions: {}, calls: {}, queues: {} } });
    expect(s).toMatchObject({ online: true, stale: false, since: null, state: { calls: {} } });
    expect(s.reason).toBeUndefined();
  });

  it('says why /live is not current, and keeps a newer stream picture over an older /live answer', () => {
    expect(fromView(view({ online: false, stale: true, reason: 'relay-offline', since: '2026-12-07T08:00:00.000Z' }))).toMatchObject({ stale: true, reason: 'relay-offline', since: '2026-12-07T08:00:00.000Z' });
    expect(fromView(view({ stale: true, reason: 'ami-disconnected', since: '2026-12-07T08:00:00.000Z' }))).toMatchObject({ reason: 'ami-disconnected', since: null });
    const streamed = applyStateMessage(unknownSite('s1'), { type: 'state', siteId: 's1', at: '2026-12-07T09:00:05.000Z', online: true, full: { extensions: {}, calls: { c2: call('c2', '802') }, queues: {} } });
    expect(mergeView(streamed, view())).toBe(streamed);
    expect(mergeView(streamed, view({ at: '2026-12-07T09:00:06.000Z' })).state.calls).toEqual({});
    expect(mergeView(undefined, view()).stale).toBe(false);
  });
});

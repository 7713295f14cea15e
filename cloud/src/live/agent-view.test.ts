import { describe, expect, it } from 'vitest';
import { applyLiveChanges } from '../../../protocol/src/live/reduce.js';
import { emptyLiveState, type LiveCall, type LiveState } from '../../../protocol/src/live/state.js';
import { ExtensionLiveView, liveDiff, liveForExtension } from './agent-view.js';

// A queue call from outside answered by 801 (the member interface sip/801), a call between 802 and 803, and
// queue 630 (801 and 802 members, a caller waiting) and 631 (802 only).
const queued: LiveCall = {
  id: '1700000000.1',
  channels: [
    { uniqueid: '1700000000.1', name: 'SIP/trunk-00000001', state: '6', callerNum: '0612345678' },
    { uniqueid: '1700000000.2', name: 'SIP/801-00000002', state: '6', callerNum: '801', connectedNum: '0612345678' },
  ],
  caller: { number: '0612345678' },
  callee: { number: '630' },
  state: 'up',
  startedAt: '2026-12-07T01:00:00.000Z',
  queue: '630',
  agent: 'sip/801',
  onHold: false,
};
const internal: LiveCall = {
  id: '1700000000.3',
  channels: [{ uniqueid: '1700000000.3', name: 'PJSIP/802-00000003', state: '6', callerNum: '802', connectedNum: '803' }],
  caller: { number: '802' },
  callee: { number: '803' },
  state: 'up',
  startedAt: '2026-12-07T01:00:05.000Z',
  onHold: false,
};
const member = (iface: string) => ({ interface: iface, paused: false, inCall: false });
const waiting = { uniqueid: '1700000000.9', number: '0699999999', position: 1, since: '2026-12-07T01:00:07.000Z' };

function site(): LiveState {
  return {
    extensions: { '801': { extension: '801', status: '1' }, '802': { extension: '802', status: '1' }, '803': { extension: '803', status: '1' } },
    calls: { [queued.id]: queued, [internal.id]: internal },
    queues: {
      '630': { name: '630', members: { 'sip/801': member('sip/801'), 'sip/802': member('sip/802') }, callers: { [waiting.uniqueid]: waiting } },
      '631': { name: '631', members: { 'sip/802': member('sip/802') }, callers: {} },
    },
  };
}

describe('liveForExtension', () => {
  it('keeps the extension, the calls it is in, and the queues it is a member of (its membership and their callers)', () => {
    expect(liveForExtension(site(), '801')).toEqual({
      extensions: { '801': { extension: '801', status: '1' } },
      calls: { [queued.id]: queued },
      queues: { '630': { name: '630', members: { 'sip/801': member('sip/801') }, callers: { [waiting.uniqueid]: waiting } } },
    });
    const of803 = liveForExtension(site(), '803');
    expect(Object.keys(of803.calls)).toEqual([internal.id]); // the callee of a call, by its number
    expect(of803.queues).toEqual({});
    expect(Object.keys(liveForExtension(site(), '802').queues)).toEqual(['630', '631']);
    expect(liveForExtension(site(), '899')).toEqual(emptyLiveState());
  });
});

describe('ExtensionLiveView', () => {
  it('sends the reduced full state, then only the changes the agent sees, so that applying them gives the reduced state', () => {
    const view = new ExtensionLiveView('801');
    const at = '2026-12-07T01:00:10.000Z';
    const first = view.next({ type: 'state', siteId: 's', at, full: site(), online: true });
    expect(first).toEqual({ type: 'state', siteId: 's', at, online: true, full: liveForExtension(site(), '801') });
    let shown = first!.full!;

    // Another extension's change: nothing to send.
    expect(view.next({ type: 'state', siteId: 's', at, changes: [{ op: 'extension', extension: { extension: '803', status: '0' } }] })).toBeUndefined();

    // 803 transfers its call to 801: the call now involves 801 and appears; a new caller joins 630.
    const moved: LiveCall = { ...internal, channels: [...internal.channels, { uniqueid: '1700000000.4', name: 'SIP/801-00000004', state: '5', callerNum: '801' }] };
    const joined = { ...waiting, uniqueid: '1700000000.10', position: 2 };
    let full = applyLiveChanges(site(), [{ op: 'extension', extension: { extension: '803', status: '0' } }]);
    const changes = [{ op: 'call' as const, call: moved }, { op: 'caller' as const, queue: '630', caller: joined }];
    full = applyLiveChanges(full, changes);
    const second = view.next({ type: 'state', siteId: 's', at, changes });
    expect(second?.changes).toHaveLength(2);
    expect(second?.changes).toEqual(expect.arrayContaining(changes));
    shown = applyLiveChanges(shown, second!.changes!);
    expect(shown).toEqual(liveForExtension(full, '801'));

    // 801 leaves queue 630 (the queue goes from its view, callers and all), and its first call ends.
    const leave = [{ op: 'member-removed' as const, queue: '630', interface: 'sip/801' }, { op: 'call-removed' as const, id: queued.id }];
    full = applyLiveChanges(full, leave);
    const third = view.next({ type: 'state', siteId: 's', at, changes: leave });
    expect(third?.changes).toEqual([{ op: 'call-removed', id: queued.id }, { op: 'queue-removed', queue: '630' }]);
    shown = applyLiveChanges(shown, third!.changes!);
    expect(shown).toEqual(liveForExtension(full, '801'));

    // The relay going offline is told even when nothing the agent sees changed.
    expect(view.next({ type: 'state', siteId: 's', at, online: false })).toEqual({ type: 'state', siteId: 's', at, online: false });
  });

  it('liveDiff of a state with itself is nothing', () => {
    expect(liveDiff(site(), site())).toEqual([]);
  });
});

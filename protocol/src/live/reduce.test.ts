import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { applyLiveChanges, liveStateAsChanges } from './reduce.js';
import { emptyLiveState, LiveChangeSchema, LiveStateSchema, type LiveCall, type LiveChange } from './state.js';

const call: LiveCall = {
  id: '1700000000.1',
  channels: [{ uniqueid: '1700000000.1', name: 'SIP/trunk-00000001', state: '6', callerNum: '0612345678' }],
  caller: { number: '0612345678' },
  callee: { number: '800', name: 'Alice' },
  state: 'up',
  startedAt: '2026-12-07T01:00:00.000Z',
  queue: '630',
  agent: 'sip/800',
  onHold: false,
};
const member = { interface: 'sip/800', name: 'Alice', paused: false, inCall: false };

describe('applyLiveChanges', () => {
  it('builds extensions, calls, queue members and waiting callers, and removes them', () => {
    let s = applyLiveChanges(emptyLiveState(), [
      { op: 'extension', extension: { extension: '800', status: '0', registration: 'registered' } },
      { op: 'queue', queue: '630' },
      { op: 'member', queue: '630', member },
      { op: 'caller', queue: '630', caller: { uniqueid: 'c1', number: '0612345678', position: 1, since: '2026-12-07T01:00:00.000Z' } },
    ]);
    expect(s.extensions['800'].registration).toBe('registered');
    expect(Object.keys(s.queues['630'].callers)).toEqual(['c1']);
    s = applyLiveChanges(s, [
      { op: 'caller-removed', queue: '630', uniqueid: 'c1' },
      { op: 'member', queue: '630', member: { ...member, inCall: true } },
      { op: 'call', call },
      { op: 'extension', extension: { extension: '800', status: '1', statusText: 'InUse' } },
    ]);
    expect(s.queues['630'].callers).toEqual({});
    expect(s.queues['630'].members['sip/800'].inCall).toBe(true);
    expect(s.calls[call.id].agent).toBe('sip/800');
    expect(s.extensions['800'].status).toBe('1');
    s = applyLiveChanges(s, [{ op: 'call-removed', id: call.id }, { op: 'member-removed', queue: '630', interface: 'sip/800' }]);
    expect(s.calls).toEqual({});
    expect(s.queues['630'].members).toEqual({});
  });

  it('leaves its input untouched (the cloud keeps it until the next one is stored)', () => {
    const before = applyLiveChanges(emptyLiveState(), [{ op: 'member', queue: '630', member }]);
    const copy = structuredClone(before);
    applyLiveChanges(before, [{ op: 'member', queue: '630', member: { ...member, paused: true } }, { op: 'queue-removed', queue: '630' }]);
    expect(before).toEqual(copy);
  });

  it('is idempotent: a change applied twice, or a removal of what is not there, does nothing more', () => {
    const changes: LiveChange[] = [{ op: 'call', call }, { op: 'caller-removed', queue: 'nope', uniqueid: 'x' }, { op: 'extension-removed', extension: '999' }];
    const once = applyLiveChanges(emptyLiveState(), changes);
    expect(applyLiveChanges(once, changes)).toEqual(once);
    expect(once.queues).toEqual({});
  });

  it('reset starts from nothing: a full snapshot replaces whatever was there', () => {
    const old = applyLiveChanges(emptyLiveState(), [{ op: 'call', call }]);
    const fresh = applyLiveChanges(old, [{ op: 'extension', extension: { extension: '801', status: '4' } }], true);
    expect(fresh.calls).toEqual({});
    expect(Object.keys(fresh.extensions)).toEqual(['801']);
  });

  it('liveStateAsChanges rebuilds the same state', () => {
    const s = applyLiveChanges(emptyLiveState(), [
      { op: 'extension', extension: { extension: '800', status: '0' } },
      { op: 'queue', queue: 'empty' },
      { op: 'member', queue: '630', member },
      { op: 'call', call },
      { op: 'truncated', truncated: true },
    ]);
    expect(applyLiveChanges(emptyLiveState(), liveStateAsChanges(s), true)).toEqual(s);
  });
});

describe('the schemas', () => {
  it('accept a whole state and refuse unbounded or malformed parts', () => {
    expect(v.safeParse(LiveStateSchema, applyLiveChanges(emptyLiveState(), [{ op: 'call', call }])).success).toBe(true);
    const many = { ...call, channels: Array.from({ length: 17 }, () => call.channels[0]) };
    expect(v.safeParse(LiveChangeSchema, { op: 'call', call: many }).success).toBe(false);
    expect(v.safeParse(LiveChangeSchema, { op: 'extension', extension: { extension: '800', status: 'idle' } }).success).toBe(false);
    expect(v.safeParse(LiveChangeSchema, { op: 'explode' }).success).toBe(false);
  });
});

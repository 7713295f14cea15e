/** What the wallboard makes of a live state: statuses in one word, orders, running clocks. */
import { describe, expect, it } from 'vitest';
import type { LiveQueue } from '../../../protocol/src/live/state.js';
import { callersInOrder, clock, endsACall, extensionKind, memberExtension, memberKind, secondsSince } from './wallboard-data.js';

describe('wallboard data', () => {
  it('names an extension’s status by the flag that matters most (extension-hints-status sums them)', () => {
    const kind = (status: string, registration?: 'registered' | 'unregistered' | 'unreachable') => extensionKind({ status, registration });
    expect(['0', '1', '2', '4', '8', '16', '9', '17', '-1', 'x'].map((s) => kind(s))).toEqual(['idle', 'inUse', 'busy', 'unavailable', 'ringing', 'onHold', 'ringing', 'onHold', 'unknown', 'unknown']);
    expect(kind('0', 'unregistered')).toBe('unavailable');
    expect(kind('0', 'registered')).toBe('idle');
  });

  it('writes running times as a clock, never negative (the PBX’s clock may be ahead of the browser’s)', () => {
    expect([0, 9, 75, 3599, 3600, 3725].map(clock)).toEqual(['0:00', '0:09', '1:15', '59:59', '1:00:00', '1:02:05']);
    const now = Date.parse('2026-12-07T09:01:05.900Z');
    expect(secondsSince('2026-12-07T09:00:00.000Z', now)).toBe(65);
    expect(secondsSince('2026-12-07T09:02:00.000Z', now)).toBe(0);
    expect(secondsSince('not a time', now)).toBe(0);
  });

  it('orders waiting callers by position, and names members’ states and extensions', () => {
    const q: LiveQueue = {
      name: '630',
      members: {},
      callers: {
        a: { uniqueid: 'a', number: '801', position: 2, since: '2026-12-07T09:00:00.000Z' },
        b: { uniqueid: 'b', number: '802', position: 1, since: '2026-12-07T09:00:01.000Z' },
      },
    };
    expect(callersInOrder(q).map((c) => c.number)).toEqual(['802', '801']);
    const m = { interface: 'sip/803', paused: false, inCall: false };
    expect([memberKind(m), memberKind({ ...m, paused: true }), memberKind({ ...m, paused: true, inCall: true }), memberKind({ ...m, deviceStatus: 5 })]).toEqual(['ready', 'paused', 'inCall', 'unavailable']);
    expect(['sip/803', 'pjsip/804', 'local/805@from-queue/n', '806'].map(memberExtension)).toEqual(['803', '804', '805', '806']);
  });

  it('refreshes the day’s figures on the records that end a call', () => {
    expect(['cdr', 'cc_cdr', 'hangup', 'dialbegin', undefined].map(endsACall)).toEqual([true, true, false, false, false]);
  });
});

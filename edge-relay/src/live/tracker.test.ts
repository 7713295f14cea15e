/**
 * The live state followed through real Asterisk 20 recordings (test/fixtures/ami):
 * expected values are what the recordings say (queue 630, members SIP/803 and
 * SIP/804, the pause reason "lunch"), not what the tracker printed once.
 */
import { describe, expect, it } from 'vitest';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { applyLiveChanges } from '../../../protocol/src/live/reduce.js';
import { emptyLiveState, type LiveState } from '../../../protocol/src/live/state.js';
import { loadRecording } from '../../../test/helpers/recordings.js';
import { recordedEvents } from '../../../test/helpers/replay-ami.js';
import { LiveTracker } from './tracker.js';

function decode(bytes: Buffer, banner = false): AmiMessage[] {
  const out: AmiMessage[] = [];
  new AmiDecoder({ expectBanner: banner }).push(bytes, (m) => out.push(m));
  return out;
}

/** The recording's unsolicited events with the time the lab client received them. */
function events(name: string): Array<{ m: AmiMessage; ms: number }> {
  return recordedEvents(loadRecording(name)).map((e) => ({ m: decode(e.bytes)[0], ms: e.t * 1000 }));
}

/** The items of the recording's answer to `action` (the last time it was sent). */
function listItems(name: string, event: string): AmiMessage[] {
  return decode(loadRecording(name).received, true).filter((m) => m.event === event && m.has('ActionID'));
}

/** Follow the recording; `at` sees the state (as a cloud applying the batches would hold it) after each event. */
function follow(name: string, at: (name: string, s: LiveState) => void, tracker = new LiveTracker()): LiveState {
  let cloud = emptyLiveState();
  for (const { m, ms } of events(name)) {
    tracker.apply(m, ms);
    cloud = applyLiveChanges(cloud, tracker.take());
    at(m.event ?? '', cloud);
  }
  expect(cloud).toEqual(tracker.state());
  return cloud;
}

describe('LiveTracker on queue-answered (801 calls queue 630, 803 rings out, 804 answers)', () => {
  it('shows the caller waiting, then the call answered by 804, then nothing once it ended', () => {
    const seen: string[] = [];
    const end = follow('queue-answered', (event, s) => {
      const call = s.calls['1795513177.42'];
      if (event === 'QueueCallerJoin') {
        expect(s.queues['630'].callers['1795513177.42']).toMatchObject({ number: '801', position: 1 });
        expect(call).toMatchObject({ state: 'queued', queue: '630', caller: { number: '801' } });
        seen.push('waiting');
      }
      if (event === 'AgentConnect') {
        expect(s.queues['630'].callers).toEqual({});
        expect(call).toMatchObject({ state: 'up', queue: '630', agent: 'sip/804', callee: { number: '804' } });
        expect(s.queues['630'].members['sip/804'].inCall).toBe(true);
        seen.push('answered');
      }
      if (event === 'AgentComplete') {
        expect(s.queues['630'].members['sip/804'].inCall).toBe(false);
        expect(s.queues['630'].members['sip/804'].lastCall).toBeDefined();
        seen.push('completed');
      }
    });
    expect(seen).toEqual(['waiting', 'answered', 'completed']);
    expect(end.calls).toEqual({});
  });
});

describe('LiveTracker on member pauses and queue membership', () => {
  it('follows QueueMemberPause with its reason, QueueMemberAdded and QueueMemberRemoved', () => {
    const paused: Array<[string, boolean, string | undefined]> = [];
    let had808 = false;
    const end = follow('action-queue-pause-add-remove', (event, s) => {
      for (const q of Object.values(s.queues)) for (const m of Object.values(q.members)) if (event === 'QueueMemberPause') paused.push([m.interface, m.paused, m.pausedReason]);
      if (s.queues['631']?.members['sip/808']) had808 = true;
    });
    expect(paused).toContainEqual(['sip/803', true, 'lunch']);
    expect(paused).toContainEqual(['sip/804', true, 'meeting']);
    expect(end.queues['630'].members['sip/803']).toMatchObject({ paused: false });
    expect(end.queues['630'].members['sip/803'].pausedReason).toBeUndefined();
    expect(had808).toBe(true);
    expect(end.queues['631'].members['sip/808']).toBeUndefined();
  });
});

describe('LiveTracker.rebuild from the login lists', () => {
  it('builds calls, queues and extensions from CoreShowChannels, QueueStatus and ExtensionStateList', () => {
    const t = new LiveTracker();
    const mark = t.mark();
    t.rebuild(
      {
        channels: listItems('action-coreshowchannels-active-call', 'CoreShowChannel'),
        queues: [...listItems('action-queuestatus', 'QueueParams'), ...listItems('action-queuestatus', 'QueueMember')],
        hints: listItems('action-extensionstatelist', 'ExtensionStatus'),
      },
      mark,
      1795513310_000,
    );
    const s = t.state();
    expect(s.calls['1795513306.63']).toMatchObject({
      state: 'up',
      caller: { number: '801', name: 'Bob Caller' },
      callee: { number: '802', name: 'Carol Callee' },
      startedAt: new Date(1795513306_000).toISOString(),
    });
    expect(s.calls['1795513306.63'].channels.map((c) => c.name)).toEqual(['SIP/801-00000025', 'SIP/802-00000026']);
    expect(Object.keys(s.queues).sort()).toEqual(['630', '631']);
    expect(s.queues['630'].members['sip/803']).toMatchObject({ name: 'Dave Agent', paused: false, inCall: false });
    expect(s.extensions['801']).toMatchObject({ extension: '801', hint: 'SIP/801' });
    expect(t.take()).toEqual([]);
  });

  it('an answer older than an event does not undo it: a call that hung up meanwhile does not come back', () => {
    const t = new LiveTracker();
    const channels = listItems('action-coreshowchannels-active-call', 'CoreShowChannel');
    t.rebuild({ channels }, t.mark(), 1795513310_000);
    const mark = t.mark();
    for (const uid of ['1795513306.64', '1795513306.63']) t.apply(decode(Buffer.from(`Event: Hangup\r\nUniqueid: ${uid}\r\nLinkedid: 1795513306.63\r\n\r\n`))[0], 1795513311_000);
    t.rebuild({ channels }, mark, 1795513312_000);
    expect(t.state().calls).toEqual({});
  });
});

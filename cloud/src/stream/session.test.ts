import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { eventId, type StoredEvent } from '../store/events.js';
import { channelPeer, extensionsOf, matchesStream } from './filter.js';
import { DEFAULT_STREAM_LIMITS, STREAM_CLOSE } from './messages.js';
import { SentSeqs, StreamSession, type StreamTransport } from './session.js';

const SITE = 'site_aaaaaaaaaaaaaaaa';
const TENANT = 'ten_aaaaaaaaaaaaaaaa';

function stored(seq: number, data: Partial<BoxEvent> & { event: string }, siteId = SITE): StoredEvent {
  return { id: eventId(siteId, seq), siteId, tenantId: TENANT, seq, type: data.event, occurredAt: '2026-12-07T01:00:00.000Z', data: data as BoxEvent };
}
const dial = (seq: number, from: string, to: string, siteId = SITE) =>
  stored(seq, { event: 'dialbegin', channel: `SIP/${from}-0000000${seq}`, calleridnum: from, destchannel: `PJSIP/${to}-0000000${seq}`, destcalleridnum: to } as Partial<BoxEvent> & { event: string }, siteId);

class MemoryTransport implements StreamTransport {
  sent: any[] = [];
  closedWith?: [number, string];
  stuck = 0;
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  buffered() {
    return { bytes: this.stuck * 100, messages: this.stuck };
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
  }
  seqs() {
    return this.sent.filter((m) => m.type === 'event').map((m) => m.seq);
  }
}

function session(t: MemoryTransport, filter = {}, limits = {}) {
  return new StreamSession(t, { tenantId: TENANT, filter, state: false, limits: { ...DEFAULT_STREAM_LIMITS, ...limits }, clock: new ManualClock() });
}

async function* from(events: StoredEvent[]) {
  yield* events;
}

describe('the stream filter', () => {
  it('names extensions by the fields of EXTENSION_FIELDS, channels by their peer', () => {
    expect(channelPeer('SIP/801-00000007')).toBe('801');
    expect(channelPeer('PJSIP/alice-0000001a')).toBe('alice');
    expect(channelPeer('Local/802@from-queue-00000001;1')).toBe('802');
    expect(extensionsOf(dial(1, '801', '802').data)).toEqual(['801', '802', '801', '802']);
    expect(extensionsOf({ event: 'extensionstatus', exten: '803', status: '1' } as unknown as BoxEvent)).toEqual(['803']);
    expect(extensionsOf({ event: 'cc_cdr', caller: '015112345', called: '600', agentCode: '804' } as unknown as BoxEvent)).toEqual(['015112345', '600', '804']);
  });

  it('keeps only the named sites, types and extensions', () => {
    const other = 'site_bbbbbbbbbbbbbbbb';
    expect(matchesStream({ siteIds: [other] }, dial(1, '801', '802'))).toBe(false);
    expect(matchesStream({ siteIds: [SITE], events: ['dialbegin'] }, dial(1, '801', '802'))).toBe(true);
    expect(matchesStream({ events: ['hangup'] }, dial(1, '801', '802'))).toBe(false);
    expect(matchesStream({ extensions: ['802'] }, dial(1, '801', '802'))).toBe(true);
    expect(matchesStream({ extensions: ['803'] }, dial(1, '801', '802'))).toBe(false);
  });
});

describe('a stream session', () => {
  it('sends events as the webhook envelope with type "event"', () => {
    const t = new MemoryTransport();
    const s = session(t);
    s.goLive();
    s.offer([dial(1, '801', '802')]);
    expect(t.sent).toEqual([{ type: 'event', id: eventId(SITE, 1), siteId: SITE, seq: 1, occurredAt: '2026-12-07T01:00:00.000Z', data: dial(1, '801', '802').data }]);
    expect(Object.keys(t.sent[0])).toEqual(['type', 'id', 'siteId', 'seq', 'occurredAt', 'data']);
  });

  it('resumes after a seq: stored events, then what arrived live meanwhile, each once, in order', async () => {
    const t = new MemoryTransport();
    const s = session(t);
    // Live events arrive while the store is read: 6 and 7 are in both, 8 and 9 only live.
    s.offer([dial(6, '801', '802'), dial(7, '801', '802')]);
    const store = [4, 5, 6, 7].map((n) => dial(n, '801', '802'));
    const resumed = s.resume(new Map([[SITE, 3]]), () => from(store));
    s.offer([dial(8, '801', '802'), dial(7, '801', '802')]);
    await resumed;
    s.offer([dial(9, '801', '802'), dial(8, '801', '802')]);
    expect(t.seqs()).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('ignores other tenants\' events and repeats', () => {
    const t = new MemoryTransport();
    const s = session(t);
    s.goLive();
    s.offer([{ ...dial(1, '801', '802'), tenantId: 'ten_bbbbbbbbbbbbbbbb' }, dial(2, '801', '802'), dial(2, '801', '802')]);
    expect(t.seqs()).toEqual([2]);
  });

  it('cuts a client that falls behind, telling it why first', () => {
    const t = new MemoryTransport();
    const closes: string[] = [];
    const s = new StreamSession(t, { tenantId: TENANT, filter: {}, state: false, limits: { ...DEFAULT_STREAM_LIMITS, maxBufferedMessages: 3 }, clock: new ManualClock(), onClose: (r) => closes.push(r) });
    s.goLive();
    t.stuck = 4;
    s.offer([dial(1, '801', '802'), dial(2, '801', '802')]);
    expect(t.closedWith).toEqual([STREAM_CLOSE['too-slow'].code, 'too-slow']);
    expect(t.sent.at(-1)).toMatchObject({ type: 'close', code: 4008, reason: 'too-slow' });
    expect(t.seqs()).toEqual([1]);
    expect(closes).toEqual(['too-slow']);
  });
});

describe('SentSeqs', () => {
  it('tells new seqs from repeats, in or out of order', () => {
    const s = new SentSeqs();
    s.start(SITE, 10);
    expect([10, 12, 11, 12, 13, 11].map((n) => s.mark(SITE, n))).toEqual([false, true, true, false, true, false]);
  });
});

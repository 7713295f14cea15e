import { describe, expect, it } from 'vitest';
import { decodeCloudFrame, decodeRelayFrame } from './codec.js';

const relay = (frame: unknown) => () => decodeRelayFrame(JSON.stringify(frame));
const cloud = (frame: unknown) => () => decodeCloudFrame(JSON.stringify(frame));
const hangup = { event: 'hangup' };

describe('sequence numbers are safe integers, checked where frames come in (issue 16, defect 8)', () => {
  // 1e300 is an "integer" to JSON and to Number.isInteger, but no seq: it failed storage forever.
  it.each([1e300, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, -1, 1.5])('refuses seq %s in events, ack, hello, welcome and parts', (seq) => {
    expect(relay({ t: 'events', events: [{ seq, event: hangup }] })).toThrow(/at events\.0\.seq/);
    expect(relay({ t: 'hello', v: 1, relay: 'r', amiConnected: true, lastSeq: seq })).toThrow(/at lastSeq/);
    expect(relay({ t: 'part', id: 'c1', n: seq, last: true, data: '' })).toThrow(/at n/);
    expect(relay({ t: 'reply', id: 'c1', ok: true, stream: { contentType: 'audio/wav', size: seq } })).toThrow(/at stream\.size/);
    expect(cloud({ t: 'ack', seq })).toThrow(/at seq/);
    expect(cloud({ t: 'welcome', v: 1, siteId: 's', ackedSeq: seq, pingMs: 30_000 })).toThrow(/at ackedSeq/);
  });

  it('takes the largest safe integer', () => {
    const seq = Number.MAX_SAFE_INTEGER;
    expect(decodeRelayFrame(JSON.stringify({ t: 'events', events: [{ seq, event: hangup }] }))).toEqual({ t: 'events', events: [{ seq, event: hangup }] });
    expect(decodeCloudFrame(JSON.stringify({ t: 'ack', seq }))).toEqual({ t: 'ack', seq });
  });
});

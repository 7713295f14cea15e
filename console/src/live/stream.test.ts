/** The console's stream client without a browser: its URL, its delays, and its reconnect machine over a scripted socket. */
import { describe, expect, it } from 'vitest';
import { afterOf, openStream, retryDelay, SILENCE_MS, streamUrl, type SocketLike, type StreamStatus } from './stream.js';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closedWith: number | undefined;
  constructor(readonly url: string) {}
  close(code = 1005) {
    this.closedWith = code;
  }
  send(m: object) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

/** A stream over fake sockets and a hand-driven clock. */
function rig(ticketFails: (n: number) => unknown = () => undefined) {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const statuses: StreamStatus[] = [];
  const messages: unknown[] = [];
  let now = 1_000;
  let tickets = 0;
  const stream = openStream({
    ticketUrl: async () => {
      const err = ticketFails(++tickets);
      if (err) throw err;
      return `/v1/stream?ticket=stk_${tickets}`;
    },
    filter: { siteIds: ['site_a'] },
    state: true,
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    location: { protocol: 'https:', host: 'cloud.example.com' },
    socket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => void ((t as { live: boolean }).live = false),
    now: () => now,
    retryDelay: (n) => 1000 * n,
  });
  const advance = async (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.live && x.at <= now)) {
      t.live = false;
      t.fn();
    }
    await flush();
  };
  return { stream, sockets, statuses, messages, advance, last: () => sockets[sockets.length - 1] };
}
const flush = () => new Promise((r) => setTimeout(r, 0));
const event = (seq: number, siteId = 'site_a') => ({ type: 'event', id: `evt_${siteId}_${seq}`, siteId, seq, occurredAt: '2026-12-07T09:00:00.000Z', data: { event: 'hangup' } });

describe('stream URL, delays, after', () => {
  it('opens where the ticket says: on the page’s own origin (wss under https), or the stream’s own API', () => {
    expect(streamUrl({ protocol: 'https:', host: 'c.example.com' }, '/v1/stream?ticket=stk_1', { state: true, after: 'evt_a_4,evt_b_9' })).toBe('wss://c.example.com/v1/stream?ticket=stk_1&state=1&after=evt_a_4%2Cevt_b_9');
    expect(streamUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, '/v1/stream?ticket=stk_2')).toBe('ws://127.0.0.1:8080/v1/stream?ticket=stk_2');
    // On AWS the ticket names the stream's own API: opened exactly there, not on the console's origin.
    expect(streamUrl({ protocol: 'https:', host: 'api.example.com' }, 'wss://abc123.execute-api.eu-west-1.amazonaws.com/prod?ticket=stk_3', { state: true, after: 'evt_a_4' })).toBe(
      'wss://abc123.execute-api.eu-west-1.amazonaws.com/prod?ticket=stk_3&state=1&after=evt_a_4',
    );
  });
  it('waits longer after each failure, up to 30 s, never less than half the step', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelay(20, () => 1)).toBe(30_000);
    expect(retryDelay(3, () => 0)).toBe(1000);
  });
  it('resumes after the last event of each site', () => {
    expect(afterOf(new Map())).toBeUndefined();
    expect(afterOf(new Map([['a', 'evt_a_4'], ['b', 'evt_b_9']]))).toBe('evt_a_4,evt_b_9');
  });
});

describe('the stream client', () => {
  it('reconnects with a new ticket and after=<last event id>, reporting each phase', async () => {
    const r = rig();
    await flush();
    expect(r.last().url).toBe('wss://cloud.example.com/v1/stream?ticket=stk_1&state=1');
    r.last().onopen?.({});
    r.last().send(event(41));
    r.last().send(event(42));
    expect(r.messages).toHaveLength(2);
    r.last().onclose?.({ code: 1006, reason: '' });
    expect(r.stream.status()).toMatchObject({ phase: 'retrying', attempt: 1, retryAt: 2000, error: 'closed (1006)' });
    await r.advance(1000);
    expect(r.last().url).toBe('wss://cloud.example.com/v1/stream?ticket=stk_2&state=1&after=evt_site_a_42');
    r.last().onopen?.({});
    expect(r.statuses.map((s) => s.phase)).toEqual(['connecting', 'open', 'retrying', 'connecting', 'open']);
  });

  it('starts live again when the cloud cannot resume (4410), and backs off while the ticket fails', async () => {
    const r = rig((n) => (n === 2 || n === 3 ? new Error('network down') : undefined));
    await flush();
    r.last().onopen?.({});
    r.last().send(event(7));
    r.last().onclose?.({ code: 4410, reason: 'after-expired' });
    await r.advance(1000); // ticket 2 fails
    expect(r.stream.status()).toMatchObject({ phase: 'retrying', attempt: 2, error: 'network down', since: 1000 });
    await r.advance(2000); // ticket 3 fails
    expect(r.stream.status()).toMatchObject({ phase: 'retrying', attempt: 3 });
    await r.advance(3000);
    expect(r.sockets).toHaveLength(2);
    expect(r.last().url).toBe('wss://cloud.example.com/v1/stream?ticket=stk_4&state=1');
  });

  it('takes a silent connection for dead, and stops for good on 401 or when closed', async () => {
    const r = rig((n) => (n === 2 ? Object.assign(new Error('unauthorized'), { status: 401 }) : undefined));
    await flush();
    const first = r.last();
    first.onopen?.({});
    await r.advance(SILENCE_MS - 1);
    expect(r.stream.status().phase).toBe('open');
    first.send({ type: 'ping' });
    await r.advance(SILENCE_MS - 1);
    expect(r.stream.status().phase).toBe('open');
    await r.advance(1);
    expect(first.closedWith).toBeDefined();
    await r.advance(1000);
    expect(r.stream.status()).toEqual({ phase: 'closed', error: 'unauthorized' });
    await r.advance(60_000);
    expect(r.sockets).toHaveLength(1);

    const s = rig();
    await flush();
    s.last().onopen?.({});
    s.stream.close();
    expect(s.last().closedWith).toBe(1000);
    expect(s.stream.status().phase).toBe('closed');
    await s.advance(120_000);
    expect(s.sockets).toHaveLength(1);
  });
});

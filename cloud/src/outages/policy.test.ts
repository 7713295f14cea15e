import { describe, expect, it } from 'vitest';
import { decide, nextCheckAt, silence, type AmiStatement, type Observation, type OutageTiming, type SiteRelayState } from './policy.js';

const T: OutageTiming = { graceMs: 30_000, silentMs: 60_000 };
const up: AmiStatement = { connected: true, change: 2 };
const s = (n: number) => n * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Feed observations at times (ms), keeping the state, collecting what is announced. */
function run(steps: Array<[at: number, obs: Observation | 'check']>) {
  let state: SiteRelayState | undefined;
  const announced: Array<{ at: number; type: string; since: string; reason: string; key: number }> = [];
  const replaced: string[] = [];
  for (const [at, o] of steps) {
    const d = decide(state, o === 'check' ? { kind: 'check' } : o, at, T);
    if (d.next) state = d.next;
    if (d.replaced) replaced.push(d.replaced);
    for (const a of d.announce) announced.push({ at, ...a });
  }
  return { state: state!, announced, replaced };
}

const hello = (connectionId: string, at: number, ami: AmiStatement = up): Observation => ({
  kind: 'connected',
  siteId: 'site_1',
  tenantId: 'ten_1',
  connectionId,
  node: 'n',
  since: iso(at),
  version: 'coocenter-relay/0.1.0',
  ami,
  at,
});
const bye = (connectionId: string, at: number, reason = 'connection lost'): Observation => ({ kind: 'disconnected', connectionId, reason, at });
const ami = (connectionId: string, at: number, a: AmiStatement): Observation => ({ kind: 'ami', connectionId, ami: a, at });

describe('relay outages', () => {
  it('never offline before the relay was last seen: a frame noted after the close was timed counts', () => {
    // The last frame arrived at 10 s (the close says so), but its handling noted it at 10.005 s.
    const r = run([[s(0), hello('c1', s(0))], [s(10) + 5, ami('c1', s(10) + 5, { connected: false, change: 3 })], [s(10) + 6, bye('c1', s(10))], [s(41), 'check']]);
    expect(r.state).toMatchObject({ offlineSince: iso(s(10) + 5), lastSeen: iso(s(10) + 5) });
    expect(r.announced).toEqual([{ at: s(41), type: 'relay.offline', since: iso(s(10) + 5), reason: 'connection lost', key: s(10) + 5 }]);
  });

  it('a quick reconnect is no outage: nothing announced, and nothing left due', () => {
    const r = run([[s(0), hello('c1', s(0))], [s(10), bye('c1', s(10))], [s(12), hello('c2', s(12))], [s(60), 'check']]);
    expect(r.announced).toEqual([]);
    expect(r.state).toMatchObject({ connectionId: 'c2', lastReason: 'connection lost' });
    expect(r.state.offlineSince).toBeUndefined();
    expect(nextCheckAt(r.state, T)).toBeUndefined();
  });

  it('make-before-break: the new connection takes over, the old one\'s close changes nothing', () => {
    const r = run([[s(0), hello('c1', s(0))], [s(5), hello('c2', s(5))], [s(6), bye('c1', s(6))], [s(100), 'check']]);
    expect(r.replaced).toEqual(['c1']);
    expect(r.announced).toEqual([]);
    expect(r.state.connectionId).toBe('c2');
  });

  it('offline after 30 s without a connection (since the drop, with its reason); online only after that', () => {
    const r = run([[s(0), hello('c1', s(0))], [s(10), bye('c1', s(10), 'the relay closed its connection (relay stopping)')], [s(39), 'check'], [s(40), 'check'], [s(90), hello('c2', s(90))]]);
    expect(r.announced).toEqual([
      { at: s(40), type: 'relay.offline', since: iso(s(10)), reason: 'the relay closed its connection (relay stopping)', key: s(10) },
      // The online event's key is the outage it ends: one online per offline.
      { at: s(90), type: 'relay.online', since: iso(s(90)), reason: 'relay coocenter-relay/0.1.0 connected', key: s(10) },
    ]);
    expect(r.state.offlineSince).toBeUndefined();
    expect(r.state.lastReason).toBe('the relay closed its connection (relay stopping)');
  });

  it('a connection gone silent is offline from when it was last heard', () => {
    const state = run([[s(0), hello('c1', s(0))]]).state;
    expect(silence(state, s(60), T)).toBeUndefined();
    const gone = silence(state, s(61), T)!;
    expect(gone).toEqual({ at: 0, reason: 'no frame from the relay for 61 s' });
    const d = decide(state, { kind: 'check', gone }, s(61), T);
    expect(d.announce).toEqual([{ type: 'relay.offline', since: iso(0), reason: 'no frame from the relay for 61 s', key: 0 }]);
    expect(d.next!.connectionId).toBeUndefined();
  });

  it('ami.down after 30 s of AMI down while connected; ami.up after it; a blip is nothing', () => {
    const down = (change: number): AmiStatement => ({ connected: false, change, reason: 'AMI connection closed by peer' });
    const r = run([
      [s(0), hello('c1', s(0))],
      [s(10), ami('c1', s(10), down(3))],
      [s(12), ami('c1', s(12), { connected: true, change: 5 })],
      [s(50), 'check'],
      [s(60), ami('c1', s(60), down(6))],
      [s(90), 'check'],
      [s(95), ami('c1', s(95), { connected: true, change: 8 })],
    ]);
    expect(r.announced).toEqual([
      { at: s(90), type: 'ami.down', since: iso(s(60)), reason: 'AMI connection closed by peer', key: s(60) },
      { at: s(95), type: 'ami.up', since: iso(s(95)), reason: 'AMI session logged in', key: s(60) },
    ]);
    expect(r.state.lastReason).toBe('AMI: AMI connection closed by peer');
  });

  it('a statement older than the one held, or from another connection, is ignored', () => {
    const r = run([
      [s(0), hello('c1', s(0), { connected: true, change: 4 })],
      [s(1), ami('c1', s(1), { connected: false, change: 3, reason: 'old' })],
      [s(2), ami('c0', s(2), { connected: false, change: 9, reason: 'other connection' })],
    ]);
    expect(r.state.ami).toEqual({ connected: true, change: 4 });
    expect(r.state.amiDownSince).toBeUndefined();
  });

  it('the relay offline: its AMI is not judged; an announced ami.down still gets its ami.up when it is back', () => {
    const down: AmiStatement = { connected: false, change: 1, reason: 'Asterisk down' };
    const pending = run([[s(0), hello('c1', s(0), down)], [s(10), bye('c1', s(10))], [s(100), 'check']]);
    expect(pending.announced.map((a) => a.type)).toEqual(['relay.offline']);
    const announced = run([[s(0), hello('c1', s(0), down)], [s(30), 'check'], [s(40), bye('c1', s(40))], [s(80), 'check'], [s(90), hello('c2', s(90), up)]]);
    expect(announced.announced.map((a) => a.type)).toEqual(['ami.down', 'relay.offline', 'relay.online', 'ami.up']);
  });

  it('tells when a check is next due', () => {
    const r = run([[s(0), hello('c1', s(0))], [s(10), bye('c1', s(10))]]);
    expect(nextCheckAt(r.state, T)).toBe(s(40));
  });
});

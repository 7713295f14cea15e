/**
 * The tunnel supervisor against a real WebSocket server on loopback, every
 * wait (backoff, stable period, connection age, retirement) on a manual
 * clock: its state machine, backoff and its reset, make-before-break, the
 * retire timer, stop, and giving up.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { CloseCode, type AmiStatementT } from '../../../protocol/src/wire/frames.js';
import { startCloudPeer, type CloudPeer } from '../../../test/helpers/cloud-peer.js';
import { captureLog, type CapturedLog } from '../../../test/helpers/log-capture.js';
import { quietLogger, tempDir } from '../../../test/helpers/relay-harness.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { AmiClient } from '../ami/client.js';
import { Spool } from '../events/spool.js';
import { AmiPbx } from '../pbx/ami-pbx.js';
import type { RetryStrategy } from '../retry.js';
import { CommandRunner } from './commands.js';
import type { TunnelError } from './connection.js';
import { IdempotencyStore } from './idempotency.js';
import { FATAL_RETRY_MS, RETIRED_CONNECTION_MS, TunnelSupervisor, type TunnelState, type TunnelSupervisorOptions } from './supervisor.js';
import { CLOUD_CONSUMER, Uplink } from './uplink.js';

let peer: CloudPeer | undefined;
let sup: TunnelSupervisor | undefined;
let uplink: Uplink | undefined;
let spool: Spool | undefined;
/** What the relay's AMI side says (the supervisor reads it for hello and status). */
let amiSays: AmiStatementT = { amiConnected: true, amiChange: 0 };

afterEach(async () => {
  sup?.stop();
  uplink?.stop();
  await spool?.close();
  await peer?.close();
  peer = sup = uplink = spool = undefined;
  amiSays = { amiConnected: true, amiChange: 0 };
});

async function setUp(retryStrategy: RetryStrategy, opts: Partial<TunnelSupervisorOptions> = {}) {
  peer ??= await startCloudPeer();
  const clock = new ManualClock(0);
  const log = captureLog('info');
  spool = new Spool({ dir: tempDir('tunnel-'), consumers: [CLOUD_CONSUMER] });
  uplink = new Uplink({ spool, clock, logger: quietLogger });
  // No PBX behind it: every command is answered 503, on the connection it came on.
  const ami = new AmiClient({ host: '127.0.0.1', port: 1, username: 'u', secret: 's', clock });
  const pbx = new AmiPbx(ami, { tech: 'SIP', context: 'from-internal', blacklistFamily: 'blacklist', monitorDir: '/tmp', timeoutMs: 1000 });
  const runner = new CommandRunner({ pbx, idempotency: new IdempotencyStore(join(tempDir('idem-'), 'keys.jsonl'), clock), clock, logger: quietLogger });
  const attempts: Array<[number, string]> = [];
  const strategy: RetryStrategy = (n, err) => (attempts.push([n, (err as TunnelError).code]), retryStrategy(n, err));
  const s = new TunnelSupervisor({ url: peer.url, token: 'rt.site_test.secret', uplink, runner, relayVersion: 'relay-test/1', ami: () => amiSays, clock, logger: log.logger, retryStrategy: strategy, ...opts });
  sup = s;
  const states: TunnelState[] = [];
  s.on('state', (st) => states.push(st));
  return { s, clock, log, peer, spool, states, attempts };
}

const ups = (log: CapturedLog) => log.lines.filter((l) => l.msg === 'tunnel up');
const connected = (s: TunnelSupervisor) => waitFor(() => s.state === 'connected' && s.connected, { what: 'tunnel connected' });

describe('tunnel supervisor', () => {
  it('connects, logging each state change as one "from -> to" line', async () => {
    const { s, log, peer, states } = await setUp(() => 1000);
    s.start();
    expect(s.state).toBe('connecting');
    const sock = await peer.socket(1);
    expect(await sock.frame('hello')).toMatchObject({ relay: 'relay-test/1', amiConnected: true, lastSeq: 0 });
    await connected(s);
    expect(states).toEqual(['connecting', 'connected']);
    expect(log.lines.filter((l) => l.msg.startsWith('state '))).toMatchObject([
      { level: 'info', msg: 'state idle -> connecting', from: 'idle', to: 'connecting', component: 'tunnel' },
      { level: 'info', msg: 'state connecting -> connected', from: 'connecting', to: 'connected', component: 'tunnel' },
    ]);
    expect(s.siteId).toBe('site_test');
    amiSays = { amiConnected: false, amiChange: 1, amiReason: 'AMI connection closed by peer' };
    s.amiChanged();
    expect(await sock.frame('status')).toEqual({ t: 'status', amiConnected: false, amiChange: 1, amiReason: 'AMI connection closed by peer' });
  });

  it('after a drop waits what the strategy says, attempt after attempt, then dials again', async () => {
    const { s, clock, peer, states, attempts } = await setUp((n) => n * 1000);
    s.start();
    await connected(s);
    (await peer.socket(1)).close(1011, 'cloud error');
    await waitFor(() => s.state === 'waiting', { what: 'waiting' });
    expect(attempts).toEqual([[1, 'CLOSED']]);
    clock.advance(999);
    expect(s.state).toBe('waiting');
    clock.advance(1);
    expect(s.state).toBe('connecting');
    await connected(s);
    (await peer.socket(2)).close(1011, 'cloud error');
    await waitFor(() => s.state === 'waiting', { what: 'waiting again' });
    expect(attempts).toEqual([[1, 'CLOSED'], [2, 'CLOSED']]); // not up for the stable period: no reset
    clock.advance(2000);
    await connected(s);
    expect(states).toEqual(['connecting', 'connected', 'waiting', 'connecting', 'connected', 'waiting', 'connecting', 'connected']);
  });

  it('starts the backoff over once a connection has stayed up for the stable period', async () => {
    const { s, clock, peer, attempts } = await setUp(() => 100, { stableMs: 60_000 });
    s.start();
    await connected(s);
    (await peer.socket(1)).close(1011);
    await waitFor(() => attempts.length === 1, { what: 'first retry' });
    clock.advance(100);
    await connected(s);
    clock.advance(60_000);
    (await peer.socket(2)).close(1011);
    await waitFor(() => attempts.length === 2, { what: 'second retry' });
    expect(attempts.map(([n]) => n)).toEqual([1, 1]);
  });

  it('retries a refused token no faster than once a minute, whatever the strategy says', async () => {
    peer = await startCloudPeer();
    peer.answer = 401;
    const { s, clock, attempts, log } = await setUp(() => 100);
    s.start();
    await waitFor(() => s.state === 'waiting', { what: 'waiting' });
    expect(attempts).toEqual([[1, 'UNAUTHORIZED']]);
    expect(await log.waitFor('tunnel connection failed')).toMatchObject({ level: 'error', error: { code: 'UNAUTHORIZED', recoverable: false } });
    clock.advance(FATAL_RETRY_MS - 1);
    expect(s.state).toBe('waiting');
    clock.advance(1);
    expect(s.state).toBe('connecting');
  });

  it('make-before-break: a second connection takes over once welcomed; the first answers its commands, then retires on the clock', async () => {
    const { s, clock, peer, spool, states, log } = await setUp(() => 1000);
    s.start();
    await connected(s);
    const first = await peer.socket(1);
    first.send({ t: 'reconnect', reason: 'cloud is draining this node' });
    const second = await peer.socket(2);
    await second.frame('hello');
    await waitFor(() => ups(log).length === 2, { what: 'second tunnel up' });
    expect(new Set(ups(log).map((l) => l.connectionId)).size).toBe(2);
    expect(states).toEqual(['connecting', 'connected']); // never down in between

    // Events now go up on the new connection only.
    spool.append([{ event: 'extensionstatus', timestamp: '1795513000.000000', exten: '801', status: '1', statustext: 'InUse', mac: '' }]);
    expect((await second.frame('events')).events).toMatchObject([{ seq: 1 }]);
    expect(first.frames.filter((f) => f.t === 'events')).toEqual([]);

    // The old connection still answers what the cloud sends on it.
    first.send({ t: 'command', id: 'cmd-1', deadline: 60_000, cmd: { name: 'currentCalls' } });
    expect(await first.frame('reply')).toMatchObject({ id: 'cmd-1', ok: false, error: { status: 503 } });

    clock.advance(RETIRED_CONNECTION_MS - 1);
    await first.roundTrip();
    expect(first.closed).toBeUndefined();
    clock.advance(1);
    await waitFor(() => first.closed, { what: 'first connection closed' });
    expect(first.closed).toEqual({ code: 1000, reason: 'replaced by a newer connection' });
    expect(s.state).toBe('connected');
    expect(second.closed).toBeUndefined();
  });

  it('moves to a fresh connection at its maximum age', async () => {
    const { s, clock, peer, states, log } = await setUp(() => 1000, { maxAgeMs: 10_000 });
    s.start();
    await connected(s);
    clock.advance(9_999);
    await peer.sockets[0].roundTrip();
    expect(peer.sockets).toHaveLength(1);
    clock.advance(1);
    await (await peer.socket(2)).frame('hello');
    await waitFor(() => ups(log).length === 2, { what: 'second tunnel up' });
    expect(log.lines.find((l) => l.msg.startsWith('opening a fresh tunnel connection'))).toMatchObject({ reason: 'connection age limit' });
    expect(states).toEqual(['connecting', 'connected']);
    expect(peer.sockets[0].closed).toBeUndefined(); // retiring, not cut
  });

  it('stop closes every connection, the retiring one too, and leaves no timer behind', async () => {
    const { s, clock, peer, log } = await setUp(() => 1000);
    s.start();
    await connected(s);
    (await peer.socket(1)).send({ t: 'reconnect', reason: 'test' });
    await (await peer.socket(2)).frame('hello');
    await waitFor(() => ups(log).length === 2, { what: 'second tunnel up' });
    s.stop();
    uplink!.stop();
    expect(s.state).toBe('stopped');
    expect(clock.pending).toBe(0);
    await waitFor(() => peer.sockets.every((x) => x.closed), { what: 'both sockets closed' });
    expect(peer.sockets.map((x) => x.closed)).toEqual([
      { code: 1000, reason: 'relay stopping' },
      { code: 1000, reason: 'relay stopping' },
    ]);
    expect(log.messages()).toContain('state connected -> stopped');
    s.start();
    expect(s.state).toBe('stopped');
  });

  it('gives up for good when the strategy answers null', async () => {
    peer = await startCloudPeer();
    peer.answer = 503;
    const { s, clock, log, attempts } = await setUp(() => null);
    s.start();
    expect(await log.waitFor('tunnel reconnect abandoned')).toMatchObject({ level: 'error', attempts: 1, error: { code: 'NETWORK' } });
    expect(attempts).toEqual([[1, 'NETWORK']]);
    expect(s.state).toBe('stopped');
    expect(clock.pending).toBe(0);
  });

  it('a replacement by another relay is a drop like any other: it reconnects and takes the site back', async () => {
    const { s, clock, peer, attempts } = await setUp(() => 500);
    s.start();
    await connected(s);
    (await peer.socket(1)).close(CloseCode.REPLACED, 'another relay connected');
    await waitFor(() => s.state === 'waiting', { what: 'waiting' });
    expect(attempts).toEqual([[1, 'REPLACED']]);
    clock.advance(500);
    await connected(s);
  });

  describe('the AMI state the cloud is told, whichever comes first: the AMI login or the welcome', () => {
    it('AMI logs in after the hello went out but before the welcome: the status follows the welcome', async () => {
      amiSays = { amiConnected: false, amiChange: 0, amiReason: 'not connected to Asterisk yet' };
      const { s, peer } = await setUp(() => 1000);
      peer.answer = 'silent';
      s.start();
      const sock = await peer.socket(1);
      expect(await sock.frame('hello')).toMatchObject({ amiConnected: false, amiChange: 0 });
      amiSays = { amiConnected: true, amiChange: 2 };
      s.amiChanged(); // no connection is active yet: nothing can be said now
      sock.send({ t: 'welcome', v: 1, ...peer.welcome });
      await connected(s);
      expect(await sock.frame('status')).toEqual({ t: 'status', amiConnected: true, amiChange: 2 });
      expect(sock.frames.map((f) => f.t)).toEqual(['hello', 'status']);
    });

    it('AMI logs in after the welcome: the change is sent as it happens, and a welcome with nothing new adds no status', async () => {
      amiSays = { amiConnected: false, amiChange: 0, amiReason: 'not connected to Asterisk yet' };
      const { s, peer } = await setUp(() => 1000);
      s.start();
      await connected(s);
      const sock = await peer.socket(1);
      await sock.roundTrip(); // the relay has handled the welcome
      expect(sock.frames.filter((f) => f.t === 'status')).toEqual([]);
      amiSays = { amiConnected: true, amiChange: 2 };
      s.amiChanged();
      expect(await sock.frame('status')).toEqual({ t: 'status', amiConnected: true, amiChange: 2 });
    });
  });
});

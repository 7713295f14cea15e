/**
 * One tunnel connection against a real WebSocket server on loopback, its
 * timers (handshake, pings, silence) on a manual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { CloseCode, PROTOCOL_VERSION } from '../../../protocol/src/wire/frames.js';
import { startCloudPeer, type CloudPeer } from '../../../test/helpers/cloud-peer.js';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { quietLogger } from '../../../test/helpers/relay-harness.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { TunnelConnection, TunnelError, tunnelUrl } from './connection.js';

let peer: CloudPeer | undefined;
let conn: TunnelConnection | undefined;

afterEach(async () => {
  conn?.close();
  await peer?.close();
  peer = conn = undefined;
});

const hello = () => ({ t: 'hello' as const, v: PROTOCOL_VERSION, relay: 'relay-test/1', amiConnected: true, lastSeq: 7 });

async function open(opts: { clock?: ManualClock; logger?: typeof quietLogger } = {}) {
  peer ??= await startCloudPeer();
  const clock = opts.clock ?? new ManualClock(1_000_000);
  const c = new TunnelConnection({ url: peer.url, token: 'rt.site_test.secret', hello, clock, logger: opts.logger ?? quietLogger });
  conn = c;
  const closed = new Promise<TunnelError>((resolve) => c.once('closed', resolve));
  c.open();
  return { c, clock, closed, peer };
}

describe('tunnel connection', () => {
  it('dials with the token, says hello, and is ready once welcomed', async () => {
    const { c, peer } = await open();
    const welcomed = new Promise((resolve) => c.once('welcome', resolve));
    const s = await peer.socket(1);
    expect(s.headers.authorization).toBe('Bearer rt.site_test.secret');
    expect(await s.frame('hello')).toEqual(hello());
    expect(await welcomed).toEqual({ t: 'welcome', v: PROTOCOL_VERSION, siteId: 'site_test', ackedSeq: 0, pingMs: 30_000 });
    expect(c.ready).toBe(true);
    expect(c.send({ t: 'status', amiConnected: false })).toBe(true);
    expect(await s.frame('status')).toEqual({ t: 'status', amiConnected: false });
  });

  it('pings at the cloud\'s interval, capped, and answers the cloud\'s pings', async () => {
    peer = await startCloudPeer();
    peer.welcome.pingMs = 120_000; // more than the relay's 30 s ceiling
    const { c, clock } = await open();
    const s = await peer.socket(1);
    await waitFor(() => c.ready, { what: 'welcomed' });
    clock.advance(29_999);
    expect(s.frames.filter((f) => f.t === 'ping')).toEqual([]);
    clock.advance(1);
    expect(await s.frame('ping')).toEqual({ t: 'ping', ts: 1_030_000 });
    s.send({ t: 'ping', ts: 42 });
    expect(await s.frame('pong')).toEqual({ t: 'pong', ts: 42 });
  });

  it('stays up while the cloud answers, and drops a cloud silent for two and a half intervals', async () => {
    peer = await startCloudPeer();
    peer.welcome.pingMs = 4_000;
    const log = captureLog('warn');
    const { c, clock, closed } = await open({ logger: log.logger });
    const s = await peer.socket(1);
    await waitFor(() => c.ready, { what: 'welcomed' });
    for (let i = 0; i < 5; i++) {
      clock.advance(4_000);
      const ping = await s.frame('ping', i);
      s.send({ t: 'pong', ts: ping.ts as number });
      await s.roundTrip();
    }
    expect(c.ready).toBe(true);
    // From now on the cloud says nothing: pings at +4 s and +8 s, then at +12 s silence is over 10 s.
    clock.advance(8_000);
    expect(c.ready).toBe(true);
    clock.advance(4_000);
    const err = await closed;
    expect(err).toMatchObject({ code: 'TIMEOUT', recoverable: true });
    expect(await log.waitFor('cloud silent; dropping the tunnel')).toMatchObject({ silentMs: 12_000, connectionId: c.id, component: 'tunnel' });
    await waitFor(() => s.closed, { what: 'socket dropped' });
  });

  it('gives up on a cloud that never welcomes it, after the handshake timeout', async () => {
    peer = await startCloudPeer();
    peer.answer = 'silent';
    const { c, clock, closed } = await open();
    await (await peer.socket(1)).frame('hello');
    clock.advance(14_999);
    expect(c.ready).toBe(false);
    clock.advance(1);
    expect(await closed).toMatchObject({ code: 'TIMEOUT', recoverable: true });
  });

  it.each([
    [CloseCode.UNAUTHORIZED, 'bad token', 'UNAUTHORIZED', false],
    [CloseCode.TOKEN_REVOKED, 'token revoked', 'UNAUTHORIZED', false],
    [CloseCode.VERSION_MISMATCH, 'protocol version 1 not supported', 'VERSION_MISMATCH', false],
    [CloseCode.REPLACED, 'another relay connected', 'REPLACED', true],
    [CloseCode.SERVER_RESTART, 'restarting', 'CLOSED', true],
    [1000, 'bye', 'CLOSED', true],
    [1011, '', 'CLOSED', true],
  ] as const)('a close with code %i ends it as %s (recoverable: %s)', async (code, reason, expected, recoverable) => {
    const { c, peer, closed } = await open();
    const s = await peer.socket(1);
    await waitFor(() => c.ready, { what: 'welcomed' });
    s.close(code, reason);
    const err = await closed;
    expect(err).toBeInstanceOf(TunnelError);
    expect(err).toMatchObject({ code: expected, recoverable });
    if (reason) expect(err.message).toContain(reason);
    expect(c.ready).toBe(false);
    expect(c.send({ t: 'status', amiConnected: true })).toBe(false);
  });

  it.each([
    [401, 'UNAUTHORIZED', false],
    [403, 'UNAUTHORIZED', false],
    [502, 'NETWORK', true],
  ] as const)('an upgrade refused with HTTP %i ends it as %s', async (status, expected, recoverable) => {
    peer = await startCloudPeer();
    peer.answer = status;
    const { closed } = await open();
    const err = await closed;
    expect(err).toMatchObject({ code: expected, recoverable });
    expect(err.message).toContain(`HTTP ${status}`);
    if (!recoverable) expect(err.message).toContain('check [cloud] token');
  });

  it.each([
    ['version-mismatch', 'VERSION_MISMATCH', false],
    ['token-revoked', 'UNAUTHORIZED', false],
    ['unauthorized', 'UNAUTHORIZED', false],
    ['something-else', 'PROTOCOL', true],
  ] as const)('a fatal error frame %s before the welcome (API Gateway cannot close with a code) ends it as %s', async (code, expected, recoverable) => {
    peer = await startCloudPeer();
    peer.answer = 'silent';
    const { peer: p, closed } = await open();
    const s = await p.socket(1);
    await s.frame('hello');
    s.send({ t: 'error', code, message: `refused: ${code}`, fatal: true });
    expect(await closed).toMatchObject({ code: expected, recoverable, message: `cloud: refused: ${code}` });
  });

  it('fails as a recoverable network error when nobody listens', async () => {
    peer = await startCloudPeer();
    const url = peer.url;
    await peer.close();
    peer = undefined;
    const c = new TunnelConnection({ url, token: 't', hello, clock: new ManualClock(0), logger: quietLogger });
    conn = c;
    const closed = new Promise<TunnelError>((resolve) => c.once('closed', resolve));
    c.open();
    expect(await closed).toMatchObject({ code: 'NETWORK', recoverable: true });
  });

  it('turns the configured cloud address into the relay socket URL', () => {
    expect(tunnelUrl('https://cloud.example.com')).toBe('wss://cloud.example.com/relay');
    expect(tunnelUrl('http://127.0.0.1:8787/')).toBe('ws://127.0.0.1:8787/relay');
    expect(tunnelUrl('wss://abc.execute-api.eu-west-1.amazonaws.com/prod')).toBe('wss://abc.execute-api.eu-west-1.amazonaws.com/prod');
  });
});

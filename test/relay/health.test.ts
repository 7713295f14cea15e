/**
 * The relay's health and metrics endpoints (`[metrics] listen`) over real
 * TCP, against the PBX simulator: AMI up, down (the PBX restarting) and back,
 * a LAN receiver refusing events, a box command timed, the tunnel up and
 * down. /metrics is read as a Prometheus scraper reads it
 * (test/helpers/prom-text.ts, not prom-client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../protocol/src/events/box-events.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { startCloudPeer, type CloudPeer } from '../helpers/cloud-peer.js';
import { scrape } from '../helpers/prom-text.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let w: BoxWorld;
let receiver: Receiver;
let base: string;

const get = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  receiver = await startReceiver();
  // The PBX stays down for 3 s of real time when it restarts (timeScale 0.01).
  w = await startBoxWorld({ settings: { general: { URL: receiver.url } }, simulator: { restartDownMs: 300_000 } });
  base = `http://127.0.0.1:${w.relay.health!.port}`;
});
afterAll(async () => {
  await w.stop();
  await receiver.close();
});

describe('health and metrics of a relay on the LAN only', () => {
  it('answers /healthz, and /readyz 200 once AMI is logged in with its channel driver; no tunnel metric without [cloud]', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await waitFor(async () => ((await get('/readyz')).status === 200 ? get('/readyz') : undefined), { what: 'ready' });
    expect(ready.body).toEqual({ ami: { ok: true, state: 'ready', tech: 'SIP' }, tunnel: { ok: true, state: 'not configured' } });
    const m = await scrape(base);
    expect([m.value('coocenter_relay_ami_connected'), m.value('coocenter_relay_ami_ready'), m.value('coocenter_relay_ami_reconnects_total')]).toEqual([1, 1, 0]);
    expect(m.value('coocenter_relay_tunnel_connected')).toBeUndefined();
    expect(m.types.get('coocenter_relay_command_duration_seconds')).toBe('histogram');
    expect(m.types.get('coocenter_relay_events_total')).toBe('counter');
    // prom-client's process defaults are there too.
    expect(m.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect((await get('/nothing-here')).status).toBe(404);
  });

  it('counts a call\'s box events by type, as the LAN receiver got them, and times a command by name', async () => {
    await w.sim.call('801', '802', { talkMs: 200 });
    // Everything the relay numbered has reached the receiver.
    await waitFor(() => w.relay.spool.seq > 0 && w.relay.spool.cursor('lan') === w.relay.spool.seq, { what: 'every event delivered on the LAN' });
    const got = new Map<string, number>();
    for (const e of receiver.events()) got.set(String(e.event), (got.get(String(e.event)) ?? 0) + 1);
    // call-answered-basic: one dialbegin, one dialend, two hangups, a cdr.
    expect([got.get('dialbegin'), got.get('dialend'), got.get('hangup'), got.get('cdr')]).toEqual([1, 1, 2, 1]);
    const m = await scrape(base);
    for (const event of EVENT_TYPES) expect(m.value('coocenter_relay_events_total', { event }), event).toBe(got.get(event) ?? 0);
    expect(m.value('coocenter_relay_spool_pending', { consumer: 'lan' })).toBe(0);

    const lan = await fetch(`${w.lan}/extensions/extension-status`);
    expect(lan.status).toBe(200);
    const after = await scrape(base);
    expect(after.value('coocenter_relay_command_duration_seconds_count', { command: 'extensionStatus' })).toBe(1);
    expect(after.value('coocenter_relay_command_duration_seconds_bucket', { command: 'extensionStatus', le: '+Inf' })).toBe(1);
    expect(after.value('coocenter_relay_command_duration_seconds_sum', { command: 'extensionStatus' })).toBeGreaterThan(0);
  });

  it('counts refused LAN pushes and shows the events waiting for the receiver', async () => {
    receiver.status = 503;
    await w.sim.call('801', '802', { talkMs: 100 });
    const stuck = await waitFor(
      async () => {
        const m = await scrape(base);
        const pending = m.value('coocenter_relay_spool_pending', { consumer: 'lan' }) ?? 0;
        return pending > 0 && (m.value('coocenter_relay_lan_push_failures_total') ?? 0) >= 2 ? m : undefined;
      },
      { what: 'failed pushes counted' },
    );
    expect(stuck.value('coocenter_relay_lan_push_failures_total')).toBeLessThanOrEqual(receiver.refused);
    receiver.status = 200;
    await waitFor(async () => (await scrape(base)).value('coocenter_relay_spool_pending', { consumer: 'lan' }) === 0, { what: 'the backlog delivered' });
  });

  it('says AMI is down while the PBX restarts, and why; ready again when it is back, with the reconnect counted', async () => {
    const restarted = w.sim.restart();
    const down = await waitFor(async () => {
      const r = await get('/readyz');
      return r.status === 503 ? r : undefined;
    }, { what: '/readyz 503' });
    expect(down.body.ami).toMatchObject({ ok: false, reason: expect.stringMatching(/AMI/) });
    expect(down.body.tunnel).toEqual({ ok: true, state: 'not configured' });
    expect((await scrape(base)).value('coocenter_relay_ami_connected')).toBe(0);
    await restarted;
    await waitFor(async () => (await get('/readyz')).status === 200, { timeoutMs: 10_000, what: '/readyz 200 again' });
    const m = await scrape(base);
    expect([m.value('coocenter_relay_ami_connected'), m.value('coocenter_relay_ami_ready'), m.value('coocenter_relay_ami_reconnects_total')]).toEqual([1, 1, 1]);
  });
});

describe('health and metrics of a relay with [cloud]', () => {
  let peer: CloudPeer;
  let relay: Relay;
  let at: string;
  beforeAll(async () => {
    peer = await startCloudPeer();
    let conf = setConf(expectedConf('api.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
    conf = setConf(conf, 'ami', { port: w.sim.port });
    conf = setConf(conf, 'cloud', { url: peer.url, token: 'rt.site_test.secret' });
    relay = await startTestRelay(conf);
    at = `http://127.0.0.1:${relay.health!.port}`;
  });
  afterAll(async () => {
    await relay.stop();
    await peer.close();
  });

  it('is ready only with the tunnel up; when the cloud closes it, /readyz says so and why', async () => {
    await waitFor(async () => (await fetch(`${at}/readyz`)).status === 200, { what: 'ready with the tunnel' });
    expect((await scrape(at)).value('coocenter_relay_tunnel_connected')).toBe(1);
    peer.answer = 'silent'; // the next connection gets no welcome
    (await peer.socket(1)).close(4004, 'protocol error');
    const down = await waitFor(async () => {
      const res = await fetch(`${at}/readyz`);
      const body = (await res.json()) as any;
      // (While the socket closes, the state still says connected for a moment.)
      return res.status === 503 && body.tunnel.state !== 'connected' ? body : undefined;
    }, { what: '/readyz 503 once the tunnel is down' });
    expect(down.ami).toMatchObject({ ok: true });
    expect(down.tunnel).toMatchObject({ ok: false, reason: 'tunnel closed (4004: protocol error)' });
    expect((await scrape(at)).value('coocenter_relay_tunnel_connected')).toBe(0);
  });
});

/**
 * Each site's live state in the cloud follows the PBX simulator, over real
 * AMI TCP and the real tunnel, on both runtimes: GET …/live is polled until
 * it shows what the simulator did (never sleep-then-assert).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tunnelUrl } from '../../edge-relay/src/tunnel/connection.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { PROTOCOL_VERSION } from '../../protocol/src/wire/frames.js';
import { callUp, startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { startTestRelay } from '../helpers/relay-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

type Ids = Awaited<ReturnType<typeof tenantAndSite>>;
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

describe.each(cloudRuntimes)('live state on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;
  let ids: Ids;
  let w: BoxWorld;
  let relay: Relay;

  /** GET …/live through the typed client (client/), the answer held to the API document. */
  const liveOf = (site: Ids) =>
    typedApi(cloud.url, site.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}/live', { params: { path: { tenantId: site.tenantId, siteId: site.siteId } } });
  const live = async () => {
    const r = await liveOf(ids);
    expect(r.response.status, JSON.stringify(r.error)).toBe(200);
    if (!r.data) throw new Error('no live state');
    return r.data;
  };
  /** Poll /live until `check` finds what it looks for in a current (not stale) state. */
  const until = <T>(what: string, check: (s: any) => T | undefined) =>
    waitFor(async () => {
      const s = await live();
      return s.stale ? undefined : check(s);
    }, { ...WAIT, what });
  const callOf = (s: any, from: string) => Object.values<any>(s.calls).find((c) => c.caller.number === from);

  beforeAll(async () => {
    cloud = await runtime.start();
    call = validatedApi(cloud.url);
    ids = await tenantAndSite(call);
    w = await startBoxWorld({ settings: { cloud: { url: cloud.relayUrl, token: ids.relayToken } } });
    relay = w.relay;
    await until('a current state', (s) => s.online && Object.keys(s.queues).length > 0);
  });
  afterAll(async () => {
    await relay.stop();
    await w.sim.close();
    await cloud.stop();
  });

  it('shows the lab\'s queues and extensions once the relay is connected', async () => {
    const s = await until('queues', (x) => (x.queues['630'] ? x : undefined));
    expect(Object.keys(s.queues['630'].members).sort()).toEqual(['sip/803', 'sip/804', 'sip/805']);
    expect(s.extensions['801']).toMatchObject({ extension: '801' });
    expect(s).toMatchObject({ siteId: ids.siteId, online: true, stale: false, amiConnected: true });
  });

  it('a call appears and disappears when it ends', async () => {
    const { channels } = await callUp(w.sim, '801', '802');
    const up = await until('801→802 up', (s) => (callOf(s, '801')?.state === 'up' ? callOf(s, '801') : undefined));
    expect(up).toMatchObject({ caller: { number: '801' }, callee: { number: '802' }, onHold: false });
    expect(up.channels.map((c: any) => c.name).sort()).toEqual([...channels].sort());
    w.sim.hangup(channels[0]);
    await until('the call gone', (s) => (callOf(s, '801') === undefined ? true : undefined));
  });

  const pause = (member: string, state: 'on' | 'off') =>
    call('POST', `/sites/${ids.siteId}/coocenter-api/queues/agent-pause`, { token: ids.apiKey, form: { queue: '630', member, state } });
  const paused = (s: any, member: string) => s.queues['630'].members[`sip/${member}`].paused;

  it('a member pauses, then unpauses', async () => {
    expect((await pause('803', 'on')).status).toBe(200);
    await until('803 paused', (s) => (paused(s, '803') ? true : undefined));
    expect((await pause('803', 'off')).status).toBe(200);
    await until('803 unpaused', (s) => (paused(s, '803') === false ? true : undefined));
  });

  it('a caller waits in the queue while every member is paused, then is answered by 804', async () => {
    for (const m of ['803', '804', '805']) expect((await pause(m, 'on')).status).toBe(200);
    await until('all paused', (s) => (['803', '804', '805'].every((m) => paused(s, m)) ? true : undefined));
    const done = w.sim.queueCall('806', '630', { agents: { '804': 'answer' }, agentRingMs: 2000, maxWaitMs: 3_600_000, talkMs: 300_000 });
    const waiting = await until('806 waiting in 630', (s) => Object.values<any>(s.queues['630'].callers).find((c) => c.number === '806'));
    expect(waiting.position).toBe(1);
    expect(callOf(await live(), '806')).toMatchObject({ state: 'queued', queue: '630' });
    expect((await pause('804', 'off')).status).toBe(200);
    const answered = await until('806 answered', (s) => (callOf(s, '806')?.agent ? s : undefined));
    expect(callOf(answered, '806')).toMatchObject({ state: 'up', queue: '630', agent: 'sip/804' });
    expect(answered.queues['630'].callers).toEqual({});
    expect(answered.queues['630'].members['sip/804'].inCall).toBe(true);
    for (const m of ['803', '805']) expect((await pause(m, 'off')).status).toBe(200);
    await done;
    await until('806 done', (x) => (callOf(x, '806') === undefined && x.queues['630'].members['sip/804'].inCall === false ? true : undefined));
  });

  it('an AMI reconnect rebuilds the state: a call that ended while AMI was down is gone', async () => {
    const { channels } = await callUp(w.sim, '801', '802');
    await until('801 up', (s) => callOf(s, '801'));
    // The Hangup happens while no AMI session is open: the relay never hears it.
    w.sim.dropConnections();
    w.sim.hangup(channels[0]);
    await until('the call gone after the AMI login snapshot', (s) => (callOf(s, '801') === undefined && s.amiConnected ? true : undefined));
  });

  it('while the relay is offline the state is stale; a restarted relay rebuilds it', async () => {
    const a = await callUp(w.sim, '801', '802');
    await until('801 up', (s) => callOf(s, '801'));
    await relay.stop();
    const offline = await waitFor(async () => {
      const s = await live();
      return s.online === false ? s : undefined;
    }, { ...WAIT, what: 'offline' });
    expect(offline).toMatchObject({ stale: true, reason: 'relay-offline' });
    expect(offline.since).toEqual(expect.any(String));
    expect(callOf(offline, '801')).toBeDefined(); // the last state, not presented as current
    w.sim.hangup(a.channels[0]);
    const b = await callUp(w.sim, '803', '804');
    relay = await startTestRelay(w.conf, { dataDir: relay.dataDir });
    const s = await until('the restarted relay\'s state', (x) => (callOf(x, '803') ? x : undefined));
    expect(callOf(s, '801')).toBeUndefined();
    w.sim.hangup(b.channels[0]);
    await until('803 gone', (x) => (callOf(x, '803') === undefined ? true : undefined));
  });

  it('a relay that sends no state (an older protocol) still connects; its state is said to be missing', async () => {
    const other = await tenantAndSite(call);
    const ws = new WebSocket(tunnelUrl(cloud.relayUrl), { headers: { authorization: `Bearer ${other.relayToken}` } });
    const frames: Array<Record<string, any>> = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, relay: 'coocenter-relay/0.0.9', amiConnected: true, lastSeq: 0 }));
    const welcome = await waitFor(() => frames.find((f) => f.t === 'welcome'), { ...WAIT, what: 'welcome' });
    expect(welcome.caps).toEqual(['live-state']);
    ws.send(JSON.stringify({ t: 'events', events: [{ seq: 1, event: { event: 'extensionstatus', timestamp: '1.0', exten: '801', status: '0', statustext: 'Idle', mac: 'x' } }] }));
    await waitFor(() => frames.find((f) => f.t === 'ack' && f.seq === 1), { ...WAIT, what: 'ack' });
    const r = await liveOf(other);
    expect(r.data).toMatchObject({ online: true, stale: true, reason: 'no-state', at: null, calls: {}, extensions: {} });
    ws.close();
  });
});

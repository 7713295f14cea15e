/**
 * Operational events on the event stream, on both runtimes: a relay on the
 * PBX simulator is stopped and started again; a stream that names
 * relay.offline and relay.online (an agent's toolbar, through a ticket, also
 * filtered to its extension) sees both, as the webhook envelope with type
 * "event"; a stream without an events filter keeps getting the box events
 * only, as a webhook endpoint without one does. The grace period is
 * shortened to 3 s (the local cloud checks on its timers; on AWS the
 * scheduled sweep runs every 200 ms here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { tenantAndSite } from '../helpers/cloud-harness.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { openStreamClient, refusedStream, type StreamClient } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

const GRACE_MS = 3_000;

describe.each(cloudRuntimes)('operational events on the stream on $name', (runtime) => {
  let cloud: RunningCloud;
  let ids: Awaited<ReturnType<typeof tenantAndSite>>;
  let sim: PbxSimulator;
  let relay: Relay | undefined;
  let conf: string;
  const dataDir = tempDir();
  const clients: StreamClient[] = [];
  const amiConnected = async () =>
    (await typedApi(cloud.url, ids.apiKey).GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } } })).data?.relay.amiConnected;

  beforeAll(async () => {
    cloud = await runtime.start({ outageTiming: { graceMs: GRACE_MS } });
    ids = await tenantAndSite(validatedApi(cloud.url));
    sim = await startSimulator({ port: 0 });
    conf = setConf(expectedConf('api.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
    conf = setConf(conf, 'ami', { port: sim.port });
    conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
    relay = await startTestRelay(conf, { dataDir });
    await waitFor(amiConnected, { timeoutMs: 20_000, what: 'relay online' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await relay?.stop();
    await sim?.close();
    await cloud?.stop();
  });

  it('refuses the tenant-wide operational types, which only webhooks carry', async () => {
    const r = await refusedStream(cloud.streamUrl, 'events=webhook.disabled', ids.apiKey);
    expect([r.status, r.body.code, r.body.message]).toEqual([400, 'invalid-field', expect.stringContaining('webhooks carry it, the stream does not')]);
  });

  it('relay.offline and relay.online reach the streams that name them; a stream without an events filter gets the box events only', async () => {
    const ticket = await typedApi(cloud.url, ids.apiKey).POST('/v1/tenants/{tenantId}/stream-tickets', {
      params: { path: { tenantId: ids.tenantId } },
      body: { events: ['dialbegin', 'relay.offline', 'relay.online'], extensions: ['802'] },
    });
    expect(ticket.response.status, JSON.stringify(ticket.error)).toBe(201);
    const toolbar = await openStreamClient(cloud.streamUrl, `ticket=${ticket.data?.ticket}`);
    const server = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}&events=relay.offline,relay.online,ami.down,ami.up`, ids.apiKey);
    const plain = await openStreamClient(cloud.streamUrl, '', ids.apiKey);
    clients.push(toolbar, server, plain);

    await relay!.stop();
    relay = undefined;
    const named = (c: StreamClient, type: string) => c.events().find((e) => e.event === type);
    await server.waitForEvents(() => named(server, 'relay.offline') !== undefined, 'relay.offline', 30_000);
    relay = await startTestRelay(conf, { dataDir });
    await server.waitForEvents(() => named(server, 'relay.online') !== undefined, 'relay.online', 30_000);
    await toolbar.waitForEvents(() => named(toolbar, 'relay.online') !== undefined, 'relay.online on the toolbar', 30_000);

    const offline = named(server, 'relay.offline');
    expect(Object.keys(offline)).toEqual(['type', 'event', 'id', 'siteId', 'seq', 'occurredAt', 'data']);
    expect(offline).toMatchObject({ type: 'event', event: 'relay.offline', siteId: ids.siteId, seq: null, data: { siteId: ids.siteId, reason: 'the relay closed its connection (relay stopping)' } });
    expect(offline.id).toBe(`evt_${ids.siteId}_relay.offline_${Date.parse(offline.data.since)}`);
    expect(Date.parse(offline.occurredAt) - Date.parse(offline.data.since)).toBeGreaterThanOrEqual(GRACE_MS);
    expect(named(toolbar, 'relay.offline')).toEqual(offline);
    expect(named(server, 'relay.online')).toEqual(named(toolbar, 'relay.online'));

    // A call after the outage: its dialbegin reaches the toolbar, its cdr the plain stream, which got no outage event.
    await waitFor(amiConnected, { timeoutMs: 20_000, what: 'relay online again' });
    await sim.call('801', '802', { talkMs: 100 });
    await toolbar.waitForEvents((es) => es.some((e) => e.data.event === 'dialbegin'), 'the dialbegin on the toolbar', 20_000);
    await plain.waitForEvents((es) => es.some((e) => e.data.event === 'cdr'), 'the cdr on the plain stream', 20_000);
    expect(plain.events().filter((e) => e.seq === null || 'event' in e)).toEqual([]);
    // Each outage event once (the outbox may run an entry twice; the stream sends an id once).
    expect(server.events().map((e) => e.event)).toEqual(['relay.offline', 'relay.online']);
  });
});

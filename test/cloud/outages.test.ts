/**
 * Outages as tenant events, through the real webhook path, on both runtimes:
 * a relay on the PBX simulator, its AMI session lost while Asterisk restarts
 * (ami.down, ami.up), the relay stopped and started again (relay.offline,
 * relay.online), a make-before-break switch in between that must announce
 * nothing. Signed as box events are; an endpoint that names no types keeps
 * receiving the box events only. The grace period is shortened to 3 s (the
 * local cloud checks on its timers; on AWS the scheduled sweep runs every
 * 200 ms here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import type { paths } from '../../client/index.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const GRACE_MS = 3_000;
type EventTypes = NonNullable<NonNullable<paths['/v1/tenants/{tenantId}/webhooks']['post']['requestBody']>['content']['application/json']['events']>;
const OUTAGE_TYPES: EventTypes = ['relay.offline', 'relay.online', 'ami.down', 'ami.up'];

describe.each(cloudRuntimes)('outages as tenant events on $name', (runtime) => {
  let cloud: RunningCloud;
  let call: Api;
  let ids: Awaited<ReturnType<typeof tenantAndSite>>;
  let sim: PbxSimulator;
  let relay: Relay | undefined;
  let conf: string;
  const dataDir = tempDir();
  let outages: WebhookReceiver;
  let boxOnly: WebhookReceiver;
  let secret: string;
  let hookId: string;
  const started = Date.now();

  // /v1 through the typed client (client/), every answer held to the API document.
  const tenant = () => typedApi(cloud.url, ids.apiKey);
  const hookPath = () => ({ params: { path: { tenantId: ids.tenantId, id: hookId } } });
  const site = async () => {
    const r = await tenant().GET('/v1/tenants/{tenantId}/sites/{siteId}', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId } } });
    if (!r.data) throw new Error(`site: ${r.response.status}`);
    return r.data.relay;
  };
  /** The site's outage history (GET …/outages), default range: the last 7 days. */
  const history = async (query: { from?: string; to?: string } = {}) =>
    tenant().GET('/v1/tenants/{tenantId}/sites/{siteId}/outages', { params: { path: { tenantId: ids.tenantId, siteId: ids.siteId }, query } });
  /** The n-th distinct outage event received (by webhook-id: deliveries are at least once). */
  const nth = (n: number) =>
    waitFor(() => distinct(outages.deliveries)[n - 1], { timeoutMs: 20_000, what: `outage event ${n} (have ${distinct(outages.deliveries).map((d) => d.body.type).join(', ')})` });

  beforeAll(async () => {
    cloud = await runtime.start({ outageTiming: { graceMs: GRACE_MS } });
    call = validatedApi(cloud.url);
    ids = await tenantAndSite(call);
    [outages, boxOnly] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    const create = (body: { url: string; events?: typeof OUTAGE_TYPES }) => tenant().POST('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: ids.tenantId } }, body });
    const hook = await create({ url: outages.url, events: OUTAGE_TYPES });
    expect(hook.response.status, JSON.stringify(hook.error)).toBe(201);
    if (!hook.data) throw new Error('no webhook');
    expect(hook.data.events).toEqual(OUTAGE_TYPES);
    secret = hook.data.secret;
    hookId = hook.data.id;
    expect((await create({ url: boxOnly.url })).response.status).toBe(201);
    // Asterisk stays down for 5 s of real time when it restarts (timeScale 0.01): longer than the grace.
    sim = await startSimulator({ port: 0, timeScale: 0.01, restartDownMs: 500_000 });
    conf = setConf(expectedConf('api.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
    conf = setConf(conf, 'ami', { port: sim.port });
    conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
    relay = await startTestRelay(conf, { dataDir });
    await waitFor(async () => (await site()).amiConnected, { timeoutMs: 15_000, what: 'relay online' });
  });
  afterAll(async () => {
    await relay?.stop();
    await sim?.close();
    await cloud?.stop();
    await Promise.all([outages?.close(), boxOnly?.close()]);
  });

  it('says nothing for a make-before-break switch; ami.down and ami.up around an Asterisk restart', async () => {
    const welcomes: string[] = [];
    relay!.tunnel!.on('welcome', (w) => welcomes.push(w.siteId));
    relay!.tunnel!.reconnect('a test switch');
    await waitFor(() => welcomes.length === 1, { what: 'the new connection welcomed' });

    const restarted = sim.restart();
    const down = await nth(1); // the switch above announced nothing: this is the first
    expect(down.body.type).toBe('ami.down');
    await restarted;
    const up = await nth(2);
    expect(up.body.type).toBe('ami.up');

    for (const d of [down, up]) {
      // Signed like any delivery, the envelope of the box events with seq null.
      const payload = new StandardWebhook(secret).verify(d.raw, { 'webhook-id': String(d.headers['webhook-id']), 'webhook-timestamp': String(d.headers['webhook-timestamp']), 'webhook-signature': String(d.headers['webhook-signature']) });
      expect(payload).toEqual(d.body);
      expect(Object.keys(d.body)).toEqual(['id', 'type', 'siteId', 'seq', 'occurredAt', 'data']);
      expect(d.body).toMatchObject({ id: d.headers['webhook-id'], siteId: ids.siteId, seq: null });
      expect(Object.keys(d.body.data)).toEqual(['siteId', 'since', 'reason']);
      expect(d.body.data.siteId).toBe(ids.siteId);
    }
    expect(down.body.data.reason).toMatch(/^AMI /);
    // Announced once the grace was over, counted from when AMI went down.
    expect(Date.parse(down.body.occurredAt) - Date.parse(down.body.data.since)).toBeGreaterThanOrEqual(GRACE_MS);
    expect(Date.parse(up.body.data.since)).toBeGreaterThan(Date.parse(down.body.data.since));
    expect(down.body.id).toBe(`evt_${ids.siteId}_ami.down_${Date.parse(down.body.data.since)}`);
    expect((await site()).lastReason).toBe(`AMI: ${down.body.data.reason}`);
  });

  it('relay.offline after the relay has been gone for the grace period, relay.online when it is back; the site shows it', async () => {
    await relay!.stop();
    relay = undefined;
    const offline = await nth(3);
    expect(offline.body.type).toBe('relay.offline');
    expect(offline.body.data.reason).toBe('the relay closed its connection (relay stopping)');
    expect(Date.parse(offline.body.occurredAt) - Date.parse(offline.body.data.since)).toBeGreaterThanOrEqual(GRACE_MS);
    const away = await site();
    expect(away).toMatchObject({ connected: false, amiConnected: false, offlineSince: offline.body.data.since, lastReason: offline.body.data.reason });
    expect(Date.parse(away.lastSeen ?? '')).toBeLessThanOrEqual(Date.parse(offline.body.data.since));
    // The history shows it going on.
    expect((await history()).data?.outages[0]).toEqual({ kind: 'relay', from: offline.body.data.since, to: null, reason: offline.body.data.reason });

    relay = await startTestRelay(conf, { dataDir });
    const online = await nth(4);
    expect(online.body.type).toBe('relay.online');
    expect(Date.parse(online.body.data.since)).toBeGreaterThan(Date.parse(offline.body.data.since));
    const back = await waitFor(async () => ((await site()).amiConnected ? site() : undefined), { what: 'relay online again' });
    expect(back).toMatchObject({ connected: true, offlineSince: null, lastReason: offline.body.data.reason });
    expect(Date.parse(back.lastSeen ?? '')).toBeGreaterThanOrEqual(Date.parse(online.body.data.since));
  });

  it('an endpoint that names no types got the box events only; the named one exactly the four outage events', async () => {
    await sim.call('801', '802', { talkMs: 100 });
    await waitFor(() => boxOnly.deliveries.some((d) => d.body.type === 'cdr'), { timeoutMs: 15_000, what: 'the call\'s cdr at the box-only endpoint' });
    await deliveriesSettled(cloud.pipeline, relay);
    expect(boxOnly.deliveries.filter((d) => OUTAGE_TYPES.includes(d.body.type))).toEqual([]);
    expect(distinct(outages.deliveries).map((d) => d.body.type)).toEqual(['ami.down', 'ami.up', 'relay.offline', 'relay.online']);
  });

  it("the site's outage history pairs each start with its end, newest first; its range is bounded", async () => {
    const [down, up, offline, online] = distinct(outages.deliveries).map((d) => d.body);
    const r = await history();
    expect(r.response.status, JSON.stringify(r.error)).toBe(200);
    expect(r.data?.outages).toEqual([
      { kind: 'relay', from: offline.data.since, to: online.data.since, reason: offline.data.reason },
      { kind: 'ami', from: down.data.since, to: up.data.since, reason: down.data.reason },
    ]);
    // A range that ends while the relay was away: the outage still ends when it did (its relay.online read by id).
    const during = await history({ from: new Date(started).toISOString(), to: new Date(Date.parse(offline.data.since) + 1).toISOString() });
    expect(during.data?.outages[0]).toEqual({ kind: 'relay', from: offline.data.since, to: online.data.since, reason: offline.data.reason });
    // One that starts after both ended: none.
    expect((await history({ from: new Date(Date.parse(online.data.since) + 1).toISOString() })).data?.outages).toEqual([]);
    const wide = await history({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' });
    expect(wide.response.status).toBe(400);
    expect(wide.error).toMatchObject({ code: 'invalid-field', details: { field: 'to' } });
  });

  it('replays them like any stored event: the same ids again', async () => {
    const before = outages.deliveries.length;
    const r = await tenant().POST('/v1/tenants/{tenantId}/webhooks/{id}/replay', { ...hookPath(), body: { from: new Date(started).toISOString() } });
    expect(r.response.status).toBe(202);
    // A replay is a job: followed to its end, it queued the four outage events again.
    const job = async () =>
      (await tenant().GET('/v1/tenants/{tenantId}/webhooks/{id}/replays/{jobId}', { params: { path: { tenantId: ids.tenantId, id: hookId, jobId: r.data?.jobId ?? '' } } })).data;
    await waitFor(async () => (await job())?.status === 'done', { what: 'the replay job done' });
    expect((await job())?.eventsQueued).toBe(4);
    await outages.waitForCount(before + 4, 20_000);
    const again = outages.deliveries.slice(before).map((d) => d.headers['webhook-id']);
    expect(new Set(again)).toEqual(new Set(distinct(outages.deliveries.slice(0, before)).map((d) => d.headers['webhook-id'])));
  });
});

/** Deliveries with distinct webhook-ids, in arrival order. */
function distinct(ds: Delivery[]): Delivery[] {
  const seen = new Set<string>();
  return ds.filter((d) => !seen.has(String(d.headers['webhook-id'])) && seen.add(String(d.headers['webhook-id'])));
}

/**
 * The local cloud's GET /metrics, read as a Prometheus scraper reads it
 * (test/helpers/prom-text.ts), with a relay on the PBX simulator: relays
 * connected, a command through the tunnel timed, every event the relay
 * numbered counted once as stored, the outbox drained, webhook deliveries by
 * outcome; METRICS_TOKEN guards it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, startTestCloud, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import { scrape } from '../helpers/prom-text.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = 'metrics-token-0123456789';
let cloud: LocalCloud;
let call: Api;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;
let w: BoxWorld;
let ok: WebhookReceiver;
let failing: WebhookReceiver;
const metrics = () => scrape(cloud.url, { authorization: `Bearer ${TOKEN}` });

beforeAll(async () => {
  cloud = await startTestCloud({ metricsToken: TOKEN, webhookRetrySchedule: [0, 0] });
  call = api(cloud.url);
  ids = await tenantAndSite(call);
  w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
  await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
  [ok, failing] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
  failing.respond = () => ({ status: 500 });
});
afterAll(async () => {
  await w.stop();
  await cloud.stop();
  await Promise.all([ok.close(), failing.close()]);
});

describe('GET /metrics of the local cloud', () => {
  it('wants the METRICS_TOKEN when one is set', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
      const res = await fetch(`${cloud.url}/metrics`, { headers });
      expect([res.status, await res.json()]).toEqual([401, { status: 'error', code: 'unauthorized', message: 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>' }]);
    }
    const m = await metrics();
    expect(m.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts the connected relay, and times a command through the tunnel', async () => {
    const before = await metrics();
    expect([before.value('coocenter_cloud_relays_connected'), before.value('coocenter_cloud_relay_connections')]).toEqual([1, 1]);
    const r = await call('POST', `/sites/${ids.siteId}/coocenter-api/extensions/current-calls`, { token: ids.apiKey });
    expect(r.status).toBe(200);
    const m = await metrics();
    expect(m.value('coocenter_cloud_command_duration_seconds_count', { command: 'currentCalls', status: '200' })).toBe(1);
    expect(m.value('coocenter_cloud_command_duration_seconds_sum', { command: 'currentCalls', status: '200' })).toBeGreaterThan(0);
    expect(m.value('coocenter_cloud_commands_in_flight')).toBe(0);
  });

  it('counts every event stored once, empties the outbox, and counts deliveries by outcome', async () => {
    await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: ok.url, events: ['cdr'] } });
    await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: failing.url, events: ['cdr'] } });
    await w.sim.call('801', '802', { talkMs: 200 });
    await ok.waitForCount(1);
    // Tried three times (two retries), then dead-lettered.
    await failing.waitForCount(3);
    await deliveriesSettled(cloud, w.relay);
    const m = await metrics();
    // Every event the relay numbered is stored, and counted, once.
    expect(m.value('coocenter_cloud_events_stored_total')).toBe(w.relay.spool.seq);
    expect(m.value('coocenter_cloud_outbox_depth')).toBe(0);
    expect(m.value('coocenter_cloud_webhook_deliveries_total', { outcome: 'delivered' })).toBe(ok.deliveries.length);
    expect(m.value('coocenter_cloud_webhook_deliveries_total', { outcome: 'retrying' })).toBe(2);
    expect(m.value('coocenter_cloud_webhook_deliveries_total', { outcome: 'failed' })).toBe(1);
    expect(m.value('coocenter_cloud_operational_events_total', { type: 'relay.offline' })).toBe(0);
  });
});

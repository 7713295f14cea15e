/**
 * All 16 box endpoints through the cloud give the same status and the same
 * bytes as the relay's own LAN API, on the PBX simulator — and every event
 * the relay pushes on the LAN reaches the tenant's webhook with the same body
 * and seq. Run against both runtimes: the local server, and the Lambda
 * handlers behind the API Gateway stand-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxCases } from '../helpers/box-cases.js';
import { boxClient, startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe.each(cloudRuntimes)('box API through $name vs the LAN API', (runtime) => {
  let cloud: RunningCloud;
  let w: BoxWorld;
  let siteBase: string;
  let apiKey: string;
  let lanPush: Receiver;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    cloud = await runtime.start();
    const call = api(cloud.url);
    const ids = await tenantAndSite(call);
    apiKey = ids.apiKey;
    siteBase = `${cloud.url}/sites/${ids.siteId}/coocenter-api`;
    [lanPush, webhook] = await Promise.all([startReceiver(), startWebhookReceiver()]);
    const hook = await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: apiKey, body: { url: webhook.url } });
    expect(hook.status, hook.text).toBe(201);
    w = await startBoxWorld({ settings: { general: { URL: lanPush.url }, cloud: { url: cloud.relayUrl, token: ids.relayToken } } });
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
  });
  afterAll(async () => {
    await w.stop();
    await cloud.stop();
    await lanPush.close();
    await webhook.close();
  });

  for (const c of boxCases) {
    it(c.name, async () => {
      const lan = await c.run(w, boxClient(w.lan));
      const viaCloud = await c.run(w, boxClient(siteBase, { authorization: `Bearer ${apiKey}` }));
      const norm = c.normalise ?? ((t: string) => t);
      expect(viaCloud.status).toBe(lan.status);
      expect(norm(viaCloud.text)).toBe(norm(lan.text));
      expect(viaCloud.headers.get('content-type')).toBe(lan.headers.get('content-type'));
    });
  }

  it('events: every event pushed on the LAN reaches the webhook with the same body and seq', async () => {
    const n = w.relay.spool.seq;
    expect(n).toBeGreaterThan(20); // the cases above made calls
    await lanPush.waitForCount(n, 15_000);
    const lan = new Map(lanPush.received.map((r) => [Number(r.headers['x-coocenter-seq']), r.body]));
    const cloudSeqs = () => new Set(webhook.deliveries.map((d) => d.body.seq as number));
    await waitFor(() => [...lan.keys()].every((s) => cloudSeqs().has(s)), { timeoutMs: 15_000, what: `${n} events at the webhook (have ${cloudSeqs().size})` });
    for (const d of webhook.deliveries) {
      expect(d.body.data, `seq ${d.body.seq}`).toEqual(lan.get(d.body.seq));
      expect(JSON.stringify(d.body.data), `order seq ${d.body.seq}`).toBe(JSON.stringify(lan.get(d.body.seq)));
      expect(d.body.type).toBe(d.body.data.event);
    }
  });
});

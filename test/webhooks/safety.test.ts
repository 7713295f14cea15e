/**
 * Webhooks that must not go wrong: an acked event still reaches its endpoint
 * when SQS was down at the time (the outbox), and webhook URLs can never be
 * pointed at internal addresses in a production deployment (SSRF), neither
 * at creation nor through a DNS answer that changes later.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { startTestCloud, tenantAndSite } from '../helpers/cloud-harness.js';
import { cuttableProxy, type CuttableProxy } from '../helpers/cuttable-proxy.js';
import { extensionStatus, relayOnQuietPbx, type QuietPbx } from '../helpers/quiet-pbx.js';
import { createLogger } from '../../protocol/src/log.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LocalCloud | undefined;
let site: QuietPbx | undefined;
let receiver: WebhookReceiver | undefined;
let proxy: CuttableProxy | undefined;

type Ids = Awaited<ReturnType<typeof tenantAndSite>>;
type NewWebhook = { url: string; events?: Array<'extensionstatus' | 'cdr'> };

/** POST /v1/…/webhooks through the typed client (client/), the answer held to the API document. */
const subscribe = (ids: Ids, body: NewWebhook) =>
  typedApi(cloud!.url, ids.apiKey).POST('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId: ids.tenantId } }, body });

afterEach(async () => {
  await site?.stop();
  await cloud?.stop();
  await receiver?.close();
  await proxy?.close();
  site = cloud = receiver = proxy = undefined;
});

describe('outbox', () => {
  it('delivers every acked event even when SQS was unreachable when it was stored', async () => {
    const sqsPort = Number(new URL(inject('sqsEndpoint')).port);
    const hop = (proxy = await cuttableProxy(sqsPort));
    // The cloud's warnings, to see each stored batch's fan-out fail while SQS is cut off.
    const warnings: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'warn', write: (line) => warnings.push(JSON.parse(line)) });
    cloud = await startTestCloud({ sqsEndpoint: `http://127.0.0.1:${hop.port}`, outboxSweepMs: 300, outboxStaleMs: 200, logger });
    const call = validatedApi(cloud.url);
    const ids = await tenantAndSite(call);
    receiver = await startWebhookReceiver();
    expect((await subscribe(ids, { url: receiver.url, events: ['extensionstatus'] })).response.status).toBe(201);
    const pbx = (site = await relayOnQuietPbx(cloud.url, ids.relayToken));

    await hop.setUp(false); // SQS unreachable from now on
    for (let i = 0; i < 30; i++) pbx.say(extensionStatus(30000 + i));
    // Stored and acked: the relay's spool is trimmed…
    await waitFor(() => pbx.acked() === 30, { what: 'events acked' });
    // …and the first batch's fan-out has been tried and failed: its outbox entry is left for the
    // sweeper, and the site's later batches wait behind it (they may not go ahead of it).
    const failed = (first: number) => warnings.some((w) => w.msg === 'outbox entry left for the sweeper' && w.seq === first);
    await waitFor(
      async () => {
        const left = (await cloud!.events.staleOutbox(Date.now() + 1, 0)).sort((a, b) => a.SK.localeCompare(b.SK));
        return left.length > 0 && left.reduce((n, e) => n + e.seqs.length, 0) === 30 && left[0].seqs[0] === 1 && failed(1);
      },
      { timeoutMs: 30_000, what: 'every stored batch to stay in the outbox, the first one having failed its fan-out' },
    );
    expect(receiver.deliveries).toHaveLength(0); // …so nothing could be enqueued
    // Back up between two retries: a retry's sends half refused and half taken would be sent
    // again whole (at least once, same webhook-id), and this test counts exactly.
    await hop.setUp(true, () => !cloud!.outbox.busy);
    await receiver.waitForCount(30, 30_000);
    await deliveriesSettled(cloud, pbx.relay);
    const extens = receiver.deliveries.map((d) => Number(d.body.data.exten) - 30000).sort((a, b) => a - b);
    expect(extens).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('never sends an entry again while its fan-out is in flight, though the sweeper keeps finding it', async () => {
    // A slow SQS: every fan-out stays in flight for a while, and the sweeper (every 50 ms, entries of
    // any age) lists each entry many times before its first fan-out is done.
    const hop = (proxy = await cuttableProxy(Number(new URL(inject('sqsEndpoint')).port)));
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line)) });
    cloud = await startTestCloud({ sqsEndpoint: hop.url, outboxSweepMs: 50, outboxStaleMs: 0, logger });
    const call = validatedApi(cloud.url);
    const ids = await tenantAndSite(call);
    receiver = await startWebhookReceiver();
    expect((await subscribe(ids, { url: receiver.url, events: ['extensionstatus'] })).response.status).toBe(201);
    const pbx = (site = await relayOnQuietPbx(cloud.url, ids.relayToken));
    hop.setDelay(300);

    // Three stored batches, each submitted for fan-out as it is stored.
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 10; i++) pbx.say(extensionStatus(30000 + burst * 10 + i));
      await waitFor(() => pbx.acked() === (burst + 1) * 10, { what: `burst ${burst + 1} acked` });
    }
    await receiver.waitForCount(30, 30_000);
    await deliveriesSettled(cloud, pbx.relay, 30_000);
    // The sweeper did find entries whose fan-out was under way…
    expect(lines.filter((l) => l.msg === 'outbox sweep').length).toBeGreaterThan(0);
    // …none failed (so no retry could explain a repeat)…
    expect(lines.filter((l) => l.msg === 'outbox entry left for the sweeper')).toEqual([]);
    // …and each event went out once: one webhook-id each, every extension once.
    const webhookIds = receiver.deliveries.map((d) => d.headers['webhook-id']);
    expect(new Set(webhookIds).size).toBe(30);
    expect(receiver.deliveries.map((d) => Number(d.body.data.exten) - 30000).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('SSRF guard in production mode', () => {
  it('refuses private and metadata addresses at creation, and a DNS answer that turns private at delivery', async () => {
    const dns: Record<string, string[]> = { 'crm.example.com': ['93.184.216.34'], 'evil.example.com': ['127.0.0.1'], 'meta.example.com': ['169.254.169.254'] };
    cloud = await startTestCloud({ allowPrivateWebhooks: false, resolver: async (host) => dns[host] ?? (host === 'localhost' ? ['127.0.0.1', '::1'] : []) });
    const call = validatedApi(cloud.url);
    const ids = await tenantAndSite(call);
    receiver = await startWebhookReceiver();
    const port = new URL(receiver.url).port;
    for (const url of [
      receiver.url,
      `http://localhost:${port}/hooks`,
      `http://[::1]:${port}/hooks`,
      'http://169.254.169.254/latest/meta-data/',
      `http://evil.example.com:${port}/hooks`,
      'http://meta.example.com/',
      'http://10.0.0.8/hooks',
    ]) {
      const r = await subscribe(ids, { url });
      expect([r.response.status, r.error?.message], url).toEqual([400, expect.stringMatching(/private or reserved address/)]);
    }
    // Accepted while the name looked public…
    const created = await subscribe(ids, { url: `http://crm.example.com:${port}/hooks` });
    expect(created.response.status).toBe(201);
    const hook = { params: { path: { tenantId: ids.tenantId, id: created.data?.id ?? '' } } };
    const asTenant = typedApi(cloud.url, ids.apiKey);
    // …then its DNS answer turns to loopback (rebinding): the delivery refuses to connect.
    dns['crm.example.com'] = ['127.0.0.1'];
    const t = await asTenant.POST('/v1/tenants/{tenantId}/webhooks/{id}/test', hook);
    expect(t.data).toMatchObject({ delivered: false, responseCode: null });
    expect(t.data?.error).toContain('private or reserved');
    await cloud.fanout.enqueue(
      [{ id: `evt_${ids.siteId}_1`, siteId: ids.siteId, tenantId: ids.tenantId, seq: 1, type: 'cdr', occurredAt: new Date().toISOString(), data: { event: 'cdr' } as never }],
      Date.now(),
    );
    const first = async () => (await asTenant.GET('/v1/tenants/{tenantId}/webhooks/{id}/deliveries', hook)).data?.data[0];
    await waitFor(async () => (await first())?.error, { what: 'delivery attempted' });
    const log = await first();
    expect(log).toMatchObject({ status: 'retrying', responseCode: null });
    expect(log?.error).toContain('private or reserved');
    expect(receiver.deliveries).toHaveLength(0);
  });
});

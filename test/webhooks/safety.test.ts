/**
 * Webhooks that must not go wrong: an acked event still reaches its endpoint
 * when SQS was down at the time (the outbox), and webhook URLs can never be
 * pointed at internal addresses in a production deployment (SSRF), neither
 * at creation nor through a DNS answer that changes later.
 */
import net from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { RECEIVE_WAIT_SEC } from '../../cloud/src/webhooks/worker.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { validatedApi } from '../helpers/api-document.js';
import { startTestCloud, tenantAndSite } from '../helpers/cloud-harness.js';
import { frame, startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { createLogger } from '../../protocol/src/log.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LocalCloud | undefined;
let relay: Relay | undefined;
let pbx: FakeAmi | undefined;
let receiver: WebhookReceiver | undefined;
let proxy: net.Server | undefined;

afterEach(async () => {
  await relay?.stop();
  await pbx?.close();
  await cloud?.stop();
  await receiver?.close();
  proxy?.close();
  relay = pbx = cloud = receiver = proxy = undefined;
});

/**
 * A TCP hop in front of a server that can be cut: SQS "down" without stopping it.
 * A receive begun before the cut still waits at the server (long polling) with
 * nobody left to answer; reconnecting before it ends would let it take messages
 * that then stay invisible for the queue's visibility timeout. So the hop comes
 * back up no sooner than one long poll after the cut.
 */
async function cuttableProxy(targetPort: number): Promise<{ port: number; setUp(up: boolean): Promise<void> }> {
  let up = true;
  let cutAt = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => open.delete(s));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  proxy = server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    async setUp(v) {
      if (v) await waitFor(() => Date.now() - cutAt > RECEIVE_WAIT_SEC * 1000, { what: 'receives begun before the cut to end' });
      else cutAt = Date.now();
      up = v;
      if (!v) for (const s of open) s.destroy();
    },
  };
}

describe('outbox', () => {
  it('delivers every acked event even when SQS was unreachable when it was stored', async () => {
    const sqsPort = Number(new URL(inject('sqsEndpoint')).port);
    const hop = await cuttableProxy(sqsPort);
    // The cloud's warnings, to see each stored batch's fan-out fail while SQS is cut off.
    const warnings: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'warn', write: (line) => warnings.push(JSON.parse(line)) });
    cloud = await startTestCloud({ sqsEndpoint: `http://127.0.0.1:${hop.port}`, outboxSweepMs: 300, outboxStaleMs: 200, logger });
    const call = validatedApi(cloud.url);
    const ids = await tenantAndSite(call);
    receiver = await startWebhookReceiver();
    expect((await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: receiver.url, events: ['extensionstatus'] } })).status).toBe(201);
    pbx = await startFakeAmi((a, s) => s.reply(a, [['Response', 'Success']]));
    let conf = setConf(expectedConf('api.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
    conf = setConf(conf, 'ami', { port: pbx.port });
    conf = setConf(conf, 'cloud', { url: cloud.url, token: ids.relayToken });
    relay = await startTestRelay(conf);
    await relay.ami.waitReady();
    await waitFor(() => relay!.tunnel!.connected);

    await hop.setUp(false); // SQS unreachable from now on
    const session = pbx.sessions[pbx.sessions.length - 1];
    for (let i = 0; i < 30; i++) {
      session.send(frame([['Event', 'ExtensionStatus'], ['Privilege', 'call,all'], ['Exten', String(30000 + i)], ['Context', 'c'], ['Hint', 'SIP/x'], ['Status', '0'], ['StatusText', 'Idle']]));
    }
    // Stored and acked: the relay's spool is trimmed…
    await waitFor(() => relay!.spool.cursor('cloud') === 30, { what: 'events acked' });
    // …and every batch's fan-out has been tried and failed: its outbox entry is left for the sweeper.
    const failed = (first: number) => warnings.some((w) => w.msg === 'outbox entry left for the sweeper' && w.seq === first);
    await waitFor(
      async () => {
        const left = await cloud!.events.staleOutbox(Date.now() + 1, 0);
        return left.length > 0 && left.reduce((n, e) => n + e.seqs.length, 0) === 30 && left.every((e) => failed(e.seqs[0]));
      },
      { timeoutMs: 30_000, what: 'every stored batch to fail its fan-out and stay in the outbox' },
    );
    expect(receiver.deliveries).toHaveLength(0); // …so nothing could be enqueued
    await hop.setUp(true);
    await receiver.waitForCount(30, 30_000);
    await deliveriesSettled(cloud, relay);
    const extens = receiver.deliveries.map((d) => Number(d.body.data.exten) - 30000).sort((a, b) => a - b);
    expect(extens).toEqual(Array.from({ length: 30 }, (_, i) => i));
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
      const r = await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url } });
      expect([r.status, r.body.message], url).toEqual([400, expect.stringMatching(/private or reserved address/)]);
    }
    // Accepted while the name looked public…
    const created = await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: `http://crm.example.com:${port}/hooks` } });
    expect(created.status).toBe(201);
    // …then its DNS answer turns to loopback (rebinding): the delivery refuses to connect.
    dns['crm.example.com'] = ['127.0.0.1'];
    const t = await call('POST', `/v1/tenants/${ids.tenantId}/webhooks/${created.body.id}/test`, { token: ids.apiKey });
    expect(t.body).toMatchObject({ delivered: false, responseCode: null });
    expect(t.body.error).toContain('private or reserved');
    await cloud.fanout.enqueue([
      { id: `evt_${ids.siteId}_1`, siteId: ids.siteId, tenantId: ids.tenantId, seq: 1, type: 'cdr', occurredAt: new Date().toISOString(), data: { event: 'cdr' } as never },
    ]);
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/webhooks/${created.body.id}/deliveries`, { token: ids.apiKey })).body.data[0]?.error, { what: 'delivery attempted' });
    const log = (await call('GET', `/v1/tenants/${ids.tenantId}/webhooks/${created.body.id}/deliveries`, { token: ids.apiKey })).body.data[0];
    expect(log).toMatchObject({ status: 'retrying', responseCode: null });
    expect(log.error).toContain('private or reserved');
    expect(receiver.deliveries).toHaveLength(0);
  });
});

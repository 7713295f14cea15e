/**
 * Outages on AWS, where API Gateway's $disconnect is best effort: the
 * scheduled sweep takes a connection nothing was heard on for `silentMs` as
 * gone, from when it was last heard, and announces relay.offline; and a relay
 * still alive on a connection the cloud took for gone is asked to connect
 * afresh at its next ping. Shortened: pings every second, silent after 3 s,
 * 1 s of grace, the sweep every 200 ms (in production: 30 s, 60 s, 30 s and
 * every minute, which announces a silent relay within 2 minutes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../protocol/src/clock.js';
import { OperationalEventStore } from '../../cloud/src/operational/store.js';
import { RelayPresence } from '../../cloud/src/outages/presence.js';
import { RelayStore } from '../../cloud/src/store/relays.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { expectedConf, quietLogger, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LambdaCloud | undefined;
let relay: Relay | undefined;
let sim: PbxSimulator | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await relay?.stop();
  await sim?.close();
  await cloud?.stop();
  await receiver?.close();
  relay = sim = cloud = receiver = undefined;
});

async function world() {
  cloud = await startLambdaCloud({ outageTiming: { graceMs: 1_000, silentMs: 3_000 }, sweepEveryMs: 200, pingMs: 1_000 });
  const call = api(cloud.url);
  const ids = await tenantAndSite(call);
  receiver = await startWebhookReceiver();
  expect((await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: receiver.url, events: ['relay.offline', 'relay.online'] } })).status).toBe(201);
  sim = await startSimulator({ port: 0, timeScale: 0.01 });
  let conf = setConf(expectedConf('api.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: sim.port });
  conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
  relay = await startTestRelay(conf);
  const site = async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay;
  await waitFor(async () => (await site()).amiConnected, { timeoutMs: 15_000, what: 'relay online' });
  const relays = new RelayStore(cloud.db, cloud.tables.main);
  return { ids, site, relays };
}

describe('outages behind API Gateway', () => {
  it('a relay gone without a $disconnect is announced offline by the sweep, from when it was last heard', async () => {
    const { ids, site, relays } = await world();
    const { connectionId } = (await relays.get(ids.siteId))!;
    relay!.tunnel!.stop(); // the relay must not dial again for this check
    cloud!.ws.dropSilently(connectionId);
    await receiver!.waitForCount(1, 20_000);
    const offline = receiver!.deliveries[0].body;
    expect(offline.type).toBe('relay.offline');
    expect(offline.data.reason).toMatch(/^no frame from the relay for \d+ s$/);
    const shown = await site();
    expect(shown).toMatchObject({ connected: false, offlineSince: offline.data.since, lastReason: offline.data.reason });
    // Offline since the relay was last heard, which is what the site shows as last seen.
    expect(shown.lastSeen).toBe(offline.data.since);
  });

  it('a relay alive on a connection the cloud took for gone is asked to reconnect, and is online again', async () => {
    const { ids, site, relays } = await world();
    const { connectionId } = (await relays.get(ids.siteId))!;
    const welcomes: string[] = [];
    relay!.tunnel!.on('welcome', (w) => welcomes.push(w.siteId));
    // As a sweep would after missed pings (the relay lost touch for a while, and is back).
    const presence = new RelayPresence({ relays, operational: new OperationalEventStore(cloud!.db, cloud!.tables.events), clock: systemClock, logger: quietLogger });
    await presence.disconnected(ids.siteId, connectionId, 'taken for gone by the test');
    expect((await site()).connected).toBe(false);
    // At its next ping the cloud tells it to reconnect; its fresh connection takes the site back.
    await waitFor(() => welcomes.length >= 1, { timeoutMs: 10_000, what: 'a fresh connection' });
    await waitFor(async () => (await site()).connected, { what: 'the site online again' });
    expect((await relays.get(ids.siteId))!.connectionId).not.toBe(connectionId);
  });
});

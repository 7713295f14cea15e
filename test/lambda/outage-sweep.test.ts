/**
 * The 2-minute promise on AWS, on the production timings, with the clock
 * driven by the test instead of waited for: a relay whose connection went away
 * without a $disconnect (API Gateway's is best effort) is silent after 60 s,
 * and the scheduled sweep (every minute, infra/lib/outbox.ts) announces
 * relay.offline from when it was last heard. The announcement then takes the
 * real path: the events table's stream, the outbox function, SQS, the
 * deliveries function, a signed POST to the tenant's endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxHandlers } from '../../cloud/src/lambda/handlers/outbox.js';
import { OperationalEventStore } from '../../cloud/src/operational/store.js';
import { OUTAGE_TIMING } from '../../cloud/src/outages/policy.js';
import { RelayPresence } from '../../cloud/src/outages/presence.js';
import { RelayStore } from '../../cloud/src/store/relays.js';
import { SWEEP_EVERY } from '../../infra/lib/outbox.js';
import { ManualClock } from '../../protocol/src/clock.js';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { quietLogger } from '../helpers/relay-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LambdaCloud;
let receiver: WebhookReceiver;
beforeAll(async () => {
  cloud = await startLambdaCloud();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await cloud.stop();
  await receiver.close();
});

describe('a relay vanished without $disconnect, on the production timings', () => {
  it('is announced offline by the first sweep after 60 s of silence: within 2 minutes of its last frame', async () => {
    const call = api(cloud.url);
    const ids = await tenantAndSite(call);
    expect((await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: receiver.url, events: ['relay.offline'] } })).status).toBe(201);

    const clock = new ManualClock(Date.now());
    const lastFrame = clock.now();
    // The relay connected (as the $default function records a hello), and then nothing more came.
    const relays = new RelayStore(cloud.db, cloud.tables.main);
    const presence = new RelayPresence({ relays, operational: new OperationalEventStore(cloud.db, cloud.tables.events), clock, logger: quietLogger });
    await presence.connected({ id: ids.siteId, tenantId: ids.tenantId }, { connectionId: 'conn-vanished', node: 'apigw', since: new Date(lastFrame).toISOString(), version: '0.1.0', ami: { connected: true, change: 1 } });

    // EventBridge's schedule, run by hand on the test's clock.
    const { sweep } = createOutboxHandlers(cloud.config, { clock, logger: quietLogger });
    const shown = async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay;

    // A sweep within the silence finds nothing: the relay may just be between pings.
    clock.advance(SWEEP_EVERY.toMilliseconds() - 1_000);
    expect((await sweep()).sites).toBe(0);
    expect(await shown()).toMatchObject({ connected: true, offlineSince: null });

    // The next sweep is past the 60 s: gone since its last frame, and that was more than 30 s ago.
    clock.advance(SWEEP_EVERY.toMilliseconds());
    expect(clock.now() - lastFrame).toBeGreaterThan(OUTAGE_TIMING.silentMs);
    expect(clock.now() - lastFrame).toBeLessThanOrEqual(120_000);
    expect((await sweep()).sites).toBe(1);

    await receiver.waitForCount(1, 20_000);
    const d = receiver.deliveries[0];
    expect(d.body).toEqual({
      id: `evt_${ids.siteId}_relay.offline_${lastFrame}`,
      type: 'relay.offline',
      siteId: ids.siteId,
      seq: null,
      occurredAt: new Date(clock.now()).toISOString(),
      data: { siteId: ids.siteId, since: new Date(lastFrame).toISOString(), reason: `no frame from the relay for ${Math.round((clock.now() - lastFrame) / 1000)} s` },
    });
    expect(await shown()).toMatchObject({ connected: false, offlineSince: new Date(lastFrame).toISOString(), lastSeen: new Date(lastFrame).toISOString(), lastReason: d.body.data.reason });

    // Announced once: a later sweep has nothing more to say.
    clock.advance(SWEEP_EVERY.toMilliseconds());
    expect((await sweep()).sites).toBe(0);
  });
});

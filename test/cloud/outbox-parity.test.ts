/**
 * The outbox keeps a site's order the same way on both runtimes: when SQS
 * refuses one batch's fan-out for a while, the site's later batches do not
 * go ahead of it (locally they wait for the sweeper, which takes the site's
 * entries in stored order; on AWS the stream hands the failed record and
 * those after it over again). So an ordered webhook endpoint — one FIFO
 * message group per site for events of no call — receives the site's events
 * in seq order, each once, on both.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import { cuttableProxy, type CuttableProxy } from '../helpers/cuttable-proxy.js';
import { extensionStatus, relayOnQuietPbx, type QuietPbx } from '../helpers/quiet-pbx.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { deliveriesSettled } from '../helpers/settled.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: RunningCloud | undefined;
let site: QuietPbx | undefined;
let receiver: WebhookReceiver | undefined;
let hop: CuttableProxy | undefined;

afterEach(async () => {
  await site?.stop();
  await cloud?.stop();
  await receiver?.close();
  await hop?.close();
  site = cloud = receiver = hop = undefined;
});

describe.each(cloudRuntimes)('the outbox on $name', (runtime) => {
  it('keeps a site\'s later batches behind one whose fan-out SQS refused: an ordered endpoint gets every event once, in seq order', async () => {
    hop = await cuttableProxy(Number(new URL(inject('sqsEndpoint')).port));
    cloud = await runtime.start({ fanoutSqsEndpoint: hop.url });
    const call = api(cloud.url);
    const ids = await tenantAndSite(call);
    receiver = await startWebhookReceiver();
    const hook = await call('POST', `/v1/tenants/${ids.tenantId}/webhooks`, { token: ids.apiKey, body: { url: receiver.url, events: ['extensionstatus'], ordered: true } });
    expect(hook.status, hook.text).toBe(201);
    const pbx = (site = await relayOnQuietPbx(cloud.relayUrl, ids.relayToken));

    // The first batch is stored while SQS refuses: acked to the relay, its fan-out fails.
    await hop.setUp(false);
    for (let i = 0; i < 5; i++) pbx.say(extensionStatus(40000 + i));
    await waitFor(() => pbx.acked() === 5, { what: 'the first 5 events acked' });
    await waitFor(() => cloud!.outboxFailures() > 0, { timeoutMs: 15_000, what: 'the first batch\'s fan-out to fail' });

    // SQS takes messages again; the site's next batch is stored right away.
    await hop.setUp(true);
    for (let i = 5; i < 10; i++) pbx.say(extensionStatus(40000 + i));
    await waitFor(() => pbx.acked() === 10, { what: 'all 10 events acked' });

    await receiver.waitForCount(10, 30_000);
    await deliveriesSettled(cloud.pipeline, pbx.relay, 30_000);
    // In the order the PBX said them, with the relay's seqs, each once.
    expect(receiver.deliveries.map((d) => Number(d.body.data.exten) - 40000)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const seqs = receiver.deliveries.map((d) => d.body.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(receiver.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(10);
  });
});

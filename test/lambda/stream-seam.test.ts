/**
 * The seam of a resume on AWS, step by step, on DynamoDB Local and the
 * stream API's stand-in (its management API): the outbox's fan-out and the
 * resume are the deployed classes, driven in an order the event path can
 * produce but a live test cannot force — a batch stored while the replay
 * reads (its count makes the switch to live fail, the next round finds it),
 * and a seq stored below the replay's last one after the switch (out of
 * order: the subscription's `sent` lets it through), and an outbox entry run
 * twice (not posted twice).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { managementClient } from '../../cloud/src/aws-clients.js';
import type { BoxEvent } from '../../protocol/src/events/box-events.js';
import { systemClock } from '../../protocol/src/clock.js';
import type { StoredEvent } from '../../cloud/src/store/events.js';
import { LiveStore } from '../../cloud/src/store/live.js';
import { StreamConnections } from '../../cloud/src/stream/aws-connections.js';
import { AwsStreamPublisher } from '../../cloud/src/stream/aws-publisher.js';
import { AwsStreamResume } from '../../cloud/src/stream/aws-resume.js';
import { SubscriptionStore } from '../../cloud/src/stream/subscriptions.js';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import { startLambdaCloud, type LambdaCloud } from '../helpers/lambda-cloud.js';
import { quietLogger } from '../helpers/relay-harness.js';
import { openStreamClient } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

let cloud: LambdaCloud;
let ids: Awaited<ReturnType<typeof tenantAndSite>>;

beforeAll(async () => {
  // No event source pollers: the test is the outbox.
  cloud = await startLambdaCloud({ eventSources: false });
  ids = await tenantAndSite(api(cloud.url));
});
afterAll(async () => {
  await cloud?.stop();
});

const mk = (seq: number) => ({ seq, event: { event: 'extensionstatus', exten: `70${seq}`, status: '0', timestamp: '1795513197.895228' } as unknown as BoxEvent });
async function store(...seqs: number[]): Promise<StoredEvent[]> {
  return (await cloud.events.storeBatch(ids.tenantId, ids.siteId, seqs.map(mk), Date.now())).fresh;
}

it('a batch stored during the replay, a seq stored late below it, and an entry run twice: every seq once', async () => {
  const subscriptions = new SubscriptionStore(cloud.db, cloud.tables.main, systemClock);
  const connections = new StreamConnections(managementClient(cloud.streamApi.managementEndpoint), subscriptions, systemClock);
  const outbox = new AwsStreamPublisher(subscriptions, connections, quietLogger, systemClock);
  const [e1, e2, e3] = await store(1, 2, 3);
  const [e5] = await store(5); // 4 is in flight

  // A live connection, then stored as the client's after=evt_…_2 makes $connect store it.
  const client = await openStreamClient(cloud.streamUrl, `siteIds=${ids.siteId}`, ids.apiKey);
  const [connectionId] = cloud.streamApi.connectionIds();
  await subscriptions.add({ connectionId, tenantId: ids.tenantId, filter: { siteIds: [ids.siteId] }, state: false, resuming: { [ids.siteId]: e2.seq } });

  // While resuming the outbox posts nothing to it, and counts the batch.
  await outbox.publish([e5]);
  expect((await subscriptions.get(ids.tenantId, connectionId))?.missed).toBe(1);

  // The replay's first round: a batch (6) is stored and fanned out while it reads.
  let stored6: StoredEvent | undefined;
  const events = {
    async *after(siteId: string, seq: number) {
      for await (const e of cloud.events.after(siteId, seq)) yield e;
      if (!stored6) {
        [stored6] = await store(6);
        await outbox.publish([stored6]);
      }
    },
  };
  const resume = new AwsStreamResume({ subscriptions, connections, events, live: new LiveStore(cloud.db, cloud.tables.main), accounts: { listSites: async () => [] }, logger: quietLogger });
  await resume.run({ kind: 'stream-resume', tenantId: ids.tenantId, connectionId });
  const live = await subscriptions.get(ids.tenantId, connectionId);
  expect(live?.resuming).toBeUndefined();
  expect(live?.sent).toEqual({ [ids.siteId]: { upTo: 3, above: [5, 6] } });

  // 4 is stored late, below what the replay sent: the outbox posts it. The entry of 5 runs again: not posted.
  const [e4] = await store(4);
  await outbox.publish([e4]);
  await outbox.publish([e5]);
  await outbox.publish([e1, e3]);
  const [e7] = await store(7);
  await outbox.publish([e7]);
  await waitFor(() => client.events().some((e) => e.seq === 7), { what: 'the last event' });
  expect(client.events().map((e) => e.seq)).toEqual([3, 5, 6, 4, 7]);
  await client.close();
});

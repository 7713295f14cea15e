/**
 * Waiting for the webhook pipeline to have done everything it was given,
 * instead of sleeping: the relay's events are acked (stored), no outbox entry
 * is left (every fan-out enqueued), and both delivery queues are empty — no
 * message waiting, in flight or put back for a retry — so every POST that
 * will happen has happened. What a test asserts after this is final.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { waitFor } from './wait.js';

const COUNTS = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

async function queued(cloud: LocalCloud, url: string): Promise<number> {
  const r = await cloud.queue.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...COUNTS] }));
  return COUNTS.reduce((n, k) => n + Number(r.Attributes?.[k] ?? 0), 0);
}

export async function deliveriesSettled(cloud: LocalCloud, relay?: Relay, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      if (relay && relay.spool.cursor('cloud') < relay.spool.seq) return false;
      // Outbox entries are deleted only once their fan-out is enqueued; checked before the queues, so nothing slips between.
      if ((await cloud.events.staleOutbox(Date.now() + 1, 0, 1)).length > 0) return false;
      for (const url of [cloud.queue.urls.standard, cloud.queue.urls.fifo]) if ((await queued(cloud, url)) > 0) return false;
      return true;
    },
    { timeoutMs, intervalMs: 20, what: 'the webhook pipeline to settle (events acked, outbox empty, delivery queues empty)' },
  );
}

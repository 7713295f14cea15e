/**
 * Waiting for the webhook pipeline to have done everything it was given,
 * instead of sleeping: the relay's events are acked (stored), no outbox entry
 * is left (every fan-out enqueued), and both delivery queues are empty — no
 * message waiting, in flight or put back for a retry — so every POST that
 * will happen has happened. What a test asserts after this is final.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventStore } from '../../cloud/src/store/events.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { waitFor } from './wait.js';

/** What either runtime's cloud shows of its pipeline: its stored outbox, its delivery queues. */
export interface Pipeline {
  events: EventStore;
  queue: { sqs: SQSClient; urls: { standard: string; fifo: string } };
}

const COUNTS = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

/** Messages waiting, in flight or delayed. */
async function queued(cloud: Pipeline, url: string): Promise<number> {
  const r = await cloud.queue.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...COUNTS] }));
  return COUNTS.reduce((n, k) => n + Number(r.Attributes?.[k] ?? 0), 0);
}

export async function deliveriesSettled(cloud: Pipeline, relay?: Relay, timeoutMs = 20_000): Promise<void> {
  let last = '';
  const settled = async (): Promise<boolean> => {
    if (relay && relay.spool.cursor('cloud') < relay.spool.seq) return !(last = `relay acked ${relay.spool.cursor('cloud')} of ${relay.spool.seq}`);
    // Outbox entries are deleted only once their fan-out is enqueued; checked before the queues, so nothing slips between.
    const left = await cloud.events.staleOutbox(Date.now() + 1, 0);
    if (left.length > 0) return !(last = `${left.length} outbox entries left (first seqs ${left.map((e) => e.seqs[0]).join(', ')})`);
    for (const [name, url] of Object.entries({ standard: cloud.queue.urls.standard, fifo: cloud.queue.urls.fifo })) {
      const n = await queued(cloud, url);
      if (n > 0) return !(last = `${n} messages in the ${name} delivery queue`);
    }
    return true;
  };
  try {
    await waitFor(settled, { timeoutMs, intervalMs: 20, what: 'the webhook pipeline to settle (events acked, outbox empty, delivery queues empty)' });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${last}`);
  }
}

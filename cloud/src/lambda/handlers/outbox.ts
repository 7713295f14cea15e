/**
 * The outbox on AWS: the events table's stream hands every new OUTBOX# item
 * to `handler`, which runs the same processOutbox as the local cloud
 * (projections, webhook fan-out, then the item is deleted). `sweep` runs
 * every minute: for items the stream gave up on (OutboxRunner.sweep), for
 * the sites' outages (RelayPresence.sweep: relays gone silent without a
 * $disconnect, relay.offline and ami.down once their grace is over), and for
 * webhook deliveries lost from their queue (webhooks/recovery.ts).
 *
 * A batch goes in site order, the same rule as the local cloud's
 * (pipeline/outbox-order.ts): a site's entries in stream order, sites in
 * parallel. When one fails, it and the site's later entries of the batch are
 * reported as failed (ReportBatchItemFailures), so the stream retries them in
 * order. An entry whose site still has older entries stored (one the stream
 * gave up on, one another instance stored a moment later) takes them first.
 * Records the stream hands over again whose item is already gone (done by an
 * earlier attempt or by the sweeper) are skipped: repeats would only re-send
 * webhooks.
 */

import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LogField } from '../../../../protocol/src/log-fields.js';
import { deliveryRecovery, outboxDeps, relayPresence } from '../../compose.js';
import { OutboxRunner, processBatch, type StreamPublisher } from '../../pipeline/outbox.js';
import type { OutboxEntry } from '../../store/events.js';
import type { LambdaConfig } from '../config.js';
import { unmarshallImage } from '../stream-image.js';
import { awsStreamPublisher } from './stream-parts.js';
import { lambdaCloud, lambdaQueue, type LambdaCloudOptions } from './common.js';

export interface OutboxHandlerOptions extends Pick<LambdaCloudOptions, 'clock' | 'logger' | 'outageTiming'> {
  /** Entries older than this are the sweeper's (default 5 minutes: the stream normally takes seconds). */
  staleAfterMs?: number;
  /** The event stream's fan-out (stream/aws-publisher.ts), where the stream API is deployed. */
  stream?: StreamPublisher;
}

/** An OUTBOX# item's new image, or undefined for anything else the stream carries. */
export function outboxEntryOf(record: DynamoDBRecord): OutboxEntry | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  const item = unmarshallImage(image);
  if (typeof item.PK !== 'string' || !item.PK.startsWith('OUTBOX#') || typeof item.SK !== 'string') return undefined;
  if (typeof item.siteId !== 'string' || typeof item.tenantId !== 'string' || !Array.isArray(item.seqs)) return undefined;
  const entry: OutboxEntry = { PK: item.PK, SK: item.SK, siteId: item.siteId, tenantId: item.tenantId, seqs: item.seqs.map(Number), createdAt: Number(item.createdAt) };
  if (Array.isArray(item.ops)) entry.ops = item.ops.map(String);
  return entry;
}

export function createOutboxHandlers(config: LambdaConfig, options: OutboxHandlerOptions = {}) {
  // The fan-out only lists endpoints; signing secrets are the delivery function's business.
  const cloud = lambdaCloud(config, 'outbox', { secrets: false, queue: lambdaQueue(config, 'send') }, options);
  const log = cloud.logger.child({ [LogField.component]: 'outbox' });
  // The stream's fan-out where the stack deployed the stream API (STREAM_MANAGEMENT_ENDPOINT); tests hand their own.
  const stream =
    options.stream ??
    (config.streamManagementEndpoint
      ? awsStreamPublisher(cloud, config.streamManagementEndpoint)
      : undefined);
  const deps = stream ? { ...outboxDeps(cloud), stream } : outboxDeps(cloud);
  const runner = new OutboxRunner(deps, cloud.clock, { staleAfterMs: options.staleAfterMs ?? 5 * 60_000 });
  // SQS keeps its messages: only deliveries overdue by an hour are taken as lost (docs/deploy.md).
  const recovery = deliveryRecovery(cloud);

  return {
    /** DynamoDB Streams consumer (ReportBatchItemFailures). */
    async handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
      const records: Array<{ sequenceNumber: string; entry: OutboxEntry }> = [];
      for (const record of event.Records ?? []) {
        const entry = outboxEntryOf(record);
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        if (entry && sequenceNumber) records.push({ sequenceNumber, entry });
      }
      const results = await processBatch(deps, records.map((r) => r.entry));
      const failed: string[] = [];
      results.forEach((r, i) => {
        const fields = { [LogField.siteId]: r.entry.siteId, [LogField.seq]: r.entry.seqs[0], seqs: r.entry.seqs.length };
        if (r.outcome === 'failed') log.warn('outbox entry failed; the stream will retry it', { ...fields, [LogField.error]: r.error });
        if (r.outcome === 'waiting') log.info('outbox entry waits behind older ones of its site; left for the sweep', fields);
        // Failed, and held behind a failure: the stream hands them over again, in order.
        if (r.outcome === 'failed' || r.outcome === 'held') failed.push(records[i].sequenceNumber);
      });
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    },

    /** Scheduled (EventBridge): entries the stream left behind, and the sites' outages (one failing does not stop the other); then webhook deliveries lost from their queue. */
    async sweep(_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ swept: number; sites: number; requeued: number }> {
      const outbox = (async () => {
        let swept = 0;
        // A pass takes at most 100 entries; keep going while there are more and time is left.
        for (let pass = 0; pass < 10; pass++) {
          const n = await runner.sweep();
          swept += n;
          if (n < 100 || (context?.getRemainingTimeInMillis?.() ?? Infinity) < 30_000) break;
        }
        return swept;
      })();
      // What it announces is stored with an outbox entry, which the stream takes from there.
      const [swept, sites] = await Promise.allSettled([outbox, relayPresence(cloud).sweep()]);
      if (swept.status === 'rejected') throw swept.reason;
      if (sites.status === 'rejected') throw sites.reason;
      // Then webhook deliveries lost from their queue (normally none: 8 small queries).
      const { requeued } = await recovery.run();
      return { swept: swept.value, sites: sites.value, requeued };
    },
  };
}

export type OutboxHandlers = ReturnType<typeof createOutboxHandlers>;

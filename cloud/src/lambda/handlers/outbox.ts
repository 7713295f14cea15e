/**
 * The outbox on AWS: the events table's stream hands every new OUTBOX# item
 * to `handler`, which runs the same processOutbox as the local cloud
 * (projections, webhook fan-out, then the item is deleted). `sweep` runs
 * every minute: for items the stream gave up on (OutboxRunner.sweep), and for
 * the sites' outages (RelayPresence.sweep: relays gone silent without a
 * $disconnect, relay.offline and ami.down once their grace is over).
 *
 * A site's entries are processed in stream order, sites in parallel. When one
 * fails, it and the site's later entries of the batch are reported as failed
 * (ReportBatchItemFailures), so the stream retries them in order. Records the
 * stream hands over again whose item is already gone (done by an earlier
 * attempt or by the sweeper) are skipped: repeats would only re-send webhooks.
 */

import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LogField } from '../../../../protocol/src/log-fields.js';
import { outboxDeps, relayPresence } from '../../compose.js';
import { OutboxRunner, processOutbox } from '../../pipeline/outbox.js';
import type { OutboxEntry } from '../../store/events.js';
import type { LambdaConfig } from '../config.js';
import { unmarshallImage } from '../stream-image.js';
import { lambdaCloud, lambdaQueue, type LambdaCloudOptions } from './common.js';

export interface OutboxHandlerOptions extends Pick<LambdaCloudOptions, 'clock' | 'logger' | 'outageTiming'> {
  /** Entries older than this are the sweeper's (default 5 minutes: the stream normally takes seconds). */
  staleAfterMs?: number;
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
  const deps = outboxDeps(cloud);
  const events = deps.events;
  const runner = new OutboxRunner(deps, cloud.clock, { staleAfterMs: options.staleAfterMs ?? 5 * 60_000 });

  return {
    /** DynamoDB Streams consumer (ReportBatchItemFailures). */
    async handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
      const bySite = new Map<string, Array<{ sequenceNumber: string; entry: OutboxEntry }>>();
      for (const record of event.Records ?? []) {
        const entry = outboxEntryOf(record);
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        if (!entry || !sequenceNumber) continue;
        bySite.set(entry.siteId, [...(bySite.get(entry.siteId) ?? []), { sequenceNumber, entry }]);
      }
      const failed: string[] = [];
      await Promise.all(
        [...bySite.values()].map(async (list) => {
          for (let i = 0; i < list.length; i++) {
            const { entry } = list[i];
            try {
              if (await events.hasOutbox(entry)) await processOutbox(deps, entry);
            } catch (err) {
              log.warn('outbox entry failed; the stream will retry it', { [LogField.siteId]: entry.siteId, [LogField.seq]: entry.seqs[0], seqs: entry.seqs.length, [LogField.error]: err });
              failed.push(...list.slice(i).map((x) => x.sequenceNumber));
              return;
            }
          }
        }),
      );
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    },

    /** Scheduled (EventBridge): entries the stream left behind, and the sites' outages (one failing does not stop the other). */
    async sweep(_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ swept: number; sites: number }> {
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
      return { swept: swept.value, sites: sites.value };
    },
  };
}

export type OutboxHandlers = ReturnType<typeof createOutboxHandlers>;

/**
 * Webhook delivery on AWS: both delivery queues (standard and FIFO) invoke
 * this function, which runs handleBatch like the local worker does.
 *
 * Lambda deletes every message of a batch not reported as failed. Our code
 * settles messages itself: a delivered, dropped or dead-lettered message is
 * deleted (deleting it again is harmless), and a retry is the same message
 * made invisible until its next attempt (ChangeMessageVisibility). A retried
 * message must therefore be reported as failed, or Lambda would delete it:
 * reported, it stays in the queue with the visibility we set, and SQS's
 * receive count is the attempt number. The same goes for the later messages
 * of a FIFO group held back behind it, and for messages whose handling threw
 * (they come back after the queue's visibility timeout).
 */

import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LogField } from '../../../../protocol/src/log-fields.js';
import { deliveryDeps } from '../../compose.js';
import { DeliveryQueue, type DeliveryMessage, type QueueUrls, type ReceivedMessage } from '../../webhooks/queue.js';
import { handleBatch } from '../../webhooks/worker.js';
import type { LambdaConfig } from '../config.js';
import { lambdaCloud, lambdaQueue, type LambdaCloudOptions } from './common.js';

export interface DeliveriesHandlerOptions extends Pick<LambdaCloudOptions, 'clock' | 'logger' | 'resolver'> {
  timeoutMs?: number;
  /** Retry delays in seconds (tests shorten them). */
  schedule?: readonly number[];
}

/** One invocation's view of the queues: remembers which messages were put back for a retry. */
class InvocationQueue extends DeliveryQueue {
  readonly postponed = new Set<string>();

  override async later(m: Pick<ReceivedMessage, 'queueUrl' | 'receiptHandle'>, seconds: number): Promise<void> {
    await super.later(m, seconds);
    this.postponed.add(m.receiptHandle);
  }
}

/** arn:aws:sqs:region:account:name → the configured URL ending in that name. */
function queueUrlOf(urls: QueueUrls, arn: string | undefined): string | undefined {
  const name = arn?.split(':').pop();
  return [urls.standard, urls.fifo].find((u) => name && u.split('/').pop() === name);
}

export function createDeliveriesHandler(config: LambdaConfig, options: DeliveriesHandlerOptions = {}) {
  const queues = lambdaQueue(config, 'consume');
  const cloud = lambdaCloud(config, 'deliveries', { secrets: true, queue: queues }, { ...options, deliveryTimeoutMs: options.timeoutMs, retrySchedule: options.schedule });
  const log = cloud.logger.child({ [LogField.component]: 'webhook-deliveries' });
  const { sqs, urls } = queues;

  return async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
    const failures: string[] = [];
    const byQueue = new Map<string | undefined, SQSRecord[]>();
    for (const r of event.Records ?? []) byQueue.set(r.eventSourceARN, [...(byQueue.get(r.eventSourceARN) ?? []), r]);
    for (const [arn, records] of byQueue) {
      const url = queueUrlOf(urls, arn);
      if (!url) {
        log.error('messages from a queue this function was not configured for', { queue: arn });
        failures.push(...records.map((r) => r.messageId));
        continue;
      }
      const messageIds = new Map<string, string>();
      const messages: ReceivedMessage[] = [];
      for (const r of records) {
        let body: DeliveryMessage;
        try {
          body = JSON.parse(r.body) as DeliveryMessage;
        } catch {
          // Never deliverable; the queue's redrive policy moves it to the dead-letter queue.
          log.error('unreadable delivery message', { messageId: r.messageId });
          failures.push(r.messageId);
          continue;
        }
        messageIds.set(r.receiptHandle, r.messageId);
        messages.push({ queueUrl: url, receiptHandle: r.receiptHandle, receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? '1'), body });
      }
      const queue = new InvocationQueue(sqs, urls);
      const failed = await handleBatch(deliveryDeps(cloud, queue), messages, log);
      const keep = new Set([...failed.map((m) => m.receiptHandle), ...queue.postponed]);
      for (const handle of keep) failures.push(messageIds.get(handle)!);
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export type DeliveriesHandler = ReturnType<typeof createDeliveriesHandler>;

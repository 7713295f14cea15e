/**
 * The webhook delivery queues, as `ensureQueues` creates them locally:
 * a standard queue (deliveries in parallel) and a FIFO queue (endpoints with
 * `ordered: true`, one message group per endpoint, site and call), each with
 * its dead-letter queue.
 *
 * The delivery worker counts attempts itself (the receive count) and
 * dead-letters explicitly after 8; SQS's redrive at 12 receives is only the
 * safety net for a message the worker never got to judge (a function that
 * crashes on it every time).
 */

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Our own attempts before the worker dead-letters a delivery (cloud/src/webhooks/schedule.ts). */
export const WORKER_ATTEMPTS = 8;
/** Receives after which SQS itself moves a message to the DLQ: comfortably above ours. */
export const REDRIVE_MAX_RECEIVES = 12;
/** SQS's longest: a receiver down for a long weekend still gets its events. */
const RETENTION = Duration.days(14);

export class DeliveryQueues extends Construct {
  readonly standard: Queue;
  readonly standardDlq: Queue;
  readonly ordered: Queue;
  readonly orderedDlq: Queue;

  constructor(scope: Construct, id: string, props: { visibilityTimeout: Duration; removalPolicy: RemovalPolicy }) {
    super(scope, id);
    const common = { retentionPeriod: RETENTION, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: props.removalPolicy };

    this.standardDlq = new Queue(this, 'StandardDlq', common);
    this.standard = new Queue(this, 'Standard', {
      ...common,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.standardDlq, maxReceiveCount: REDRIVE_MAX_RECEIVES },
    });

    this.orderedDlq = new Queue(this, 'OrderedDlq', { ...common, fifo: true });
    this.ordered = new Queue(this, 'Ordered', {
      ...common,
      fifo: true,
      // High-throughput FIFO: the quota applies per message group (endpoint.site.call) instead
      // of 300 requests/s for the whole queue; order is only promised within a group anyway.
      // Deduplication per group is enough: a delivery's id never changes group.
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      // Explicit deduplication ids (webhook.event): the same body may be enqueued on purpose by a replay.
      contentBasedDeduplication: false,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.orderedDlq, maxReceiveCount: REDRIVE_MAX_RECEIVES },
    });
  }

  get dlqs(): Queue[] {
    return [this.standardDlq, this.orderedDlq];
  }
}

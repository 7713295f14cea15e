/**
 * Webhook delivery on AWS: one function (cloud/src/lambda/deliveries.ts)
 * consumes both delivery queues. It reports failed items itself
 * (ReportBatchItemFailures) and schedules a retry by changing the message's
 * visibility (up to 10 h), or dead-letters it after its 8th attempt.
 */

import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { grantItems } from './grants.js';
import { HandlerFunction } from './lambda-function.js';
import type { DeliveryQueues } from './queues.js';
import type { AppSecrets } from './secrets.js';
import type { Tables } from './tables.js';

/**
 * A batch is 10 messages; an ordered batch may hold one call's events, sent
 * one after the other, each POST allowed 15 s: 150 s, plus margin.
 */
export const DELIVERIES_TIMEOUT = Duration.minutes(3);
/**
 * Lambda's advice for SQS sources: visibility at least six times the function
 * timeout, so that a batch retried after throttling is not received twice.
 */
export const QUEUE_VISIBILITY = Duration.seconds(DELIVERIES_TIMEOUT.toSeconds() * 6);
/**
 * Concurrent batches per queue. Deliveries wait on customers' servers; the cap
 * keeps a flood of slow endpoints from taking the account's concurrency away
 * from the relays and the API (1,000 by default). 100 × 10 messages in flight.
 */
export const MAX_CONCURRENCY_PER_QUEUE = 100;

export class Deliveries extends Construct {
  readonly fn: HandlerFunction;

  constructor(scope: Construct, id: string, props: { tables: Tables; queues: DeliveryQueues; secrets: AppSecrets; logLevel: string }) {
    super(scope, id);
    const q = props.queues;
    this.fn = new HandlerFunction(this, 'Handler', {
      entry: 'deliveries',
      exportName: 'handler',
      description: 'webhook deliveries: signed POSTs, retries by visibility, dead letters',
      timeout: DELIVERIES_TIMEOUT,
      environment: {
        MAIN_TABLE: props.tables.main.tableName,
        EVENTS_TABLE: props.tables.events.tableName,
        DELIVERY_QUEUE_URL: q.standard.queueUrl,
        DELIVERY_DLQ_URL: q.standardDlq.queueUrl,
        ORDERED_QUEUE_URL: q.ordered.queueUrl,
        ORDERED_DLQ_URL: q.orderedDlq.queueUrl,
        LOG_LEVEL: props.logLevel,
        // Webhook signing secrets are sealed in the main table.
        ...props.secrets.env({ secretsKey: true }),
      },
    });
    for (const queue of [q.standard, q.ordered]) {
      this.fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: MAX_CONCURRENCY_PER_QUEUE }));
    }
    // Webhooks (failing-since, disable) in main; the delivery log in events.
    grantItems(props.tables.main, this.fn);
    grantItems(props.tables.events, this.fn);
    // Receive/ChangeMessageVisibility/Delete on the two queues come with the event sources;
    // sending: to a dead-letter queue, and a replay job's step enqueues its events and the next step.
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [q.standard.queueArn, q.ordered.queueArn, q.standardDlq.queueArn, q.orderedDlq.queueArn] }));
  }
}

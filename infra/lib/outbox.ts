/**
 * The outbox on AWS: every stored batch of events leaves an OUTBOX# item in
 * the events table; the table's stream hands each new one to
 * cloud/src/lambda/outbox.ts (`handler`), which projects the events (CDR
 * rollups) and fans them out to the delivery queues, then deletes the item.
 * A batch the stream could not finish stays in the table, and `sweep` picks
 * it up: nothing acked to a relay is ever forgotten. The sweep also runs the
 * sites' outage checks (relay.offline, ami.down), so it runs every minute: a
 * relay that vanished without a $disconnect is silent after 60 s and
 * announced at the next sweep, within 2 minutes.
 */

import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { OUTBOX_PARTITIONS } from '../../cloud/src/store/events.js';
import { grantItems } from './grants.js';
import { HandlerFunction } from './lambda-function.js';
import type { DeliveryQueues } from './queues.js';
import type { StreamApi } from './stream-api.js';
import type { Tables } from './tables.js';

/** EventBridge's shortest rate; with the 60 s silence of outages/policy.ts, a vanished relay is announced within 2 minutes. */
export const SWEEP_EVERY = Duration.minutes(1);

export class Outbox extends Construct {
  readonly streamFn: HandlerFunction;
  readonly sweepFn: HandlerFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: { tables: Tables; queues: DeliveryQueues; stream: StreamApi; logLevel: string }) {
    super(scope, id);
    const environment = {
      MAIN_TABLE: props.tables.main.tableName,
      EVENTS_TABLE: props.tables.events.tableName,
      DELIVERY_QUEUE_URL: props.queues.standard.queueUrl,
      ORDERED_QUEUE_URL: props.queues.ordered.queueUrl,
      STREAM_MANAGEMENT_ENDPOINT: props.stream.managementEndpoint,
      LOG_LEVEL: props.logLevel,
    };
    this.streamFn = new HandlerFunction(this, 'Stream', {
      entry: 'outbox',
      exportName: 'handler',
      description: 'outbox: project and fan out each stored batch (events table stream)',
      timeout: Duration.seconds(60),
      environment,
    });
    this.sweepFn = new HandlerFunction(this, 'Sweep', {
      entry: 'outbox',
      exportName: 'sweep',
      description: 'outbox: finish batches the stream left behind; outages of relays and AMI (every minute)',
      timeout: Duration.minutes(2),
      environment,
    });

    this.streamFn.addEventSource(
      new DynamoEventSource(props.tables.events, {
        // From the oldest record still in the stream: entries written while the mapping was
        // being created are not skipped.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        // Only outbox items written (the handler takes INSERT and MODIFY images): events,
        // rollups and the item's own deletion once done never invoke it.
        filters: [FilterCriteria.filter({ eventName: FilterRule.or('INSERT', 'MODIFY'), dynamodb: { Keys: { PK: { S: FilterRule.beginsWith('OUTBOX#') } } } })],
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // After that the item simply waits in the table for the sweeper.
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        // Order is kept per partition key (OUTBOX#n, one per group of sites): at most that
        // many batches can usefully run at once per shard.
        parallelizationFactor: OUTBOX_PARTITIONS,
      }),
    );

    this.schedule = new Rule(this, 'SweepSchedule', {
      description: 'coocenter outbox sweeper',
      schedule: Schedule.rate(SWEEP_EVERY),
      targets: [new LambdaFunction(this.sweepFn, { retryAttempts: 2 })],
    });

    for (const f of [this.streamFn, this.sweepFn]) {
      grantItems(props.tables.main, f);
      grantItems(props.tables.events, f);
      f.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queues.standard.queueArn, props.queues.ordered.queueArn] }));
    }
    // Only the stream consumer fans out to stream clients; the sweeper hands what it
    // finishes to the same processBatch, so it posts too.
    for (const f of [this.streamFn, this.sweepFn]) props.stream.grantManageConnections(f);
  }

  get functions(): HandlerFunction[] {
    return [this.streamFn, this.sweepFn];
  }
}

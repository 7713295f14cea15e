/**
 * The HTTP function: API Gateway's HTTP API (payload v2) into the same Hono
 * app the local server runs, with the AWS relay gateway instead of the local
 * hub. Built from an explicit config so tests run it in-process.
 */

import { handle } from 'hono/aws-lambda';
import { systemClock, type Clock } from '../../../../protocol/src/clock.js';
import type { Logger } from '../../../../protocol/src/log.js';
import { AnalyticsStore } from '../../analytics/store.js';
import type { CloudDeps } from '../../api/context.js';
import { createCloudApp } from '../../app.js';
import { AccountStore } from '../../store/accounts.js';
import { dynamoClient } from '../../store/dynamo.js';
import { EventStore } from '../../store/events.js';
import { PendingCommandStore } from '../../store/pending-commands.js';
import { RecordingBucket } from '../../store/recordings.js';
import { RelayStore } from '../../store/relays.js';
import { managementClient, RelayConnections } from '../../tunnel/apigw-connections.js';
import { AwsRelayGateway } from '../../tunnel/aws-gateway.js';
import { DeliveryLog } from '../../webhooks/deliveries.js';
import { WebhookFanout } from '../../webhooks/fanout.js';
import { DeliveryQueue, sqsClient } from '../../webhooks/queue.js';
import type { Resolver } from '../../webhooks/ssrf.js';
import { WebhookStore } from '../../webhooks/subscriptions.js';
import { must, queueUrls, type LambdaConfig } from '../config.js';
import { lambdaLogger, secretBox } from './common.js';

export interface HttpHandlerOptions {
  clock?: Clock;
  logger?: Logger;
  /** DNS for webhook hosts (tests). */
  resolver?: Resolver;
}

export function createHttpHandler(config: LambdaConfig, options: HttpHandlerOptions = {}) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? lambdaLogger(config, 'http');
  const db = dynamoClient({ endpoint: config.dynamoEndpoint });
  const box = secretBox({ ...config, secretsKey: must(config.secretsKey, 'SECRETS_KEY') });
  const main = config.mainTable;
  const queue = new DeliveryQueue(sqsClient(config.sqsEndpoint), queueUrls(config, false));
  const webhooks = new WebhookStore(db, main, box, clock);
  const relays = new RelayStore(db, main);
  const gateway = new AwsRelayGateway({
    relays,
    pending: new PendingCommandStore(db, main),
    connections: new RelayConnections(managementClient(must(config.relayManagementEndpoint, 'RELAY_MANAGEMENT_ENDPOINT'))),
    recordings: new RecordingBucket({
      bucket: must(config.recordingsBucket, 'RECORDINGS_BUCKET'),
      region: process.env.AWS_REGION ?? 'us-east-1',
      endpoint: config.s3Endpoint,
      // The function's own credentials, as its DynamoDB client resolves them.
      credentials: () => db.config.credentials(),
    }),
    clock,
    logger,
  });
  const deps: CloudDeps = {
    accounts: new AccountStore(db, main, box, clock),
    events: new EventStore(db, config.eventsTable, main, { retentionDays: config.eventRetentionDays }),
    gateway,
    clock,
    logger,
    adminToken: config.adminToken,
    commandTimeoutMs: config.commandTimeoutMs,
    webhooks,
    deliveries: new DeliveryLog(db, config.eventsTable, clock),
    fanout: new WebhookFanout(webhooks, queue, () => clock.now()),
    // The events table's generated name does not end in -events on AWS: say where the main table is.
    analytics: new AnalyticsStore(db, config.eventsTable, clock, { mainTable: main, logger }),
    allowPrivateWebhooks: config.allowPrivateWebhooks,
    resolver: options.resolver,
  };
  return handle(createCloudApp(deps));
}

export type HttpHandler = ReturnType<typeof createHttpHandler>;

/**
 * The stream's parts that functions other than the stream's own post with:
 * the outbox's fan-out of events, the relay socket's live state changes.
 * Both post through the stream stage's management API (STREAM_MANAGEMENT_ENDPOINT).
 */

import { managementClient } from '../../aws-clients.js';
import type { Cloud } from '../../compose.js';
import { StreamConnections } from '../../stream/aws-connections.js';
import { AwsStreamPublisher } from '../../stream/aws-publisher.js';
import { AwsLiveStatePublisher } from '../../stream/aws-state-publisher.js';
import { SubscriptionStore } from '../../stream/subscriptions.js';

function parts(cloud: Cloud, endpoint: string) {
  const subscriptions = new SubscriptionStore(cloud.db, cloud.tables.main, cloud.clock);
  return { subscriptions, connections: new StreamConnections(managementClient(endpoint), subscriptions, cloud.clock) };
}

export function awsStreamPublisher(cloud: Cloud, endpoint: string): AwsStreamPublisher {
  const { subscriptions, connections } = parts(cloud, endpoint);
  return new AwsStreamPublisher(subscriptions, connections, cloud.logger, cloud.clock);
}

export function awsLiveStatePublisher(cloud: Cloud, endpoint: string): AwsLiveStatePublisher {
  const { subscriptions, connections } = parts(cloud, endpoint);
  return new AwsLiveStatePublisher(subscriptions, connections, cloud.logger, cloud.clock);
}

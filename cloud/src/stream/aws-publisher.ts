/**
 * The stream's fan-out on AWS: the outbox hands it each stored batch; it
 * posts every event to each of the tenant's connections whose filter wants
 * it, through API Gateway's management API, in order per connection and in
 * parallel across connections. A connection API Gateway no longer knows
 * (GoneException, also what a client that stopped reading ends as) loses
 * its subscription. API Gateway buffers per connection, so a slow client
 * costs us nothing but its posts.
 */

import { PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { StreamPublisher } from '../pipeline/outbox.js';
import { envelopeOf, isBoxEvent, type TenantEvent } from '../webhooks/envelope.js';
import { isGone } from '../tunnel/apigw-connections.js';
import { matchesStream } from './filter.js';
import { eventMessage } from './messages.js';
import type { SubscriptionStore } from './subscriptions.js';

export class AwsStreamPublisher implements StreamPublisher {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly api: ApiGatewayManagementApiClient,
    private readonly logger: Logger,
  ) {}

  async publish(events: readonly TenantEvent[]): Promise<void> {
    const byTenant = new Map<string, TenantEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) {
      const subs = await this.subscriptions.forTenant(tenantId);
      await Promise.all(subs.map((s) => this.post(s.connectionId, list.filter((e) => matchesStream(s.filter, e)))));
    }
  }

  private async post(connectionId: string, events: TenantEvent[]): Promise<void> {
    for (const e of events) {
      try {
        await this.api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(eventMessage(envelopeOf(e), isBoxEvent(e) ? undefined : e.type))) }));
      } catch (err) {
        if (isGone(err)) return void (await this.subscriptions.remove(connectionId));
        this.logger.warn('stream post failed', { [LogField.connectionId]: connectionId, [LogField.eventId]: e.id, [LogField.error]: err });
        return;
      }
    }
  }
}

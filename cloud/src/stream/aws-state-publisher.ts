/**
 * The live state's changes on AWS: where the relay socket functions apply a
 * site's state frames (live/service.ts), each applied change is posted to the
 * tenant's connections that asked for state (`&state=1`), follow the site, and
 * already had the full state (`stateSent`, set by the resume before it reads
 * the full state: stream/aws-resume.ts). The same messages as the local hub's.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { LivePublisher, LiveStateMessage } from '../live/publisher.js';
import { handshakeWaits, type StreamConnections } from './aws-connections.js';
import type { SubscriptionStore } from './subscriptions.js';

export class AwsLiveStatePublisher implements LivePublisher {
  constructor(
    private readonly subscriptions: Pick<SubscriptionStore, 'forTenant'>,
    private readonly connections: StreamConnections,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async publish(tenantId: string, siteId: string, message: LiveStateMessage): Promise<void> {
    const subs = await this.subscriptions.forTenant(tenantId);
    const wanting = subs.filter((s) => s.state && s.stateSent && (!s.filter.siteIds || s.filter.siteIds.includes(siteId)));
    await Promise.all(
      wanting.map((s) =>
        this.connections.post(s.connectionId, message, handshakeWaits(s.createdAt, this.clock.now())).catch((err) => this.logger.warn('stream state post failed', { [LogField.connectionId]: s.connectionId, [LogField.siteId]: siteId, [LogField.error]: err })),
      ),
    );
  }
}

/**
 * The stream's fan-out on AWS: the outbox hands it each stored batch; it
 * posts every event to each of the tenant's connections whose filter wants
 * it, through API Gateway's management API, in order per connection and in
 * parallel across connections. API Gateway buffers per connection, so a slow
 * client costs us nothing but its posts.
 *
 * A subscription that is resuming (stream/aws-resume.ts) gets none of the
 * events of the sites it replays: the outbox counts the batch as `missed`
 * instead, which makes the resume's switch to live fail and query again. If
 * the subscription went live meanwhile (the count's condition fails), it is
 * read again and treated as live. A live one gets every event its replay did
 * not cover (`sent`): one stored out of seq order after the replay's last
 * query is posted here, one the replay posted is not posted twice. A
 * connection $connect stored a moment ago may not be open yet (410): its
 * first post is tried again for a moment (HANDSHAKE_GRACE_MS).
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { StreamPublisher } from '../pipeline/outbox.js';
import { handshakeWaits, type StreamConnections } from './aws-connections.js';
import { matchesStream } from './filter.js';
import { envelopeOf, isBoxEvent, type TenantEvent } from '../webhooks/envelope.js';
import { eventMessage } from './messages.js';
import { SentSeqs } from './sent-seqs.js';
import type { Subscription, SubscriptionStore } from './subscriptions.js';

export class AwsStreamPublisher implements StreamPublisher {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly connections: StreamConnections,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async publish(events: readonly TenantEvent[]): Promise<void> {
    const byTenant = new Map<string, TenantEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) {
      const subs = await this.subscriptions.forTenant(tenantId);
      await Promise.all(subs.map((s) => this.toSubscription(s, list.filter((e) => matchesStream(s.filter, e)))));
    }
  }

  private async toSubscription(s: Subscription, all: TenantEvent[]): Promise<void> {
    if (all.length === 0) return;
    // Operational events are not stored per seq and no replay finds them: they go out at once, resuming or not.
    let events = all.filter(isBoxEvent);
    const ops = all.filter((e) => !isBoxEvent(e));
    try {
      let sub: Subscription | undefined = s;
      if (s.resuming) {
        const replayed = s.resuming;
        const held = events.filter((e) => e.siteId in replayed);
        if (held.length > 0 && !(await this.subscriptions.countMissed(s.tenantId, s.connectionId))) {
          // It went live since it was read: what the replay covered is in it now.
          sub = await this.subscriptions.get(s.tenantId, s.connectionId);
          if (!sub) return;
        } else events = events.filter((e) => !(e.siteId in replayed));
      }
      const sent = SentSeqs.fromJSON(sub.sent ?? {});
      const messages = [...events.filter((e) => !sent.has(e.siteId, e.seq)).map((e) => eventMessage(envelopeOf(e))), ...ops.map((e) => eventMessage(envelopeOf(e), false))];
      await this.connections.postAll(s.connectionId, messages, handshakeWaits(s.createdAt, this.clock.now()));
    } catch (err) {
      this.logger.warn('stream post failed', { [LogField.connectionId]: s.connectionId, [LogField.eventId]: all[0]?.id, [LogField.error]: err });
    }
  }
}

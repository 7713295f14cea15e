/**
 * What the cloud tells a tenant about its own webhook endpoints, as
 * operational events (operational/types.ts) delivered to the endpoints that
 * name them in `events`:
 *
 * - `webhook.disabled`: an endpoint was disabled — `reason` `gone` (it
 *   answered 410), `failing` (5 days without a success) or `user` (PATCH
 *   `enabled: false`). Recorded in one transaction with the disabling, so it
 *   exists exactly when the endpoint was disabled, once per disabling.
 * - `webhook.exhausted`: a delivery was given up after its last attempt
 *   (dead-lettered), with the event id and the last error. Its id is derived
 *   from the endpoint and the event, so producing it again is the same event.
 *
 * Neither goes to the endpoint it is about (a disabled endpoint receives
 * nothing; one that cannot take its deliveries would not take this one
 * either), and a `webhook.*` event whose delivery is given up makes no
 * `webhook.exhausted` (two failing endpoints would otherwise notify each
 * other forever). Both are about the tenant as a whole: `siteId` null, so
 * endpoints with a `siteIds` filter do not receive them.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { operationalEventId, type OperationalEvent, type OperationalEventStore } from '../operational/store.js';
import type { OutboxEntry } from '../store/events.js';
import type { TenantEvent } from './envelope.js';
import type { DeliveryMessage } from './queue.js';
import type { Announce, Webhook } from './subscriptions.js';

export type DisableCause = 'gone' | 'failing' | 'user';

/** Whether an event is one of these notices about this very endpoint. */
export function aboutItself(w: Pick<Webhook, 'id'>, e: TenantEvent): boolean {
  return e.type.startsWith('webhook.') && (e.data as { webhookId?: unknown }).webhookId === w.id;
}

export function webhookDisabledEvent(w: Pick<Webhook, 'id' | 'tenantId' | 'url'>, disabledAt: string, cause: DisableCause, message: string): OperationalEvent {
  return {
    id: operationalEventId('webhook.disabled', w.id, Date.parse(disabledAt)),
    type: 'webhook.disabled',
    tenantId: w.tenantId,
    siteId: null,
    occurredAt: disabledAt,
    data: { event: 'webhook.disabled', webhookId: w.id, url: w.url, reason: cause, message, disabledAt },
  };
}

export interface GivenUp {
  attempts: number;
  responseCode: number | null;
  lastError: string;
  at: string;
}

/** undefined for a notice's own delivery: no notice about a notice. */
export function webhookExhaustedEvent(w: Pick<Webhook, 'id' | 'tenantId' | 'url'>, msg: DeliveryMessage, g: GivenUp): OperationalEvent | undefined {
  if (msg.envelope.type.startsWith('webhook.')) return undefined;
  return {
    id: operationalEventId('webhook.exhausted', w.id, msg.envelope.id),
    type: 'webhook.exhausted',
    tenantId: w.tenantId,
    siteId: null,
    occurredAt: g.at,
    data: {
      event: 'webhook.exhausted',
      webhookId: w.id,
      url: w.url,
      eventId: msg.envelope.id,
      eventType: msg.envelope.type,
      siteId: msg.envelope.siteId,
      attempts: g.attempts,
      responseCode: g.responseCode,
      lastError: g.lastError,
      deadLetteredAt: g.at,
    },
  };
}

/** Records the notices, and hands what it recorded to the runtime (the local cloud processes the outbox entry at once; on AWS the stream does). */
export class WebhookNotices {
  constructor(
    private readonly deps: {
      operational: OperationalEventStore;
      clock: Clock;
      afterStore?: (entries: OutboxEntry[], events: OperationalEvent[]) => void;
    },
  ) {}

  /**
   * The writes that announce a disabling, for the transaction that disables
   * (WebhookStore); `announced()` once it committed.
   */
  disabling(w: Pick<Webhook, 'id' | 'tenantId' | 'url'>, cause: DisableCause): Announce {
    let written: { event: OperationalEvent; outbox: OutboxEntry } | undefined;
    return {
      writes: (disabledAt, message) => {
        const event = webhookDisabledEvent(w, disabledAt, cause, message);
        const { items, outbox } = this.deps.operational.writes(event, this.deps.clock.now());
        written = { event, outbox };
        return items;
      },
      announced: () => {
        if (written) this.deps.afterStore?.([written.outbox], [written.event]);
      },
    };
  }

  /** A delivery was given up. */
  async exhausted(w: Pick<Webhook, 'id' | 'tenantId' | 'url'>, msg: DeliveryMessage, g: GivenUp): Promise<void> {
    const event = webhookExhaustedEvent(w, msg, g);
    if (!event) return;
    const entries = await this.deps.operational.record([event], this.deps.clock.now());
    this.deps.afterStore?.(entries, [event]);
  }
}

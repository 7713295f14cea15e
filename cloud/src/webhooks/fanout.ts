/**
 * Stored events → one queue message per (matching endpoint, event). Runs in
 * the outbox step, so a failure here (SQS down) leaves the outbox entry and is
 * retried until it succeeds: an acked event always reaches the queue.
 */

import { deliveredByDefault, type TenantEventType } from '../operational/types.js';
import type { Fanout } from '../pipeline/outbox.js';
import { aboutItself } from './notices.js';
import { envelopeOf, isBoxEvent, type TenantEvent } from './envelope.js';
import type { DeliveryMessage, DeliveryQueue } from './queue.js';
import type { Webhook, WebhookStore } from './subscriptions.js';

/**
 * Whether an endpoint wants an event: the types it names (none named: the
 * box events only), and the sites it names (an event about the tenant as a
 * whole goes to endpoints that name no sites); never a notice about itself
 * (notices.ts).
 */
export function matches(w: Webhook, e: TenantEvent): boolean {
  if (w.status !== 'active' || aboutItself(w, e)) return false;
  if (w.events ? !w.events.includes(e.type as TenantEventType) : !deliveredByDefault(e.type)) return false;
  if (w.siteIds && (e.siteId === null || !w.siteIds.includes(e.siteId))) return false;
  return true;
}

/** The call a box event belongs to (ordered endpoints keep a call's events in order). */
function callOf(e: TenantEvent): { call?: string } {
  return isBoxEvent(e) && e.call ? { call: e.call } : {};
}

export class WebhookFanout implements Fanout {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly queue: DeliveryQueue,
    private readonly now: () => number,
  ) {}

  async enqueue(events: TenantEvent[]): Promise<void> {
    const out: Array<{ message: DeliveryMessage; ordered: boolean }> = [];
    const byTenant = new Map<string, TenantEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) {
      const endpoints = await this.webhooks.forFanout(tenantId);
      for (const e of list) {
        for (const w of endpoints) {
          if (!matches(w, e)) continue;
          out.push({ message: { v: 1, webhookId: w.id, tenantId, enqueuedAt: this.now(), envelope: envelopeOf(e), ...callOf(e) }, ordered: w.ordered });
        }
      }
    }
    if (out.length > 0) await this.queue.send(out);
  }

  /**
   * Re-send stored events to one endpoint (replay, resend): same event ids,
   * a fresh dedupe id per run (`dedupe`) so FIFO does not drop them as repeats.
   */
  async replay(w: Webhook, events: AsyncIterable<TenantEvent>, filter: (e: TenantEvent) => boolean, dedupe: string, extra: Partial<DeliveryMessage> = {}): Promise<{ found: number; queued: number }> {
    let found = 0;
    let queued = 0;
    let batch: Array<{ message: DeliveryMessage; ordered: boolean; dedupe: string }> = [];
    for await (const e of events) {
      found++;
      if (!filter(e)) continue;
      batch.push({
        message: { v: 1, webhookId: w.id, tenantId: e.tenantId, enqueuedAt: this.now(), envelope: envelopeOf(e), ...callOf(e), ...extra },
        ordered: w.ordered,
        dedupe: `${dedupe}.${w.id}.${e.id}`,
      });
      queued++;
      if (batch.length >= 100) {
        await this.queue.send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.queue.send(batch);
    return { found, queued };
  }
}

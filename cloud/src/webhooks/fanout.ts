/**
 * Stored events → one queue message per (matching endpoint, event). Runs in
 * the outbox step, so a failure here (SQS down) leaves the outbox entry and is
 * retried until it succeeds: an acked event always reaches the queue.
 *
 * Where the queue keeps messages in memory only (the local cloud's fauxqs),
 * each delivery is first recorded as pending in the delivery log, so a
 * restart finds and queues again what the queue lost (recovery.ts).
 */

import { deliveredByDefault, type TenantEventType } from '../operational/types.js';
import type { Fanout } from '../pipeline/outbox.js';
import { aboutItself } from './notices.js';
import { envelopeOf, isBoxEvent, type TenantEvent } from './envelope.js';
import type { DeliveryLog } from './deliveries.js';
import { refOf, type DeliveryMessage, type DeliveryQueue } from './queue.js';
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

type Outgoing = { message: DeliveryMessage; ordered: boolean; dedupe?: string };
/** The call a box event belongs to (ordered endpoints keep a call's events in order). */
function callOf(e: TenantEvent): { call?: string } {
  return isBoxEvent(e) && e.call ? { call: e.call } : {};
}

export class WebhookFanout implements Fanout {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly queue: DeliveryQueue,
    private readonly now: () => number,
    /** Given when the queue may lose messages: deliveries are recorded before they are queued. */
    private readonly pendingLog?: DeliveryLog,
  ) {}

  async enqueue(events: TenantEvent[], storedAt: number): Promise<void> {
    const out: Outgoing[] = [];
    // Named by the batch's stored time (one record however often its entry is retried), sent now.
    const queuedAt = this.now();
    const byTenant = new Map<string, TenantEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) {
      const endpoints = await this.webhooks.forFanout(tenantId);
      for (const e of list) {
        for (const w of endpoints) {
          if (!matches(w, e)) continue;
          out.push({ message: { v: 1, webhookId: w.id, tenantId, enqueuedAt: storedAt, queuedAt, envelope: envelopeOf(e), ...callOf(e) }, ordered: w.ordered });
        }
      }
    }
    await this.send(out);
  }

  /** Record (where the queue may lose them), then queue. */
  async send(out: Outgoing[]): Promise<void> {
    if (out.length === 0) return;
    await this.pendingLog?.pending(out.map(({ message: m }) => ({ ref: refOf(m), type: m.envelope.type, siteId: m.envelope.siteId })));
    await this.queue.send(out);
  }

  /**
   * Re-send stored events to one endpoint (replay, resend): same event ids,
   * a fresh dedupe id per run (`dedupe`) so FIFO does not drop them as repeats.
   * `message` adds to each message (a resend names the delivery it goes on);
   * `recorded`: the caller has already recorded the deliveries as pending.
   */
  async replay(
    w: Webhook,
    events: AsyncIterable<TenantEvent>,
    filter: (e: TenantEvent) => boolean,
    dedupe: string,
    opts: { message?: Partial<DeliveryMessage>; recorded?: boolean } = {},
  ): Promise<{ found: number; queued: number }> {
    let found = 0;
    let queued = 0;
    let batch: Outgoing[] = [];
    const send = (out: Outgoing[]) => (opts.recorded ? (out.length > 0 ? this.queue.send(out) : Promise.resolve()) : this.send(out));
    for await (const e of events) {
      found++;
      if (!filter(e)) continue;
      batch.push({
        message: { v: 1, webhookId: w.id, tenantId: e.tenantId, enqueuedAt: this.now(), envelope: envelopeOf(e), ...callOf(e), ...opts.message },
        ordered: w.ordered,
        dedupe: `${dedupe}.${w.id}.${e.id}`,
      });
      queued++;
      if (batch.length >= 100) {
        await send(batch);
        batch = [];
      }
    }
    await send(batch);
    return { found, queued };
  }
}

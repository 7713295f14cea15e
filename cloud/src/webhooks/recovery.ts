/**
 * Deliveries lost with their queue message, found in the delivery log's due
 * index and queued again (requeue.ts says which and when). The local cloud
 * runs this at start, before it takes events, and in its sweeper; on AWS the
 * outbox sweep function runs it every minute (docs/deploy.md says why).
 *
 * Each run is bounded: pages of the index, at most `maxPerRun` deliveries
 * queued again. The index (8 shards, read side by side) is read in one of
 * two ways:
 * - while deliveries queued before the queues' birth may remain (the local
 *   cloud after a restart): the whole index, a budget of items per run,
 *   carrying on from where the last run stopped, until a full pass finds
 *   none left;
 * - then: the head of each shard, deliveries due longer ago than the
 *   overdue age (normally none).
 * A delivery goes back into the same record (a conditional update: one that
 * changed meanwhile is left alone), with the same event id, its attempts
 * counted on.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { OperationalEventStore } from '../operational/store.js';
import type { EventStore } from '../store/events.js';
import { DELIVERY_SHARDS, type UnfinishedDelivery } from './deliveries.js';
import type { DueDeliveries } from './due-deliveries.js';
import { envelopeOf, isBoxEvent, type TenantEvent } from './envelope.js';
import type { DeliveryQueue } from './queue.js';
import { requeueMessage, requeueOrder, requeueVerdict, type QueueFacts } from './requeue.js';
import type { Webhook, WebhookStore } from './subscriptions.js';

export interface RecoveryDeps {
  /** The delivery log's due index. */
  due: DueDeliveries;
  events: EventStore;
  operational: OperationalEventStore;
  webhooks: WebhookStore;
  queue: DeliveryQueue;
  clock: Clock;
  logger: Logger;
}

export interface RecoveryOptions extends QueueFacts {
  /** Deliveries queued again in one run, at most. */
  maxPerRun?: number;
  /** Index items one run reads, at most, looking for deliveries queued before the queues' birth. */
  readBudget?: number;
}

export interface RecoveryReport {
  examined: number;
  requeued: number;
  closed: number;
}

const key = (d: UnfinishedDelivery) => `${d.webhookId}#${d.enqueuedAt}#${d.eventId}`;

export class DeliveryRecovery {
  /** Deliveries queued before the queues' birth may still be in the index. */
  private beforeBirthLeft: boolean;
  /** The whole-index pass: where each shard's reading goes on, which shards it finished, whether it met any left. */
  private readonly cursors = new Map<number, Record<string, unknown> | undefined>();
  private finished = new Set<number>();
  private metBeforeBirth = false;
  private readonly log: Logger;

  constructor(
    private readonly deps: RecoveryDeps,
    private readonly opts: RecoveryOptions,
  ) {
    this.beforeBirthLeft = opts.bornAt !== undefined;
    this.log = deps.logger.child({ [LogField.component]: 'webhook-recovery' });
  }

  async run(): Promise<RecoveryReport> {
    const now = this.deps.clock.now();
    // The whole index's pass, while it runs, meets the overdue ones too (they are its head).
    const found = this.beforeBirthLeft ? await this.nextOfWholeIndex() : await this.overdue(now);
    const report = await this.recover(found, now);
    if (this.beforeBirthLeft && this.finished.size === DELIVERY_SHARDS) {
      // A full pass is over: another is needed only if it met deliveries it could not queue yet.
      if (!this.metBeforeBirth) this.beforeBirthLeft = false;
      this.finished = new Set();
      this.metBeforeBirth = false;
    }
    if (report.requeued + report.closed > 0) this.log.info('webhook deliveries recovered', { ...report });
    return report;
  }

  /** The head of each shard: deliveries overdue by more than the overdue age. */
  private async overdue(now: number): Promise<UnfinishedDelivery[]> {
    const limit = Math.ceil((this.opts.maxPerRun ?? 1000) / DELIVERY_SHARDS);
    const pages = await Promise.all(Array.from({ length: DELIVERY_SHARDS }, (_, shard) => this.deps.due.unfinished(shard, { dueBefore: now - this.opts.overdueAfterMs, limit })));
    return pages.flatMap((p) => p.data);
  }

  /** The next stretch of the whole index: the shards side by side, each within its share of the read budget. */
  private async nextOfWholeIndex(): Promise<UnfinishedDelivery[]> {
    const share = Math.ceil((this.opts.readBudget ?? 2000) / DELIVERY_SHARDS);
    const stretches = await Promise.all(
      Array.from({ length: DELIVERY_SHARDS }, async (_, shard) => {
        if (this.finished.has(shard)) return [];
        const out: UnfinishedDelivery[] = [];
        let cursor = this.cursors.get(shard);
        do {
          const page = await this.deps.due.unfinished(shard, { cursor, limit: Math.min(100, share - out.length) });
          out.push(...page.data);
          cursor = page.cursor;
        } while (cursor && out.length < share);
        this.cursors.set(shard, cursor);
        if (!cursor) this.finished.add(shard);
        return out;
      }),
    );
    return stretches.flat();
  }

  private async recover(found: UnfinishedDelivery[], now: number): Promise<RecoveryReport> {
    const report: RecoveryReport = { examined: found.length, requeued: 0, closed: 0 };
    const endpoints = await this.endpointsOf(found);
    const requeue: Array<{ d: UnfinishedDelivery; ordered: boolean }> = [];
    for (const d of found) {
      const w = endpoints.get(`${d.tenantId}#${d.webhookId}`);
      const verdict = requeueVerdict(d, w?.ordered ?? false, now, this.opts);
      if (verdict === 'leave') continue;
      if (verdict === 'when-due') {
        this.metBeforeBirth = true;
        continue;
      }
      if (verdict === 'give-up') report.closed += await this.close(d, 'failed', `lost from the delivery queue ${d.requeues + 1} times: given up`);
      else if (!w) report.closed += await this.close(d, 'skipped', 'endpoint deleted');
      else if (w.status !== 'active') report.closed += await this.close(d, 'skipped', `endpoint disabled: ${w.disabledReason ?? ''}`);
      else if (requeue.length < (this.opts.maxPerRun ?? 1000)) requeue.push({ d, ordered: w.ordered });
      else this.metBeforeBirth = true; // over this run's cap: the next run takes it
    }
    const events = await this.eventsOf(requeue.map((r) => r.d));
    const ready: Array<{ d: UnfinishedDelivery; ordered: boolean; event: TenantEvent }> = [];
    for (const r of requeue) {
      const event = events.get(r.d.eventId);
      if (event) ready.push({ ...r, event });
      else report.closed += await this.close(r.d, 'failed', 'the event is no longer stored');
    }
    report.requeued = await this.send(
      requeueOrder(ready, (r) => r.d),
      now,
    );
    return report;
  }

  /** Record each delivery as queued again, then queue them; a delivery that changed meanwhile is left out. */
  private async send(list: Array<{ d: UnfinishedDelivery; ordered: boolean; event: TenantEvent }>, now: number): Promise<number> {
    const marked: typeof list = [];
    for (let i = 0; i < list.length; i += 25) {
      const chunk = list.slice(i, i + 25);
      const ok = await Promise.all(chunk.map((r) => this.deps.due.requeued(r.d, now)));
      marked.push(...chunk.filter((_, j) => ok[j]));
    }
    try {
      await this.deps.queue.send(
        marked.map(({ d, ordered, event }) => ({
          message: requeueMessage(d, envelopeOf(event), isBoxEvent(event) ? event.call : undefined, now),
          ordered,
          dedupe: `requeue.${now.toString(36)}.${d.webhookId}.${d.eventId}`,
        })),
      );
    } catch (err) {
      await Promise.allSettled(marked.map(({ d }) => this.deps.due.notRequeued(d, now)));
      throw err;
    }
    return marked.length;
  }

  private async close(d: UnfinishedDelivery, status: 'failed' | 'skipped', error: string): Promise<number> {
    await this.deps.due.close(d, status, error);
    this.log.warn('webhook delivery closed by recovery', { [LogField.webhookId]: d.webhookId, [LogField.eventId]: d.eventId, status, error });
    return 1;
  }

  /** The endpoints the deliveries are for, by tenant and id (deleted ones absent). */
  private async endpointsOf(list: UnfinishedDelivery[]): Promise<Map<string, Webhook>> {
    const out = new Map<string, Webhook>();
    for (const tenantId of new Set(list.map((d) => d.tenantId))) {
      for (const w of await this.deps.webhooks.forFanout(tenantId)) out.set(`${tenantId}#${w.id}`, w);
    }
    return out;
  }

  /** The stored events the deliveries carry, by id: box events by site and seq, operational ones by tenant and id. */
  private async eventsOf(list: UnfinishedDelivery[]): Promise<Map<string, TenantEvent>> {
    const bySite = new Map<string, Set<number>>();
    const byTenant = new Map<string, Set<string>>();
    for (const d of list) {
      if (d.seq !== null && d.siteId !== null) bySite.set(d.siteId, (bySite.get(d.siteId) ?? new Set()).add(d.seq));
      else byTenant.set(d.tenantId, (byTenant.get(d.tenantId) ?? new Set()).add(d.eventId));
    }
    const out = new Map<string, TenantEvent>();
    for (const [siteId, seqs] of bySite) for (const e of await this.deps.events.getMany(siteId, [...seqs])) out.set(e.id, e);
    for (const [tenantId, ids] of byTenant) for (const e of await this.deps.operational.getMany(tenantId, [...ids])) out.set(e.id, e);
    return out;
  }
}

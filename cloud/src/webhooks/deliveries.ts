/**
 * What happened to each delivery, for `GET …/webhooks/{id}/deliveries`:
 * one item per (endpoint, event), updated at every attempt, kept 30 days.
 *
 *   PK DLV#<webhookId>#<shard>  SK <stored ms, 15 digits>#<eventId>
 *      GSI1PK DUE#<shard>  GSI1SK <due ms, 15 digits>#<webhookId>#<eventId>   only while unfinished
 *
 * Eight shards per endpoint, so an endpoint taking 2,000 events/s does not
 * write to one partition; listing merges them, newest first. The SK's time is
 * when the event's batch was stored, the same on every retry of its fan-out,
 * so one delivery is one item, however often it was queued.
 *
 * A delivery still to be made (pending: queued, not tried yet; retrying) is
 * also in the due index, by when it is due, which is how deliveries lost
 * with their queue message are found again (recovery.ts). A finished one
 * (delivered, failed, skipped) leaves the index: every write replaces the
 * whole item. Reading and changing the index is due-deliveries.ts's (only
 * the sweep needs it; class methods stay in every bundle that has the class).
 */

import { createHash } from 'node:crypto';
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import { allSettledOrThrow } from '../../../protocol/src/settle.js';
import { Batcher } from '../store/batcher.js';

export const DELIVERY_SHARDS = 8;
const KEEP_DAYS = 30;

export type DeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'failed' | 'skipped';

/** A delivery as the API lists it. */
export interface DeliveryRecord {
  eventId: string;
  type: string;
  /** null: an operational event about the tenant as a whole. */
  siteId: string | null;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  enqueuedAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

/** Which delivery, and what the queue message standing for it says about its history. */
export interface DeliveryRef {
  webhookId: string;
  tenantId: string;
  eventId: string;
  /** The box event's seq; null for an operational event (then its id picks the shard). */
  seq: number | null;
  /** When the event's batch was stored (ms): names the delivery. */
  enqueuedAt: number;
  /** When the message now standing for it was sent (ms); the first one's is `enqueuedAt`. */
  queuedAt?: number;
  /** How many times it was queued again after its message was lost. */
  requeues?: number;
}

/** What the due index gives back: enough to queue a delivery again. */
export interface UnfinishedDelivery extends Required<DeliveryRef> {
  siteId: string | null;
  type: string;
  status: Extract<DeliveryStatus, 'pending' | 'retrying'>;
  attempts: number;
  /** When it is due (ms): queued, or its next attempt. */
  due: number;
}

export type Attempt = Omit<DeliveryRecord, 'eventId' | 'enqueuedAt'>;

export const pad = (ms: number) => String(Math.max(0, Math.round(ms))).padStart(15, '0');
const isUnfinished = (s: DeliveryStatus) => s === 'pending' || s === 'retrying';

export const dueKey = (d: Pick<DeliveryRef, 'webhookId' | 'eventId'>, due: number) => `${pad(due)}#${d.webhookId}#${d.eventId}`;

export function shardOf(ref: Pick<DeliveryRef, 'eventId' | 'seq'>): number {
  return (ref.seq ?? createHash('sha1').update(ref.eventId).digest()[0]) % DELIVERY_SHARDS;
}

export function key(ref: Pick<DeliveryRef, 'webhookId' | 'eventId' | 'seq' | 'enqueuedAt'>): { PK: string; SK: string } {
  return { PK: `DLV#${ref.webhookId}#${shardOf(ref)}`, SK: `${pad(ref.enqueuedAt)}#${ref.eventId}` };
}

export class DeliveryLog {
  /** Attempts are recorded in BatchWriteItem requests of up to 25 (one item per delivery, overwritten). */
  private readonly writes: Batcher<Record<string, unknown>>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {
    this.writes = new Batcher(25, 10, (items) => this.writeAll(items));
  }

  async record(ref: DeliveryRef, r: Attempt): Promise<void> {
    await this.writes.add(this.item(ref, r));
  }

  /** Deliveries about to be queued, recorded first, where the queue may lose them (fanout.ts). */
  async pending(deliveries: Array<{ ref: DeliveryRef; type: string; siteId: string | null }>): Promise<void> {
    // All settled before the step fails: a late 'pending' could land over the record of a later try that was delivered.
    await allSettledOrThrow(
      deliveries.map(({ ref, type, siteId }) =>
        this.record(ref, { type, siteId, status: 'pending', attempts: 0, responseCode: null, latencyMs: null, error: null, lastAttemptAt: null, nextAttemptAt: null }),
      ),
    );
  }

  private item(ref: DeliveryRef, r: Attempt): Record<string, unknown> {
    const queuedAt = ref.queuedAt ?? ref.enqueuedAt;
    const item: Record<string, unknown> = {
      ...key(ref),
      webhookId: ref.webhookId,
      tenantId: ref.tenantId,
      eventId: ref.eventId,
      seq: ref.seq,
      type: r.type,
      siteId: r.siteId,
      status: r.status,
      attempts: r.attempts,
      responseCode: r.responseCode,
      latencyMs: r.latencyMs,
      error: r.error,
      enqueuedAt: new Date(ref.enqueuedAt).toISOString(),
      lastAttemptAt: r.lastAttemptAt,
      nextAttemptAt: r.nextAttemptAt,
      queuedAt,
      requeues: ref.requeues ?? 0,
      ttl: Math.floor(this.clock.now() / 1000) + KEEP_DAYS * 86_400,
    };
    if (isUnfinished(r.status)) {
      const due = r.nextAttemptAt ? Date.parse(r.nextAttemptAt) : queuedAt;
      item.GSI1PK = `DUE#${shardOf(ref)}`;
      item.GSI1SK = dueKey(ref, due);
    }
    return item;
  }

  private async writeAll(items: Array<Record<string, unknown>>): Promise<void> {
    // One request may not carry two writes of the same key: keep the latest.
    const byKey = new Map<string, Record<string, unknown>>();
    for (const i of items) byKey.set(`${i.PK}|${i.SK}`, i);
    let pending = [...byKey.values()].map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const r = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
      pending = (r.UnprocessedItems?.[this.table] ?? []) as typeof pending;
      if (attempt > 10 && pending.length > 0) throw new Error(`DynamoDB kept ${pending.length} delivery records unprocessed`);
    }
  }

  /** Newest first; `cursor` is the SK to continue before. */
  async list(webhookId: string, limit: number, cursor?: string): Promise<{ data: DeliveryRecord[]; nextCursor: string | null }> {
    const pages = await Promise.all(
      Array.from({ length: DELIVERY_SHARDS }, (_, shard) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: cursor ? 'PK = :pk AND SK < :c' : 'PK = :pk',
            ExpressionAttributeValues: { ':pk': `DLV#${webhookId}#${shard}`, ...(cursor ? { ':c': cursor } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const items = pages
      .flatMap((p) => p.Items ?? [])
      .sort((a, b) => String(b.SK).localeCompare(String(a.SK)))
      .slice(0, limit);
    const data = items.map((i) => ({
      eventId: i.eventId,
      type: i.type,
      siteId: i.siteId,
      status: i.status,
      attempts: i.attempts,
      responseCode: i.responseCode ?? null,
      latencyMs: i.latencyMs ?? null,
      error: i.error ?? null,
      enqueuedAt: i.enqueuedAt,
      lastAttemptAt: i.lastAttemptAt ?? null,
      nextAttemptAt: i.nextAttemptAt ?? null,
    })) as DeliveryRecord[];
    return { data, nextCursor: items.length === limit ? String(items[items.length - 1].SK) : null };
  }
}

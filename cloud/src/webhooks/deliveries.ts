/**
 * What happened to each delivery, for `GET …/webhooks/{id}/deliveries`:
 * one item per (endpoint, event), updated at every attempt, kept 30 days.
 *
 *   PK DLV#<webhookId>#<shard>  SK <enqueued ms, 15 digits>#<eventId>
 *
 * Eight shards per endpoint, so an endpoint taking 2,000 events/s does not
 * write to one partition; listing merges them, newest first.
 */

import { createHash } from 'node:crypto';
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import { Batcher } from '../store/batcher.js';

export const DELIVERY_SHARDS = 8;
const KEEP_DAYS = 30;

export type DeliveryStatus = 'delivered' | 'retrying' | 'failed' | 'skipped';

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
  lastAttemptAt: string;
  nextAttemptAt: string | null;
}

export interface DeliveryRef {
  webhookId: string;
  eventId: string;
  /** The box event's seq; null for an operational event (then its id picks the shard). */
  seq: number | null;
  enqueuedAt: number;
}

function shardOf(ref: DeliveryRef): number {
  return (ref.seq ?? createHash('sha1').update(ref.eventId).digest()[0]) % DELIVERY_SHARDS;
}

function key(ref: DeliveryRef): { PK: string; SK: string } {
  return { PK: `DLV#${ref.webhookId}#${shardOf(ref)}`, SK: `${String(ref.enqueuedAt).padStart(15, '0')}#${ref.eventId}` };
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

  async record(ref: DeliveryRef, r: Omit<DeliveryRecord, 'eventId' | 'enqueuedAt'>): Promise<void> {
    const item: Record<string, unknown> = {
      ...key(ref),
      eventId: ref.eventId,
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
      ttl: Math.floor(this.clock.now() / 1000) + KEEP_DAYS * 86_400,
    };
    await this.writes.add(item);
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
      lastAttemptAt: i.lastAttemptAt,
      nextAttemptAt: i.nextAttemptAt ?? null,
    })) as DeliveryRecord[];
    return { data, nextCursor: items.length === limit ? String(items[items.length - 1].SK) : null };
  }
}

/**
 * Operational events (types.ts): stored like the box events before anyone
 * hears of them, and delivered through the same outbox, so they get the same
 * guarantees — at least once, duplicates carrying the same id.
 *
 *   events table
 *   PK OPS#<tenantId>  SK <eventId>          one event
 *      GSI1PK OPS#<tenantId>#<day>  GSI1SK <epoch ms, 15 digits>#<eventId>   time index (replay)
 *      ttl: kept as long as raw call events (EVENT_RETENTION_DAYS)
 *   PK OUTBOX#<n>  SK <ms>#<siteId>#<eventId>  its outbox entry (`ops: [eventId]`, no seqs)
 *
 * They are the cloud's own, not a relay's: they have no seq (the site's seq
 * space is the relay's), and their id is derived from what happened
 * (operationalEventId), so producing the same event twice — a retry, two
 * processes noticing the same thing — writes the same item and the same
 * webhook-id. A producer records an event in one transaction with its own
 * state change (`writes` gives the items), so an event exists exactly when
 * the producer's state says it happened.
 */

import { BatchGetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inOrder, outboxPartition, type OutboxEntry } from '../store/events.js';
import type { OperationalEventType } from './types.js';

export interface OperationalEvent {
  id: string;
  type: OperationalEventType;
  tenantId: string;
  /** The site it is about; null for an event about the tenant as a whole. */
  siteId: string | null;
  /** When the cloud produced it (ISO). */
  occurredAt: string;
  /** The envelope's `data`. */
  data: Record<string, unknown>;
}

/** One item of a DynamoDB transaction (lib-dynamodb's shape). */
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * Stable: the type, what it is about and the moment that identifies the
 * occurrence (an outage's start, say), so whoever produces it again gets the
 * same id. `evt_<subject>_<type>_<key>`; box event ids are `evt_<site>_<seq>`.
 */
export function operationalEventId(type: OperationalEventType, subject: string, key: number | string): string {
  return `evt_${subject}_${type}_${key}`;
}

const KEEP_DAYS_DEFAULT = 30;

export class OperationalEventStore {
  private readonly keepDays: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: { retentionDays?: number } = {},
  ) {
    this.keepDays = options.retentionDays ?? KEEP_DAYS_DEFAULT;
  }

  /** The event's item and its outbox entry, to write in the producer's transaction. */
  writes(e: OperationalEvent, nowMs: number): { items: TransactItem[]; outbox: OutboxEntry } {
    const subject = e.siteId ?? e.tenantId;
    const outbox: OutboxEntry = {
      PK: outboxPartition(subject),
      SK: `${String(nowMs).padStart(15, '0')}#${subject}#${e.id}`,
      siteId: e.siteId ?? '',
      tenantId: e.tenantId,
      seqs: [],
      ops: [e.id],
      createdAt: nowMs,
    };
    const item = {
      PK: `OPS#${e.tenantId}`,
      SK: e.id,
      GSI1PK: `OPS#${e.tenantId}#${e.occurredAt.slice(0, 10)}`,
      GSI1SK: `${String(Date.parse(e.occurredAt)).padStart(15, '0')}#${e.id}`,
      ...e,
      dataKeys: Object.keys(e.data),
      ttl: Math.floor(nowMs / 1000) + this.keepDays * 86_400,
    };
    return { items: [{ Put: { TableName: this.table, Item: item } }, { Put: { TableName: this.table, Item: outbox as unknown as Record<string, unknown> } }], outbox };
  }

  /** Record events on their own (a producer with no state of its own to change with them). */
  async record(events: OperationalEvent[], nowMs: number, alongside: TransactItem[] = []): Promise<OutboxEntry[]> {
    const writes = events.map((e) => this.writes(e, nowMs));
    await this.db.send(new TransactWriteCommand({ TransactItems: [...alongside, ...writes.flatMap((w) => w.items)] }));
    return writes.map((w) => w.outbox);
  }

  async getMany(tenantId: string, ids: string[]): Promise<OperationalEvent[]> {
    if (ids.length === 0) return [];
    const out: OperationalEvent[] = [];
    let keys: Array<Record<string, unknown>> = [...new Set(ids)].map((id) => ({ PK: `OPS#${tenantId}`, SK: id }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`DynamoDB kept ${keys.length} operational event reads unprocessed`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const r = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys.slice(0, 100), ConsistentRead: true } } }));
      out.push(...(r.Responses?.[this.table] ?? []).map(fromItem));
      keys = [...((r.UnprocessedKeys?.[this.table]?.Keys ?? []) as Array<Record<string, unknown>>), ...keys.slice(100)];
    }
    return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  }

  /** A tenant's operational events between two instants, in time order (replay). */
  async *between(tenantId: string, fromMs: number, toMs: number): AsyncGenerator<OperationalEvent> {
    const lo = `${String(fromMs).padStart(15, '0')}#`;
    const hi = `${String(toMs).padStart(15, '0')}#~`;
    const first = new Date(fromMs);
    for (let day = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate()); day <= toMs; day += 86_400_000) {
      let start: Record<string, unknown> | undefined;
      do {
        const r = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi',
            ExpressionAttributeValues: { ':pk': `OPS#${tenantId}#${new Date(day).toISOString().slice(0, 10)}`, ':lo': lo, ':hi': hi },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of r.Items ?? []) yield fromItem(item);
        start = r.LastEvaluatedKey;
      } while (start);
    }
  }
}

function fromItem(item: Record<string, unknown>): OperationalEvent {
  return {
    id: item.id as string,
    type: item.type as OperationalEventType,
    tenantId: item.tenantId as string,
    siteId: (item.siteId as string | null) ?? null,
    occurredAt: item.occurredAt as string,
    data: inOrder(item.data as Record<string, unknown>, item.dataKeys),
  };
}

/**
 * Events as the relays send them up: stored once, by (site, seq).
 *
 *   PK EV#<siteId>#<shard>  SK <seq, 12 digits>   one event (shard = seq % 16)
 *   PK S#<siteId>           SK SEQ (main table)    highest seq stored without gaps
 *
 * Sharding spreads a busy site's writes over 16 partitions (a partition takes
 * about 1,000 writes/s). Each put is conditional on the key not existing, so a
 * re-sent event is absorbed, never stored twice. The ack to the relay is sent
 * only after the batch is stored.
 */

import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';

export const EVENT_SHARDS = 16;

export interface StoredEvent {
  id: string;
  siteId: string;
  tenantId: string;
  seq: number;
  type: string;
  /** ISO time of the event (its `timestamp`). */
  occurredAt: string;
  /** The call (Asterisk Linkedid), when the event belongs to one. */
  call?: string;
  data: BoxEvent;
}

/** Stable across re-sends: derived from site and seq only. */
export function eventId(siteId: string, seq: number): string {
  return `evt_${siteId}_${seq}`;
}

export function shardOf(seq: number): number {
  return seq % EVENT_SHARDS;
}

export function eventKey(siteId: string, seq: number): { PK: string; SK: string } {
  return { PK: `EV#${siteId}#${shardOf(seq)}`, SK: String(seq).padStart(12, '0') };
}

/** `1534993059.785012` → ISO 8601; falls back to the receive time. */
export function occurredAt(event: BoxEvent, fallbackMs: number): string {
  const sec = Number(event.timestamp);
  return new Date(Number.isFinite(sec) && sec > 0 ? Math.round(sec * 1000) : fallbackMs).toISOString();
}

export interface EventStoreHooks {
  /** Extra attributes stored with each event (issue 5: TTL, time index, CDR projections). */
  decorate?(e: StoredEvent): Record<string, unknown>;
  /** Called for each event that was new (not a duplicate), after it is stored. */
  stored?(e: StoredEvent): Promise<void>;
}

export class EventStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly eventsTable: string,
    private readonly mainTable: string,
    private readonly hooks: EventStoreHooks = {},
  ) {}

  /**
   * Store a batch (conditional puts, in parallel). Returns the new highest
   * contiguous seq for the site and which events were new.
   */
  async storeBatch(tenantId: string, siteId: string, records: Array<{ seq: number; event: BoxEvent; call?: string }>, nowMs: number): Promise<{ ackedSeq: number; fresh: StoredEvent[] }> {
    const fresh: StoredEvent[] = [];
    await Promise.all(
      records.map(async ({ seq, event, call }) => {
        const e: StoredEvent = { id: eventId(siteId, seq), siteId, tenantId, seq, type: event.event, occurredAt: occurredAt(event, nowMs), call, data: event };
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.eventsTable,
              Item: { ...eventKey(siteId, seq), ...e, receivedAt: new Date(nowMs).toISOString(), ...(this.hooks.decorate?.(e) ?? {}) },
              ConditionExpression: 'attribute_not_exists(PK)',
            }),
          );
          fresh.push(e);
        } catch (err) {
          if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        }
      }),
    );
    for (const e of fresh.sort((a, b) => a.seq - b.seq)) await this.hooks.stored?.(e);
    const seqs = records.map((r) => r.seq).sort((a, b) => a - b);
    const acked = await this.advance(siteId, seqs);
    return { ackedSeq: acked, fresh };
  }

  async ackedSeq(siteId: string): Promise<number> {
    const item = (await this.db.send(new GetCommand({ TableName: this.mainTable, Key: { PK: `S#${siteId}`, SK: 'SEQ' }, ConsistentRead: true }))).Item;
    return (item?.acked as number | undefined) ?? 0;
  }

  async get(siteId: string, seq: number): Promise<StoredEvent | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.eventsTable, Key: eventKey(siteId, seq), ConsistentRead: true }))).Item;
    return item as StoredEvent | undefined;
  }

  /** Move the site's contiguous high-water mark over a stored, gap-free run of seqs. */
  private async advance(siteId: string, seqs: number[]): Promise<number> {
    let acked = await this.ackedSeq(siteId);
    let top = acked;
    for (const s of seqs) if (s === top + 1) top = s;
    if (top === acked) return acked;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.mainTable,
          Key: { PK: `S#${siteId}`, SK: 'SEQ' },
          UpdateExpression: 'SET acked = :top',
          ConditionExpression: 'attribute_not_exists(acked) OR acked < :top',
          ExpressionAttributeValues: { ':top': top },
        }),
      );
      acked = top;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      acked = await this.ackedSeq(siteId);
    }
    return acked;
  }
}

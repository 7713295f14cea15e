/**
 * Events as the relays send them up: stored once, by (site, seq), followed by
 * an outbox entry that says what still has to happen to them.
 *
 *   PK EV#<siteId>#<shard>  SK <seq, 12 digits>   one event (shard = seq % 16)
 *      GSI1PK EVT#<siteId>#<day>#<shard>  GSI1SK <epoch ms, 15 digits>#<seq>   time index (replay)
 *      GSI2PK CALL#<siteId>#<call>  GSI2SK <seq>   call index, when it has `call` (call-events.ts)
 *      ttl                                        raw call events expire; cdr, cc_cdr, ivr are kept
 *   PK OUTBOX#<n>  SK <received ms>#<siteId>#<firstSeq>   one per stored batch: the fresh seqs
 *      still to be projected and fanned out (n = a hash of the site, 8 partitions)
 *   PK S#<siteId>  SK SEQ (main table)               the ack mark (ack-mark.ts): acked, the highest seq
 *                                                    stored without gaps; ahead, runs stored above a gap
 *
 * Writes: the events and the outbox entry (BatchWriteItem, 25 a request, in
 * parallel), then the ack mark; the relay is acked only after both. A crash
 * in between leaves the batch unacked, so the relay sends it again: events
 * are keyed by (site, seq), so a repeat overwrites the same item with the same
 * content (stored once), and seqs at or below the ack mark are skipped
 * outright. An acked event therefore always has its outbox entry, which is
 * processed right after (or by the sweeper, or by the table's stream on AWS)
 * until it is done: at-least-once delivery, duplicates absorbed by event id.
 * Sharding spreads a busy site's writes over 16 partitions (one takes about
 * 1,000 writes/s).
 */

import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BoxEvent, EventType } from '../../../protocol/src/events/box-events.js';
import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import { AckMarks } from './ack-mark.js';
import { DEFAULT_RETENTION_DAYS, EVENT_SHARDS, eventId, eventKey, indexKeys, occurredAt, OUTBOX_PARTITIONS, outboxPartition } from './event-keys.js';

export { EVENT_ID_PATTERN, EVENT_SHARDS, eventId, eventKey, occurredAt, OUTBOX_PARTITIONS, outboxPartition, parseEventId, shardOf, timeIndexKey } from './event-keys.js';
/** Outbox items one look for a site's entries reads at most (other sites' included). */
export const OUTBOX_READ_BUDGET = 1000;
/** Events DynamoDB keeps only for the retention period; the rest is kept. */
export const EXPIRING_TYPES: ReadonlySet<string> = new Set<EventType>(['dialbegin', 'dialend', 'hangup', 'extensionstatus']);

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
  /** The relay made it for something that happened while it was not listening (Asterisk's records, a call closed after an outage). */
  recovered?: true;
  /** Some of its fields could not be known (left as the box leaves unknown fields). */
  partial?: true;
  data: BoxEvent;
}

/** What is left to do for a stored batch of box events, or for operational events (operational/store.ts). */
export interface OutboxEntry {
  PK: string;
  SK: string;
  /** The site the events are about ('' for an operational event about the tenant as a whole). */
  siteId: string;
  tenantId: string;
  /** Box events of the site, by seq. */
  seqs: number[];
  /** Operational events of the tenant, by id. */
  ops?: string[];
  createdAt: number;
}

export interface EventStoreOptions {
  /** Days raw call events are kept (dialbegin, dialend, hangup, extensionstatus). */
  retentionDays?: number;
  /**
   * Trust this process's last known ack mark (default). Where many processes
   * store one site's batches (Lambda), the mark is read for every batch
   * instead, so a resend is recognised as one and not fanned out again.
   */
  cacheAckMark?: boolean;
}

const BATCH_ITEMS = 25;

export class EventStore {
  private readonly retentionDays: number;
  private readonly cacheAckMark: boolean;
  /** Last known ack mark per site (this process is usually the only writer of a site). */
  private readonly acked = new Map<string, number>();

  private readonly marks: AckMarks;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly eventsTable: string,
    mainTable: string,
    options: EventStoreOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.cacheAckMark = options.cacheAckMark ?? true;
    this.marks = new AckMarks(db, mainTable);
  }

  /**
   * Store a batch and its outbox entry, skipping events stored before.
   * Returns the site's new gap-free high-water mark, the events that were new,
   * and the outbox entries to process (none when nothing was new).
   */
  async storeBatch(
    tenantId: string,
    siteId: string,
    records: Array<{ seq: number; event: BoxEvent; call?: string; recovered?: boolean; partial?: boolean }>,
    nowMs: number,
  ): Promise<{ ackedSeq: number; fresh: StoredEvent[]; outboxes: OutboxEntry[] }> {
    const before = (this.cacheAckMark ? this.acked.get(siteId) : undefined) ?? (await this.ackedSeq(siteId));
    const fresh: StoredEvent[] = records
      .filter((r) => r.seq > before)
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq, event, call, recovered, partial }) => ({
        id: eventId(siteId, seq),
        siteId,
        tenantId,
        seq,
        type: event.event,
        occurredAt: occurredAt(event, nowMs),
        ...(call ? { call } : {}),
        ...(recovered ? { recovered: true as const } : {}),
        ...(partial ? { partial: true as const } : {}),
        data: event,
      }));
    const outboxes: OutboxEntry[] = [];
    if (fresh.length > 0) {
      const outbox: OutboxEntry = {
        PK: outboxPartition(siteId),
        SK: `${String(nowMs).padStart(15, '0')}#${siteId}#${String(fresh[0].seq).padStart(12, '0')}`,
        siteId,
        tenantId,
        seqs: fresh.map((e) => e.seq),
        createdAt: nowMs,
      };
      // The outbox entry rides with the events: nothing is acked before all of them are in.
      const items = [...fresh.map((e) => this.item(e, nowMs)), outbox as unknown as Record<string, unknown>];
      await Promise.all(chunks(items, BATCH_ITEMS).map((chunk) => this.writeAll(chunk)));
      hopMarks?.mark('cloud.written', seqsOf(fresh));
      outboxes.push(outbox);
    }
    const ackedSeq = await this.marks.advance(siteId, before, records.map((r) => r.seq));
    this.acked.set(siteId, ackedSeq);
    return { ackedSeq, fresh, outboxes };
  }

  /** BatchWriteItem until every item is in (DynamoDB may hand some back under load). */
  private async writeAll(items: Array<Record<string, unknown>>): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const r = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.eventsTable]: pending } }));
      pending = (r.UnprocessedItems?.[this.eventsTable] ?? []) as typeof pending;
      if (attempt > 10 && pending.length > 0) throw new Error(`DynamoDB kept ${pending.length} events unprocessed`);
    }
  }

  private item(e: StoredEvent, nowMs: number): Record<string, unknown> {
    const item: Record<string, unknown> = {
      ...eventKey(e.siteId, e.seq),
      ...indexKeys(e),
      ...e,
      // DynamoDB keeps a map's keys in no particular order; webhooks must carry the box's body as it was.
      dataKeys: Object.keys(e.data),
      receivedAt: new Date(nowMs).toISOString(),
    };
    if (EXPIRING_TYPES.has(e.type)) item.ttl = Math.floor(nowMs / 1000) + this.retentionDays * 86_400;
    return item;
  }

  /** The relay will never send seqs up to `to` (see AckMarks.raise); returns the new mark. */
  async raiseMark(siteId: string, to: number): Promise<number> {
    const acked = await this.marks.raise(siteId, to);
    this.acked.set(siteId, acked);
    return acked;
  }

  async ackedSeq(siteId: string): Promise<number> {
    const acked = await this.marks.read(siteId);
    this.acked.set(siteId, acked);
    return acked;
  }

  async get(siteId: string, seq: number): Promise<StoredEvent | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.eventsTable, Key: eventKey(siteId, seq), ConsistentRead: true }))).Item;
    return item ? toStored(item) : undefined;
  }

  /** Several events of a site, in seq order: BatchGetItem, 100 keys a request, in parallel. */
  async getMany(siteId: string, seqs: number[]): Promise<StoredEvent[]> {
    const read = async (keys: Array<Record<string, unknown>>): Promise<StoredEvent[]> => {
      const found: StoredEvent[] = [];
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
        if (attempt > 10) throw new Error(`DynamoDB kept ${keys.length} event reads unprocessed`);
        const r = await this.db.send(new BatchGetCommand({ RequestItems: { [this.eventsTable]: { Keys: keys, ConsistentRead: true } } }));
        found.push(...(r.Responses?.[this.eventsTable] ?? []).map(toStored));
        keys = (r.UnprocessedKeys?.[this.eventsTable]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
      return found;
    };
    const batches = await Promise.all(chunks([...new Set(seqs)].map((seq) => eventKey(siteId, seq)), 100).map(read));
    return batches.flat().sort((a, b) => a.seq - b.seq);
  }

  /** A site's events between two instants, in time order (for replay). */
  async *between(siteId: string, fromMs: number, toMs: number): AsyncGenerator<StoredEvent> {
    const lo = `${String(fromMs).padStart(15, '0')}#`;
    const hi = `${String(toMs).padStart(15, '0')}#~`;
    for (let day = Date.UTC(new Date(fromMs).getUTCFullYear(), new Date(fromMs).getUTCMonth(), new Date(fromMs).getUTCDate()); day <= toMs; day += 86_400_000) {
      const dayKey = new Date(day).toISOString().slice(0, 10);
      const batch: StoredEvent[] = [];
      for (let shard = 0; shard < EVENT_SHARDS; shard++) {
        let start: Record<string, unknown> | undefined;
        do {
          const r = await this.db.send(
            new QueryCommand({
              TableName: this.eventsTable,
              IndexName: 'GSI1',
              KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi',
              ExpressionAttributeValues: { ':pk': `EVT#${siteId}#${dayKey}#${shard}`, ':lo': lo, ':hi': hi },
              ExclusiveStartKey: start,
            }),
          );
          for (const item of r.Items ?? []) batch.push(toStored(item));
          start = r.LastEvaluatedKey;
        } while (start);
      }
      batch.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.seq - b.seq);
      yield* batch;
    }
  }

  /**
   * A site's stored events after `seq`, in seq order (a stream resuming from
   * `after`): windows of seqs up to the ack mark read across the shards, then
   * whatever is stored above it (runs above a gap).
   */
  async *after(siteId: string, seq: number, window = 800): AsyncGenerator<StoredEvent> {
    const acked = await this.marks.read(siteId);
    let from = seq;
    const query = async (lo: number, hi: number | undefined): Promise<StoredEvent[]> => {
      const found: StoredEvent[] = [];
      await Promise.all(
        Array.from({ length: EVENT_SHARDS }, async (_, shard) => {
          let start: Record<string, unknown> | undefined;
          do {
            const r = await this.db.send(
              new QueryCommand({
                TableName: this.eventsTable,
                KeyConditionExpression: hi === undefined ? 'PK = :pk AND SK > :lo' : 'PK = :pk AND SK BETWEEN :lo AND :hi',
                ExpressionAttributeValues: { ':pk': `EV#${siteId}#${shard}`, ':lo': pad(hi === undefined ? lo : lo + 1), ...(hi === undefined ? {} : { ':hi': pad(hi) }) },
                ConsistentRead: true,
                ExclusiveStartKey: start,
              }),
            );
            for (const item of r.Items ?? []) found.push(toStored(item));
            start = r.LastEvaluatedKey;
          } while (start);
        }),
      );
      return found.sort((a, b) => a.seq - b.seq);
    };
    while (from < acked) {
      const to = Math.min(acked, from + window);
      yield* await query(from, to);
      from = to;
    }
    yield* await query(from, undefined);
  }

  // ── outbox ─────────────────────────────────────────────────────────────

  async deleteOutbox(o: Pick<OutboxEntry, 'PK' | 'SK'>): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.eventsTable, Key: { PK: o.PK, SK: o.SK } }));
  }

  /**
   * The first entry of `o`'s site stored in its partition, up to and
   * including `o` itself (pipeline/outbox-order.ts decides from it whether
   * `o` goes, waits, or is already done). The partition holds few items
   * (entries live milliseconds), but other sites' entries left by a failure
   * are read past: at most OUTBOX_READ_BUDGET of them.
   */
  async firstOutboxOfSite(o: Pick<OutboxEntry, 'PK' | 'SK' | 'siteId'>): Promise<{ first?: string; readToTheEnd: boolean }> {
    const r = await this.outboxOf(o.PK, o.siteId, { upTo: o.SK, want: 1, projection: 'SK' });
    return { first: r.entries[0]?.SK, readToTheEnd: r.readToTheEnd };
  }

  /** A site's entries in stored order (oldest first), at most `limit`. */
  async siteOutbox(siteId: string, limit = 100): Promise<OutboxEntry[]> {
    return (await this.outboxOf(outboxPartition(siteId), siteId, { want: limit })).entries;
  }

  /**
   * The entries of `o`'s site stored before it, oldest first, when there are
   * at most `limit` and all were read; undefined otherwise.
   */
  async olderOutbox(o: Pick<OutboxEntry, 'PK' | 'SK' | 'siteId'>, limit: number): Promise<OutboxEntry[] | undefined> {
    const r = await this.outboxOf(o.PK, o.siteId, { upTo: o.SK, want: limit + 1 });
    const older = r.entries.filter((e) => e.SK < o.SK);
    const all = r.entries.some((e) => e.SK === o.SK) || r.readToTheEnd;
    return all && older.length <= limit ? older : undefined;
  }

  /** One partition's entries of one site, in stored order, reading at most OUTBOX_READ_BUDGET items. */
  private async outboxOf(PK: string, siteId: string, opts: { upTo?: string; want: number; projection?: string }): Promise<{ entries: OutboxEntry[]; readToTheEnd: boolean }> {
    const entries: OutboxEntry[] = [];
    let read = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.eventsTable,
          KeyConditionExpression: opts.upTo ? 'PK = :pk AND SK <= :upTo' : 'PK = :pk',
          FilterExpression: 'siteId = :site',
          ExpressionAttributeValues: { ':pk': PK, ':site': siteId, ...(opts.upTo ? { ':upTo': opts.upTo } : {}) },
          ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
          ConsistentRead: true,
          Limit: 100,
          ExclusiveStartKey: start,
        }),
      );
      read += r.ScannedCount ?? 0;
      entries.push(...((r.Items ?? []) as OutboxEntry[]));
      start = r.LastEvaluatedKey;
    } while (start && entries.length < opts.want && read < OUTBOX_READ_BUDGET);
    return { entries: entries.slice(0, opts.want), readToTheEnd: !start };
  }

  /** How many outbox entries wait (every partition counted; for metrics). */
  async outboxDepth(): Promise<number> {
    let n = 0;
    for (let p = 0; p < OUTBOX_PARTITIONS; p++) {
      let start: Record<string, unknown> | undefined;
      do {
        const r = await this.db.send(new QueryCommand({ TableName: this.eventsTable, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `OUTBOX#${p}` }, Select: 'COUNT', ExclusiveStartKey: start }));
        n += r.Count ?? 0;
        start = r.LastEvaluatedKey;
      } while (start);
    }
    return n;
  }

  /** Outbox entries older than `olderThanMs` (left by a failure), oldest first. */
  async staleOutbox(nowMs: number, olderThanMs: number, limit = 100): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    const before = String(nowMs - olderThanMs).padStart(15, '0');
    for (let n = 0; n < OUTBOX_PARTITIONS && out.length < limit; n++) {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.eventsTable,
          KeyConditionExpression: 'PK = :pk AND SK < :before',
          ExpressionAttributeValues: { ':pk': `OUTBOX#${n}`, ':before': before },
          Limit: limit - out.length,
        }),
      );
      out.push(...((r.Items ?? []) as OutboxEntry[]));
    }
    return out;
  }
}

export function toStored(item: Record<string, unknown>): StoredEvent {
  const e: StoredEvent = {
    id: item.id as string,
    siteId: item.siteId as string,
    tenantId: item.tenantId as string,
    seq: Number(item.seq),
    type: item.type as string,
    occurredAt: item.occurredAt as string,
    data: inOrder(item.data as Record<string, unknown>, item.dataKeys) as unknown as BoxEvent,
  };
  if (item.call) e.call = item.call as string;
  if (item.recovered) e.recovered = true;
  if (item.partial) e.partial = true;
  return e;
}

/** The event's keys in the order they were written (items written before `dataKeys` existed: as stored). */
export function inOrder(data: Record<string, unknown>, keys: unknown): Record<string, unknown> {
  if (!Array.isArray(keys)) return data;
  const out: Record<string, unknown> = {};
  for (const k of keys as string[]) if (k in data) out[k] = data[k];
  for (const k of Object.keys(data)) if (!(k in out)) out[k] = data[k];
  return out;
}

function pad(seq: number): string {
  return String(seq).padStart(12, '0');
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

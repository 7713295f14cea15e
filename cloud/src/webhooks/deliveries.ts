/**
 * What happened to each delivery, for `GET …/webhooks/{id}/deliveries`:
 * one item per (endpoint, event), updated at every attempt, kept 30 days.
 *
 *   PK DLV#<webhookId>#<shard>        SK <stored ms, 15 digits>#<eventId>
 *      GSI1PK DUE#<shard>  GSI1SK <due ms, 15 digits>#<webhookId>#<eventId>   only while unfinished
 *   PK ATT#<webhookId>#<eventId>      SK <attempt ms, 15 digits>#<attempt>
 *
 * Eight shards per endpoint, so an endpoint taking 2,000 events/s does not
 * write to one partition; listing merges them, newest first. The SK's time is
 * when the event's batch was stored, the same on every retry of its fan-out
 * and on a resend, so one delivery is one item, however often it was queued.
 *
 * A delivery still to be made (pending: queued, not tried yet — a first
 * queueing or a resend; retrying) is also in the due index, by when it is
 * due, which is how deliveries lost with their queue message are found again
 * (recovery.ts). A finished one (delivered, failed, skipped) leaves the
 * index: every write replaces the whole item. Reading and changing the index
 * is due-deliveries.ts's (only the sweep needs it; class methods stay in
 * every bundle that has the class).
 *
 * Each attempt is an item of its own (time, status, latency, error, the
 * first 1 KB of the answer), written in the same batch as the delivery's
 * item; a delivery shows its newest MAX_ATTEMPTS_SHOWN, and every item
 * expires after 30 days.
 */

import { createHash } from 'node:crypto';
import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import { allSettledOrThrow } from '../../../protocol/src/settle.js';
import { Batcher } from '../store/batcher.js';

export const DELIVERY_SHARDS = 8;
const KEEP_DAYS = 30;
/** A delivery shows at most this many attempts, newest kept (a schedule is 8; resends and replays add more). */
export const MAX_ATTEMPTS_SHOWN = 50;
/** How much of an endpoint's answer an attempt keeps. */
export const RESPONSE_BODY_BYTES = 1024;
/** Pages of one shard read for one filtered listing page, before answering a shorter page with a cursor. */
const MAX_PAGES_PER_SHARD = 4;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

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

/** One POST to the endpoint and how it answered. */
export interface Attempt {
  /** 1 for the delivery's first attempt; counts on across resends. */
  attempt: number;
  at: string;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
  /** The first RESPONSE_BODY_BYTES of the answer's body, as text (null: no answer). */
  responseBody: string | null;
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
  /** The attempts made before its current retry schedule began (a resend starts a new one; 0: the first). */
  scheduleFrom?: number;
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

/** A delivery's state as one write leaves it (the record without what names it). */
export type DeliveryState = Omit<DeliveryRecord, 'eventId' | 'enqueuedAt'>;

/** Queued, not tried since: no next attempt set (due when queued); `before` keeps what earlier attempts left (a resend). */
export function pendingState(d: Pick<DeliveryRecord, 'type' | 'siteId'>, before?: Pick<DeliveryRecord, 'attempts' | 'responseCode' | 'latencyMs' | 'error' | 'lastAttemptAt'>): DeliveryState {
  const b = before ?? { attempts: 0, responseCode: null, latencyMs: null, error: null, lastAttemptAt: null };
  return { type: d.type, siteId: d.siteId, status: 'pending', attempts: b.attempts, responseCode: b.responseCode, latencyMs: b.latencyMs, error: b.error, lastAttemptAt: b.lastAttemptAt, nextAttemptAt: null };
}

export const pad = (ms: number) => String(Math.max(0, Math.round(ms))).padStart(15, '0');
const isUnfinished = (s: DeliveryStatus) => s === 'pending' || s === 'retrying';

export const dueKey = (d: Pick<DeliveryRef, 'webhookId' | 'eventId'>, due: number) => `${pad(due)}#${d.webhookId}#${d.eventId}`;

export function shardOf(ref: Pick<DeliveryRef, 'eventId' | 'seq'>): number {
  return (ref.seq ?? createHash('sha1').update(ref.eventId).digest()[0]) % DELIVERY_SHARDS;
}

export function key(ref: Pick<DeliveryRef, 'webhookId' | 'eventId' | 'seq' | 'enqueuedAt'>): { PK: string; SK: string } {
  return { PK: `DLV#${ref.webhookId}#${shardOf(ref)}`, SK: `${pad(ref.enqueuedAt)}#${ref.eventId}` };
}

const attemptsKey = (webhookId: string, eventId: string) => `ATT#${webhookId}#${eventId}`;

const RECORD_FIELDS = ['eventId', 'type', 'siteId', 'status', 'attempts', 'responseCode', 'latencyMs', 'error', 'enqueuedAt', 'lastAttemptAt', 'nextAttemptAt'] as const;

function recordOf(i: Record<string, unknown>): DeliveryRecord {
  return Object.fromEntries(RECORD_FIELDS.map((f) => [f, i[f] ?? null])) as unknown as DeliveryRecord;
}

export class DeliveryLog {
  /** Records and attempts go out in BatchWriteItem requests of up to 25 (a delivery's item is overwritten). */
  private readonly writes: Batcher<Record<string, unknown>>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {
    this.writes = new Batcher(25, 10, (items) => this.writeAll(items));
  }

  /** The delivery's state now, and the attempt that led to it (none for a skip, a pending or a recovery's close). */
  async record(ref: DeliveryRef, r: DeliveryState, attempt?: Attempt): Promise<void> {
    const writes = [this.writes.add(this.item(ref, r))];
    if (attempt) {
      const at = Date.parse(attempt.at);
      writes.push(this.writes.add({ PK: attemptsKey(ref.webhookId, ref.eventId), SK: `${pad(at)}#${attempt.attempt}`, ...attempt, enqueuedAtMs: ref.enqueuedAt, ttl: this.ttl() }));
    }
    await Promise.all(writes);
  }

  /** Deliveries about to be queued, recorded first, where the queue may lose them (fanout.ts). */
  async pending(deliveries: Array<{ ref: DeliveryRef; type: string; siteId: string | null }>): Promise<void> {
    // All settled before the step fails: a late 'pending' could land over the record of a later try that was delivered.
    await allSettledOrThrow(deliveries.map(({ ref, type, siteId }) => this.record(ref, pendingState({ type, siteId }))));
  }

  private ttl(): number {
    return Math.floor(this.clock.now() / 1000) + KEEP_DAYS * 86_400;
  }

  private item(ref: DeliveryRef, r: DeliveryState): Record<string, unknown> {
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
      scheduleFrom: ref.scheduleFrom ?? 0,
      ttl: this.ttl(),
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

  /**
   * Newest first; `cursor` is the SK to continue before; `status` keeps only
   * deliveries in that state. Each shard reads until it has `limit` rows or
   * MAX_PAGES_PER_SHARD pages: a shard stopped short bounds what may be
   * answered (rows below where it stopped could be missing), so such a page
   * may be shorter than `limit` and still have a next cursor.
   */
  async list(webhookId: string, limit: number, cursor?: string, status?: DeliveryStatus): Promise<{ data: DeliveryRecord[]; nextCursor: string | null }> {
    const shards = await Promise.all(Array.from({ length: DELIVERY_SHARDS }, (_, shard) => this.shard(`DLV#${webhookId}#${shard}`, limit, cursor, status)));
    // The highest SK a shard stopped at without finishing: nothing below it is certain.
    const floor = shards.reduce<string | undefined>((f, s) => (s.stoppedAt !== undefined && (f === undefined || s.stoppedAt > f) ? s.stoppedAt : f), undefined);
    const items = shards
      .flatMap((s) => s.items)
      .filter((i) => floor === undefined || String(i.SK) >= floor)
      .sort((a, b) => String(b.SK).localeCompare(String(a.SK)))
      .slice(0, limit);
    const next = items.length === limit ? String(items[items.length - 1].SK) : floor;
    return { data: items.map(recordOf), nextCursor: next ?? null };
  }

  private async shard(pk: string, limit: number, cursor: string | undefined, status: DeliveryStatus | undefined): Promise<{ items: Array<Record<string, unknown>>; stoppedAt?: string }> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES_PER_SHARD; page++) {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: cursor ? 'PK = :pk AND SK < :c' : 'PK = :pk',
          ...(status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
          ExpressionAttributeValues: { ':pk': pk, ...(cursor ? { ':c': cursor } : {}), ...(status ? { ':s': status } : {}) },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
      if (!start || items.length >= limit) return { items };
    }
    return { items, stoppedAt: String(start!.SK) };
  }

  /** One delivery: its state, and its newest attempts, oldest first (undefined: never attempted). */
  async get(webhookId: string, eventId: string, seq: number | null): Promise<(DeliveryRecord & { attemptLog: Attempt[] }) | undefined> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': attemptsKey(webhookId, eventId) },
        ScanIndexForward: false,
        Limit: MAX_ATTEMPTS_SHOWN,
        ConsistentRead: true,
      }),
    );
    const found = r.Items ?? [];
    if (found.length === 0) return undefined;
    const enqueuedAt = Number(found[0].enqueuedAtMs);
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: key({ webhookId, eventId, seq, enqueuedAt }), ConsistentRead: true }))).Item;
    if (!item) return undefined;
    const attemptLog = found.reverse().map((a) => ({
      attempt: Number(a.attempt),
      at: String(a.at),
      responseCode: (a.responseCode as number | null) ?? null,
      latencyMs: Number(a.latencyMs),
      error: (a.error as string | null) ?? null,
      responseBody: (a.responseBody as string | null) ?? null,
    }));
    return { ...recordOf(item), attemptLog };
  }
}

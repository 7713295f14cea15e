/**
 * The stream's connections on AWS, where no process holds them: one item per
 * connection under its tenant (what the outbox's fan-out reads), and one
 * under the connection id (what $disconnect and a GoneException find).
 *
 *   PK STREAMS#<tenantId>  SK <connectionId>  filter, state, createdAt, ttl,
 *                                             resuming, missed, sent, stateSent   (main table)
 *   PK SC#<connectionId>   SK META            tenantId, ttl
 *
 * Resuming (stream/aws-resume.ts): `resuming` holds the client's cursors (site
 * → seq) while the resume replays the stored events; the outbox posts none of
 * those sites' events to it and adds 1 to `missed` instead (conditionally, on
 * `resuming` still being there). The switch to live removes `resuming` on
 * the condition that `missed` did not move, and writes `sent`: per site, the
 * seqs the replay covered (SentSeqs), which the outbox leaves out from then on.
 * `stateSent`: the site's full state went out (state changes follow it).
 *
 * `ttl`: API Gateway's maximum connection age (2 h) and some slack, so a
 * connection whose $disconnect never came is forgotten anyway.
 */

import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import type { StreamFilter } from './filter.js';
import type { SentSite } from './sent-seqs.js';

export const SUBSCRIPTION_TTL_S = 2 * 3600 + 600;

export interface Subscription {
  connectionId: string;
  tenantId: string;
  filter: StreamFilter;
  state: boolean;
  /** When $connect stored it (epoch ms). */
  createdAt?: number;
  /** While the resume replays: the client's cursor per site (its `after`). */
  resuming?: Record<string, number>;
  /** Batches the outbox held back while resuming. */
  missed?: number;
  /** Once live after a resume: what the replay covered per site. */
  sent?: Record<string, SentSite>;
  /** The full state went out: changes may follow. */
  stateSent?: boolean;
}

const isConditionFailed = (err: unknown) => (err as { name?: string }).name === 'ConditionalCheckFailedException';

export class SubscriptionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async add(s: Subscription): Promise<void> {
    const ttl = Math.floor(this.clock.now() / 1000) + SUBSCRIPTION_TTL_S;
    const resume = s.resuming && Object.keys(s.resuming).length > 0 ? { resuming: s.resuming, missed: 0 } : {};
    const items = [
      { PK: `STREAMS#${s.tenantId}`, SK: s.connectionId, type: 'stream-subscription', filter: s.filter, state: s.state, ...resume, createdAt: new Date(this.clock.now()).toISOString(), ttl },
      { PK: `SC#${s.connectionId}`, SK: 'META', type: 'stream-connection', tenantId: s.tenantId, ttl },
    ];
    await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: items.map((Item) => ({ PutRequest: { Item } })) } }));
  }

  async remove(connectionId: string): Promise<void> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `SC#${connectionId}`, SK: 'META' } }))).Item;
    const keys = [{ PK: `SC#${connectionId}`, SK: 'META' }, ...(item ? [{ PK: `STREAMS#${item.tenantId as string}`, SK: connectionId }] : [])];
    await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: keys.map((Key) => ({ DeleteRequest: { Key } })) } }));
  }

  /** One subscription, as stored now (strongly consistent), or undefined when it is gone or expired. */
  async get(tenantId: string, connectionId: string): Promise<Subscription | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: key(tenantId, connectionId), ConsistentRead: true }))).Item;
    return item && Number(item.ttl) > Math.floor(this.clock.now() / 1000) ? fromItem(tenantId, item) : undefined;
  }

  async forTenant(tenantId: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    const now = Math.floor(this.clock.now() / 1000);
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `STREAMS#${tenantId}` }, ExclusiveStartKey: start }));
      for (const i of r.Items ?? []) if (Number(i.ttl) > now) out.push(fromItem(tenantId, i));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** The outbox held events back from a resuming subscription; false when it is no longer resuming (or gone). */
  async countMissed(tenantId: string, connectionId: string): Promise<boolean> {
    return this.update(tenantId, connectionId, 'ADD missed :one', 'attribute_exists(resuming)', { ':one': 1 });
  }

  /** The resume's switch to live: only if the outbox held nothing back since `missed` was read. */
  async goLive(tenantId: string, connectionId: string, missed: number, sent: Record<string, SentSite>): Promise<boolean> {
    return this.update(tenantId, connectionId, 'SET sent = :sent REMOVE resuming', 'attribute_exists(resuming) AND missed = :missed', { ':sent': sent, ':missed': missed });
  }

  /** The full state is about to go out: changes applied from now on are posted too. */
  async stateFollows(tenantId: string, connectionId: string): Promise<boolean> {
    return this.update(tenantId, connectionId, 'SET stateSent = :yes', 'attribute_exists(PK)', { ':yes': true });
  }

  private async update(tenantId: string, connectionId: string, expr: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, Key: key(tenantId, connectionId), UpdateExpression: expr, ConditionExpression: condition, ExpressionAttributeValues: values }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}

function key(tenantId: string, connectionId: string) {
  return { PK: `STREAMS#${tenantId}`, SK: connectionId };
}

function fromItem(tenantId: string, i: Record<string, unknown>): Subscription {
  const s: Subscription = { connectionId: i.SK as string, tenantId, filter: i.filter as StreamFilter, state: Boolean(i.state), createdAt: Date.parse(String(i.createdAt)) };
  if (i.resuming) s.resuming = i.resuming as Record<string, number>;
  if (i.missed !== undefined) s.missed = Number(i.missed);
  if (i.sent) s.sent = i.sent as Record<string, SentSite>;
  if (i.stateSent) s.stateSent = true;
  return s;
}

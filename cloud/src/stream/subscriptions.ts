/**
 * The stream's connections on AWS, where no process holds them: one item per
 * connection under its tenant (what the outbox's fan-out reads), and one
 * under the connection id (what $disconnect and a GoneException find).
 *
 *   PK STREAMS#<tenantId>  SK <connectionId>  filter, state, createdAt, ttl   (main table)
 *   PK SC#<connectionId>   SK META            tenantId, ttl
 *
 * `ttl`: API Gateway's maximum connection age (2 h) and some slack, so a
 * connection whose $disconnect never came is forgotten anyway.
 */

import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import type { StreamFilter } from './filter.js';

export const SUBSCRIPTION_TTL_S = 2 * 3600 + 600;

export interface Subscription {
  connectionId: string;
  tenantId: string;
  filter: StreamFilter;
  state: boolean;
}

export class SubscriptionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async add(s: Subscription): Promise<void> {
    const ttl = Math.floor(this.clock.now() / 1000) + SUBSCRIPTION_TTL_S;
    const items = [
      { PK: `STREAMS#${s.tenantId}`, SK: s.connectionId, type: 'stream-subscription', filter: s.filter, state: s.state, createdAt: new Date(this.clock.now()).toISOString(), ttl },
      { PK: `SC#${s.connectionId}`, SK: 'META', type: 'stream-connection', tenantId: s.tenantId, ttl },
    ];
    await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: items.map((Item) => ({ PutRequest: { Item } })) } }));
  }

  async remove(connectionId: string): Promise<void> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `SC#${connectionId}`, SK: 'META' } }))).Item;
    const keys = [{ PK: `SC#${connectionId}`, SK: 'META' }, ...(item ? [{ PK: `STREAMS#${item.tenantId as string}`, SK: connectionId }] : [])];
    await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: keys.map((Key) => ({ DeleteRequest: { Key } })) } }));
  }

  async forTenant(tenantId: string): Promise<Subscription[]> {
    const out: Subscription[] = [];
    const now = Math.floor(this.clock.now() / 1000);
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `STREAMS#${tenantId}` }, ExclusiveStartKey: start }));
      for (const i of r.Items ?? []) if (Number(i.ttl) > now) out.push({ connectionId: i.SK as string, tenantId, filter: i.filter as StreamFilter, state: Boolean(i.state) });
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

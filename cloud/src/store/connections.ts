/**
 * API Gateway WebSocket connections of relays, by connection id (main table):
 *
 *   PK C#<connectionId>  SK META   siteId, tenantId, connectedAt, ttl; closing (replaced:
 *                                  no new commands); ami (the relay's latest AMI statement)
 *
 * $connect authenticates the relay once and writes this item; every later
 * frame ($default) only knows the connection id and finds its site here, so
 * the token is never checked again. The pending commands of the connection
 * live in the same partition (store/pending-commands.ts). The item expires a
 * while after API Gateway's 2-hour limit in case $disconnect never comes
 * (API Gateway delivers it on a best-effort basis).
 */

import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import type { AmiStatement } from '../outages/policy.js';
import { TtlCache } from './ttl-cache.js';

export interface ConnectionInfo {
  connectionId: string;
  siteId: string;
  tenantId: string;
  /** ISO time of $connect. */
  connectedAt: string;
}

/** API Gateway closes a WebSocket after 2 hours; keep the item a little longer. */
const KEEP_SEC = 3 * 3600;

export function connectionKey(connectionId: string): { PK: string; SK: string } {
  return { PK: `C#${connectionId}`, SK: 'META' };
}

export class ConnectionStore {
  /** A connection's site never changes: remember it for the frames that follow. */
  private readonly cache: TtlCache<string, ConnectionInfo>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(clock, 10 * 60_000, 5_000);
  }

  async put(c: ConnectionInfo): Promise<void> {
    const ttl = Math.floor(this.clock.now() / 1000) + KEEP_SEC;
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...connectionKey(c.connectionId), type: 'connection', ...c, ttl } }));
    this.cache.set(c.connectionId, c);
  }

  async get(connectionId: string): Promise<ConnectionInfo | undefined> {
    const hit = this.cache.get(connectionId);
    if (hit) return hit;
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: connectionKey(connectionId), ConsistentRead: true }))).Item;
    if (!item) return undefined;
    const info: ConnectionInfo = { connectionId, siteId: item.siteId as string, tenantId: item.tenantId as string, connectedAt: item.connectedAt as string };
    this.cache.set(connectionId, info);
    return info;
  }

  /**
   * A newer connection took the site over: from now on no command may be
   * sent on this one (PendingCommandStore.create checks the flag in the same
   * transaction), so once its pending commands are done it can be closed.
   */
  async retire(connectionId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: connectionKey(connectionId),
          UpdateExpression: 'SET closing = :t',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':t': true },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  /**
   * Keep the relay's AMI statement on its connection, unless a newer one is
   * there. API Gateway may run a status frame before the hello that precedes
   * it has made the connection the site's: the hello reads this afterwards
   * (`amiNoted`), so whichever runs second applies the statement.
   */
  async noteAmi(connectionId: string, ami: AmiStatement): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: connectionKey(connectionId),
          UpdateExpression: 'SET ami = :a',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(ami) OR ami.change <= :n)',
          ExpressionAttributeValues: { ':a': ami, ':n': ami.change },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async amiNoted(connectionId: string): Promise<AmiStatement | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: connectionKey(connectionId), ConsistentRead: true, ProjectionExpression: 'ami' }))).Item;
    return item?.ami as AmiStatement | undefined;
  }

  async delete(connectionId: string): Promise<void> {
    this.cache.delete(connectionId);
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: connectionKey(connectionId) }));
  }
}

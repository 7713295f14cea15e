/**
 * Which relay connection serves each site, and how it is doing.
 *
 *   PK S#<siteId>  SK RELAY   connectionId, node, since, version, amiConnected
 *
 * The local cloud keeps live sockets in memory and writes here for the admin
 * API; on AWS this item is how an HTTP Lambda finds the site's API Gateway
 * connection. Updates are conditional on the connection id, so a stale
 * disconnect never erases a newer connection.
 */

import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RelayConnection {
  siteId: string;
  connectionId: string;
  /** Where the socket lives: a local cloud process, or `apigw` (API Gateway). */
  node: string;
  since: string;
  version: string;
  amiConnected: boolean;
}

/** What the admin API shows as `relay`. */
export interface RelayStatus {
  connected: boolean;
  since: string | null;
  version: string | null;
  amiConnected: boolean;
}

export const OFFLINE: RelayStatus = { connected: false, since: null, version: null, amiConnected: false };

export class RelayStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Make `c` the site's active connection. Returns the connection it replaced,
   * read in the same write, so two relays connecting at once each learn the
   * true predecessor (the one to retire).
   */
  async connected(c: RelayConnection): Promise<RelayConnection | undefined> {
    const r = await this.db.send(new PutCommand({ TableName: this.table, Item: { PK: `S#${c.siteId}`, SK: 'RELAY', type: 'relay', ...c }, ReturnValues: 'ALL_OLD' }));
    return r.Attributes as RelayConnection | undefined;
  }

  async setAmi(siteId: string, connectionId: string, amiConnected: boolean): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: `S#${siteId}`, SK: 'RELAY' },
          UpdateExpression: 'SET amiConnected = :a',
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':a': amiConnected, ':c': connectionId },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async disconnected(siteId: string, connectionId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { PK: `S#${siteId}`, SK: 'RELAY' },
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId },
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async get(siteId: string): Promise<RelayConnection | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `S#${siteId}`, SK: 'RELAY' }, ConsistentRead: true }))).Item;
    return item as RelayConnection | undefined;
  }

  async status(siteId: string): Promise<RelayStatus> {
    const c = await this.get(siteId);
    return c ? { connected: true, since: c.since, version: c.version, amiConnected: c.amiConnected } : OFFLINE;
  }
}

/**
 * What the cloud keeps about each site's relay (outages/policy.ts
 * SiteRelayState), in the main table, one item per site:
 *
 *   PK RELAY#<n>  SK <siteId>   n = a hash of the site (16 partitions)
 *      connectionId, node, since, version   the active connection (absent while offline)
 *      ami {connected, change, reason}, lastSeen, offlineSince, offlineAnnounced,
 *      amiDownSince, amiDownAnnounced, lastReason, tenantId, rev
 *
 * On AWS this item is how an HTTP Lambda finds the site's API Gateway
 * connection; the local cloud keeps live sockets in memory and writes here
 * for the outage bookkeeping and the admin API. Every change is conditional on
 * the `rev` it read (optimistic concurrency): a relay's frames handled in
 * parallel by API Gateway, a sweep and a disconnect never overwrite one
 * another, and a change to a connection that was already replaced changes
 * nothing. The partitions let a sweep read every site's relay in 16 queries.
 */

import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../operational/store.js';
import type { SiteRelayState } from '../outages/policy.js';

export const RELAY_PARTITIONS = 16;

/** The site's active relay connection. */
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
  /** When the relay was last heard from. */
  lastSeen: string | null;
  /** Without a connection since (null while connected). */
  offlineSince: string | null;
  /** Why the relay last lost its connection, or its AMI session was down long enough for ami.down (kept once it is back). */
  lastReason: string | null;
  /** The relay's `pop_url` (its last hello; kept while it is offline), or null. */
  popUrl: string | null;
  /** The relay's after-call work in seconds (`pausetime = yes`), or null when it has none. */
  wrapupSeconds: number | null;
}

export const OFFLINE: RelayStatus = { connected: false, since: null, version: null, amiConnected: false, lastSeen: null, offlineSince: null, lastReason: null, popUrl: null, wrapupSeconds: null };

/** The site resource's view of a state (`lastSeen` given: the local hub knows a fresher one). */
export function statusOf(s: SiteRelayState | undefined, lastSeen?: string): RelayStatus {
  if (!s) return OFFLINE;
  const connected = s.connectionId !== undefined;
  return {
    connected,
    since: connected ? (s.since ?? null) : null,
    version: connected ? (s.version ?? null) : null,
    amiConnected: connected && s.ami.connected,
    lastSeen: lastSeen ?? s.lastSeen ?? null,
    offlineSince: connected ? null : (s.offlineSince ?? null),
    lastReason: s.lastReason ?? null,
    popUrl: s.popUrl ?? null,
    wrapupSeconds: s.wrapupSeconds ?? null,
  };
}

export function relayKey(siteId: string): { PK: string; SK: string } {
  return { PK: `RELAY#${createHash('sha1').update(siteId).digest()[0] % RELAY_PARTITIONS}`, SK: siteId };
}

/** A state as read, with the revision a write must match. */
export interface ReadState {
  state?: SiteRelayState;
  rev: number;
}

const KEY_FIELDS = ['PK', 'SK', 'type', 'rev'];

function toState(item: Record<string, unknown> | undefined): ReadState {
  if (!item) return { rev: 0 };
  const state = Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_FIELDS.includes(k))) as unknown as SiteRelayState;
  return { state, rev: Number(item.rev ?? 0) };
}

function conflict(err: unknown): boolean {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e.name === 'ConditionalCheckFailedException') return true;
  return e.name === 'TransactionCanceledException' && (e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed');
}

export class RelayStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(siteId: string): Promise<ReadState> {
    return toState((await this.db.send(new GetCommand({ TableName: this.table, Key: relayKey(siteId), ConsistentRead: true }))).Item);
  }

  /**
   * Write `state` if nobody has since `rev`, together with `alongside` (the
   * operational events it announces) in one transaction. False: someone did;
   * read again and decide again.
   */
  async write(state: SiteRelayState, rev: number, alongside: TransactItem[] = []): Promise<boolean> {
    const put = {
      TableName: this.table,
      Item: { ...relayKey(state.siteId), type: 'relay', ...state, rev: rev + 1 },
      ConditionExpression: rev === 0 ? 'attribute_not_exists(PK)' : 'rev = :rev',
      ExpressionAttributeValues: rev === 0 ? undefined : { ':rev': rev },
    };
    try {
      if (alongside.length === 0) await this.db.send(new PutCommand(put));
      else await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...alongside] }));
      return true;
    } catch (err) {
      if (conflict(err)) return false;
      throw err;
    }
  }

  /** The relay spoke on `connectionId` at `at`; false when that is not the site's active connection. */
  async touch(siteId: string, connectionId: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: relayKey(siteId),
          UpdateExpression: 'SET lastSeen = :t ADD rev :one',
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':t': at, ':c': connectionId, ':one': 1 },
        }),
      );
      return true;
    } catch (err) {
      if (conflict(err)) return false;
      throw err;
    }
  }

  /** Every site's relay state, partition by partition (a sweep). */
  async *all(): AsyncGenerator<ReadState> {
    for (let n = 0; n < RELAY_PARTITIONS; n++) {
      let start: Record<string, unknown> | undefined;
      do {
        const r = await this.db.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `RELAY#${n}` }, ExclusiveStartKey: start }));
        for (const item of r.Items ?? []) yield toState(item);
        start = r.LastEvaluatedKey;
      } while (start);
    }
  }

  /** The site's active connection, if it has one. */
  async get(siteId: string): Promise<RelayConnection | undefined> {
    const { state: s } = await this.read(siteId);
    if (!s?.connectionId) return undefined;
    return { siteId, connectionId: s.connectionId, node: s.node ?? '', since: s.since ?? '', version: s.version ?? '', amiConnected: s.ami.connected };
  }

  async status(siteId: string): Promise<RelayStatus> {
    return statusOf((await this.read(siteId)).state);
  }
}

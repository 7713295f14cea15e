/**
 * Commands sent to a relay through API Gateway and not yet answered (main
 * table, in the partition of the connection they were sent on):
 *
 *   PK C#<connectionId>  SK CMD#<commandId>           siteId, requestId, deadline, ttl;
 *                                                     reply (the reply frame, JSON), or gone
 *   PK C#<connectionId>  SK CMD#<commandId>#P#<n>     one `part` frame (n: 6 digits)
 *
 * The HTTP function that sends a command writes the item first (only while
 * the connection takes commands, see create), then polls it (strongly
 * consistent) until the reply is complete; the $default function writes the
 * relay's reply and parts as they arrive, in whatever order and process API
 * Gateway runs them. Everything expires by TTL an hour after its
 * deadline, so a waiter that died leaves nothing behind for long.
 */

import { BatchWriteCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { connectionKey } from './connections.js';
import type { PartFrame, ReplyFrame } from '../../../protocol/src/wire/frames.js';

export interface PendingCommand {
  connectionId: string;
  id: string;
  siteId: string;
  requestId: string;
  deadlineMs: number;
}

/** What a waiter sees when it looks. */
export interface PendingSnapshot {
  /** The item is still there (false: nothing was ever written, or it was cleaned up). */
  exists: boolean;
  reply?: ReplyFrame;
  /** The connection went away before the reply came ($disconnect). */
  gone: boolean;
  /** Parts after the one asked for, in order of n (there may be gaps: parts are written concurrently). */
  parts: PartFrame[];
}

const KEEP_AFTER_DEADLINE_SEC = 3600;

const pk = (connectionId: string) => `C#${connectionId}`;
const sk = (id: string) => `CMD#${id}`;
const partSk = (id: string, n: number) => `CMD#${id}#P#${String(n).padStart(6, '0')}`;

export class PendingCommandStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private ttl(deadlineMs: number): number {
    return Math.floor(deadlineMs / 1000) + KEEP_AFTER_DEADLINE_SEC;
  }

  /**
   * Register a command before it is sent. False when the connection takes no
   * more commands: it is gone ($disconnect removed its item) or it is being
   * retired after a newer one took over. Checked in the same transaction, so
   * a connection being retired can count its commands and know no more come.
   */
  async create(p: PendingCommand): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.table,
                Key: connectionKey(p.connectionId),
                ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(closing)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { PK: pk(p.connectionId), SK: sk(p.id), type: 'command', siteId: p.siteId, requestId: p.requestId, deadline: p.deadlineMs, ttl: this.ttl(p.deadlineMs) },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      if ((err as { name?: string }).name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw err;
    }
  }

  /** Record the relay's reply; false when nobody waits any more (late, repeated, or never sent by us). */
  async putReply(connectionId: string, frame: ReplyFrame): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: pk(connectionId), SK: sk(frame.id) },
          UpdateExpression: 'SET reply = :r',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(reply)',
          ExpressionAttributeValues: { ':r': JSON.stringify(frame) },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /**
   * Record one part. Not conditional on the command item (that would take a
   * transaction per part): a part for a command nobody waits for is left to
   * its TTL.
   */
  async putPart(connectionId: string, frame: PartFrame, nowMs: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: pk(connectionId), SK: partSk(frame.id, frame.n), type: 'part', n: frame.n, last: frame.last, data: frame.data, ttl: this.ttl(nowMs + 60_000) },
      }),
    );
  }

  /** The command's item and its parts numbered `fromPart` or higher, in one strongly consistent query. */
  async read(connectionId: string, id: string, fromPart: number): Promise<PendingSnapshot> {
    const snap: PendingSnapshot = { exists: false, gone: false, parts: [] };
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': pk(connectionId), ':lo': sk(id), ':hi': `${sk(id)}#P#~` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of r.Items ?? []) {
        if (item.SK === sk(id)) {
          snap.exists = true;
          if (typeof item.reply === 'string') snap.reply = JSON.parse(item.reply) as ReplyFrame;
          snap.gone = item.gone === true;
        } else if (typeof item.n === 'number' && item.n >= fromPart) {
          snap.parts.push({ t: 'part', id, n: item.n, last: item.last === true, data: item.data as string });
        }
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return snap;
  }

  /** Forget a finished command: its item and the parts it used. */
  async remove(connectionId: string, id: string, parts: number): Promise<void> {
    const keys = [{ PK: pk(connectionId), SK: sk(id) }, ...Array.from({ length: parts }, (_, n) => ({ PK: pk(connectionId), SK: partSk(id, n) }))];
    for (let i = 0; i < keys.length; i += 25) {
      let pending = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
        const r = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (r.UnprocessedItems?.[this.table] ?? []) as typeof pending;
      }
    }
  }

  /**
   * Commands on a connection still waited for (their waiter removes them once
   * the answer is complete; a dead waiter's only count until their deadline).
   */
  async inFlight(connectionId: string, nowMs: number): Promise<number> {
    return (await this.commandItems(connectionId)).filter((i) => (i.deadline as number) > nowMs).length;
  }

  /** The connection closed: tell every waiter without an answer, so it fails now instead of at its deadline. */
  async abandon(connectionId: string): Promise<number> {
    let n = 0;
    for (const item of await this.commandItems(connectionId)) {
      if (item.reply !== undefined) continue;
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { PK: item.PK, SK: item.SK },
            UpdateExpression: 'SET gone = :t',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(reply)',
            ExpressionAttributeValues: { ':t': true },
          }),
        );
        n++;
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      }
    }
    return n;
  }

  private async commandItems(connectionId: string): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :cmd)',
          FilterExpression: '#t = :command',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':pk': pk(connectionId), ':cmd': 'CMD#', ':command': 'command' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

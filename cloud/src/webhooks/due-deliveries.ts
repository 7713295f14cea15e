/**
 * The delivery log's due index (deliveries.ts): unfinished deliveries by
 * when they are due, read and changed by the recovery of deliveries lost with
 * their queue message (recovery.ts). Apart from DeliveryLog so that only the
 * functions that sweep carry it.
 */

import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dueKey, key, pad, type DeliveryStatus, type UnfinishedDelivery } from './deliveries.js';

export class DueDeliveries {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * One page of a due-index shard, earliest due first: deliveries due before
   * `dueBefore` (ms; omitted: all), from `cursor` on.
   */
  async unfinished(shard: number, opts: { dueBefore?: number; cursor?: Record<string, unknown>; limit: number }): Promise<{ data: UnfinishedDelivery[]; cursor?: Record<string, unknown> }> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI1',
        KeyConditionExpression: opts.dueBefore === undefined ? 'GSI1PK = :pk' : 'GSI1PK = :pk AND GSI1SK < :before',
        ExpressionAttributeValues: { ':pk': `DUE#${shard}`, ...(opts.dueBefore === undefined ? {} : { ':before': pad(opts.dueBefore) }) },
        ExclusiveStartKey: opts.cursor,
        Limit: opts.limit,
      }),
    );
    const data = (r.Items ?? []).map((i) => ({
      webhookId: i.webhookId as string,
      tenantId: i.tenantId as string,
      eventId: i.eventId as string,
      seq: i.seq === null || i.seq === undefined ? null : Number(i.seq),
      enqueuedAt: Date.parse(i.enqueuedAt as string),
      queuedAt: Number(i.queuedAt),
      requeues: Number(i.requeues ?? 0),
      scheduleFrom: Number(i.scheduleFrom ?? 0),
      siteId: (i.siteId ?? null) as string | null,
      type: i.type as string,
      status: i.status as UnfinishedDelivery['status'],
      attempts: Number(i.attempts ?? 0),
      due: Number(String(i.GSI1SK).slice(0, 15)),
    }));
    return { data, cursor: r.LastEvaluatedKey };
  }

  /**
   * Say that a delivery was queued again, due now. False when it changed
   * since `d` was read (attempted, finished, queued again by someone else):
   * then it is not queued again.
   */
  async requeued(d: UnfinishedDelivery, nowMs: number): Promise<boolean> {
    return this.change(d, 'SET queuedAt = :now, requeues = :requeues, GSI1SK = :due, nextAttemptAt = :next', {
      ':now': nowMs,
      ':requeues': d.requeues + 1,
      ':due': dueKey(d, nowMs),
      ':next': d.status === 'retrying' ? new Date(nowMs).toISOString() : null,
    });
  }

  /** Take back `requeued` when the message could not be sent (best effort: otherwise it is overdue again later). */
  async notRequeued(d: UnfinishedDelivery, nowMs: number): Promise<void> {
    await this.change(
      d,
      'SET queuedAt = :was, requeues = :requeues, GSI1SK = :due, nextAttemptAt = :next',
      { ':was': d.queuedAt, ':requeues': d.requeues, ':due': dueKey(d, d.due), ':next': d.status === 'retrying' ? new Date(d.due).toISOString() : null },
      dueKey(d, nowMs),
    );
  }

  /** Finish a delivery that will not be made (its endpoint or event is gone, it keeps being lost). */
  async close(d: UnfinishedDelivery, status: Extract<DeliveryStatus, 'failed' | 'skipped'>, error: string): Promise<void> {
    await this.change(d, 'SET #status = :status, #error = :error, nextAttemptAt = :none REMOVE GSI1PK, GSI1SK', { ':status': status, ':error': error, ':none': null }, undefined, {
      '#status': 'status',
      '#error': 'error',
    });
  }

  /** Update an unfinished delivery as read from the due index, only if it is still as read. */
  private async change(d: UnfinishedDelivery, update: string, values: Record<string, unknown>, expectedDue = dueKey(d, d.due), names?: Record<string, string>): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(d),
          UpdateExpression: update,
          ConditionExpression: 'GSI1SK = :expected',
          ExpressionAttributeValues: { ...values, ':expected': expectedDue },
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }
}

/**
 * The events of one call (README "The event history of a call"): every
 * stored event of a site that carries the call's id (Asterisk's Linkedid),
 * in seq order, from the call index (GSI2PK CALL#<siteId>#<call>, set by
 * event-keys.ts `indexKeys` when the event is stored). Raw call events
 * (EXPIRING_TYPES) leave the index with their item after the retention;
 * the records (cdr, cc_cdr, ivr) stay.
 */

import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callPartition } from './event-keys.js';
import { toStored, type StoredEvent } from './events.js';

/** The most events one answer carries: a call with more is cut, and the answer says so. */
export const MAX_CALL_EVENTS = 500;

export interface CallEvents {
  /** The first `limit` events of the call, by seq. */
  events: StoredEvent[];
  /** The call has more than `limit` events. */
  truncated: boolean;
}

export class CallHistory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly eventsTable: string,
    /** Days raw call events are kept (EventStoreOptions.retentionDays). */
    readonly retentionDays: number,
  ) {}

  async ofCall(siteId: string, call: string, limit = MAX_CALL_EVENTS): Promise<CallEvents> {
    const events: StoredEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.eventsTable,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': callPartition(siteId, call) },
          Limit: limit + 1 - events.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of r.Items ?? []) events.push(toStored(item));
      start = r.LastEvaluatedKey;
    } while (start && events.length <= limit);
    return { events: events.slice(0, limit), truncated: events.length > limit };
  }
}

/**
 * CDR search and call-center rollups (issue 5). Being built: see README.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Projection } from '../pipeline/outbox.js';
import type { StoredEvent } from '../store/events.js';

export class AnalyticsStore implements Projection {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
    readonly clock: Clock,
  ) {}

  async apply(e: StoredEvent): Promise<void> {
    void e;
  }
}

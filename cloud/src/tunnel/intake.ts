/**
 * One relay connection's events on their way into the store, on the local
 * cloud: one batch at a time, so acks, the stream and the outbox go in seq
 * order; records that arrive while a batch is being stored join the next one
 * (group commit), so a busy site's batches grow with the load instead of
 * queueing up. A batch that fails is not acked; the relay sends it again.
 *
 * Storing the next batch while one is in flight was measured
 * (bench:screen-pop, README "Measured"): with DynamoDB Local short of CPU,
 * batches in flight only shared it, and racing on the ack mark cost more.
 */

import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { EventsFrame } from '../../../protocol/src/wire/frames.js';
import { onEvents, type RelayContext } from './inbound.js';

/** Events stored in one go at most (a few transactions' worth). */
export const MAX_STORE_BATCH = 1000;

export class EventIntake {
  private inbox: EventsFrame['events'] = [];
  private storing = false;

  /** `ctx`: the connection's context, asked for each batch. */
  constructor(private readonly ctx: () => RelayContext) {}

  push(records: EventsFrame['events']): void {
    this.inbox.push(...records);
    if (!this.storing) void this.store();
  }

  private async store(): Promise<void> {
    this.storing = true;
    try {
      while (this.inbox.length > 0) {
        const batch = this.inbox.splice(0, MAX_STORE_BATCH);
        hopMarks?.mark('cloud.storing', seqsOf(batch));
        const ctx = this.ctx();
        try {
          await onEvents(ctx, { t: 'events', events: batch });
        } catch (err) {
          ctx.log.error('storing events failed; the relay will resend', { [LogField.error]: err });
        }
      }
    } finally {
      this.storing = false;
    }
  }
}

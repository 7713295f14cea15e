/**
 * One relay connection's events on their way into the store, on the local
 * cloud (group commit, pipelined):
 * - records that arrive while batches are being stored join the next batch,
 *   so a busy site's batches grow with the load instead of queueing up;
 * - up to STORES_IN_FLIGHT batches are written at once: a batch does not wait
 *   for the one before it to be stored (what a batch mostly waits for is
 *   DynamoDB's time per request, not its throughput: bench:screen-pop);
 * - each batch is acked and handed on (afterStore: the stream, the outbox)
 *   only after the one before it, so acks, the stream and the outbox keep
 *   seq order. Batches stored out of order are what the ack mark is made for
 *   (store/ack-mark.ts: API Gateway stores a connection's frames in parallel
 *   too); an ack still covers only what is stored without a gap.
 * A batch that fails is not acked; the relay sends it again.
 */

import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { EventsFrame } from '../../../protocol/src/wire/frames.js';
import { ackStored, storeEvents, type RelayContext } from './inbound.js';

/** Events stored in one go at most (a few transactions' worth). */
export const MAX_STORE_BATCH = 1000;
/** Batches of one connection being stored at once, at most. */
export const STORES_IN_FLIGHT = 4;

export class EventIntake {
  private inbox: EventsFrame['events'] = [];
  private inFlight = 0;
  /** Settles when the last batch taken has been acked and handed on (or given up). */
  private tail: Promise<void> = Promise.resolve();

  /** `ctx`: the connection's context, asked for each batch. */
  constructor(private readonly ctx: () => RelayContext) {}

  push(records: EventsFrame['events']): void {
    this.inbox.push(...records);
    this.take();
  }

  private take(): void {
    while (this.inbox.length > 0 && this.inFlight < STORES_IN_FLIGHT) {
      const batch = this.inbox.splice(0, MAX_STORE_BATCH);
      hopMarks?.mark('cloud.storing', seqsOf(batch));
      const ctx = this.ctx();
      this.inFlight++;
      const stored = storeEvents(ctx, batch);
      stored.catch(() => undefined); // handled in its turn below
      const before = this.tail;
      this.tail = before
        .then(async () => void (await ackStored(ctx, await stored)))
        .catch((err) => ctx.log.error('storing events failed; the relay will resend', { [LogField.error]: err }))
        .finally(() => {
          this.inFlight--;
          this.take();
        });
    }
  }
}

/**
 * When a delivery the log still calls unfinished is no longer in the queue,
 * and what to do about it (pure; recovery.ts does the I/O).
 *
 * Nothing asks a queue whether it holds a given message, so "not in the
 * queue" is inferred, two ways:
 * - the queue was created empty after the delivery was last queued (the
 *   local cloud's embedded fauxqs lives in memory, so every start begins
 *   with empty queues): certain, and the delivery goes back at once;
 * - the delivery is overdue by more than any wait a working queue adds (the
 *   visibility timeout of a message whose handler died, a backlog): taken
 *   as lost — to a bug, a purge, a dead-lettering by the redrive policy.
 *   A duplicate is possible if the guess is wrong; it carries the same
 *   webhook-id, and goes into the same delivery record.
 */

import type { Envelope } from './envelope.js';
import type { UnfinishedDelivery } from './deliveries.js';
import type { DeliveryMessage } from './queue.js';

/**
 * Overdue by this much, a delivery is taken as lost: well past the AWS
 * queues' 18-minute visibility timeout (a message whose handler died comes
 * back after it) and any backlog a working worker clears.
 */
export const DEFAULT_OVERDUE_AFTER_MS = 60 * 60_000;
/** Deliveries taken as lost (not explained by a new queue) this often are given up: something keeps losing them. */
export const MAX_REQUEUES = 3;

export interface QueueFacts {
  /** When the queues were created empty (the embedded fauxqs of this process); undefined where they outlive the process. */
  bornAt?: number;
  overdueAfterMs: number;
}

export type RequeueVerdict =
  /** Still in the queue, as far as anyone can tell. */
  | 'leave'
  /** Lost: queue it again now. */
  | 'requeue'
  /** Lost with the old queue, but not due yet: queue it when it is. */
  | 'when-due'
  /** Lost too often without a reason: record it as failed. */
  | 'give-up';

export function requeueVerdict(d: Pick<UnfinishedDelivery, 'due' | 'queuedAt' | 'requeues'>, ordered: boolean, nowMs: number, q: QueueFacts): RequeueVerdict {
  const lostWithQueue = q.bornAt !== undefined && d.queuedAt < q.bornAt;
  const overdue = d.due < nowMs - q.overdueAfterMs;
  if (!lostWithQueue && !overdue) return 'leave';
  if (!lostWithQueue && d.requeues >= MAX_REQUEUES) return 'give-up';
  // An ordered endpoint's deliveries wait in their FIFO group behind the
  // first one: put back one not yet due, and the group would lose its head
  // and go out of order. So they all go back at once, in seq order; the head
  // is tried early rather than the rest out of order.
  if (d.due <= nowMs || ordered) return 'requeue';
  return 'when-due';
}

/** Deliveries in the order they go back: per endpoint and site, by seq (FIFO groups keep it). */
export function requeueOrder<T>(list: readonly T[], of: (t: T) => Pick<UnfinishedDelivery, 'webhookId' | 'siteId' | 'seq'>): T[] {
  return [...list].sort((x, y) => {
    const [a, b] = [of(x), of(y)];
    // Operational events (no site, no seq) after a site's box events.
    return a.webhookId.localeCompare(b.webhookId) || (a.siteId ?? '').localeCompare(b.siteId ?? '') || (a.seq ?? Infinity) - (b.seq ?? Infinity);
  });
}

/** The message that stands for a lost delivery: same record, same event id (webhook-id), attempts counted on. */
export function requeueMessage(d: UnfinishedDelivery, envelope: Envelope, call: string | undefined, nowMs: number): DeliveryMessage {
  return {
    v: 1,
    webhookId: d.webhookId,
    tenantId: d.tenantId,
    enqueuedAt: d.enqueuedAt,
    envelope,
    ...(call ? { call } : {}),
    attemptsBefore: d.attempts,
    ...(d.scheduleFrom ? { scheduleFrom: d.scheduleFrom } : {}),
    queuedAt: nowMs,
    requeues: d.requeues + 1,
  };
}

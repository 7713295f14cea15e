/**
 * When a delivery the log still calls unfinished is taken as lost from its
 * queue, and how it goes back: at once when the queue was created after it
 * was queued (the local cloud's in-memory queue after a restart); after an
 * hour overdue otherwise; an ordered endpoint's deliveries all at once, in
 * seq order; given up after being lost three times without a reason.
 */
import { describe, expect, it } from 'vitest';
import type { UnfinishedDelivery } from './deliveries.js';
import { MAX_REQUEUES, requeueMessage, requeueOrder, requeueVerdict, type QueueFacts } from './requeue.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const HOUR = 3_600_000;
const BORN = NOW - 60_000; // the queue was created a minute ago

function delivery(over: Partial<UnfinishedDelivery> = {}): UnfinishedDelivery {
  return {
    webhookId: 'wh_1',
    tenantId: 'ten_1',
    eventId: 'evt_s_7',
    seq: 7,
    enqueuedAt: NOW - 10 * 60_000,
    queuedAt: NOW - 10 * 60_000,
    requeues: 0,
    scheduleFrom: 0,
    siteId: 's',
    type: 'hangup',
    status: 'retrying',
    attempts: 1,
    due: NOW - 5 * 60_000,
    ...over,
  };
}

const inMemory: QueueFacts = { bornAt: BORN, overdueAfterMs: HOUR };
const durable: QueueFacts = { overdueAfterMs: HOUR };

describe('a delivery lost from its queue', () => {
  it('queued before the queue was created, and due: goes back at once', () => {
    expect(requeueVerdict(delivery(), false, NOW, inMemory)).toBe('requeue');
    expect(requeueVerdict(delivery({ status: 'pending', due: NOW - 10 * 60_000 }), false, NOW, inMemory)).toBe('requeue');
  });

  it('queued before the queue was created, not due yet: goes back when due, unless its endpoint is ordered', () => {
    const later = delivery({ due: NOW + 30 * 60_000 });
    expect(requeueVerdict(later, false, NOW, inMemory)).toBe('when-due');
    expect(requeueVerdict(later, true, NOW, inMemory)).toBe('requeue');
  });

  it('queued since the queue was created: left while it is not overdue by an hour', () => {
    const fresh = delivery({ queuedAt: BORN + 1000, due: NOW - 59 * 60_000 });
    expect(requeueVerdict(fresh, false, NOW, inMemory)).toBe('leave');
    expect(requeueVerdict({ ...fresh, due: NOW - HOUR - 1 }, false, NOW, inMemory)).toBe('requeue');
  });

  it('from a queue that keeps its messages: only once overdue by an hour', () => {
    expect(requeueVerdict(delivery(), false, NOW, durable)).toBe('leave');
    expect(requeueVerdict(delivery({ due: NOW - HOUR - 1 }), true, NOW, durable)).toBe('requeue');
  });

  it('lost too often without a reason is given up; lost with the queue, never', () => {
    const overdue = delivery({ due: NOW - 2 * HOUR, requeues: MAX_REQUEUES });
    expect(requeueVerdict(overdue, false, NOW, durable)).toBe('give-up');
    expect(requeueVerdict({ ...overdue, queuedAt: BORN - 1, due: NOW - 1000 }, false, NOW, inMemory)).toBe('requeue');
  });
});

describe('a delivery going back', () => {
  it('goes in seq order per endpoint and site, so a FIFO group keeps its order', () => {
    const list = [delivery({ seq: 9 }), delivery({ seq: 3, siteId: 't' }), delivery({ seq: 2 }), delivery({ seq: 5, webhookId: 'wh_0' })];
    expect(requeueOrder(list, (d) => d).map((d) => `${d.webhookId}/${d.siteId}/${d.seq}`)).toEqual(['wh_0/s/5', 'wh_1/s/2', 'wh_1/s/9', 'wh_1/t/3']);
  });

  it('is a message for the same record and event id, counting on from the attempts made', () => {
    const d = delivery({ attempts: 2, requeues: 1 });
    const envelope = { id: 'evt_s_7', type: 'hangup', siteId: 's', seq: 7, occurredAt: '2026-03-02T09:50:00.000Z', data: { event: 'hangup' } };
    expect(requeueMessage(d, envelope, '1795513177.42', NOW)).toEqual({
      v: 1,
      webhookId: 'wh_1',
      tenantId: 'ten_1',
      enqueuedAt: d.enqueuedAt,
      envelope,
      call: '1795513177.42',
      attemptsBefore: 2,
      queuedAt: NOW,
      requeues: 2,
    });
  });

  it('keeps where a resend began its retry schedule', () => {
    // A resend after 8 attempts, lost once tried: attempt 10 next, the 2nd of its fresh schedule.
    const d = delivery({ attempts: 9, scheduleFrom: 8, status: 'retrying' });
    const envelope = { id: 'evt_s_7', type: 'hangup', siteId: 's', seq: 7, occurredAt: '2026-03-02T09:50:00.000Z', data: { event: 'hangup' } };
    expect(requeueMessage(d, envelope, undefined, NOW)).toMatchObject({ attemptsBefore: 9, scheduleFrom: 8, requeues: 1 });
  });
});

/**
 * What one webhook attempt's answer means (README "Webhooks"): a 2xx within
 * the timeout is delivered; 410 disables the endpoint; anything else, or no
 * answer, is retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h
 * (a longer Retry-After wins, up to SQS's 12 h), then dead-lettered; an
 * endpoint failing without a success for 5 days is disabled.
 */
import { describe, expect, it } from 'vitest';
import { isDelivered, judgeAttempt, retryAfterSeconds, type AttemptFacts } from './schedule.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const judge = (f: Partial<AttemptFacts>) => judgeAttempt({ attempt: 1, nowMs: NOW, ...f });

describe('a webhook attempt', () => {
  it('is delivered on any 2xx, and on nothing else', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(judge({ status })).toEqual({ kind: 'delivered' });
    for (const status of [undefined, 199, 301, 302, 400, 404, 429, 500, 503]) {
      expect(isDelivered(status)).toBe(false);
      expect(judge({ status }).kind, String(status)).toBe('retry');
    }
  });

  it('is retried on the Standard Webhooks schedule when the endpoint errs or does not answer (timeout, refused)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => judge({ attempt, status: attempt % 2 ? 500 : undefined }));
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000].map((delaySec) => ({ kind: 'retry', delaySec })));
  });

  it('is dead-lettered after the eighth attempt', () => {
    expect(judge({ attempt: 8, status: 500 })).toEqual({ kind: 'dead', reason: 'no success after 8 attempts' });
    expect(judge({ attempt: 3, status: 503, schedule: [0, 0] })).toEqual({ kind: 'dead', reason: 'no success after 3 attempts' });
  });

  it('honours a later Retry-After (seconds or an HTTP date), never beyond 12 h, never sooner than planned', () => {
    expect(judge({ status: 503, retryAfter: '120' })).toEqual({ kind: 'retry', delaySec: 120 });
    expect(judge({ status: 429, retryAfter: new Date(NOW + 3_600_000).toUTCString() })).toEqual({ kind: 'retry', delaySec: 3600 });
    expect(judge({ status: 503, retryAfter: String(7 * 86_400) })).toEqual({ kind: 'retry', delaySec: 12 * 3600 });
    expect(judge({ attempt: 2, status: 503, retryAfter: '1' })).toEqual({ kind: 'retry', delaySec: 300 });
    expect(judge({ status: 503, retryAfter: 'soon' })).toEqual({ kind: 'retry', delaySec: 5 });
    expect(retryAfterSeconds(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });

  it('disables the endpoint on 410 Gone, or after 5 days of failing without a success', () => {
    expect(judge({ status: 410 })).toEqual({ kind: 'disable', reason: 'the endpoint answered 410 Gone', cause: 'gone' });
    const since = NOW - 5 * 86_400_000;
    expect(judge({ status: 500, failingSinceMs: since })).toEqual({ kind: 'disable', reason: 'the endpoint has been failing since 2026-02-25T10:00:00.000Z (5 days)', cause: 'failing' });
    expect(judge({ status: 500, failingSinceMs: since + 1 }).kind).toBe('retry');
    // A success ends it, however long the endpoint failed before.
    expect(judge({ status: 200, failingSinceMs: since - 86_400_000 })).toEqual({ kind: 'delivered' });
  });
});

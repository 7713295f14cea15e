/**
 * When to try a failed webhook delivery again, and when to give up (pure).
 * The default schedule follows Standard Webhooks' recommendation: after 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then the delivery is dead-lettered.
 * A `Retry-After` from the receiver is honoured (never sooner than it asks,
 * never later than SQS can hold a message back: 12 h).
 */

export const DEFAULT_RETRY_SCHEDULE_SEC = [5, 300, 1800, 7200, 18000, 36000, 36000];
/** SQS's longest visibility timeout. */
export const MAX_DELAY_SEC = 12 * 3600;
/** An endpoint failing this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600 * 1000;

/** Seconds of a Retry-After header (delta-seconds or an HTTP date), if usable. */
export function retryAfterSeconds(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - nowMs) / 1000)) : undefined;
}

export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; delaySec: number }
  | { kind: 'dead'; reason: string }
  | { kind: 'disable'; reason: string; cause: 'gone' | 'failing' };

export interface AttemptFacts {
  /** 1 for the first attempt. */
  attempt: number;
  /** HTTP status, or undefined when no answer came (network error, timeout, refused address). */
  status?: number;
  retryAfter?: string | null;
  /** When the endpoint started failing (its last success was before), if it is failing. */
  failingSinceMs?: number;
  nowMs: number;
  schedule?: readonly number[];
}

/** A 2xx answer is a delivery; anything else, or no answer, is not. */
export function isDelivered(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

export function judgeAttempt(f: AttemptFacts): AttemptVerdict {
  if (isDelivered(f.status)) return { kind: 'delivered' };
  if (f.status === 410) return { kind: 'disable', reason: 'the endpoint answered 410 Gone', cause: 'gone' };
  const since = f.failingSinceMs ?? f.nowMs;
  if (f.nowMs - since >= DISABLE_AFTER_MS) {
    return { kind: 'disable', reason: `the endpoint has been failing since ${new Date(since).toISOString()} (5 days)`, cause: 'failing' };
  }
  const schedule = f.schedule ?? DEFAULT_RETRY_SCHEDULE_SEC;
  if (f.attempt > schedule.length) return { kind: 'dead', reason: `no success after ${f.attempt} attempts` };
  const planned = schedule[f.attempt - 1];
  const asked = retryAfterSeconds(f.retryAfter, f.nowMs) ?? 0;
  return { kind: 'retry', delaySec: Math.min(MAX_DELAY_SEC, Math.max(planned, asked)) };
}

/**
 * Retry strategies, ioredis-style: given the attempt number (1 for the first
 * retry) return how long to wait, or null to give up. Injectable so tests can
 * make reconnects immediate or deterministic.
 *
 * `null` means the same everywhere: stop retrying for good, log it as an
 * error, and stay stopped until the process restarts. The AMI client goes to
 * `closed` (actions fail with AMI_NOT_CONNECTED), the LAN pusher stops pushing
 * (events stay in the spool), the tunnel supervisor goes to `stopped` (events
 * stay in the spool). The default strategies never give up.
 */

export type RetryStrategy = (attempt: number, lastError?: Error) => number | null;

export interface BackoffOptions {
  /** First delay before jitter. */
  initialMs?: number;
  /** Ceiling for the un-jittered delay. */
  maxMs?: number;
  factor?: number;
  /** Source of randomness in [0, 1); inject for deterministic tests. */
  random?: () => number;
  /** Give up after this many attempts (default: never). */
  maxAttempts?: number;
}

/**
 * Exponential backoff with "equal jitter": half of the delay is fixed, half
 * random, so a fleet of relays that lost the same PBX or cloud at once does
 * not reconnect in lock-step, yet no retry comes sooner than half the step.
 */
export function exponentialBackoff(options: BackoffOptions = {}): RetryStrategy {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? Infinity;
  return (attempt) => {
    if (attempt > maxAttempts) return null;
    const step = Math.min(max, initial * Math.pow(factor, Math.max(0, attempt - 1)));
    return Math.round(step / 2 + random() * (step / 2));
  };
}

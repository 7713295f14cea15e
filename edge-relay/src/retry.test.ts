import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from './retry.js';

describe('exponential backoff with equal jitter', () => {
  it('doubles from the initial delay up to the ceiling; half of each step is fixed, half random', () => {
    const low = exponentialBackoff({ initialMs: 1000, maxMs: 8000, random: () => 0 });
    const high = exponentialBackoff({ initialMs: 1000, maxMs: 8000, random: () => 0.999999 });
    const attempts = [1, 2, 3, 4, 5, 6];
    expect(attempts.map((n) => low(n))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(attempts.map((n) => high(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('spreads a fleet that lost the cloud at once, never sooner than half the step', () => {
    let x = 0.123;
    const random = () => (x = (x * 9301 + 0.49297) % 1);
    const strategy = exponentialBackoff({ initialMs: 1000, maxMs: 60_000, random });
    const delays = Array.from({ length: 200 }, () => strategy(3)!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });

  it('uses the documented defaults: 500 ms first, 30 s ceiling, factor 2', () => {
    const s = exponentialBackoff({ random: () => 0.999999 });
    expect([1, 2, 7, 8, 50].map((n) => s(n))).toEqual([500, 1000, 30_000, 30_000, 30_000]);
  });

  it('answers null (give up) after maxAttempts, and never without it', () => {
    const limited = exponentialBackoff({ initialMs: 100, maxAttempts: 3, random: () => 0 });
    expect([1, 2, 3, 4, 5].map((n) => limited(n))).toEqual([50, 100, 200, null, null]);
    const unlimited = exponentialBackoff({ random: () => 0 });
    expect(unlimited(1_000_000)).toBe(15_000);
  });
});

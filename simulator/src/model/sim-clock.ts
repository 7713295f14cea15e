/**
 * Simulated time. Scenario delays are written in real Asterisk durations
 * (1.5 s of ringing, 6 s of talk); `timeScale` shrinks the real wait (0.01
 * in tests) while the PBX's own clock runs faster by the same factor. So every
 * time Asterisk reports (CDR Duration, ANSWEREDTIME, TalkTime, Timestamp
 * headers, Uniqueid epochs) stays consistent with the durations the scenario
 * asked for, however fast it runs.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';

export class SimClock implements Clock {
  private readonly base: number;

  constructor(
    private readonly inner: Clock,
    readonly timeScale: number,
  ) {
    if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
    this.base = inner.now();
  }

  now(): number {
    const elapsed = this.inner.now() - this.base;
    return this.base + Math.round(elapsed / this.timeScale);
  }

  /** `ms` is simulated time; the real wait is ms × timeScale. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, Math.max(0, ms * this.timeScale));
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.inner.clearTimeout(handle);
  }

  /** Real milliseconds for a simulated duration (socket-level delays). */
  real(ms: number): number {
    return ms * this.timeScale;
  }
}

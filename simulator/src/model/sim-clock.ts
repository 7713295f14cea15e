/**
 * Simulated time. Scenario delays are written in real Asterisk durations
 * (1.5 s of ringing, 6 s of talk); `timeScale` shrinks the real wait (0.01
 * in tests) while the PBX's own clock runs faster by the same factor, so the
 * times Asterisk reports (CDR Duration, ANSWEREDTIME, TalkTime, Timestamp
 * headers, Uniqueid epochs) fit the durations the scenario asked for.
 *
 * While a scenario runs the clock moves only when a timer fires, to that
 * timer's due time: a 3 s wait then reports exactly 3 s, however late the
 * real timer ran on a busy machine. Once nothing has fired for a moment it
 * follows the (scaled) real clock again, so Ping timestamps and uptimes keep
 * moving; and it never lags the real clock by more than `maxLag`, so a PBX
 * that is always busy (the demo) does not drift away from wall time.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';

/** Real ms without any timer firing after which the clock is considered idle. */
const IDLE_AFTER_MS = 50;

interface SimTimer {
  inner: TimerHandle;
  done: boolean;
}

export class SimClock implements Clock {
  private readonly base: number;
  private virtual: number;
  private pending = 0;
  /** Simulated ms the clock may lag the scaled real clock while timers are pending. */
  private readonly maxLag: number;
  /** Real time the last timer fired; right after a firing the scenario continues from its due time. */
  private lastFireAt = -Infinity;

  /** Real ms without any timer firing after which the clock is considered idle. */
  private readonly idleAfterMs: number;

  /**
   * `steady`: for tests whose reported durations must come out exact on a
   * loaded machine. Timers may run up to 5 s (real) late before the clock is
   * pulled along, and an idle clock catches up with the real one in one step
   * per second at most, so a stall while a call is being set up (before its
   * first timer) does not show as a jump in its duration.
   */
  constructor(
    private readonly inner: Clock,
    readonly timeScale: number,
    private readonly steady = false,
  ) {
    if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
    this.base = inner.now();
    this.virtual = this.base;
    this.maxLag = Math.max(1000, (steady ? 5000 : 250) / timeScale);
    this.idleAfterMs = steady ? 1000 : IDLE_AFTER_MS;
  }

  private scaledReal(): number {
    return this.base + Math.round((this.inner.now() - this.base) / this.timeScale);
  }

  now(): number {
    const real = this.scaledReal();
    const idle = this.pending === 0 && this.inner.now() - this.lastFireAt > this.idleAfterMs;
    this.virtual = Math.max(this.virtual, idle ? real : real - this.maxLag);
    // One step, then hold still until a timer fires or another idle second has passed.
    if (idle && this.steady) this.lastFireAt = this.inner.now();
    return this.virtual;
  }

  /** `ms` is simulated time; the real wait is ms × timeScale. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const due = this.now() + Math.max(0, ms);
    this.pending++;
    const timer: SimTimer = { inner: undefined as unknown as TimerHandle, done: false };
    timer.inner = this.inner.setTimeout(() => {
      if (timer.done) return;
      timer.done = true;
      this.pending--;
      this.lastFireAt = this.inner.now();
      this.virtual = Math.max(this.virtual, due);
      fn();
    }, Math.max(0, ms * this.timeScale));
    return timer as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    const timer = handle as unknown as SimTimer | undefined;
    if (!timer || timer.done) return;
    timer.done = true;
    this.pending--;
    this.inner.clearTimeout(timer.inner);
  }
}

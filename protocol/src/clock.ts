/**
 * Time as a dependency. Everything that waits (reconnect backoff, action
 * deadlines, keepalives, wrap-up timers) takes a Clock so tests can drive time
 * by hand instead of sleeping.
 */

export type TimerHandle = { readonly __timer: unique symbol } | object;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending retry or keepalive must not keep a stopping process alive.
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (h) => {
    if (h) clearTimeout(h as unknown as NodeJS.Timeout);
  },
};

/** A clock that only moves when told to; timers fire in due order. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn });
    return { id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete((handle as unknown as { id: number }).id);
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) if (t.at <= target && t.at < nextAt) ((nextAt = t.at), (nextId = id));
      if (nextId < 0) break;
      const t = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.current = t.at;
      t.fn();
    }
    this.current = target;
  }
}

/**
 * Timers by name on one clock, for a component with a few named waits
 * (retry, keepalive, ...): setting a name again replaces its timer, and
 * clearAll() on stop leaves nothing behind to fire.
 */
export class NamedTimers {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  set(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    this.timers.set(
      name,
      this.clock.setTimeout(() => {
        this.timers.delete(name);
        fn();
      }, ms),
    );
  }

  clear(name: string): void {
    this.clock.clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  has(name: string): boolean {
    return this.timers.has(name);
  }

  clearAll(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * The local cloud's periodic chores (outbox entries left behind, webhook
 * deliveries lost with the in-memory queue): each runs every `everyMs`, one
 * run at a time, a failure logged and tried again next time. On AWS a
 * schedule invokes the sweep function instead.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';

export interface Chore {
  name: string;
  run(): Promise<unknown>;
}

export class Sweeper {
  private timer?: TimerHandle;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly chores: readonly Chore[],
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = this.clock.setTimeout(() => void this.tick(), this.everyMs);
  }

  /** Run every chore now, after the run in progress if there is one. */
  runNow(): Promise<void> {
    this.running = this.running.then(async () => {
      for (const chore of this.chores) {
        try {
          await chore.run();
        } catch (err) {
          this.log.warn(`${chore.name} sweep failed`, { [LogField.error]: err });
        }
      }
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.runNow();
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.tick(), this.everyMs);
  }
}

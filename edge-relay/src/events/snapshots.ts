/**
 * When the relay asks Asterisk for its snapshot (QueueStatus,
 * ExtensionStateList, CoreShowChannels, Status), as a small state machine:
 *
 *   login ──FullyBooted seen──▶ take ──all parts answered──▶ done
 *     │                          │  └─a part failed──▶ retry (backoff, bounded) ─▶ take
 *     └─no FullyBooted within bootWaitMs─▶ take          FullyBooted later ─▶ take again
 *
 * After an Asterisk restart the relay logs in again within a second, before
 * Asterisk has finished booting: QueueStatus then fails ("Invalid/unknown
 * command") and ExtensionStateList has no hints yet. Asterisk says
 * `FullyBooted` at login when it is up, and to every session once it is:
 * a snapshot taken before that is taken again then. A manager user without
 * the `system` class never hears FullyBooted: the snapshot is taken anyway
 * after bootWaitMs. Timers run on the injected clock.
 */

import { NamedTimers, type Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { exponentialBackoff, type RetryStrategy } from '../retry.js';

export interface SnapshotSchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Take one snapshot; resolves with the parts that failed (none: complete). */
  take: () => Promise<string[]>;
  /** How long to wait for FullyBooted after a login before taking the snapshot anyway. */
  bootWaitMs?: number;
  /** Delay before retrying a snapshot with failed parts; null: stop retrying. Default 1 s doubling, 6 attempts. */
  retry?: RetryStrategy;
}

export class SnapshotScheduler {
  private readonly timers: NamedTimers;
  private readonly retry: RetryStrategy;
  private booted = false;
  private session = 0;
  /** The last snapshot of this session was asked before Asterisk said it had booted. */
  private takenBeforeBoot = false;
  private taking = false;
  private again = false;
  private attempt = 0;

  constructor(private readonly opts: SnapshotSchedulerOptions) {
    this.timers = new NamedTimers(opts.clock);
    this.retry = opts.retry ?? exponentialBackoff({ initialMs: 1000, maxMs: 30_000, maxAttempts: 6 });
  }

  /** The AMI session dropped: the next login starts over. */
  disconnected(): void {
    this.booted = false;
    this.session++;
    this.attempt = 0;
    this.timers.clearAll();
  }

  /** Asterisk said FullyBooted (at login, or once it finished booting). */
  fullyBooted(): void {
    const wasBooted = this.booted;
    this.booted = true;
    if (this.timers.has('boot-wait')) {
      this.timers.clear('boot-wait');
      this.run();
    } else if (!wasBooted && this.takenBeforeBoot) {
      this.opts.logger.info('Asterisk has finished booting: taking the snapshot again');
      this.attempt = 0;
      this.run();
    }
  }

  /** Logged in: take the snapshot now if Asterisk already said it is up, else once it does (or after bootWaitMs). */
  ready(): void {
    this.attempt = 0;
    if (this.booted) this.run();
    else this.timers.set('boot-wait', this.opts.bootWaitMs ?? 1000, () => this.run());
  }

  stop(): void {
    this.session++;
    this.timers.clearAll();
  }

  private run(): void {
    this.timers.clear('retry');
    if (this.taking) {
      this.again = true;
      return;
    }
    this.taking = true;
    const session = this.session;
    this.takenBeforeBoot = !this.booted;
    void this.opts
      .take()
      .then(
        (failed) => this.taken(session, failed),
        (err: unknown) => this.taken(session, [String(err)]),
      )
      .finally(() => {
        this.taking = false;
        if (this.again && session === this.session) {
          this.again = false;
          this.run();
        }
      });
  }

  private taken(session: number, failed: string[]): void {
    if (session !== this.session || failed.length === 0) {
      if (failed.length === 0) this.attempt = 0;
      return;
    }
    const delay = this.retry(++this.attempt);
    if (delay === null) {
      this.opts.logger.error('snapshot still incomplete; giving up until the next login', { failed, attempts: this.attempt });
      return;
    }
    this.opts.logger.warn('snapshot incomplete; retrying', { failed, inMs: delay, attempt: this.attempt });
    this.timers.set('retry', delay, () => this.run());
  }
}

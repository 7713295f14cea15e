/**
 * The box's push: POST each event as JSON to `[general] URL`, in order, one
 * at a time. Reads from the spool, so a receiver that is down for an hour
 * loses nothing: the pusher retries the same event with backoff and resumes in
 * order. The body is the box event exactly; the sequence number travels in
 * headers so a receiver can drop a repeat (after a relay crash, an event may be
 * sent again: at-least-once). The user-agent says which relay version sent it
 * (`coocenter-relay/0.1.0`).
 */

import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import { systemClock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { exponentialBackoff, type RetryStrategy } from '../retry.js';
import { RELAY_VERSION } from '../version.js';
import type { Spool, SpoolRecord } from './spool.js';

export const LAN_CONSUMER = 'lan';

export interface LanPushOptions {
  url: string;
  spool: Spool;
  logger: Logger;
  clock?: Clock;
  retryStrategy?: RetryStrategy;
  timeoutMs?: number;
}

/** `failed`: one attempt that the receiver refused or never answered (it is retried). */
export class LanPusher extends EventEmitter<{ failed: [SpoolRecord] }> {
  private readonly clock: Clock;
  private readonly retry: RetryStrategy;
  private readonly log: Logger;
  private running = false;
  private busy = false;
  private failures = 0;
  private timer?: TimerHandle;
  private readonly onDurable = () => this.kick();
  /** Delivered events, for status and tests. */
  delivered = 0;

  constructor(private readonly opts: LanPushOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.retry = opts.retryStrategy ?? exponentialBackoff({ initialMs: 500, maxMs: 30_000 });
    this.log = opts.logger.child({ [LogField.component]: 'lan-push', url: opts.url });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.spool.on('durable', this.onDurable);
    this.kick();
  }

  stop(): void {
    this.running = false;
    this.opts.spool.off('durable', this.onDurable);
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Events not yet accepted by the receiver. */
  get backlog(): number {
    return this.opts.spool.durableSeq - this.opts.spool.cursor(LAN_CONSUMER);
  }

  private kick(): void {
    if (!this.running || this.busy || this.timer) return;
    void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.running) {
        const [record] = this.opts.spool.read(this.opts.spool.cursor(LAN_CONSUMER), 1, LAN_CONSUMER);
        if (!record) return;
        const ok = await this.post(record);
        if (!ok) {
          this.failures++;
          this.emit('failed', record);
          const delay = this.retry(this.failures);
          if (delay === null) {
            this.log.error('event push abandoned; events stay in the spool until the relay restarts', { attempts: this.failures, [LogField.seq]: record.seq });
            this.stop();
            return;
          }
          this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.kick();
          }, delay);
          return;
        }
        if (this.failures > 0) this.log.info('event receiver reachable again', { after: this.failures });
        this.failures = 0;
        this.opts.spool.ack(LAN_CONSUMER, record.seq);
        this.delivered++;
      }
    } finally {
      this.busy = false;
    }
  }

  private async post(record: SpoolRecord): Promise<boolean> {
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: lanHeaders(record),
        body: JSON.stringify(record.event),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return true;
      if (this.failures === 0) this.log.warn('event receiver refused an event; retrying', { status: res.status, [LogField.seq]: record.seq });
      return false;
    } catch (err) {
      if (this.failures === 0) this.log.warn('event receiver unreachable; retrying', { error: err, [LogField.seq]: record.seq });
      return false;
    }
  }
}

/** The box body travels unchanged; what the relay knows about it goes in headers. */
export function lanHeaders(record: SpoolRecord): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    // Who is pushing, so a receiver's logs tell the relay (and its version) from the old box.
    'user-agent': RELAY_VERSION,
    'x-coocenter-seq': String(record.seq),
    'x-coocenter-event': record.event.event,
  };
  if (record.recovered) headers['x-coocenter-recovered'] = '1';
  if (record.partial) headers['x-coocenter-partial'] = '1';
  return headers;
}

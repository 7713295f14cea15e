/**
 * Keeps the relay's tunnel to the cloud up, apart from any one connection
 * (cloudflared-style). State machine:
 *
 *   idle ─start→ connecting ─welcome→ connected ─closed→ waiting ─backoff→ connecting
 *                                        │
 *                          reconnect asked / max age: a second connection is
 *                          dialled; once welcomed it takes over, the old one
 *                          finishes what it was doing and closes (make-before-break)
 *
 * Backoff is exponential with jitter, on an injectable strategy and clock, and
 * resets once a connection has stayed up for a stable period.
 *
 * Events go up from the durable spool: sent in order, trimmed only when the
 * cloud acks them, re-sent after a reconnect (the cloud drops duplicates by
 * seq). Sending pauses while the socket's buffer is full, so a slow link
 * never makes the relay buffer without bound; the AMI side never waits.
 */

import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, type CloudFrame, type EventsFrame, type WelcomeFrame } from '../../../protocol/src/wire/frames.js';
import type { Spool, SpoolRecord } from '../events/spool.js';
import { exponentialBackoff, type RetryStrategy } from '../retry.js';
import type { CommandRunner } from './commands.js';
import { TunnelConnection, TunnelError } from './connection.js';

export const CLOUD_CONSUMER = 'cloud';

/** How long a replaced connection stays open at most: past any command's deadline (the cloud's is under 30 s). */
export const RETIRED_CONNECTION_MS = 30_000;

export type TunnelState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface TunnelSupervisorOptions {
  url: string;
  token: string;
  spool: Spool;
  runner: CommandRunner;
  relayVersion: string;
  amiConnected: () => boolean;
  clock: Clock;
  logger: Logger;
  retryStrategy?: RetryStrategy;
  /** A connection up this long resets the backoff. */
  stableMs?: number;
  /** Reconnect (make-before-break) before API Gateway's 2-hour cut. */
  maxAgeMs?: number;
  /** Pause sending events while this many bytes wait in the socket. */
  highWaterBytes?: number;
  /** Events sent but not yet acked, at most. */
  maxInFlight?: number;
  /** Re-send from the last ack when acks stall this long. */
  ackTimeoutMs?: number;
}

export class TunnelSupervisor extends EventEmitter<{ state: [TunnelState]; welcome: [WelcomeFrame] }> {
  private _state: TunnelState = 'idle';
  private active?: TunnelConnection;
  private dialing?: TunnelConnection;
  private readonly retiring = new Set<TunnelConnection>();
  private attempt = 0;
  private timers = new Map<string, TimerHandle>();
  private sentSeq = 0;
  private lastAckAt = 0;
  private readonly log: Logger;
  private readonly retry: RetryStrategy;
  siteId?: string;

  constructor(private readonly opts: TunnelSupervisorOptions) {
    super();
    this.log = opts.logger.child({ component: 'tunnel' });
    this.retry = opts.retryStrategy ?? exponentialBackoff({ initialMs: 1000, maxMs: 60_000 });
    opts.spool.on('durable', () => this.pump());
  }

  get state(): TunnelState {
    return this._state;
  }

  get connected(): boolean {
    return this.active?.ready ?? false;
  }

  start(): void {
    if (this._state !== 'idle') return;
    this.dial();
  }

  stop(): void {
    this.setState('stopped');
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    for (const c of [this.active, this.dialing, ...this.retiring]) c?.close(1000, 'relay stopping');
  }

  /** Tell the cloud the AMI session went up or down. */
  amiChanged(connected: boolean): void {
    this.active?.send({ t: 'status', amiConnected: connected });
  }

  /** Open a second connection and switch to it once it is welcomed. */
  reconnect(reason: string): void {
    if (this._state === 'stopped' || this.dialing) return;
    this.log.info('opening a fresh tunnel connection (make-before-break)', { reason });
    this.dial();
  }

  // ── connection life ────────────────────────────────────────────────────

  private setState(s: TunnelState): void {
    if (this._state === s || this._state === 'stopped') return;
    this._state = s;
    this.emit('state', s);
  }

  private timer(name: string, ms: number, fn: () => void): void {
    this.opts.clock.clearTimeout(this.timers.get(name));
    this.timers.set(
      name,
      this.opts.clock.setTimeout(() => {
        this.timers.delete(name);
        fn();
      }, ms),
    );
  }

  private dial(): void {
    if (!this.active) this.setState('connecting');
    const conn = new TunnelConnection({
      url: this.opts.url,
      token: this.opts.token,
      clock: this.opts.clock,
      logger: this.opts.logger,
      hello: () => ({ t: 'hello', v: PROTOCOL_VERSION, relay: this.opts.relayVersion, amiConnected: this.opts.amiConnected(), lastSeq: this.opts.spool.seq }),
    });
    this.dialing = conn;
    conn.on('welcome', (w) => this.promote(conn, w));
    conn.on('frame', (f) => this.onFrame(conn, f));
    conn.on('closed', (err) => this.onClosed(conn, err));
    conn.open();
  }

  private promote(conn: TunnelConnection, welcome: WelcomeFrame): void {
    if (this.dialing === conn) this.dialing = undefined;
    const previous = this.active;
    this.active = conn;
    if (previous) {
      // The old connection answers what it already received, then goes. The
      // cloud closes it itself once its commands are answered (both the local
      // hub and API Gateway's side); until then it may still send commands on
      // it (it learns of the switch from our welcome), so we only give up on it
      // after the longest a command can wait.
      this.retiring.add(previous);
      this.opts.clock.setTimeout(() => previous.close(1000, 'replaced by a newer connection'), RETIRED_CONNECTION_MS);
    }
    this.siteId = welcome.siteId;
    const spool = this.opts.spool;
    if (welcome.ackedSeq > spool.seq) {
      this.log.error('the cloud has more events for this site than this relay ever numbered: was the data directory reset?', {
        cloudSeq: welcome.ackedSeq,
        relaySeq: spool.seq,
      });
    }
    // What the cloud already stored need not be sent again.
    if (welcome.ackedSeq > spool.cursor(CLOUD_CONSUMER)) spool.ack(CLOUD_CONSUMER, Math.min(welcome.ackedSeq, spool.seq));
    this.sentSeq = spool.cursor(CLOUD_CONSUMER);
    this.lastAckAt = this.opts.clock.now();
    this.setState('connected');
    this.log.info('tunnel up', { siteId: welcome.siteId, ackedSeq: welcome.ackedSeq, backlog: spool.durableSeq - this.sentSeq });
    this.emit('welcome', welcome);
    this.timer('stable', this.opts.stableMs ?? 60_000, () => (this.attempt = 0));
    this.timer('max-age', this.opts.maxAgeMs ?? 110 * 60_000, () => this.reconnect('connection age limit'));
    this.pump();
  }

  private onFrame(conn: TunnelConnection, frame: CloudFrame): void {
    switch (frame.t) {
      case 'command':
        void this.opts.runner.handle(frame, (f) => conn.send(f));
        return;
      case 'ack':
        this.onAck(frame.seq);
        return;
      case 'reconnect':
        this.reconnect(frame.reason);
        return;
      case 'error':
        this.log.warn('cloud reported an error', { code: frame.code, message: frame.message });
        return;
      default:
        return;
    }
  }

  private onClosed(conn: TunnelConnection, err: TunnelError): void {
    this.retiring.delete(conn);
    if (this.dialing === conn) this.dialing = undefined;
    if (this._state === 'stopped') return;
    const log = err.recoverable ? this.log.warn.bind(this.log) : this.log.error.bind(this.log);
    if (conn === this.active) {
      this.active = undefined;
      log('tunnel down', { error: err });
    } else if (err.code !== 'CLOSED' && err.code !== 'REPLACED') {
      log('tunnel connection failed', { error: err });
    }
    if (!this.active && !this.dialing) this.scheduleRetry(err);
  }

  private scheduleRetry(err: TunnelError): void {
    this.attempt++;
    this.opts.clock.clearTimeout(this.timers.get('stable'));
    const base = this.retry(this.attempt, err) ?? 60_000;
    // Wrong token or protocol: an operator must act; keep trying, but slowly.
    const delay = err.recoverable ? base : Math.max(base, 60_000);
    this.setState('waiting');
    this.timer('retry', delay, () => this.dial());
  }

  // ── events up ──────────────────────────────────────────────────────────

  private onAck(seq: number): void {
    const spool = this.opts.spool;
    const upTo = Math.min(seq, spool.seq);
    if (upTo > spool.cursor(CLOUD_CONSUMER)) {
      spool.ack(CLOUD_CONSUMER, upTo);
      this.lastAckAt = this.opts.clock.now();
    }
    this.pump();
  }

  /** Send what the spool holds, as far as backpressure allows. */
  private pump(): void {
    const conn = this.active;
    if (!conn?.ready) return;
    const spool = this.opts.spool;
    const clock = this.opts.clock;
    const maxInFlight = this.opts.maxInFlight ?? 5_000;
    const highWater = this.opts.highWaterBytes ?? 512 * 1024;
    if (this.sentSeq < spool.cursor(CLOUD_CONSUMER)) this.sentSeq = spool.cursor(CLOUD_CONSUMER);
    for (;;) {
      if (conn.bufferedAmount > highWater) {
        this.timer('pump', 20, () => this.pump());
        return;
      }
      if (this.sentSeq - spool.cursor(CLOUD_CONSUMER) >= maxInFlight) break;
      const records = spool.read(this.sentSeq, 500);
      if (records.length === 0) break;
      const batch = packBatch(records);
      // BoxEvent interfaces lack an index signature; the wire schema is loose on purpose.
      if (!conn.send({ t: 'events', events: batch as unknown as EventsFrame['events'] })) return;
      this.sentSeq = batch[batch.length - 1].seq;
    }
    // Acks stalled (a frame lost with a dying connection): send again from the last ack.
    if (this.sentSeq > spool.cursor(CLOUD_CONSUMER)) {
      this.timer('ack-timeout', this.opts.ackTimeoutMs ?? 30_000, () => {
        if (clock.now() - this.lastAckAt >= (this.opts.ackTimeoutMs ?? 30_000) && this.sentSeq > spool.cursor(CLOUD_CONSUMER)) {
          this.log.warn('acks stalled; re-sending from the last ack', { acked: spool.cursor(CLOUD_CONSUMER), sent: this.sentSeq });
          this.sentSeq = spool.cursor(CLOUD_CONSUMER);
          this.pump();
        }
      });
    }
  }
}

/** As many records as fit one frame (at least one). */
export function packBatch(records: SpoolRecord[]): SpoolRecord[] {
  const budget = MAX_FRAME_BYTES - 512;
  let size = 32;
  const out: SpoolRecord[] = [];
  for (const r of records) {
    const len = Buffer.byteLength(JSON.stringify(r)) + 1;
    if (out.length > 0 && size + len > budget) break;
    out.push(r);
    size += len;
  }
  return out;
}

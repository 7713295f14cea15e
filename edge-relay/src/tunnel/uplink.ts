/**
 * Events up the tunnel: from the durable spool to the cloud, on whichever
 * connection the supervisor has made active. Sent in order, trimmed only when
 * the cloud acks them, re-sent from the last ack after a reconnect or when
 * acks stall (the cloud drops duplicates by seq). Sending pauses while the
 * socket's buffer is full, so a slow link never makes the relay buffer
 * without bound; the AMI side never waits.
 */

import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import { NamedTimers, type Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { MAX_FRAME_BYTES, type EventsFrame } from '../../../protocol/src/wire/frames.js';
import type { Spool, SpoolRecord } from '../events/spool.js';

/** The spool consumer whose cursor is the cloud's ack. */
export const CLOUD_CONSUMER = 'cloud';

/** What the uplink needs of the connection it sends on. */
export interface UplinkConnection {
  readonly ready: boolean;
  /** Bytes waiting in the socket. */
  readonly bufferedAmount: number;
  /** False when the frame could not be sent. */
  send(frame: EventsFrame): boolean;
}

export interface UplinkOptions {
  spool: Spool;
  clock: Clock;
  logger: Logger;
  /** Pause sending events while this many bytes wait in the socket. */
  highWaterBytes?: number;
  /** Events sent but not yet acked, at most. */
  maxInFlight?: number;
  /** Re-send from the last ack when acks stall this long. */
  ackTimeoutMs?: number;
}

/** How often a paused uplink looks at the socket's buffer again. */
const BACKPRESSURE_RETRY_MS = 20;
/** Records read from the spool per frame, at most (packBatch may take fewer). */
const READ_RECORDS = 500;

export class Uplink {
  private conn?: UplinkConnection;
  /** Highest seq sent on the current connection. */
  private sentSeq = 0;
  private lastAckAt = 0;
  private readonly timers: NamedTimers;
  private readonly log: Logger;
  private readonly spool: Spool;
  private readonly onDurable = () => this.pump();

  constructor(private readonly opts: UplinkOptions) {
    this.spool = opts.spool;
    this.log = opts.logger.child({ [LogField.component]: 'tunnel' });
    this.timers = new NamedTimers(opts.clock);
    this.spool.on('durable', this.onDurable);
  }

  /** Highest seq the relay has numbered (the hello tells the cloud). */
  get lastSeq(): number {
    return this.spool.seq;
  }

  /** Highest seq the cloud has stored, as far as the relay knows (it never sends one at or below). */
  get ackedSeq(): number {
    return this.spool.cursor(CLOUD_CONSUMER);
  }

  /**
   * The cloud already holds seqs up to `mark` for this site (the relay's data
   * directory was wiped or restored): number what is not yet delivered above it.
   */
  renumberAbove(mark: number): number {
    const shift = this.spool.renumberAbove(CLOUD_CONSUMER, mark);
    if (shift > 0) {
      this.log.error('the cloud holds more events for this site than this relay has numbered (data directory wiped or restored?): undelivered events renumbered above its mark', {
        mark,
        shift,
        lastSeq: this.spool.seq,
      });
    }
    this.sentSeq = this.spool.cursor(CLOUD_CONSUMER);
    return shift;
  }

  /** Durable events the cloud has not acked yet. */
  get backlog(): number {
    return this.spool.durableSeq - this.spool.cursor(CLOUD_CONSUMER);
  }

  /** Send on `conn` from now on; the cloud said it has stored everything up to `ackedSeq`. */
  attach(conn: UplinkConnection, ackedSeq: number): void {
    this.conn = conn;
    const spool = this.spool;
    // A cloud that did not say seq-regression before welcoming us: never ack (and drop) what it does not have.
    if (ackedSeq > spool.seq) this.renumberAbove(ackedSeq);
    // What the cloud already stored need not be sent again.
    if (ackedSeq > spool.cursor(CLOUD_CONSUMER)) spool.ack(CLOUD_CONSUMER, Math.min(ackedSeq, spool.seq));
    this.sentSeq = spool.cursor(CLOUD_CONSUMER);
    this.lastAckAt = this.opts.clock.now();
    this.pump();
  }

  /** `conn` is gone; wait for the next attach. */
  detach(conn: UplinkConnection): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.timers.clearAll();
  }

  /** The cloud has stored every event up to `seq` (on any connection, old or new). */
  ack(seq: number): void {
    const spool = this.spool;
    const upTo = Math.min(seq, spool.seq);
    if (upTo > spool.cursor(CLOUD_CONSUMER)) {
      spool.ack(CLOUD_CONSUMER, upTo);
      this.lastAckAt = this.opts.clock.now();
    }
    this.pump();
  }

  stop(): void {
    this.spool.off('durable', this.onDurable);
    this.timers.clearAll();
    this.conn = undefined;
  }

  /** Send what the spool holds, as far as backpressure allows. */
  private pump(): void {
    const conn = this.conn;
    if (!conn?.ready) return;
    const spool = this.spool;
    const maxInFlight = this.opts.maxInFlight ?? 5_000;
    const highWater = this.opts.highWaterBytes ?? 512 * 1024;
    if (this.sentSeq < spool.cursor(CLOUD_CONSUMER)) this.sentSeq = spool.cursor(CLOUD_CONSUMER);
    for (;;) {
      if (conn.bufferedAmount > highWater) {
        this.timers.set('pump', BACKPRESSURE_RETRY_MS, () => this.pump());
        return;
      }
      if (this.sentSeq - spool.cursor(CLOUD_CONSUMER) >= maxInFlight) break;
      const records = spool.read(this.sentSeq, READ_RECORDS, CLOUD_CONSUMER);
      if (records.length === 0) break;
      const batch = packBatch(records);
      // BoxEvent interfaces lack an index signature; the wire schema is loose on purpose.
      if (!conn.send({ t: 'events', events: batch as unknown as EventsFrame['events'] })) return;
      this.sentSeq = batch[batch.length - 1].seq;
      hopMarks?.mark('relay.sent', seqsOf(batch));
    }
    if (this.sentSeq > spool.cursor(CLOUD_CONSUMER)) this.watchAcks();
  }

  /** Acks stalled (a frame lost with a dying connection): send again from the last ack. */
  private watchAcks(): void {
    const ackTimeoutMs = this.opts.ackTimeoutMs ?? 30_000;
    this.timers.set('ack-timeout', ackTimeoutMs, () => {
      const acked = this.spool.cursor(CLOUD_CONSUMER);
      if (this.opts.clock.now() - this.lastAckAt < ackTimeoutMs || this.sentSeq <= acked) return;
      this.log.warn('acks stalled; re-sending from the last ack', { acked, sent: this.sentSeq });
      this.sentSeq = acked;
      this.pump();
    });
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

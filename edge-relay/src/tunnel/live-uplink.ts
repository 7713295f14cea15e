/**
 * The site's live state up the tunnel: a full snapshot when a connection is
 * welcomed by a cloud that accepts `live-state`, after each AMI login's
 * snapshot, and when the cloud asks (`state-sync`); in between, the tracker's
 * changes batched (at most one frame batch per `batchMs`).
 *
 * State is not events: nothing is spooled or re-sent. Frames are numbered per
 * connection (`ver`), so the cloud sees a lost or reordered frame as a jump
 * and asks for a snapshot. Bounded: changes that pile up while no cloud
 * listens are dropped (the next connection starts with a snapshot), a batch
 * larger than `maxBatch` becomes a snapshot, and while events fill the
 * socket's buffer state waits (events first), then goes whole.
 */

import { NamedTimers, type Clock } from '../../../protocol/src/clock.js';
import { liveStateAsChanges } from '../../../protocol/src/live/reduce.js';
import type { LiveChange, LiveState } from '../../../protocol/src/live/state.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { MAX_FRAME_BYTES, type StateFrame } from '../../../protocol/src/wire/frames.js';

/** What the uplink needs of the live state (edge-relay/src/live/tracker.ts). */
export interface LiveSource {
  readonly pendingChanges: number;
  /** The state has been rebuilt from Asterisk's lists at least once: before, a snapshot is sent as partial (the cloud shows it as syncing). */
  readonly complete: boolean;
  take(): LiveChange[];
  discardPending(): void;
  state(): LiveState;
}

export interface LiveConnection {
  readonly id: string;
  readonly bufferedAmount: number;
  send(frame: StateFrame): boolean;
}

export interface LiveUplinkOptions {
  source: LiveSource;
  clock: Clock;
  logger: Logger;
  batchMs?: number;
  /** More changes than this in one batch: a snapshot instead. */
  maxBatch?: number;
  /** State waits while this many bytes wait in the socket (events go first). */
  highWaterBytes?: number;
}

/** Room for the frame's own fields around its changes. */
const FRAME_BUDGET = MAX_FRAME_BYTES - 512;

export class LiveUplink {
  private conn?: LiveConnection;
  private ver = 0;
  private needFull = false;
  private readonly timers: NamedTimers;
  private readonly log: Logger;
  /** Frames and changes sent, for the status endpoint and tests. */
  readonly sent = { frames: 0, changes: 0, snapshots: 0 };

  constructor(private readonly opts: LiveUplinkOptions) {
    this.timers = new NamedTimers(opts.clock);
    this.log = opts.logger.child({ [LogField.component]: 'live' });
  }

  /** A connection was welcomed by a cloud that takes live state: start it with a snapshot. */
  attach(conn: LiveConnection): void {
    this.conn = conn;
    this.ver = 0;
    this.full('connected');
  }

  detach(conn: LiveConnection): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.timers.clearAll();
    this.opts.source.discardPending();
  }

  stop(): void {
    this.conn = undefined;
    this.timers.clearAll();
  }

  /** The tracker changed: send within batchMs. */
  changed(): void {
    if (!this.conn) {
      // Nobody listens: the next connection starts with a snapshot anyway.
      this.opts.source.discardPending();
      return;
    }
    if (!this.timers.has('batch')) this.timers.set('batch', this.opts.batchMs ?? 100, () => this.flush());
  }

  /** Send the whole state now (after an AMI login's snapshot, or when the cloud asks). */
  full(reason: string): void {
    this.timers.clear('batch');
    this.opts.source.discardPending();
    if (!this.conn) return;
    if (this.conn.bufferedAmount > (this.opts.highWaterBytes ?? 1 << 20)) {
      this.needFull = true;
      this.timers.set('batch', this.opts.batchMs ?? 100, () => this.flush());
      return;
    }
    this.needFull = false;
    const at = this.opts.clock.now();
    const frames = this.frames(liveStateAsChanges(this.opts.source.state()), at, true);
    this.sent.snapshots++;
    this.log.debug('live state snapshot sent', { reason, frames: frames.length, [LogField.connectionId]: this.conn.id });
    for (const f of frames) if (!this.send(f)) return;
  }

  private flush(): void {
    const conn = this.conn;
    if (!conn) return;
    if (this.needFull || this.opts.source.pendingChanges > (this.opts.maxBatch ?? 2000)) return this.full('batch too large or held back');
    if (conn.bufferedAmount > (this.opts.highWaterBytes ?? 1 << 20)) {
      this.opts.source.discardPending();
      this.needFull = true;
      this.timers.set('batch', this.opts.batchMs ?? 100, () => this.flush());
      return;
    }
    const changes = this.opts.source.take();
    if (changes.length === 0) return;
    for (const f of this.frames(changes, this.opts.clock.now(), false)) if (!this.send(f)) return;
  }

  private send(frame: StateFrame): boolean {
    const ok = this.conn?.send(frame) ?? false;
    if (ok) {
      this.sent.frames++;
      this.sent.changes += frame.changes.length;
    }
    return ok;
  }

  /** Changes in frames under the size limit, numbered; a snapshot's first frame resets, all but its last are partial (all of them while the state is not complete). */
  private frames(changes: LiveChange[], at: number, reset: boolean): StateFrame[] {
    const groups: LiveChange[][] = [[]];
    let size = 0;
    for (const c of changes) {
      const n = Buffer.byteLength(JSON.stringify(c)) + 1;
      if (size + n > FRAME_BUDGET && groups[groups.length - 1].length > 0) {
        groups.push([]);
        size = 0;
      }
      groups[groups.length - 1].push(c);
      size += n;
    }
    return groups.map((g, i) => ({
      t: 'state',
      ver: ++this.ver,
      at,
      ...(reset && i === 0 ? { reset: true as const } : {}),
      // Until Asterisk's lists came back, deltas too: the cloud keeps showing the state as syncing.
      ...((reset && i < groups.length - 1) || !this.opts.source.complete ? { partial: true as const } : {}),
      changes: g,
    }));
  }
}

/**
 * AMI events → mapper → spool, plus what the mapper asks for besides events:
 * after-call work (the wrap-up runner), the talk-time race's wait, a
 * QueueStatus for a queue it never saw, and after every login a snapshot
 * (snapshots.ts decides when) and, when the relay can read Asterisk's own
 * records, the backfill of what it missed while it was not listening. Every
 * result goes through publish(), so the spool commits each batch of events
 * with the state that produced it. The AMI reader is never held up: mapping
 * is synchronous and cheap, disk and file reads happen in the background.
 */

import { NamedTimers, type Clock, type TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { AmiClient, AmiReply } from '../ami/client.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { MapperCommand, WrapupCommand } from './context.js';
import { AWAIT_COMPLETE_MS } from './endings.js';
import type { EventMapper, MapResult } from './mapper.js';
import { SnapshotScheduler } from './snapshots.js';
import type { Spool } from './spool.js';
import { WrapupRunner } from './wrapup-runner.js';

/** The relay was not listening from `fromSec` (the last message it mapped; undefined: it has no saved state) to `toSec` (PBX time). */
export interface BlindWindow {
  fromSec?: number;
  toSec: number;
  /** Channels that ended meanwhile, to close from Asterisk's records. */
  gone: string[];
}

/** Reads Asterisk's own records for what the relay missed (recovery/backfill.ts). */
export interface Backfill {
  /** A blind window begins at this second (the last message mapped): keep the records from there until it is processed. */
  blind(fromSec: number | undefined): void;
  process(window: BlindWindow): void;
}

export interface PipelineOptions {
  ami: AmiClient;
  mapper: EventMapper;
  spool: Spool;
  /** Where pending unpauses are kept across restarts. */
  wrapupsFile: string;
  clock: Clock;
  logger: Logger;
  backfill?: Backfill;
  tickMs?: number;
  /** How long to wait for FullyBooted after a login (see snapshots.ts). */
  bootWaitMs?: number;
}

export class EventPipeline {
  private tickTimer?: TimerHandle;
  private readonly log: Logger;
  private readonly wrapups: WrapupRunner;
  private readonly snapshots: SnapshotScheduler;
  private readonly timers: NamedTimers;
  private stopped = false;
  /**
   * Set at each login until a snapshot has told which channels are still up.
   * It ends when the relay heard Asterisk again: the PBX's time of the first
   * stamped event after the login (the relay's own clock until one comes).
   */
  private window?: { fromSec?: number; toSec: number; heard?: true };
  /** The last message the relay mapped before it stopped listening (restored with the state; undefined: none saved). */
  private blindSince?: number;

  constructor(private readonly opts: PipelineOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'events' });
    const { ami, mapper, clock, logger } = opts;
    this.timers = new NamedTimers(clock);
    this.wrapups = new WrapupRunner({ ami, mapper, file: opts.wrapupsFile, clock, logger, publish: this.publish });
    this.snapshots = new SnapshotScheduler({ clock, logger: this.log, take: () => this.snapshot(), bootWaitMs: opts.bootWaitMs });
  }

  /** Pick up the wrap-ups a previous run left, then follow AMI. */
  start(): void {
    this.blindSince = this.opts.mapper.ctx.clockBase?.sec;
    this.opts.backfill?.blind(this.blindSince);
    // A cc_cdr waiting for its AgentComplete when the last run stopped waits again (timers are not saved): it goes out partial if none comes.
    for (const uniqueid of this.opts.mapper.ctx.cc.awaiting.keys()) this.command({ kind: 'await-complete', uniqueid, delayMs: AWAIT_COMPLETE_MS });
    this.wrapups.restore();
    this.opts.ami.on('event', this.onEvent);
    this.opts.ami.on('ready', this.onReady);
    this.opts.ami.on('disconnected', this.onDisconnected);
    this.scheduleTick();
  }

  stop(): void {
    this.stopped = true;
    this.opts.ami.off('event', this.onEvent);
    this.opts.ami.off('ready', this.onReady);
    this.opts.ami.off('disconnected', this.onDisconnected);
    this.opts.clock.clearTimeout(this.tickTimer);
    this.timers.clearAll();
    this.snapshots.stop();
    this.wrapups.stop();
  }

  readonly publish = (result: MapResult): void => {
    if (result.events.length > 0) this.opts.spool.append(result.events, result.calls, result.marks);
    else this.opts.spool.commit();
    const wrapup: WrapupCommand[] = [];
    for (const c of result.commands) {
      if (c.kind === 'pause' || c.kind === 'schedule-unpause' || c.kind === 'cancel-unpause') wrapup.push(c);
      else this.command(c);
    }
    this.wrapups.handle(wrapup);
  };

  private command(c: Exclude<MapperCommand, WrapupCommand>): void {
    const { mapper, clock } = this.opts;
    switch (c.kind) {
      case 'await-complete':
        this.timers.set(`complete:${c.uniqueid}`, c.delayMs, () => this.publish(mapper.completeTimeout(c.uniqueid, clock.now())));
        return;
      case 'queue-status':
        void this.askQueue(c.queue);
        return;
      case 'gone':
        // Only asked for when records are configured (closeGoneFromRecords); the window carries them.
        if (this.opts.backfill) this.opts.backfill.process({ ...this.takeWindow(), gone: c.uniqueids });
        else for (const id of c.uniqueids) this.publish(mapper.closeGone(id, {}, clock.now()));
        return;
    }
  }

  private takeWindow(): { fromSec?: number; toSec: number } {
    const w = this.window ?? { toSec: this.opts.mapper.timeAt(this.opts.clock.now()).sec };
    this.window = undefined;
    return { fromSec: w.fromSec, toSec: w.toSec };
  }

  private async askQueue(queue: string): Promise<void> {
    const requestedAt = this.opts.mapper.messages;
    try {
      const reply = await this.opts.ami.action('QueueStatus', { Queue: queue }, { timeoutMs: 15_000 });
      this.opts.mapper.queueStatus(queue, reply.events, requestedAt);
      this.opts.spool.commit();
      this.log.info('asked Asterisk about a queue it had not listed before', { queue, members: reply.events.filter((e) => e.event === 'QueueMember').length });
    } catch (err) {
      this.log.warn('QueueStatus for a new queue failed', { queue, error: err });
    }
  }

  private readonly onEvent = (msg: AmiMessage): void => {
    if (msg.event === 'FullyBooted' && !msg.has('ActionID')) this.snapshots.fullyBooted();
    try {
      this.publish(this.opts.mapper.map(msg, this.opts.clock.now()));
      if (this.window && !this.window.heard && msg.has('Timestamp')) this.window = { ...this.window, toSec: this.opts.mapper.ctx.time.sec, heard: true };
    } catch (err) {
      // One odd message must not stop the stream.
      this.log.error('mapping failed for one AMI message', { error: err, event: msg.event });
    }
  };

  private readonly onReady = (): void => {
    // Everything since the last message mapped (before the drop, or before the restart) went unseen.
    const { mapper, clock } = this.opts;
    this.window = { fromSec: this.blindSince, toSec: mapper.timeAt(clock.now()).sec };
    this.wrapups.onAmiReady();
    this.snapshots.ready();
  };

  private readonly onDisconnected = (): void => {
    this.blindSince = this.opts.mapper.ctx.clockBase?.sec;
    this.opts.backfill?.blind(this.blindSince);
    this.snapshots.disconnected();
  };

  /** Ask for queues, hints, channels and channel status, and let the mapper reconcile; returns the parts that failed. */
  async snapshot(): Promise<string[]> {
    const { ami, mapper, clock } = this.opts;
    const requestedAtMessage = mapper.messages;
    const ask = (action: string) => ami.action(action, {}, { timeoutMs: 15_000 });
    const parts = ['QueueStatus', 'ExtensionStateList', 'CoreShowChannels', 'Status'] as const;
    const answers = await Promise.allSettled(parts.map(ask));
    const failed: string[] = [];
    const items = (i: number) => {
      const r = answers[i] as PromiseSettledResult<AmiReply>;
      if (r.status === 'fulfilled') return r.value.events;
      failed.push(parts[i]);
      this.log.warn('snapshot part failed', { action: parts[i], error: r.reason });
      return undefined;
    };
    const snap = { queues: items(0), hints: items(1), channels: items(2), status: items(3), requestedAtMessage };
    if (this.stopped) return [];
    const afterGap = this.window !== undefined && snap.channels !== undefined;
    const result = mapper.snapshot(snap, clock.now(), afterGap);
    // The window ends with the first snapshot that listed the channels; a `gone` command takes it along.
    const goneCommand = result.commands.some((c) => c.kind === 'gone');
    this.publish(result);
    if (afterGap && !goneCommand && this.window) this.opts.backfill?.process({ ...this.takeWindow(), gone: [] });
    this.log.info('snapshot applied', { queues: snap.queues?.length, hints: snap.hints?.length, channels: snap.channels?.length, afterGap });
    return failed;
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.tickTimer = this.opts.clock.setTimeout(() => {
      this.publish(this.opts.mapper.tick(this.opts.clock.now()));
      this.scheduleTick();
    }, this.opts.tickMs ?? 5_000);
  }
}

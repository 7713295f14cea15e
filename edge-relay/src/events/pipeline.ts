/**
 * AMI events → mapper → spool, plus the snapshot after every (re)login and a
 * periodic tick. What the mapper asks for besides events (after-call work)
 * goes to the wrap-up runner, whose finished records come back through the
 * same publish(). The AMI reader is never held up: mapping is synchronous and
 * cheap, the spool writes in the background.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { AmiClient, AmiReply } from '../ami/client.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { EventMapper, MapResult } from './mapper.js';
import type { Spool } from './spool.js';
import { WrapupRunner } from './wrapup-runner.js';

export interface PipelineOptions {
  ami: AmiClient;
  mapper: EventMapper;
  spool: Spool;
  /** Where pending wrap-ups are kept across restarts. */
  wrapupsFile: string;
  clock: Clock;
  logger: Logger;
  tickMs?: number;
}

export class EventPipeline {
  private tickTimer?: TimerHandle;
  private readonly log: Logger;
  private readonly wrapups: WrapupRunner;
  private stopped = false;

  constructor(private readonly opts: PipelineOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'events' });
    const { ami, mapper, clock, logger } = opts;
    this.wrapups = new WrapupRunner({ ami, mapper, file: opts.wrapupsFile, clock, logger, publish: this.publish });
  }

  /** Pick up the wrap-ups a previous run left, then follow AMI. */
  start(): void {
    this.wrapups.restore();
    this.opts.ami.on('event', this.onEvent);
    this.opts.ami.on('ready', this.onReady);
    this.scheduleTick();
  }

  stop(): void {
    this.stopped = true;
    this.opts.ami.off('event', this.onEvent);
    this.opts.ami.off('ready', this.onReady);
    this.opts.clock.clearTimeout(this.tickTimer);
    this.wrapups.stop();
  }

  readonly publish = (result: MapResult): void => {
    if (result.events.length > 0) this.opts.spool.append(result.events, result.calls);
    this.wrapups.handle(result.commands);
  };

  private readonly onEvent = (msg: AmiMessage): void => {
    try {
      this.publish(this.opts.mapper.map(msg, this.opts.clock.now()));
    } catch (err) {
      // One odd message must not stop the stream.
      this.log.error('mapping failed for one AMI message', { error: err, event: msg.event });
    }
  };

  private readonly onReady = (): void => {
    this.wrapups.onAmiReady();
    void this.snapshot();
  };

  /** Ask for queues, hints and channels, and let the mapper reconcile. */
  async snapshot(): Promise<void> {
    const requestedAtMessage = this.opts.mapper.messages;
    const ask = (action: string) => this.opts.ami.action(action, {}, { timeoutMs: 15_000 });
    const [queues, hints, channels] = await Promise.allSettled([ask('QueueStatus'), ask('ExtensionStateList'), ask('CoreShowChannels')]);
    const items = (r: PromiseSettledResult<AmiReply>, what: string) => {
      if (r.status === 'fulfilled') return r.value.events;
      this.log.warn('snapshot part failed', { action: what, error: r.reason });
      return undefined;
    };
    const snap = {
      queues: items(queues, 'QueueStatus'),
      hints: items(hints, 'ExtensionStateList'),
      channels: items(channels, 'CoreShowChannels'),
      requestedAtMessage,
    };
    this.publish(this.opts.mapper.snapshot(snap, this.opts.clock.now()));
    this.log.info('snapshot applied', { queues: snap.queues?.length, hints: snap.hints?.length, channels: snap.channels?.length });
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.tickTimer = this.opts.clock.setTimeout(() => {
      this.publish(this.opts.mapper.tick(this.opts.clock.now()));
      this.scheduleTick();
    }, this.opts.tickMs ?? 5_000);
  }
}

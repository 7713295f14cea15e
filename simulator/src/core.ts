/**
 * The PBX behind the AMI: model, simulated clock, scenario runtime. Actions
 * and the public API both drive calls through here, so every call, whatever
 * started it, is tracked and can be aborted on close or restart.
 */

import type { Clock } from '../../protocol/src/clock.js';
import type { Logger } from '../../protocol/src/log.js';
import type { Channel } from './model/channel.js';
import type { PhoneConfig, Tech } from './model/lab.js';
import { Pbx } from './model/pbx.js';
import { AsteriskRecords, type AsteriskRecordsOptions } from './records/asterisk-records.js';
import { SimClock } from './model/sim-clock.js';
import { ScenarioContext, type CallResult } from './scenarios/context.js';
import { originate, type OriginateRequest, type OriginateRun } from './scenarios/originate.js';
import type { Place } from './scenarios/talk.js';
import { Runtime, SimulatorClosedError } from './scenarios/runtime.js';

export interface CoreOptions {
  tech: Tech;
  clock: Clock;
  timeScale: number;
  logger: Logger;
  monitorDir: string | undefined;
  /** Talk time of calls started through the AMI (Originate); Infinity: until hung up. */
  amiCallTalkMs: number;
  phones?: Record<string, Partial<PhoneConfig>>;
  /** Where Master.csv and queue_log go; unset: not written. */
  records?: AsteriskRecordsOptions;
  /** See SimClock: durations exact on a loaded machine. */
  steadyClock?: boolean;
}

export class SimulatorRestartedError extends Error {
  readonly code = 'SIM_RESTARTED';
  constructor() {
    super('PBX simulator restarted while a scenario was running');
    this.name = 'SimulatorRestartedError';
  }
}

export class SimulatorCore {
  readonly clock: SimClock;
  readonly pbx: Pbx;
  rt: Runtime;
  ctx: ScenarioContext;
  private readonly running = new Set<Promise<unknown>>();

  constructor(readonly options: CoreOptions) {
    this.clock = new SimClock(options.clock, options.timeScale, options.steadyClock);
    const records = new AsteriskRecords(options.records ?? {}, this.clock, options.logger);
    this.pbx = new Pbx({ tech: options.tech, clock: this.clock, monitorDir: options.monitorDir ?? '', phones: options.phones, records });
    this.rt = new Runtime(this.clock);
    this.ctx = new ScenarioContext(this.pbx, this.rt, options.logger, options.monitorDir);
  }

  get tech(): Tech {
    return this.pbx.tech;
  }

  /** Keep track of a scenario so close/restart can account for it; its failure is logged, not lost. */
  track<T>(p: Promise<T>, what: string): Promise<T> {
    this.running.add(p);
    p.then(
      () => this.running.delete(p),
      (err: unknown) => {
        this.running.delete(p);
        if (!(err instanceof SimulatorClosedError) && !(err instanceof SimulatorRestartedError)) this.options.logger.warn('scenario failed', { what, err });
      },
    );
    return p;
  }

  /** Scenario driver entry: counts as processed call for CoreStatus. */
  runCall(what: string, fn: (ctx: ScenarioContext) => Promise<CallResult>): Promise<CallResult> {
    this.pbx.processedCalls++;
    return this.track(fn(this.ctx), what);
  }

  originate(req: OriginateRequest): OriginateRun {
    this.pbx.processedCalls++;
    const run = originate(this.ctx, req, this.options.amiCallTalkMs);
    this.track(run.done, `originate ${req.channel}`);
    return run;
  }

  hangup(ch: Channel, cause: number): void {
    ch.interrupt({ kind: 'hangup', cause, via: 'ami' });
  }

  redirect(ch: Channel, place: Place): void {
    ch.interrupt({ kind: 'redirect', ...place });
  }

  /** Every scenario stops; the PBX forgets its calls (a restart), or the simulator ends (close). */
  abortAll(final: boolean): void {
    this.rt.abortAll(final ? new SimulatorClosedError() : new SimulatorRestartedError(), final);
    if (!final) {
      this.rt = new Runtime(this.clock);
      this.ctx = new ScenarioContext(this.pbx, this.rt, this.options.logger, this.options.monitorDir);
    }
  }

  /** Wait until no scenario runs (used after abortAll so nothing writes afterwards). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}

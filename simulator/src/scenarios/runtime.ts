/**
 * How scenarios wait: simulated sleeps that an AMI Hangup or Redirect can cut
 * short, all on the one injected clock. Closing the simulator aborts every
 * wait, so no scenario promise hangs on a dead simulator.
 */

import type { TimerHandle } from '../../../protocol/src/clock.js';
import type { Channel, Interrupt } from '../model/channel.js';
import type { SimClock } from '../model/sim-clock.js';

export class SimulatorClosedError extends Error {
  readonly code = 'SIM_CLOSED';
  constructor() {
    super('PBX simulator closed while a scenario was running');
    this.name = 'SimulatorClosedError';
  }
}

export interface Interrupted {
  channel: Channel;
  interrupt: Interrupt;
}

export class Runtime {
  private readonly aborters = new Set<(err: Error) => void>();
  private closed = false;

  constructor(readonly clock: SimClock) {}

  sleep(ms: number): Promise<void> {
    return this.wait(ms, []).then(() => undefined);
  }

  /**
   * Wait `ms` of simulated time (Infinity: until interrupted), or until one of
   * `channels` receives an interrupt, which is then returned.
   */
  wait(ms: number, channels: Channel[]): Promise<Interrupted | undefined> {
    if (this.closed) return Promise.reject(new SimulatorClosedError());
    for (const ch of channels) {
      const pending = ch.takePending();
      if (pending) return Promise.resolve({ channel: ch, interrupt: pending });
    }
    return new Promise<Interrupted | undefined>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const offs: Array<() => void> = [];
      const finish = (value: Interrupted | undefined, err?: Error) => {
        this.clock.clearTimeout(timer);
        for (const off of offs) off();
        this.aborters.delete(abort);
        if (err) reject(err);
        else resolve(value);
      };
      const abort = (err: Error) => finish(undefined, err);
      this.aborters.add(abort);
      if (Number.isFinite(ms)) timer = this.clock.setTimeout(() => finish(undefined), ms);
      for (const ch of channels) offs.push(ch.onInterrupt((interrupt) => finish({ channel: ch, interrupt })));
    });
  }

  /** Fail every pending wait (simulator closing or PBX restarting). */
  abortAll(err: Error = new SimulatorClosedError(), final = true): void {
    if (final) this.closed = true;
    for (const abort of [...this.aborters]) abort(err);
  }
}
